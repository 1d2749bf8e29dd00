import type { TFunction } from "i18next";
import { parseTarget } from "../domain/parse-target.js";
import type { ParsedAction, ParsedPlan, PlanReading } from "./parsed-plan.js";
import type { TableReading } from "./read-columns.js";

const MONTH = "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
const WHEN =
  `(?:(?:the\\s+)?(?:end|start|beginning|middle)\\s+of\\s+|early\\s+|mid[-\\s]|late\\s+)?` +
  `(?:\\d{1,2}(?:st|nd|rd|th)?\\s+${MONTH}\\s+\\d{4}|${MONTH}\\s+\\d{4}|q[1-4]\\s+\\d{4}(?:\\s*[/-]\\s*\\d{2,4})?|(?:spring|summer|autumn|winter)\\s+\\d{4}|\\d{1,2}/\\d{1,2}/\\d{2,4})`;
// "by June 2024", "planned for April 2024", "due to complete in Q3 2024/25", "no later than 31/03/2025".
const PROSE_DATE = new RegExp(
  `\\b(?:by|before|planned\\s+for|scheduled\\s+for|due\\s+(?:in|by|for)|due\\s+to\\s+(?:complete|finish|be\\s+completed)\\s+(?:in|by)|expected\\s+(?:in|by)|target(?:ed)?\\s+(?:for|of)|no\\s+later\\s+than|completion\\s+(?:in|by)|complete(?:d)?\\s+(?:in|by)|deadline\\s+of)\\s+(${WHEN})`,
  "i",
);

/** True when an action has no date to be chased against (an ongoing action is asked about when silent). */
function hasNoTarget(a: ParsedAction): boolean {
  return !a.target || (!a.target.from && !a.target.ongoing);
}

function isOpen(a: ParsedAction): boolean {
  return a.status !== "complete" && a.status !== "cancelled";
}

/** The first date an action's own words promise, when its target column gives none. */
export function suggestTarget(a: ParsedAction): { phrase: string; target: NonNullable<ParsedAction["target"]> } | null {
  for (const text of [a.title, a.detail, a.progress]) {
    if (!text) continue;
    const m = PROSE_DATE.exec(text);
    if (!m) continue;
    const target = parseTarget(m[1]!);
    if (target?.from) return { phrase: m[0], target: { ...target, text: m[1]! } };
  }
  return null;
}

/**
 * What the preview says about a parsed plan: how its columns were read and what is unsure, what
 * was found, which open actions can never be chased (no owner, no dated target, no status) and the
 * targets their own words suggest. Pure.
 */
export function assessPlan(plan: ParsedPlan, reading: TableReading | null, t: TFunction): PlanReading {
  const actions = plan.recommendations.flatMap((r) => r.actions);
  const roleLabel = (role: string | null) => (role ? t(`reading.role.${role}`) : t("reading.role.none"));
  const suggestedTargets: PlanReading["suggestedTargets"] = [];
  for (const a of actions) {
    if (!hasNoTarget(a) || !isOpen(a)) continue;
    const s = suggestTarget(a);
    if (s) suggestedTargets.push({ ref: a.ref ?? "", phrase: s.phrase, target: s.target });
  }
  const owners = new Set(actions.flatMap((a) => a.owners.map((o) => o.toLowerCase())));
  return {
    headerLine: reading?.headerLine ?? null,
    columns: reading?.columns ?? [],
    questions: (reading?.questions ?? []).map((q) => ({
      ...q,
      open: q.reason !== "unused",
      message: t(`reading.question.${q.reason}`, {
        column: q.column,
        heading: q.heading || t("reading.no_heading"),
        role: roleLabel(q.guess),
        samples: reading?.columns.find((c) => c.column === q.column)?.samples.map((s) => `"${s}"`).join(", ") ?? "",
      }),
    })),
    found: {
      recommendations: plan.recommendations.length,
      actions: actions.length,
      owners: owners.size,
      targets: actions.filter((a) => a.target?.from).length,
      statuses: actions.filter((a) => a.status).length,
    },
    unchased: {
      noOwner: actions.filter((a) => isOpen(a) && a.owners.length === 0).map((a) => a.ref ?? ""),
      noTarget: actions.filter((a) => isOpen(a) && hasNoTarget(a)).map((a) => a.ref ?? ""),
      noStatus: actions.filter((a) => !a.status).map((a) => a.ref ?? ""),
    },
    suggestedTargets,
  };
}

/** The plan with each suggested target taken as the action's target (the person accepted them). */
export function acceptSuggestedTargets(plan: ParsedPlan): ParsedPlan {
  const byRef = new Map((plan.reading?.suggestedTargets ?? []).map((s) => [s.ref, s.target]));
  if (byRef.size === 0) return plan;
  return {
    ...plan,
    recommendations: plan.recommendations.map((r) => ({
      ...r,
      actions: r.actions.map((a) => (a.ref && byRef.has(a.ref) && hasNoTarget(a) ? { ...a, target: byRef.get(a.ref)! } : a)),
    })),
    reading: plan.reading && {
      ...plan.reading,
      suggestedTargets: [],
      unchased: { ...plan.reading.unchased, noTarget: plan.reading.unchased.noTarget.filter((ref) => !byRef.has(ref)) },
    },
  };
}

/** Open questions that must be answered before the plan is written. */
export function openQuestions(plan: ParsedPlan): PlanReading["questions"] {
  return (plan.reading?.questions ?? []).filter((q) => q.open);
}
