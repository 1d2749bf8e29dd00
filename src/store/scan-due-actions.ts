import { DateTime } from "luxon";
import { addDays, daysBetween, londonDate } from "../domain/london-date.js";
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
  targetTo: string | null;
  statusSource: string;
  statusUpdatedAt: Date | null;
  /** shouldPromptAgain's answer: never asked nor answered, asked before its state changed, or the cadence has passed. */
  promptDue: boolean;
}

const DAY_MS = 86_400_000;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

interface Row {
  id: string;
  planId: string;
  reason: AskReason["kind"];
  targetTo: string | null;
  statusSource: string;
  statusUpdatedAt: Date | string | null;
  heard: Date | string | null;
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
    const values = [planId, today, dueBy, stamp(silentBefore), stamp(cutoff)];
    const rows = await store.db.$queryRawUnsafe<Row[]>(sql.text, ...sql.order.map((n) => values[n - 1]));
    for (const row of rows) {
      const heard = asDate(row.heard);
      found.push({
        id: row.id,
        planId: row.planId,
        reason: reasonOf(row.reason, row.targetTo, heard, today, now),
        targetTo: row.targetTo,
        statusSource: row.statusSource,
        statusUpdatedAt: asDate(row.statusUpdatedAt),
        promptDue: Number(row.promptDue) === 1 || row.promptDue === true,
      });
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

/** The days whyAsk reports, without luxon on every row: plain UTC arithmetic on ISO days. */
function reasonOf(kind: AskReason["kind"], targetTo: string | null, heard: Date | null, today: string, now: Date): AskReason {
  const days = (a: string, b: string) => (ISO_DAY.test(a) && ISO_DAY.test(b) ? Math.round((Date.parse(b) - Date.parse(a)) / DAY_MS) : daysBetween(a, b));
  switch (kind) {
    case "overdue":
      return { kind, days: days(targetTo!, today) };
    case "due_soon":
      return { kind, days: days(today, targetTo!) };
    case "slipping":
      return { kind };
    case "silent":
      return { kind, days: Math.floor((now.getTime() - heard!.getTime()) / DAY_MS) };
  }
}

function asDate(value: Date | string | null): Date | null {
  return value === null ? null : value instanceof Date ? value : new Date(value);
}

// How each provider keeps DateTime: SQLite as ISO text ending +00:00, PostgreSQL as UTC timestamp(3).
const sqliteStamp = (d: Date) => d.toISOString().replace("Z", "+00:00");
const pgStamp = (d: Date) => d.toISOString().replace("T", " ").replace("Z", "");

/**
 * Parameters: plan, today (UK), today + dueSoonDays, the instant silentDays ago, the cadence
 * cutoff. The WHERE is whyAsk's "needs an answer" on the indexed columns; the CASE is its order
 * of reasons on the action's own columns; promptDue is shouldPromptAgain with the last contact
 * (the later of the last ask and the last answer) read by index for the rows returned only.
 */
function scanSql(provider: Store["provider"]): { text: string; order: number[] } {
  // SQLite's driver binds by position only: each "?" takes the next value, so record their order.
  const order: number[] = [];
  const p = (n: number) => (provider === "sqlite" ? (order.push(n), "?") : (order.push(n), `$${n}`));
  const ts = (n: number) => (provider === "sqlite" ? p(n) : `${p(n)}::timestamp`);
  const asked = `(SELECT MAX(pa."at") FROM "PromptedAction" pa WHERE pa."actionId" = a.id)`;
  const answered = `(SELECT MAX(an."createdAt") FROM "Answer" an WHERE an."actionId" = a.id)`;
  // SQLite's two-argument MAX is NULL when either is; PostgreSQL's GREATEST ignores NULLs.
  const contact = provider === "sqlite" ? `MAX(COALESCE(${asked}, ${answered}), COALESCE(${answered}, ${asked}))` : `GREATEST(${asked}, ${answered})`;
  // The day (UTC) of the last contact: an overdue action asked before the day after its target is asked again.
  const contactDay = provider === "sqlite" ? `substr(contact, 1, 10)` : `to_char(contact, 'YYYY-MM-DD')`;
  const text = `
    SELECT id, "planId", reason, "targetTo", "statusSource", "statusUpdatedAt", heard,
      CASE WHEN contact IS NULL OR contact < ${ts(5)}
        OR ("statusSource" = 'import' AND "statusUpdatedAt" > contact)
        OR (reason = 'overdue' AND ${contactDay} <= "targetTo")
      THEN 1 ELSE 0 END AS "promptDue"
    FROM (
      SELECT a.id, a."planId", a."targetTo", a."statusSource", a."statusUpdatedAt", a."scanHeardAt" AS heard,
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
  return { text, order: provider === "sqlite" ? order : [1, 2, 3, 4, 5] };
}
