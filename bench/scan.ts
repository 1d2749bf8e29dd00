// The due/overdue/slipping/silent scan over many actions, beside one hand-written SQL query that
// gives the same answer.
import { addDays, londonDate } from "../src/domain/london-date.js";
import type { AskReason } from "../src/domain/why-ask.js";
import { scanActions } from "../src/schedule/scan-actions.js";
import { DEFAULT_SCHEDULE_SETTINGS } from "../src/schedule/schedule-settings.js";
import type { Store } from "../src/store/open-store.js";
import { bestOf, DAY_MS, ms, NOW } from "./common.js";

interface Classified {
  id: string;
  kind: AskReason["kind"];
  days: number | null;
}

/**
 * whyAsk as one SQL statement: closed and snoozed actions excluded; ongoing ones only silent; then
 * overdue, slipping (delayed, or target moved later), due within `dueSoonDays`, silent for
 * `silentDays`. Every plan here uses the deployment's settings, so they are constants.
 */
function handWrittenSql(provider: Store["provider"], now: Date): string {
  const { dueSoonDays, silentDays } = DEFAULT_SCHEDULE_SETTINGS;
  const today = londonDate(now);
  const dueBy = addDays(today, dueSoonDays);
  const silentBefore = new Date(now.getTime() - silentDays * DAY_MS);
  // How each provider stores DateTime: SQLite as ISO text with +00:00, PostgreSQL as UTC timestamp(3).
  const stamp = (d: Date) => (provider === "sqlite" ? `'${d.toISOString().replace("Z", "+00:00")}'` : `TIMESTAMP '${d.toISOString().replace("T", " ").replace("Z", "")}'`);
  const day = (iso: string) => (provider === "sqlite" ? `'${iso}'` : `DATE '${iso}'`);
  const lastHeard = `COALESCE("lastUpdateAt", "createdAt")`;
  const overdueDays = provider === "sqlite" ? `CAST(julianday('${today}') - julianday("targetTo") AS INTEGER)` : `(${day(today)} - "targetTo"::date)`;
  const dueDays = provider === "sqlite" ? `CAST(julianday("targetTo") - julianday('${today}') AS INTEGER)` : `("targetTo"::date - ${day(today)})`;
  const silentFor =
    provider === "sqlite"
      ? `CAST(julianday(${stamp(now)}) - julianday(${lastHeard}) AS INTEGER)`
      : `FLOOR(EXTRACT(EPOCH FROM (${stamp(now)} - ${lastHeard})) / 86400)::int`;
  return `
    SELECT id, "planId", reason, "targetTo", "statusSource", "statusUpdatedAt",
      CASE reason WHEN 'overdue' THEN ${overdueDays} WHEN 'due_soon' THEN ${dueDays} WHEN 'silent' THEN ${silentFor} END AS days
    FROM (
      SELECT id, "planId", "targetTo", "statusSource", "statusUpdatedAt", "lastUpdateAt", "createdAt",
        CASE
          WHEN "snoozedUntil" IS NOT NULL AND "snoozedUntil" <> '' AND "snoozedUntil" >= '${today}' THEN NULL
          WHEN status = 'ongoing' THEN CASE WHEN ${lastHeard} <= ${stamp(silentBefore)} THEN 'silent' END
          WHEN "targetTo" < '${today}' THEN 'overdue'
          WHEN status = 'delayed' OR "targetTo" > "originalTargetTo" THEN 'slipping'
          WHEN "targetTo" <= '${dueBy}' THEN 'due_soon'
          WHEN ${lastHeard} <= ${stamp(silentBefore)} THEN 'silent'
        END AS reason
      FROM "Action"
      WHERE status IS NULL OR status NOT IN ('complete', 'cancelled')
    ) classified
    WHERE reason IS NOT NULL`;
}

const REASONS = ["overdue", "slipping", "due_soon", "silent"] as const;
const countBy = (rows: Classified[]) => Object.fromEntries(REASONS.map((r) => [r, rows.filter((x) => x.kind === r).length])) as Record<(typeof REASONS)[number], number>;

/** Times scanActions and the hand-written SQL over the store's actions (best of 3 each) and prints one line. */
export async function scanFigures(store: Store, size: number, generatedMs: number): Promise<void> {
  const provider = store.provider;
  const scan = await bestOf(3, () => scanActions(store.db, NOW, DEFAULT_SCHEDULE_SETTINGS));
  const sql = handWrittenSql(provider, NOW);
  const hand = await bestOf(3, () => store.db.$queryRawUnsafe<{ id: string; reason: AskReason["kind"]; days: number | bigint | null }[]>(sql));

  const fromScan: Classified[] = scan.result.map((a) => ({ id: a.id, kind: a.reason.kind, days: "days" in a.reason ? a.reason.days : null }));
  const fromSql: Classified[] = hand.result.map((r) => ({ id: r.id, kind: r.reason, days: r.days === null ? null : Number(r.days) }));
  const a = countBy(fromScan);
  const b = countBy(fromSql);
  const bySql = new Map(fromSql.map((r) => [r.id, r]));
  const differing = fromScan.filter((r) => {
    const other = bySql.get(r.id);
    return !other || other.kind !== r.kind || other.days !== r.days;
  }).length;
  const scanned = new Set(fromScan.map((r) => r.id));
  const onlySql = fromSql.filter((r) => !scanned.has(r.id)).length;
  const counts = REASONS.map((r) => `${r} ${a[r]}`).join(", ");
  console.log(
    `scan ${provider}: ${size} actions, ${fromScan.length} need an answer, scan ${ms(scan.ms)} ms, hand-written SQL ${ms(hand.ms)} ms, ratio ${(scan.ms / hand.ms).toFixed(2)}` +
      ` (${counts}; best of 3; store generated in ${(generatedMs / 1000).toFixed(1)} s)`,
  );
  if (REASONS.some((r) => a[r] !== b[r]) || differing > 0 || onlySql > 0) {
    console.log(
      `scan ${provider}: !!! MISMATCH between scanActions and the hand-written SQL: scan ${JSON.stringify(a)}, SQL ${JSON.stringify(b)}, ` +
        `${differing} actions classified differently or missing from the SQL, ${onlySql} only in the SQL`,
    );
  }
}
