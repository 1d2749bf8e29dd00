import type { TFunction } from "i18next";
import { ukDate } from "../domain/london-date.js";
import type { ParsedPlan } from "./parsed-plan.js";

const MAX_REFS = 12;

function refList(t: TFunction, refs: string[]): string {
  const shown = refs.slice(0, MAX_REFS).join(", ");
  return refs.length > MAX_REFS ? `${shown} ${t("reading.preview.more", { count: refs.length - MAX_REFS })}` : shown;
}

/** How a column's role was found, in words. */
export function howLabel(t: TFunction, source: string | null, confidence: string): string {
  if (!source) return t("reading.how.none");
  if (source === "content") return t(confidence === "unsure" ? "reading.how.content_unsure" : "reading.how.content");
  return t(`reading.how.${source}`);
}

/**
 * The preview as lines of text: each column's role and how sure Chaser is, what it found, what
 * can never be chased, suggested targets and the questions. The command line prints it; chat
 * cards and the playground lay the same facts out their own way.
 */
export function previewLines(plan: ParsedPlan, fileName: string, t: TFunction, options: { title?: boolean; columns?: boolean; found?: boolean; maxWarnings?: number | null } = {}): string[] {
  const r = plan.reading;
  if (!r) return [];
  const lines: string[] = options.title === false ? [] : [t("reading.preview.title", { file: fileName })];
  if (options.columns !== false) {
    for (const c of r.columns) {
      lines.push(`  ${t("reading.preview.column", {
        column: c.column,
        heading: c.heading ? `"${c.heading}"` : `(${t("reading.no_heading")})`,
        role: c.role ? t(`reading.role.${c.role}`) : t("reading.role.none"),
        how: howLabel(t, c.source, c.confidence),
      })}`);
    }
  }
  if (options.found !== false) lines.push(t("reading.preview.found", r.found));
  if (r.unchased.noOwner.length > 0) lines.push(t("reading.preview.no_owner", { count: r.unchased.noOwner.length, refs: refList(t, r.unchased.noOwner) }));
  if (r.unchased.noTarget.length > 0) lines.push(t("reading.preview.no_target", { count: r.unchased.noTarget.length, refs: refList(t, r.unchased.noTarget) }));
  if (r.unchased.noStatus.length > 0) lines.push(t("reading.preview.no_status", { count: r.unchased.noStatus.length, refs: refList(t, r.unchased.noStatus) }));
  for (const s of r.suggestedTargets.slice(0, MAX_REFS)) {
    lines.push(t("reading.preview.suggested", { ref: s.ref, date: s.target.to ? ukDate(s.target.to) : s.target.text, phrase: s.phrase }));
  }
  if (r.suggestedTargets.length > MAX_REFS) lines.push(t("reading.preview.more", { count: r.suggestedTargets.length - MAX_REFS }));
  const questions = r.questions;
  if (questions.length > 0) {
    lines.push(t("reading.preview.questions"));
    for (const q of questions) lines.push(`  ${q.open ? "?" : "-"} ${q.message}`);
  }
  const max = options.maxWarnings ?? 0;
  if (plan.warnings.length > 0 && options.maxWarnings !== null) {
    lines.push(t("reading.preview.warnings", { count: plan.warnings.length }));
    for (const w of plan.warnings.slice(0, max)) lines.push(`  ${t("reading.preview.warning", { line: w.line, message: w.message })}`);
  }
  return lines;
}
