import { DateTime } from "luxon";
import { addDays, londonDate } from "../domain/london-date.js";
import type { AskReason, ChaseSettings } from "../domain/why-ask.js";
import type { Store } from "./open-store.js";

/** What one plan's query needs of its settings: whyAsk's thresholds and the cadence. */
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

interface Row {
  id: string;
  reason: AskReason["kind"];
  days: number | bigint | string | null;
  promptDue: number | bigint | boolean;
}

/**
 * Every open action that needs an answer at `now`, with why and whether the cadence lets it be
 * asked today: one query per plan, whyAsk and shouldPromptAgain written in SQL. The indexed
 * scanTarget and scanHeardAt columns (src/store/scan-columns.ts) pick the rows; the plan's
 * thresholds and cadence become constants of its query, so only the rows returned are read.
 */
export async function scanDueActions(store: Store, now: Date, plans: Iterable<{ id: string; settings: ScanSettings }>): Promise<ScannedAction[]> {
  const today = londonDate(now);
  const sql = scanSql(store.provider);
  const found: ScannedAction[] = [];
  for (const { id: planId, settings } of plans) {
    const dueBy = addDays(today, settings.dueSoonDays);
    const silentBefore = new Date(now.getTime() - settings.silentDays * DAY_MS);
    const cutoff = cadenceCutoff(now, settings.cadenceDays, settings.timeZone);
    const stamp = store.provider === "sqlite" ? sqliteStamp : pgStamp;
    const values = [planId, today, dueBy, stamp(silentBefore), stamp(cutoff), stamp(now)];
    const rows = await store.db.$queryRawUnsafe<Row[]>(sql.text, ...sql.order.map((n) => values[n - 1]));
    for (const row of rows) {
      const reason: AskReason = row.reason === "slipping" ? { kind: "slipping" } : { kind: row.reason, days: Number(row.days) };
      found.push({ id: row.id, planId, reason, promptDue: Number(row.promptDue) === 1 || row.promptDue === true });
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
 * Parameters: plan, today (UK), today + dueSoonDays, the instant silentDays ago, the cadence
 * cutoff, now. The WHERE is whyAsk's "needs an answer" on the indexed columns; the CASE is its order
 * of reasons on the action's own columns; promptDue is shouldPromptAgain with the last contact
 * (the later of the last ask and the last answer) read by index for the rows returned only.
 */
function scanSql(provider: Store["provider"]): { text: string; order: number[] } {
  const p = (n: number) => `$${n}`;
  const ts = (n: number) => (provider === "sqlite" ? p(n) : `${p(n)}::timestamp`);
  const asked = `(SELECT MAX(pa."at") FROM "PromptedAction" pa WHERE pa."actionId" = a.id)`;
  const answered = `(SELECT MAX(an."createdAt") FROM "Answer" an WHERE an."actionId" = a.id)`;
  // SQLite's two-argument MAX is NULL when either is; PostgreSQL's GREATEST ignores NULLs.
  const contact = provider === "sqlite" ? `MAX(COALESCE(${asked}, ${answered}), COALESCE(${answered}, ${asked}))` : `GREATEST(${asked}, ${answered})`;
  // The day (UTC) of the last contact: an overdue action asked before the day after its target is asked again.
  const contactDay = provider === "sqlite" ? `substr(contact, 1, 10)` : `to_char(contact, 'YYYY-MM-DD')`;
  // whyAsk's days: whole days between ISO days, and whole days of silence to the millisecond.
  const days =
    provider === "sqlite"
      ? {
          overdue: `CAST(julianday(${p(2)}) - julianday("targetTo") AS INTEGER)`,
          dueSoon: `CAST(julianday("targetTo") - julianday(${p(2)}) AS INTEGER)`,
          silent: `(CAST(ROUND(unixepoch(${p(6)}, 'subsec') * 1000) AS INTEGER) - CAST(ROUND(unixepoch(heard, 'subsec') * 1000) AS INTEGER)) / 86400000`,
        }
      : {
          overdue: `(${p(2)}::date - "targetTo"::date)`,
          dueSoon: `("targetTo"::date - ${p(2)}::date)`,
          silent: `FLOOR(EXTRACT(EPOCH FROM (${p(6)}::timestamp - heard)) / 86400)::int`,
        };
  const text = `
    SELECT id, reason,
      CASE reason WHEN 'overdue' THEN ${days.overdue} WHEN 'due_soon' THEN ${days.dueSoon} WHEN 'silent' THEN ${days.silent} END AS days,
      CASE WHEN contact IS NULL OR contact < ${ts(5)}
        OR ("statusSource" = 'import' AND "statusUpdatedAt" > contact)
        OR (reason = 'overdue' AND ${contactDay} <= "targetTo")
      THEN 1 ELSE 0 END AS "promptDue"
    FROM (
      SELECT a.id, a."targetTo", a."statusSource", a."statusUpdatedAt", a."scanHeardAt" AS heard,
        CASE
          WHEN a.status = 'ongoing' THEN 'silent'
          WHEN a."targetTo" <> '' AND a."targetTo" < ${p(2)} THEN 'overdue'
          WHEN a.status = 'delayed' OR (a."targetTo" <> '' AND a."originalTargetTo" <> '' AND a."targetTo" > a."originalTargetTo") THEN 'slipping'
          WHEN a."targetTo" <> '' AND a."targetTo" <= ${p(3)} THEN 'due_soon'
          ELSE 'silent'
        END AS reason,
        ${contact} AS contact
      FROM "Action" a
      WHERE a."planId" = ${p(1)}
        AND (a."scanTarget" <= ${p(3)} OR a."scanHeardAt" <= ${ts(4)})
        AND (a."snoozedUntil" IS NULL OR a."snoozedUntil" < ${p(2)})
    ) c`;
  if (provider === "postgresql") return { text, order: [1, 2, 3, 4, 5, 6] };
  // SQLite's driver binds by position only: each "?" takes the next value, in the order written.
  return { text: text.replace(/\$\d+/g, "?"), order: [...text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])) };
}
