import { Resvg } from "@resvg/resvg-js";
import type { DigestBar, DigestCard } from "../conversation/card.js";

/*
 * The digest's charts as one picture for Slack, which has no chart blocks: main actions by RAG,
 * RAG theme by theme, and the trend over the last digests. Every bar and line is labelled with
 * its word and number, so the picture never relies on colour alone; the numbers are in the
 * message's text as well.
 */

const COLOURS: Record<DigestBar["rag"], string> = { red: "#c4262e", amber: "#e8a317", green: "#2e7d32", complete: "#6b6b6b", none: "#9e9e9e" };
const FONT = "DejaVu Sans, Arial, sans-serif";
const WIDTH = 900;

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const text = (x: number, y: number, s: string, extra = "") =>
  `<text x="${x}" y="${y}" font-family="${FONT}"${extra.includes("font-size") ? "" : ' font-size="14"'} fill="#222" ${extra}>${esc(s)}</text>`;

/** The charts as SVG; null when the digest has nothing to draw. */
export function digestChartSvg(card: DigestCard): string | null {
  if (card.chart.slices.length === 0) return null;
  const parts: string[] = [];
  let y = 30;
  parts.push(text(20, y, card.chart.title, 'font-size="18" font-weight="bold"'));
  y += 20;
  // One stacked bar of the plan's main actions, each part labelled below it.
  const total = card.chart.slices.reduce((n, s) => n + s.value, 0) || 1;
  let x = 20;
  const barWidth = WIDTH - 40;
  for (const s of card.chart.slices) {
    const w = (s.value / total) * barWidth;
    parts.push(`<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="28" fill="${COLOURS[s.rag]}"/>`);
    x += w;
  }
  y += 48;
  parts.push(text(20, y, card.chart.slices.map((s) => `${s.label} ${s.value}`).join("   ·   ")));
  y += 36;

  if (card.themeChart) {
    parts.push(text(20, y, card.themeChart.title, 'font-size="18" font-weight="bold"'));
    y += 16;
    const max = Math.max(1, ...card.themeChart.themes.map((th) => th.bars.reduce((n, b) => n + b.value, 0)));
    const left = 300;
    for (const th of card.themeChart.themes) {
      y += 26;
      parts.push(text(20, y, th.name.length > 36 ? `${th.name.slice(0, 35)}…` : th.name));
      let bx = left;
      for (const b of th.bars) {
        const w = (b.value / max) * (WIDTH - left - 200);
        if (w > 0) parts.push(`<rect x="${bx.toFixed(1)}" y="${y - 14}" width="${w.toFixed(1)}" height="18" fill="${COLOURS[b.rag]}"/>`);
        bx += w;
      }
      parts.push(text(bx + 8, y, th.bars.filter((b) => b.value > 0).map((b) => `${b.label.slice(0, 1)}${b.value}`).join(" "), 'font-size="12"'));
    }
    y += 40;
  }

  if (card.trendChart) {
    parts.push(text(20, y, card.trendChart.title, 'font-size="18" font-weight="bold"'));
    const top = y + 20;
    const height = 160;
    const points = card.trendChart.series[0]?.values.length ?? 0;
    const max = Math.max(1, ...card.trendChart.series.flatMap((s) => s.values.map((v) => v.y)));
    const step = points > 1 ? (WIDTH - 260) / (points - 1) : 0;
    const at = (i: number, v: number) => [60 + i * step, top + height - (v / max) * height] as const;
    parts.push(`<line x1="60" y1="${top + height}" x2="${WIDTH - 200}" y2="${top + height}" stroke="#888"/>`);
    for (const s of card.trendChart.series) {
      const path = s.values.map((v, i) => at(i, v.y).map((n) => n.toFixed(1)).join(",")).join(" ");
      parts.push(`<polyline points="${path}" fill="none" stroke="${COLOURS[s.rag]}" stroke-width="3"/>`);
      const last = s.values.at(-1);
      if (last) {
        const [lx, ly] = at(s.values.length - 1, last.y);
        parts.push(text(lx + 10, ly + 5, `${s.label} ${last.y}`, 'font-size="13"'));
      }
    }
    card.trendChart.series[0]?.values.forEach((v, i) => parts.push(text(at(i, 0)[0] - 18, top + height + 18, v.x, 'font-size="11"')));
    y = top + height + 40;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}"><rect width="100%" height="100%" fill="#fff"/>${parts.join("")}</svg>`;
}

/** The charts as PNG, rendered on the server; null when there is nothing to draw. */
export function digestChartPng(card: DigestCard): Buffer | null {
  const svg = digestChartSvg(card);
  if (!svg) return null;
  const png = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" }, background: "#ffffff" }).render().asPng();
  return Buffer.from(png);
}

/** The charts' numbers in words, for the image's alt text. */
export function digestChartAlt(card: DigestCard): string {
  const lines = [`${card.chart.title}: ${card.chart.slices.map((s) => `${s.label} ${s.value}`).join(", ")}.`, card.trendText];
  if (card.themeChart) lines.push(...card.themeChart.themes.map((th) => `${th.name}: ${th.bars.map((b) => `${b.label} ${b.value}`).join(", ")}.`));
  return lines.join(" ");
}
