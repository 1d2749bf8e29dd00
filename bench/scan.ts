// The due/overdue/slipping/silent scan with its cadence, beside one hand-written SQL query that
// gives the same answer from the action's own columns, on the same store in the same run.
import { execFile } from "node:child_process";
import { loadavg } from "node:os";
import { randomUUID } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { addDays, londonDate } from "../src/domain/london-date.js";
import type { AskReason } from "../src/domain/why-ask.js";
import { scanActions } from "../src/schedule/scan-actions.js";
import { DEFAULT_SCHEDULE_SETTINGS } from "../src/schedule/schedule-settings.js";
import { insertMany } from "../src/store/insert-many.js";
import type { Store } from "../src/store/open-store.js";
import { scanColumns } from "../src/store/scan-columns.js";
import { cadenceCutoff, chooseShape } from "../src/store/scan-due-actions.js";
import { loadPlanSettings } from "../src/schedule/plan-settings.js";
import { freshStore, type TestStore } from "../tests/helpers/test-store.js";
import { bestOf, DAY_MS, envSize, ms, NOW, seeded } from "./common.js";

const TARGET_RATIO = 1.5;
const TARGET_MS_5000 = 200;
const TARGET_RSS_MB = 250;
const here = dirname(fileURLToPath(import.meta.url));

interface Classified {
  id: string;
  kind: AskReason["kind"];
  days: number | null;
  promptDue: boolean;
}

/**
 * whyAsk and shouldPromptAgain as one SQL statement on the action's own columns, as a person would
 * write it without the scan's columns: closed and snoozed actions out; ongoing ones only silent;
 * then overdue, slipping, due soon, silent; the cadence from the last ask or answer. Every plan here
 * uses the deployment's settings, so they are constants.
 */
function handWrittenSql(provider: Store["provider"], now: Date): string {
  const { dueSoonDays, silentDays, cadenceDays, timeZone } = DEFAULT_SCHEDULE_SETTINGS;
  const today = londonDate(now);
  const dueBy = addDays(today, dueSoonDays);
  const silentBefore = new Date(now.getTime() - silentDays * DAY_MS);
  const cutoff = cadenceCutoff(now, cadenceDays, timeZone);
  const stamp = (d: Date) => (provider === "sqlite" ? `'${d.toISOString().replace("Z", "+00:00")}'` : `TIMESTAMP '${d.toISOString().replace("T", " ").replace("Z", "")}'`);
  const day = (iso: string) => (provider === "sqlite" ? `'${iso}'` : `DATE '${iso}'`);
  const lastHeard = `COALESCE("lastUpdateAt", "createdAt")`;
  const overdueDays = provider === "sqlite" ? `CAST(julianday('${today}') - julianday("targetTo") AS INTEGER)` : `(${day(today)} - "targetTo"::date)`;
  const dueDays = provider === "sqlite" ? `CAST(julianday("targetTo") - julianday('${today}') AS INTEGER)` : `("targetTo"::date - ${day(today)})`;
  const silentFor =
    provider === "sqlite"
      ? `CAST(julianday(${stamp(now)}) - julianday(${lastHeard}) AS INTEGER)`
      : `FLOOR(EXTRACT(EPOCH FROM (${stamp(now)} - ${lastHeard})) / 86400)::int`;
  const asked = `(SELECT MAX(p."at") FROM "PromptedAction" p WHERE p."actionId" = classified.id)`;
  const answered = `(SELECT MAX(n."createdAt") FROM "Answer" n WHERE n."actionId" = classified.id)`;
  const contact = provider === "sqlite" ? `MAX(COALESCE(${asked}, ${answered}), COALESCE(${answered}, ${asked}))` : `GREATEST(${asked}, ${answered})`;
  const contactDay = provider === "sqlite" ? `substr(contact, 1, 10)` : `to_char(contact, 'YYYY-MM-DD')`;
  return `
    SELECT id, reason, days,
      CASE WHEN contact IS NULL OR contact < ${stamp(cutoff)} OR ("statusSource" = 'import' AND "statusUpdatedAt" > contact)
        OR (reason = 'overdue' AND ${contactDay} <= "targetTo") THEN 1 ELSE 0 END AS "promptDue"
    FROM (
      SELECT id, reason, "targetTo", "statusSource", "statusUpdatedAt", ${contact} AS contact,
        CASE reason WHEN 'overdue' THEN ${overdueDays} WHEN 'due_soon' THEN ${dueDays} WHEN 'silent' THEN ${silentFor} END AS days
      FROM (
        SELECT id, "targetTo", "statusSource", "statusUpdatedAt", "lastUpdateAt", "createdAt",
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
      WHERE reason IS NOT NULL
    ) contacted`;
}

const REASONS = ["overdue", "slipping", "due_soon", "silent"] as const;
const countBy = (rows: Classified[]) => Object.fromEntries(REASONS.map((r) => [r, rows.filter((x) => x.kind === r).length])) as Record<(typeof REASONS)[number], number>;

/** The scan in a process of its own: its peak RSS. */
async function scanInChild(store: TestStore, now: Date): Promise<{ found: number; ms: number; maxRssMb: number }> {
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", join(here, "scan-child.ts"), JSON.stringify(store.database), now.toISOString()], { cwd: join(here, ".."), maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as { found: number; ms: number; maxRssMb: number };
}

/** Times the scan and the hand-written SQL (best of 3 each) on one store, checks they agree, prints one line. */
async function compare(store: TestStore, label: string, size: number, now: Date, quiet: boolean): Promise<void> {
  const provider = store.provider;
  const scan = await bestOf(3, () => scanActions(store, now, DEFAULT_SCHEDULE_SETTINGS));
  const sql = handWrittenSql(provider, now);
  type HandRow = { id: string; reason: AskReason["kind"]; days: number | bigint | null; promptDue: number | bigint };
  // With JIT off on PostgreSQL, as the scan runs: compiling costs more than running either.
  const hand = await bestOf(3, async () =>
    provider === "postgresql"
      ? (await store.db.$transaction([store.db.$executeRawUnsafe("SET LOCAL jit = off"), store.db.$queryRawUnsafe<HandRow[]>(sql)]))[1]
      : store.db.$queryRawUnsafe<HandRow[]>(sql),
  );
  const child = await scanInChild(store, now);
  const plans = [...(await loadPlanSettings(store.db, DEFAULT_SCHEDULE_SETTINGS))].map(([id, settings]) => ({ id, settings }));
  const shape = provider === "sqlite" ? `; read through ${(await chooseShape(store, now, plans)) === "table" ? "one pass over the table" : "the indexes"}` : "";

  const fromScan: Classified[] = scan.result.map((a) => ({ id: a.id, kind: a.reason.kind, days: "days" in a.reason ? a.reason.days : null, promptDue: a.promptDue }));
  const fromSql: Classified[] = hand.result.map((r) => ({ id: r.id, kind: r.reason, days: r.days === null ? null : Number(r.days), promptDue: Number(r.promptDue) === 1 }));
  const a = countBy(fromScan);
  const bySql = new Map(fromSql.map((r) => [r.id, r]));
  const differing = fromScan.filter((r) => {
    const other = bySql.get(r.id);
    return !other || other.kind !== r.kind || other.days !== r.days || other.promptDue !== r.promptDue;
  }).length;
  const scanned = new Set(fromScan.map((r) => r.id));
  const onlySql = fromSql.filter((r) => !scanned.has(r.id)).length;
  const ratio = scan.ms / hand.ms;
  const asked = fromScan.filter((r) => r.promptDue).length;
  console.log(
    `scan ${provider} ${label}: ${size} actions, ${fromScan.length} need an answer (${REASONS.map((r) => `${r} ${a[r]}`).join(", ")}; ${asked} due a prompt by the cadence), ` +
      `scan ${ms(scan.ms)} ms, hand-written SQL ${ms(hand.ms)} ms, ratio ${ratio.toFixed(2)} (target ≤ ${TARGET_RATIO}${ratio <= TARGET_RATIO ? ", met" : ", MISSED"})` +
      `; peak RSS of a process running the scan ${child.maxRssMb.toFixed(0)} MB (target < ${TARGET_RSS_MB}${child.maxRssMb < TARGET_RSS_MB ? ", met" : ", MISSED"}); best of 3${shape}; load average ${loadavg()[0]!.toFixed(1)}`,
  );
  if (quiet) console.log(`scan ${provider} ${label}: ${ms(scan.ms)} ms for ${fromScan.length} actions needing an answer (target < ${TARGET_MS_5000} ms${scan.ms < TARGET_MS_5000 ? ", met" : ", MISSED"})`);
  if (differing > 0 || onlySql > 0) {
    console.log(`scan ${provider} ${label}: !!! MISMATCH between the scan and the hand-written SQL: ${differing} actions classified differently or missing from the SQL, ${onlySql} only in the SQL`);
  }
}

/** The scan on the shared 100,000-action store (its plans, statuses and targets; no prompts yet). */
export async function scanFigures(store: TestStore, size: number, generatedMs: number): Promise<void> {
  await compare(store, `(store generated in ${(generatedMs / 1000).toFixed(1)} s)`, size, NOW, false);
  await fewNeedAnswer(store.provider);
}

/**
 * A quiet day: 100,000 actions in ten plans of which about 5,000 need an answer (overdue, due soon,
 * slipping, silent, some snoozed), most open ones updated lately and due later, a quarter closed;
 * a prompt last week for half of those needing an answer and an answer for some.
 */
async function fewNeedAnswer(provider: Store["provider"]): Promise<void> {
  const size = envSize("BENCH_ACTIONS", 100_000);
  const store = await freshStore(provider);
  try {
    await generateQuietStore(store, size);
    await compare(store, "quiet day", size, NOW, true);
  } finally {
    await store.drop();
  }
}

export async function generateQuietStore(store: Store, size: number): Promise<void> {
  const provider = store.provider;
  {
    const random = seeded(12);
    const dayFrom = (days: number) => new Date(NOW.getTime() + days * DAY_MS).toISOString().slice(0, 10);
    const ago = (min: number, max: number) => new Date(NOW.getTime() - (min + random() * (max - min)) * DAY_MS);
    await store.db.$transaction(async (tx) => {
      const person = randomUUID();
      await insertMany(tx, provider, "Person", [{ id: person, name: "Bench officer", createdAt: NOW, updatedAt: NOW }]);
      const plans = 10;
      for (let p = 0; p < plans; p++) {
        const planId = randomUUID();
        const message = randomUUID();
        await insertMany(tx, provider, "Plan", [{ id: planId, slug: `quiet-${p}`, title: `Quiet plan ${p}`, kind: "action-table", settings: "{}", createdAt: NOW, updatedAt: NOW }]);
        await insertMany(tx, provider, "ChatMessage", [{ id: message, key: `quiet-${p}`, kind: "prompt", platform: "web", address: "bench", createdAt: NOW, updatedAt: NOW }]);
        const actions: Record<string, unknown>[] = [];
        const recs: Record<string, unknown>[] = [];
        const prompted: Record<string, unknown>[] = [];
        const answers: Record<string, unknown>[] = [];
        const count = Math.ceil(size / plans);
        for (let i = 0; i < count; i++) {
          if (i % 10 === 0) recs.push({ id: `${planId}-r${i / 10}`, planId, key: `R${i / 10}`, text: "Recommendation", position: i / 10 });
          const r = random();
          let status: string | null = "in_progress";
          let targetTo: string | null = dayFrom(30 + Math.floor(random() * 300));
          let originalTargetTo = targetTo;
          let lastUpdateAt: Date | null = ago(0, 20);
          let snoozedUntil: string | null = null;
          if (r < 0.25) status = random() < 0.8 ? "complete" : "cancelled";
          else if (r < 0.30) {
            const k = random();
            if (k < 0.3) targetTo = dayFrom(-Math.ceil(random() * 120));
            else if (k < 0.55) targetTo = dayFrom(Math.floor(random() * 14));
            else if (k < 0.7) originalTargetTo = dayFrom(-10), status = random() < 0.5 ? "delayed" : "in_progress";
            else lastUpdateAt = ago(29, 200);
            if (random() < 0.05) snoozedUntil = dayFrom(1 + Math.floor(random() * 20));
          } else if (r < 0.35) status = "ongoing";
          const createdAt = ago(200, 400);
          const id = randomUUID();
          const row = { id, planId, recommendationId: `${planId}-r${Math.floor(i / 10)}`, key: `${i}`, title: `Action ${i}`, position: i, status, targetTo, originalTargetTo, snoozedUntil, lastUpdateAt, createdAt, statusSource: "import", statusUpdatedAt: ago(100, 200), updatedAt: createdAt };
          actions.push({ ...row, ...scanColumns(row) });
          if (random() < 0.3) prompted.push({ messageId: message, actionId: id, personId: person, kind: "prompt", at: ago(1, 12) });
          if (random() < 0.1) answers.push({ id: randomUUID(), key: randomUUID(), actionId: id, personId: person, kind: "note", via: "chat:web", payload: "{}", createdAt: ago(1, 12) });
        }
        await insertMany(tx, provider, "Recommendation", recs);
        await insertMany(tx, provider, "Action", actions);
        await insertMany(tx, provider, "PromptedAction", prompted);
        await insertMany(tx, provider, "Answer", answers);
      }
    }, { timeout: 30 * 60_000, maxWait: 60_000 });
    if (provider === "postgresql") await store.db.$executeRawUnsafe("ANALYZE");
  }
}
