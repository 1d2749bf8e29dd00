import { DateTime } from "luxon";
import { addDays, londonDate } from "../domain/london-date.js";
import type { AskReason, ChaseSettings } from "../domain/why-ask.js";
import type { Store } from "./open-store.js";

/** What one plan's part of the query needs of its settings: whyAsk's thresholds and the cadence. */
export interface ScanSettings extends ChaseSettings {
  cadenceDays: number;
  timeZone: string;
}

export interface ScannedAction {
  id: string;
  planId: string;
  reason: AskReason;
  /** shouldPromptAgain's answer: never asked nor answered, asked before its state changed, or the cadence has passed. */
  promptDue: boolean;
}

/**
 * How SQLite picks the rows. "indexes": through the (planId, scanTarget) and (planId, scanHeardAt)
 * indexes, reading only the actions that need an answer; right when few do. "table": one pass over
 * the table; right when many do, as reading a row through an index costs SQLite four to six times
 * reading it in the pass (measured on the bench's stores). PostgreSQL has one shape (see scanSql).
 */
export type ScanShape = "indexes" | "table";

const DAY_MS = 86_400_000;
const KINDS = ["overdue", "slipping", "due_soon", "silent"] as const;
/** Plans a statement on SQLite: four parameters each, well under its limit. */
const PLANS_PER_STATEMENT = 2_000;
/** Plans a statement on PostgreSQL, where each plan is a part of the statement planned on its own. */
const PG_PLANS_PER_STATEMENT = 50;
/**
 * The table shape looks each row's plan up among the statement's plans one by one: past this many
 * that costs more than the indexes cost, so the indexes are used.
 */
const TABLE_SHAPE_MAX_PLANS = 32;
/**
 * SQLite reads the whole table once the indexes would give more than a quarter of its rows. The
 * two indexes' rows are added up, so an action both due and silent counts twice.
 */
const TABLE_SHARE_DIVISOR = 4;

/**
 * Every open action that needs an answer at `now`, with why and whether the cadence lets it be
 * asked today: whyAsk and shouldPromptAgain written in SQL, each plan's thresholds and cadence as
 * constants of its own part of the statement. The indexed scanTarget and scanHeardAt columns
 * (src/store/scan-columns.ts) say which rows need an answer. On SQLite the indexes on them pick
 * those rows when they are few and a pass over the table does when they are many (chooseShape);
 * `shape` forces one, so tests can hold both to the rules.
 */
export async function scanDueActions(store: Store, now: Date, plans: Iterable<{ id: string; settings: ScanSettings }>, options: { shape?: ScanShape } = {}): Promise<ScannedAction[]> {
  const today = londonDate(now);
  const pg = store.provider === "postgresql";
  const stamp = pg ? pgStamp : sqliteStamp;
  const all = [...plans];
  const found: ScannedAction[] = [];
  // Tens of thousands of rows share a few hundred reasons: one object each, read-only, saves the
  // garbage collector a third of the scan.
  const reasons = new Map<number, AskReason>();
  const reasonOf = (code: number): AskReason => {
    const key = code - (code & 4);
    const known = reasons.get(key);
    if (known) return known;
    const kind = KINDS[code & 3]!;
    const reason: AskReason = kind === "slipping" ? { kind } : { kind, days: (code - (code & 7)) / 8 };
    reasons.set(key, reason);
    return reason;
  };
  const step = pg ? PG_PLANS_PER_STATEMENT : PLANS_PER_STATEMENT;
  for (let start = 0; start < all.length; start += step) {
    const slice = all.slice(start, start + step);
    const perPlan = planParameters(store, now, slice);
    const shape = pg ? "indexes" : (options.shape ?? (await shapeFor(store, perPlan)));
    const sql = scanSql(store.provider, slice.length, shape);
    const values = [today, stamp(now), ...perPlan];
    const query = store.db.$queryRawUnsafe<{ v: string }[]>(sql.text, ...sql.order.map((n) => values[n - 1]));
    // PostgreSQL: JIT compiling costs more than running the scan. Each plan's part reads its rows
    // through the two indexes (a bitmap, so the table's pages in order): faster than a pass over
    // the table even when two thirds match, and the planner's statistics, which may be out of date
    // (a large import before autovacuum has looked), cannot lead it to a pass for every plan.
    const rows = pg ? (await store.db.$transaction([store.db.$executeRawUnsafe("SET LOCAL jit = off"), store.db.$executeRawUnsafe("SET LOCAL enable_seqscan = off"), query]))[2] : await query;
    for (const { v } of rows) {
      // "id plan code": code = kind + 4 × promptDue + 8 × days (see scanSql); & 7 holds for negative days too.
      const idEnd = v.indexOf(" ");
      const planEnd = v.indexOf(" ", idEnd + 1);
      const code = Number(v.slice(planEnd + 1));
      found.push({ id: v.slice(0, idEnd), planId: slice[Number(v.slice(idEnd + 1, planEnd))]!.id, reason: reasonOf(code), promptDue: (code & 4) !== 0 });
    }
  }
  return found;
}

/** Each plan's parameters, four a plan: its id, today + dueSoonDays, silentDays ago and the cadence cutoff. */
function planParameters(store: Store, now: Date, plans: { id: string; settings: ScanSettings }[]): string[] {
  const today = londonDate(now);
  const stamp = store.provider === "postgresql" ? pgStamp : sqliteStamp;
  return plans.flatMap(({ id, settings }) => [
    id,
    addDays(today, settings.dueSoonDays),
    stamp(new Date(now.getTime() - settings.silentDays * DAY_MS)),
    stamp(cadenceCutoff(now, settings.cadenceDays, settings.timeZone)),
  ]);
}

/** The shape the scan takes for these plans at `now` (PostgreSQL's is always its indexes). */
export async function chooseShape(store: Store, now: Date, plans: Iterable<{ id: string; settings: ScanSettings }>): Promise<ScanShape> {
  return store.provider === "postgresql" ? "indexes" : shapeFor(store, planParameters(store, now, [...plans]));
}

/**
 * SQLite's choice: counts what the two indexes would give for the plans against the table's
 * rows, reading only the indexes and stopping at a quarter of the table (milliseconds), and reads
 * the table whole past that. SQLite's planner cannot choose this itself: it keeps no statistics of
 * the columns' values.
 */
async function shapeFor(store: Store, perPlan: string[]): Promise<ScanShape> {
  const plans = perPlan.length / 4;
  if (plans > TABLE_SHAPE_MAX_PLANS) return "indexes";
  const settings = Array.from({ length: plans }, (_, i) => `($${1 + i * 4}, $${2 + i * 4}, $${3 + i * 4})`).join(", ");
  const counts = bind(
    false,
    `WITH plan_settings ("planId", "dueBy", "silentBefore") AS (VALUES ${settings}),
      total (n) AS (SELECT COUNT(*) FROM "Action")
    SELECT (SELECT n FROM total) AS total, (SELECT COUNT(*) FROM (
      SELECT 1 FROM plan_settings s JOIN "Action" a ON a."planId" = s."planId" WHERE a."scanTarget" <= s."dueBy"
      UNION ALL SELECT 1 FROM plan_settings s JOIN "Action" a ON a."planId" = s."planId" WHERE a."scanHeardAt" <= s."silentBefore"
      LIMIT (SELECT n / ${TABLE_SHARE_DIVISOR} + 1 FROM total))) AS picked`,
  );
  const [row] = await store.db.$queryRawUnsafe<{ picked: number | bigint; total: number | bigint }[]>(counts.text, ...counts.order.map((n) => perPlan[n - 1]));
  return Number(row?.picked ?? 0) * TABLE_SHARE_DIVISOR > Number(row?.total ?? 0) ? "table" : "indexes";
}

/**
 * shouldPromptAgain's cadence as an instant: days are local calendar days in the plan's zone, so
 * the last ask or answer must fall before the start of the local day cadenceDays - 1 days ago.
 */
export function cadenceCutoff(now: Date, cadenceDays: number, timeZone: string): Date {
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  return local.startOf("day").minus({ days: cadenceDays - 1 }).startOf("day").toJSDate();
}

// How each provider keeps DateTime: SQLite as ISO text ending +00:00, PostgreSQL as UTC timestamp(3).
const sqliteStamp = (d: Date) => d.toISOString().replace("Z", "+00:00");
const pgStamp = (d: Date) => d.toISOString().replace("T", " ").replace("Z", "");

/**
 * Parameters: $1 today (UK), $2 now, then per plan its id, today + dueSoonDays, the instant
 * silentDays ago and the cadence cutoff. The WHERE is whyAsk's "needs an answer" on the indexed
 * columns; the CASE is its order of reasons on the action's own columns; promptDue is
 * shouldPromptAgain: the last contact (the later of the last ask and the last answer, each read by
 * index for the rows picked only) is before the cutoff, or before the state changed (an import's
 * status, or the UTC midnight after the target of an overdue action). Each row comes back as one
 * string, "id plan code", because Prisma's raw path costs more for every value returned than the
 * database spends finding the row.
 *
 * SQLite: the plans' settings as a VALUES list joined to the actions, read through the two
 * indexes (its MULTI-INDEX OR) or, NOT INDEXED, in one pass over the table with each row's plan
 * looked up. PostgreSQL: one part per plan, UNION ALL, with the plan's thresholds as parameters
 * of its own, so the planner sees them and ORs the two indexes; hidden in a join they are not
 * seen, and it read the plan's every row.
 */
export function scanSql(provider: Store["provider"], plans: number, shape: ScanShape): { text: string; order: number[] } {
  const needsAnswer = (dueBy: string, silentBefore: string) => `(a."scanTarget" <= ${dueBy} OR a."scanHeardAt" <= ${silentBefore})
      AND (a."snoozedUntil" IS NULL OR a."snoozedUntil" < $1)`;
  if (provider === "postgresql") {
    const parts = Array.from({ length: plans }, (_, i) => {
      const n = 3 + i * 4;
      return `SELECT ${rowSql(true, { idx: `'${i}'`, dueBy: `$${n + 1}`, cutoff: `$${n + 3}::timestamp` })} AS v FROM "Action" a
    WHERE a."planId" = $${n} AND ${needsAnswer(`$${n + 1}`, `$${n + 2}::timestamp`)}`;
    });
    return bind(true, parts.join("\n    UNION ALL "));
  }
  const settings = Array.from({ length: plans }, (_, i) => `(${i}, $${3 + i * 4}, $${4 + i * 4}, $${5 + i * 4}, $${6 + i * 4})`).join(", ");
  // CROSS JOIN makes SQLite join in the order written: the table outside, read once.
  const from =
    shape === "table"
      ? `"Action" a NOT INDEXED CROSS JOIN plan_settings s WHERE a."planId" = s."planId" AND`
      : `plan_settings s JOIN "Action" a ON a."planId" = s."planId" WHERE`;
  return bind(
    false,
    `
    WITH plan_settings (idx, "planId", "dueBy", "silentBefore", cutoff) AS (VALUES ${settings})
    SELECT ${rowSql(false, { idx: "s.idx", dueBy: `s."dueBy"`, cutoff: "s.cutoff" })} AS v
    FROM ${from} ${needsAnswer(`s."dueBy"`, `s."silentBefore"`)}`,
  );
}

/** One row's "id plan code" (see scanSql), given where the row's plan and thresholds are read from. */
function rowSql(pg: boolean, s: { idx: string; dueBy: string; cutoff: string }): string {
  const kind = `CASE
      WHEN a.status = 'ongoing' THEN 3
      WHEN a."targetTo" <> '' AND a."targetTo" < $1 THEN 0
      WHEN a.status = 'delayed' OR (a."targetTo" <> '' AND a."originalTargetTo" <> '' AND a."targetTo" > a."originalTargetTo") THEN 1
      WHEN a."targetTo" <> '' AND a."targetTo" <= ${s.dueBy} THEN 2
      ELSE 3
    END`;
  // The last ask and the last answer, each one index lookup; the contact is the later of the two.
  const asked = `(SELECT MAX(pa."at") FROM "PromptedAction" pa WHERE pa."actionId" = a.id)`;
  const answered = `(SELECT MAX(an."createdAt") FROM "Answer" an WHERE an."actionId" = a.id)`;
  // The latest instant a contact must precede for the action to be asked again. SQLite's MAX is
  // NULL when any argument is, so absent ones are '' (before every stamp); GREATEST ignores NULLs.
  // "targetTo" || 'U' sorts after every stamp on that day and before the next day's.
  const askedBefore = pg
    ? `GREATEST(${s.cutoff}, CASE WHEN a."statusSource" = 'import' THEN a."statusUpdatedAt" END, CASE WHEN ${kind} = 0 THEN (a."targetTo"::date + 1)::timestamp END)`
    : `MAX(${s.cutoff}, CASE WHEN a."statusSource" = 'import' THEN COALESCE(a."statusUpdatedAt", '') ELSE '' END, CASE WHEN ${kind} = 0 THEN a."targetTo" || 'U' ELSE '' END)`;
  // whyAsk's days: whole days between ISO days, and whole days of silence to the millisecond.
  const days = pg
    ? {
        overdue: `($1::date - a."targetTo"::date)`,
        dueSoon: `(a."targetTo"::date - $1::date)`,
        silent: `FLOOR(EXTRACT(EPOCH FROM ($2::timestamp - a."scanHeardAt")) / 86400)::int`,
      }
    : {
        overdue: `CAST(julianday($1) - julianday(a."targetTo") AS INTEGER)`,
        dueSoon: `CAST(julianday(a."targetTo") - julianday($1) AS INTEGER)`,
        silent: `(CAST(ROUND(unixepoch($2, 'subsec') * 1000) AS INTEGER) - CAST(ROUND(unixepoch(a."scanHeardAt", 'subsec') * 1000) AS INTEGER)) / 86400000`,
      };
  const code = `(${kind}
      + CASE WHEN COALESCE(${asked} < ${askedBefore}, ${pg ? "TRUE" : "1"}) AND COALESCE(${answered} < ${askedBefore}, ${pg ? "TRUE" : "1"}) THEN 4 ELSE 0 END
      + 8 * CASE ${kind} WHEN 0 THEN ${days.overdue} WHEN 2 THEN ${days.dueSoon} WHEN 3 THEN ${days.silent} ELSE 0 END)`;
  return `a.id || ' ' || ${s.idx} || ' ' || ${pg ? `${code}::text` : code}`;
}

/** SQLite's driver binds by position only: each "?" takes the next value, in the order written. */
function bind(pg: boolean, text: string): { text: string; order: number[] } {
  if (pg) {
    const highest = Math.max(0, ...[...text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
    return { text, order: Array.from({ length: highest }, (_, i) => i + 1) };
  }
  return { text: text.replace(/\$\d+/g, "?"), order: [...text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])) };
}
