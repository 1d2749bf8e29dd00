import { addDays, daysBetween } from "../domain/london-date.js";
import type { Rag, Status } from "../domain/vocabulary.js";

/*
 * The digest's rules, written once: the RAG of a sub-action (given by the plan or derived), the
 * RAG of a main action (from its sub-actions), a sub-action's slippage level and the trend between
 * two digests. Each rule is a pure function of the action and a context holding `today`, `now` and
 * the plan's thresholds. This is the specification: the store runs the same clauses as SQL
 * (src/store/digest-sql.ts, its CASE built from RAG_RULE's order) so a 100,000-action plan is
 * counted in the database, and a test holds the two to the same answers.
 */

/** A sub-action's or main action's state in the digest: a RAG, or complete (counted apart). */
export type DigestRag = Rag | "complete";
export const DIGEST_RAGS = ["red", "amber", "green", "complete"] as const satisfies readonly DigestRag[];
/** Higher is worse; a main action takes its worst open sub-action's rank. */
export const RAG_RANK: Record<DigestRag, number> = { complete: 0, green: 1, amber: 2, red: 3 };
export const RANK_RAG: DigestRag[] = ["complete", "green", "amber", "red"];

export const SLIPPAGE_LEVELS = ["on_track", "medium", "significant"] as const;
export type SlippageLevel = (typeof SLIPPAGE_LEVELS)[number];

/** What the rules read of an action. */
export interface RuleAction {
  status: Status | null;
  rag: Rag | null;
  targetTo: string | null;
  originalTargetTo: string | null;
  /** The last update given, else when the action was created. */
  lastHeard: Date;
}

/** The calendar and the plan's thresholds the rules are applied with. */
export interface RuleContext {
  /** The UK calendar day of `now`, YYYY-MM-DD. */
  today: string;
  now: Date;
  /** "Due soon": a target within this many days (plan setting dueSoonDays). */
  dueSoonDays: number;
  /** "No recent update": nothing heard for this many days (plan setting cadenceDays). */
  quietDays: number;
  /** Slippage of at least this many days is medium (plan setting slippageMediumDays). */
  mediumDays: number;
  /** Slippage of at least this many days is significant (plan setting slippageSignificantDays). */
  significantDays: number;
}

/** A condition on one action. */
interface Fact {
  test(a: RuleAction, ctx: RuleContext): boolean;
}

const quietSince = (ctx: RuleContext) => new Date(ctx.now.getTime() - ctx.quietDays * 86_400_000);

export type FactName = "closed" | "given" | "blocked" | "overdue" | "delayed" | "moved" | "dueSoonQuiet";

export const FACTS: Record<FactName, Fact> = {
  closed: {
    test: (a) => a.status === "complete" || a.status === "cancelled",
  },
  given: {
    test: (a) => a.rag !== null,
  },
  blocked: {
    test: (a) => a.status === "blocked",
  },
  overdue: {
    test: (a, ctx) => a.status !== "ongoing" && a.targetTo !== null && a.targetTo < ctx.today,
  },
  delayed: {
    test: (a) => a.status === "delayed",
  },
  moved: {
    test: (a) => a.targetTo !== null && a.originalTargetTo !== null && a.targetTo > a.originalTargetTo,
  },
  dueSoonQuiet: {
    test: (a, ctx) => a.targetTo !== null && a.targetTo >= ctx.today && a.targetTo <= addDays(ctx.today, ctx.dueSoonDays) && a.lastHeard <= quietSince(ctx),
  },
};

/**
 * The RAG rule, first match wins. A RAG the plan (or an answer in chat) gives is used as it is;
 * only where there is none is one derived, and the digest then says so.
 */
export const RAG_RULE: { when: FactName; then: DigestRag | "given" }[] = [
  { when: "closed", then: "complete" },
  { when: "given", then: "given" },
  { when: "blocked", then: "red" },
  { when: "overdue", then: "red" },
  { when: "delayed", then: "amber" },
  { when: "moved", then: "amber" },
  { when: "dueSoonQuiet", then: "amber" },
];
/** When no clause matches. */
export const RAG_OTHERWISE: DigestRag = "green";

/** A sub-action's RAG, whether it was derived, and the clause that decided it. */
export function subActionRag(a: RuleAction, ctx: RuleContext): { rag: DigestRag; derived: boolean; because: FactName | "otherwise" } {
  for (const clause of RAG_RULE) {
    if (!FACTS[clause.when].test(a, ctx)) continue;
    if (clause.then === "given") return { rag: a.rag!, derived: false, because: clause.when };
    return { rag: clause.then, derived: clause.when !== "closed", because: clause.when };
  }
  return { rag: RAG_OTHERWISE, derived: true, because: "otherwise" };
}

/** A main action follows its sub-actions: the worst open one, complete when all are, null with none. */
export function mainActionRag(subActions: DigestRag[]): DigestRag | null {
  if (subActions.length === 0) return null;
  return RANK_RAG[Math.max(...subActions.map((r) => RAG_RANK[r]))]!;
}

/** A main action's RAG, and whether it rests on a derived one: any open sub-action's RAG derived. */
export function mainActionFigures(subActions: { rag: DigestRag; derived: boolean }[]): { rag: DigestRag; derived: boolean } | null {
  const rag = mainActionRag(subActions.map((s) => s.rag));
  if (rag === null) return null;
  return { rag, derived: rag !== "complete" && subActions.some((s) => s.rag !== "complete" && s.derived) };
}

/**
 * How far an open sub-action has slipped: days past its target, or days its target has moved
 * beyond the one first agreed, whichever is more. Delayed or blocked is at least medium.
 * Null for a closed one.
 */
export function slippage(a: RuleAction, ctx: RuleContext): { level: SlippageLevel; days: number } | null {
  if (FACTS.closed.test(a, ctx)) return null;
  const late = FACTS.overdue.test(a, ctx) ? daysBetween(a.targetTo!, ctx.today) : 0;
  const moved = FACTS.moved.test(a, ctx) ? daysBetween(a.originalTargetTo!, a.targetTo!) : 0;
  const days = Math.max(late, moved);
  const level: SlippageLevel =
    days >= ctx.significantDays ? "significant" : days >= ctx.mediumDays || a.status === "delayed" || a.status === "blocked" ? "medium" : "on_track";
  return { level, days };
}

export interface RagCounts {
  red: number;
  amber: number;
  green: number;
  complete: number;
}

export type TrendDirection = "up" | "down" | "same" | "new";

/** Each RAG's count now beside the previous digest's ("red 3 → 2"); "new" with nothing to compare. */
export function ragTrend(now: RagCounts, previous: RagCounts | null): Record<DigestRag, { from: number | null; to: number; direction: TrendDirection }> {
  const entry = (rag: DigestRag) => {
    const to = now[rag];
    const from = previous ? previous[rag] : null;
    const direction: TrendDirection = from === null ? "new" : to > from ? "up" : to < from ? "down" : "same";
    return { from, to, direction };
  };
  return { red: entry("red"), amber: entry("amber"), green: entry("green"), complete: entry("complete") };
}
