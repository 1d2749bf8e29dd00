/** "R6" as plans may write it: "R6", "R 6", "r6", "R6.", "R 6." and so on. */
export function refSpellings(ref: string): string[] {
  const compact = ref.replace(/\s+/g, "");
  const spaced = compact.replace(/^([A-Za-z]+)(\d)/, "$1 $2");
  const forms = new Set<string>();
  for (const base of [ref, compact, spaced]) {
    for (const cased of [base, base.toUpperCase(), base.toLowerCase()]) {
      forms.add(cased);
      forms.add(`${cased}.`);
    }
  }
  return [...forms];
}
