import type { DigestCard, DigestSection } from "../conversation/card.js";

/** The digest card as plain text for a terminal: every section, then the full lists. */
export function renderDigestText(card: DigestCard): string {
  const out: string[] = [card.title, card.subtitle];
  if (card.note) out.push(card.note);
  out.push("", `${card.chart.title}: ${card.chart.slices.map((s) => `${s.label} ${s.value}`).join(", ")}`, card.trendText);
  const section = (s: DigestSection) => {
    out.push("", `== ${s.heading} ==`, s.summary, s.ragLine);
    for (const l of s.lines) {
      out.push(`  ${l.label}`);
      for (const i of l.items) out.push(`    - ${i}`);
      if (l.more) out.push(`    ${l.more}`);
    }
  };
  card.sections.forEach(section);
  if (card.footer) out.push("", card.footer);
  out.push("", `-- ${card.showAllLabel} --`);
  card.detail.forEach(section);
  return out.join("\n");
}
