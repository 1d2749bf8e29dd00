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

const DAY_MS = 86_400_000;
const KINDS = ["overdue", "slipping", "due_soon", "silent"] as const;
/** Plans a statement: four parameters each, well under SQLite's and PostgreSQL's limits. */
const PLANS_PER_STATEMENT = 2_000;

/**
 * Every open action that needs an answer at `now`, with why and whether the cadence lets it be
 * asked today: whyAsk and shouldPromptAgain written in SQL, each plan's thresholds and cadence as
 * constants of its own part of one statement. The indexed scanTarget and scanHeardAt columns
 * (src/store/scan-columns.ts) pick the rows, so only the rows returned are read.
 */
export async function scanDueActions(store: Store, now: Date, plans: Iterable<{ id: string; settings: ScanSettings }>): Promise<ScannedAction[]> {
  const today = londonDate(now);
  const stamp = store.provider === "sqlite" ? sqliteStamp : pgStamp;
  const all = [...plans];
  const found: ScannedAction[] = [];
  for (let start = 0; start < all.length; start += PLANS_PER_STATEMENT) {
    const slice = all.slice(start, start + PLANS_PER_STATEMENT);
    const perPlan = slice.flatMap(({ id, settings }) => [
      id,
      addDays(today, settings.dueSoonDays),
      stamp(new Date(now.getTime() - settings.silentDays * DAY_MS)),
      stamp(cadenceCutoff(now, settings.cadenceDays, settings.timeZone)),
    ]);
    const sql = scanSql(store.provider, slice.length);
    const values = [today, stamp(now), ...perPlan];
    const query = store.db.$queryRawUnsafe<{ v: string }[]>(sql.text, ...sql.order.map((n) => values[n - 1]));
    // PostgreSQL cannot see the plans' constants when it estimates, guesses a third of the table
    // and compiles the statement with JIT, which costs more than running it: off for this one.
    const rows = store.provider === "postgresql" ? (await store.db.$transaction([store.db.$executeRawUnsafe("SET LOCAL jit = off"), query]))[1] : await query;
    for (const { v } of rows) {
      // "id plan code": code = kind + 4 × promptDue + 8 × days (see scanSql); & 7 holds for negative days too.
      const [id, plan, packed] = v.split(" ");
      const code = Number(packed);
      const kind = KINDS[code & 3]!;
      const days = (code - (code & 7)) / 8;
      found.push({ id: id!, planId: slice[Number(plan)]!.id, reason: kind === "slipping" ? { kind } : { kind, days }, promptDue: (code & 4) !== 0 });
    }
  }
  return found;
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
 * Parameters: $1 today (UK), $2 now, then per plan its place in the list, id, today + dueSoonDays,
 * the instant silentDays ago and the cadence cutoff. The WHERE is whyAsk's "needs an answer" on
 * the indexed columns; the CASE is its order of reasons on the action's own columns; promptDue is
 * shouldPromptAgain: the last contact (the later of the last ask and the last answer, each read by
 * index for the rows picked only) is before the cutoff, or before the state changed (an import's status,
 * or the UTC midnight after the target of an overdue action). Each row comes back as one string,
 * "id plan code", because Prisma's raw path costs more for every value returned than the
 * database spends finding the row.
 */
function scanSql(provider: Store["provider"], plans: number): { text: string; order: number[] } {
  const pg = provider === "postgresql";
  const ts = (n: number) => (pg ? `$${n}::timestamp` : `$${n}`);
  const settings = Array.from({ length: plans }, (_, i) => {
    const n = 3 + i * 4;
    return `(${i}, $${n}, $${n + 1}, ${ts(n + 2)}, ${ts(n + 3)})`;
  }).join(", ");
  const kind = `CASE
      WHEN a.status = 'ongoing' THEN 3
      WHEN a."targetTo" <> '' AND a."targetTo" < $1 THEN 0
      WHEN a.status = 'delayed' OR (a."targetTo" <> '' AND a."originalTargetTo" <> '' AND a."targetTo" > a."originalTargetTo") THEN 1
      WHEN a."targetTo" <> '' AND a."targetTo" <= s."dueBy" THEN 2
      ELSE 3
    END`;
  // The last ask and the last answer, each one index lookup; the contact is the later of the two.
  const asked = `(SELECT MAX(pa."at") FROM "PromptedAction" pa WHERE pa."actionId" = a.id)`;
  const answered = `(SELECT MAX(an."createdAt") FROM "Answer" an WHERE an."actionId" = a.id)`;
  // The latest instant a contact must precede for the action to be asked again. SQLite's MAX is
  // NULL when any argument is, so absent ones are '' (before every stamp); GREATEST ignores NULLs.
  // "targetTo" || 'U' sorts after every stamp on that day and before the next day's.
  const askedBefore = pg
    ? `GREATEST(s.cutoff, CASE WHEN a."statusSource" = 'import' THEN a."statusUpdatedAt" END, CASE WHEN ${kind} = 0 THEN (a."targetTo"::date + 1)::timestamp END)`
    : `MAX(s.cutoff, CASE WHEN a."statusSource" = 'import' THEN COALESCE(a."statusUpdatedAt", '') ELSE '' END, CASE WHEN ${kind} = 0 THEN a."targetTo" || 'U' ELSE '' END)`;
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
  const text = `
    WITH plan_settings (idx, "planId", "dueBy", "silentBefore", cutoff) AS (VALUES ${settings})
    SELECT a.id || ' ' || ${pg ? "s.idx::text" : "s.idx"} || ' ' || ${pg ? `${code}::text` : code} AS v
    FROM plan_settings s ${pg ? "CROSS JOIN LATERAL (SELECT * FROM" : "JOIN"} "Action" a ${pg ? "WHERE" : "ON"} a."planId" = s."planId"
    ${pg ? "AND" : "WHERE"} (a."scanTarget" <= s."dueBy" OR a."scanHeardAt" <= s."silentBefore")
      AND (a."snoozedUntil" IS NULL OR a."snoozedUntil" < $1)${pg ? ") a" : ""}`;
  if (pg) return { text, order: Array.from({ length: 2 + plans * 4 }, (_, i) => i + 1) };
  // SQLite's driver binds by position only: each "?" takes the next value, in the order written.
  return { text: text.replace(/\$\d+/g, "?"), order: [...text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])) };
}
