/** Text bars beside the numbers, for clients without charts and for anyone who cannot tell colours apart. */
export function textBar(value: number, max: number, width = 12): string {
  const filled = max > 0 ? Math.max(value > 0 ? 1 : 0, Math.round((value / max) * width)) : 0;
  return `${"█".repeat(filled)}${"░".repeat(width - filled)} ${value}`;
}
