import { addDays } from "../domain/london-date.js";
import { RAG_RANK, RAG_RULE, RAG_OTHERWISE, type FactName, type RuleContext } from "../digest/rag-rule.js";
import type { Store } from "./open-store.js";

/*
 * The digest's rules as SQL over `"Action" a`. rag-rule.ts is the specification; each fact here is
 * its twin, the CASE is built from RAG_RULE's own order, and tests/digest-sql.test.ts checks the
 * two agree on a generated plan on both databases. Every date the rules compare with is worked
 * out here once and bound as a parameter (no date arithmetic per row where a comparison of ISO
 * days will do): "at least N days late" is "target on or before today minus N".
 */

type Provider = Store["provider"];

/**
 * Values bound by name: `{{today}}` in the text becomes a placeholder in the dialect's form. A
 * Date is a moment: ISO text ending +00:00 on SQLite (as its DateTime columns hold them, so text
 * comparison orders them), a timestamp on PostgreSQL.
 */
export type Bound = Record<string, string | number | Date>;

/** Replaces `{{name}}` tokens with `?` (values repeated in order) for SQLite, typed `$n` for PostgreSQL. */
export function compile(provider: Provider, sql: string, values: Bound): { sql: string; args: unknown[] } {
  const args: unknown[] = [];
  const numbered = new Map<string, number>();
  const text = sql.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`digest-sql: no value for {{${name}}}`);
    const value = values[name]!;
    if (provider === "sqlite") {
      args.push(value instanceof Date ? value.toISOString().replace("Z", "+00:00") : value);
      return "?";
    }
    let n = numbered.get(name);
    if (n === undefined) {
      args.push(value instanceof Date ? value.toISOString() : value);
      n = args.length;
      numbered.set(name, n);
    }
    // Typed where bound: PostgreSQL infers one type per parameter, and a day compared with text
    // in one place and cast to a date in another would be read as a date everywhere. A moment is
    // bound as a timestamp, not cast from text in the statement: that cast depends on settings, so
    // PostgreSQL would not fold it and would parse the text again for every row compared with it.
    return typeof value === "number" ? `$${n}::integer` : value instanceof Date ? `$${n}::timestamp` : `$${n}::text`;
  });
  return { sql: text, args };
}

/** The dates and thresholds the rules compare with, from the calendar and the plan's settings. */
export function ruleValues(ctx: RuleContext, extra: { dueWithinDays: number; silentDays: number }): Bound {
  const before = (days: number) => new Date(ctx.now.getTime() - days * 86_400_000);
  return {
    today: ctx.today,
    now: ctx.now,
    soonTo: addDays(ctx.today, ctx.dueSoonDays),
    quietBefore: before(ctx.quietDays),
    lateMedium: addDays(ctx.today, -ctx.mediumDays),
    lateSignificant: addDays(ctx.today, -ctx.significantDays),
    movedMedium: ctx.mediumDays,
    movedSignificant: ctx.significantDays,
    movedMediumShift: `+${ctx.mediumDays} days`,
    movedSignificantShift: `+${ctx.significantDays} days`,
    dueTo: addDays(ctx.today, extra.dueWithinDays),
    silentBefore: before(extra.silentDays),
  };
}

/** The per-action expressions, over the alias given. */
export interface RuleSql {
  /** 0 complete or cancelled, 1 green, 2 amber, 3 red (RAG_RANK). */
  rank: string;
  /** 1 where the RAG is the rule's, not one given (meaningful for open actions). */
  derived: string;
  /** Open: not complete or cancelled (a missing status is open). */
  open: string;
  /** Slippage level 0 on track, 1 medium, 2 significant (meaningful for open actions). */
  slip: string;
  /** Medium slippage or worse, as a condition (cheaper than comparing `slip`). */
  slipping: string;
  /** Days slipped: late or moved, whichever is more (only for the few rows a list names). */
  slipDays: string;
  /** Overdue, due within the digest's horizon, silent: conditions (open is tested apart). */
  overdue: string;
  dueSoon: string;
  silent: string;
  /**
   * Open and silent, from the column the store's triggers keep (when last heard of; null once
   * closed): a list ordered by it walks the (planId, scanHeardAt) index and stops at its LIMIT.
   */
  openSilent: string;
  /** When last heard of: the last update, else creation. */
  heard: string;
  /** Whole days from one ISO day (or timestamp) expression to another. */
  days(from: string, to: string): string;
  /** Whole days from a timestamp expression to now. */
  daysSince(stamp: string): string;
}

export function ruleSql(provider: Provider, a = "a"): RuleSql {
  const sqlite = provider === "sqlite";
  const heard = `COALESCE(${a}."lastUpdateAt", ${a}."createdAt")`;
  const movedAtLeast = (level: "Medium" | "Significant") =>
    sqlite
      ? `${a}."targetTo" >= date(${a}."originalTargetTo", {{moved${level}Shift}})`
      : `CAST(${a}."targetTo" AS date) - CAST(${a}."originalTargetTo" AS date) >= CAST({{moved${level}}} AS integer)`;
  const facts: Record<FactName, string> = {
    closed: `(${a}.status = 'complete' OR ${a}.status = 'cancelled')`,
    given: `(${a}.rag = 'red' OR ${a}.rag = 'amber' OR ${a}.rag = 'green')`,
    blocked: `${a}.status = 'blocked'`,
    overdue: `((${a}.status IS NULL OR ${a}.status <> 'ongoing') AND ${a}."targetTo" < {{today}})`,
    delayed: `${a}.status = 'delayed'`,
    moved: `${a}."targetTo" > ${a}."originalTargetTo"`,
    dueSoonQuiet: `(${a}."targetTo" >= {{today}} AND ${a}."targetTo" <= {{soonTo}} AND ${heard} <= {{quietBefore}})`,
  };
  const givenRank = `CASE ${a}.rag WHEN 'red' THEN 3 WHEN 'amber' THEN 2 ELSE 1 END`;
  const arms = RAG_RULE.map((c) => `WHEN ${facts[c.when]} THEN ${c.then === "given" ? givenRank : RAG_RANK[c.then]}`).join(" ");
  const days = (from: string, to: string) => (sqlite ? `CAST(julianday(${to}) - julianday(${from}) AS INTEGER)` : `(CAST(${to} AS date) - CAST(${from} AS date))`);
  // rag-rule.ts's slippage(): the more of days late and days moved, against the two thresholds.
  const level = (l: "Medium" | "Significant") => `(${facts.overdue} AND ${a}."targetTo" <= {{late${l}}}) OR (${facts.moved} AND ${movedAtLeast(l)})`;
  const slipping = `(${level("Medium")} OR ${a}.status = 'delayed' OR ${a}.status = 'blocked')`;
  const late = `CASE WHEN ${facts.overdue} THEN ${days(`${a}."targetTo"`, "{{today}}")} ELSE 0 END`;
  const moved = `CASE WHEN ${facts.moved} THEN ${days(`${a}."originalTargetTo"`, `${a}."targetTo"`)} ELSE 0 END`;
  return {
    rank: `CASE ${arms} ELSE ${RAG_RANK[RAG_OTHERWISE]} END`,
    derived: `CASE WHEN ${facts.given} THEN 0 ELSE 1 END`,
    open: `(${a}.status IS NULL OR NOT ${facts.closed})`,
    slip: `CASE WHEN ${level("Significant")} THEN 2 WHEN ${slipping} THEN 1 ELSE 0 END`,
    slipping,
    slipDays: `CASE WHEN (${late}) >= (${moved}) THEN (${late}) ELSE (${moved}) END`,
    overdue: facts.overdue,
    dueSoon: `(${a}."targetTo" >= {{today}} AND ${a}."targetTo" <= {{dueTo}})`,
    silent: `${heard} <= {{silentBefore}}`,
    openSilent: `${a}."scanHeardAt" <= {{silentBefore}}`,
    heard,
    days,
    daysSince: (s) => (sqlite ? `CAST(julianday({{now}}) - julianday(${s}) AS INTEGER)` : `CAST(FLOOR(EXTRACT(EPOCH FROM ({{now}} - ${s})) / 86400) AS INTEGER)`),
  };
}

/**
 * Keeps a subquery's expressions from being copied into the query around it (each copy would be
 * evaluated again). SQLite also walks the digest index in main-action order, so grouping by main
 * action streams without a sort; PostgreSQL hashes instead.
 */
export function fence(provider: Provider, orderBy: string): string {
  return provider === "sqlite" ? `ORDER BY ${orderBy} LIMIT -1` : "OFFSET 0";
}
