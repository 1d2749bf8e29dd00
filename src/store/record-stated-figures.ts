import type { ParsedPlan } from "../import/parsed-plan.js";
import { themeRagCounts, themeSubActionCounts, type ThemeRecommendation } from "../import/parse-theme-summary.js";
import type { Tx } from "./open-store.js";
import { londonDate } from "../domain/london-date.js";

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** The day a summary's figures are for: the first of the month its title names, else the import's day. */
export function statedDate(title: string | null, now: Date): string {
  const m = /\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+((?:19|20)\d{2})\b/i.exec(title ?? "");
  if (!m) return londonDate(now);
  return `${m[2]}-${String(MONTHS.indexOf(m[1]!.toLowerCase()) + 1).padStart(2, "0")}-01`;
}

/**
 * A theme progress summary (seed 003) states its themes' figures ("Of the 16 main actions, zero
 * red, 7 amber, 9 green"; "2 sub-actions … medium slippage") and achievements by month. They are
 * kept as that day's figures, so the digest reports them and the next digest's trend starts from
 * them; the summary's key milestones, imported as its actions, are marked as milestones.
 */
export async function recordStatedFigures(tx: Tx, planId: string, parsed: ParsedPlan, asOf: string): Promise<void> {
  if (parsed.kind !== "theme-summary") return;
  await tx.action.updateMany({ where: { planId, milestone: false }, data: { milestone: true } });
  await tx.digestFigures.deleteMany({ where: { planId, asOf, source: "stated" } });
  // The parser's extra fields may have been dropped by validation; its text (detail) still holds them.
  const rows = (parsed.recommendations as Partial<ThemeRecommendation>[]).filter((r) => r.theme).map((r) => {
    const [summary, achievements] = splitDetail(r.detail ?? "");
    const rag = r.ragCounts ?? themeRagCounts(r.summary ?? summary);
    const sub = r.subActions ?? themeSubActionCounts(r.summary ?? summary);
    return {
      planId,
      theme: r.theme!,
      asOf,
      source: "stated",
      red: rag.red ?? 0,
      amber: rag.amber ?? 0,
      green: rag.green ?? 0,
      complete: 0,
      onTrack: sub.onTrack ?? 0,
      medium: sub.mediumSlippage ?? 0,
      significant: sub.significantSlippage ?? 0,
      extra: JSON.stringify({ total: rag.total, achievements: achievementPeriods(r.achievements ?? achievements) }),
    };
  });
  if (rows.length > 0) await tx.digestFigures.createMany({ data: rows });
}

/** "October\n• a\n• b\nSeptember:\n• c" → [{ period: "October", items: [a, b] }, …]. */
export function achievementPeriods(text: string): { period: string; items: string[] }[] {
  const out: { period: string; items: string[] }[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    const item = /^[•○▪●◦-]\s*(.*)$/u.exec(line);
    if (item) {
      if (out.length === 0) out.push({ period: "", items: [] });
      out.at(-1)!.items.push(item[1]!.trim());
    } else {
      out.push({ period: line.replace(/:$/, ""), items: [] });
    }
  }
  return out.filter((p) => p.items.length > 0);
}

/** A theme's detail is its summary, then "Achievements this period (…):" and the achievements. */
function splitDetail(detail: string): [string, string] {
  const m = /^achievements[^\n]*:$/im.exec(detail);
  return m ? [detail.slice(0, m.index), detail.slice(m.index + m[0].length)] : [detail, ""];
}
