import fc from "fast-check";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { londonDate } from "../src/domain/london-date.js";
import { STATUSES } from "../src/domain/vocabulary.js";
import { whyAsk, type AskReason } from "../src/domain/why-ask.js";
import { shouldPromptAgain, stateChangedAt } from "../src/schedule/cadence.js";
import { importPlan } from "../src/store/import-plan.js";
import { insertMany } from "../src/store/insert-many.js";
import { scanColumns } from "../src/store/scan-columns.js";
import { chooseShape, scanDueActions, type ScanSettings, type ScanShape } from "../src/store/scan-due-actions.js";
import { parseSeed } from "./helpers/seeds.js";
import { freshStore, PROVIDERS, type TestStore } from "./helpers/test-store.js";

const DAY = 86_400_000;
const BASE = Date.parse("2026-03-25T12:00:00Z");
const RUNS = Number(process.env.FUZZ_RUNS ?? 16);
// A fixed seed by default, so the coverage check below holds on every run; FUZZ_SEED explores further.
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 1;

// Instants the rules are hard at: the night the clocks go forward and back (London and the plan's
// zone), a weekend, Good Friday and Easter Monday, Christmas, and minutes either side of midnight.
const NOWS = [
  "2026-03-21T10:00:00Z", // Saturday
  "2026-03-29T00:30:00Z", // 00:30 GMT, half an hour before BST starts
  "2026-03-29T23:30:00Z", // 00:30 BST on Monday 30 March: a new London day, still the 29th in UTC
  "2026-04-03T09:30:00Z", // Good Friday
  "2026-04-06T08:30:00Z", // Easter Monday
  "2026-04-15T22:59:59Z", // one second before London's midnight in BST
  "2026-10-25T00:30:00Z", // BST ends at 01:00 UTC
  "2026-12-25T09:30:00Z", // Christmas Day
  "2027-01-01T00:00:00Z",
].map((iso) => new Date(iso));

const day = (offset: number) => new Date(BASE + offset * DAY).toISOString().slice(0, 10);
const isoDay = fc.integer({ min: -120, max: 120 }).map(day);
const instant = fc.integer({ min: -150 * 24 * 60, max: 60 * 24 * 60 }).map((minutes) => new Date(BASE + minutes * 60_000));
// Asks and answers in the fortnight before one of the hard instants, where the cadence bites.
const lately = fc.tuple(fc.constantFrom(...NOWS), fc.integer({ min: 1, max: 14 * 24 * 60 })).map(([now, minutes]) => new Date(now.getTime() - minutes * 60_000));
const contact = fc.oneof(instant, lately);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 3 });

const actionArb = fc.record({
  status: fc.constantFrom<(string | null)[]>(null, ...STATUSES),
  targetTo: maybe(isoDay),
  // The first target: the same, earlier (an extension), later, or none.
  originalShift: fc.constantFrom<(number | null)[]>(0, 0, -30, -1, 7, null),
  snoozedUntil: fc.oneof(fc.constant(null), isoDay),
  lastUpdateAt: maybe(instant),
  createdAt: instant,
  statusSource: fc.constantFrom("import", "chat"),
  statusUpdatedAt: maybe(instant),
  prompts: fc.array(contact, { maxLength: 3 }),
  answers: fc.array(contact, { maxLength: 2 }),
  // Written by Prisma (the triggers derive the scan columns) or in bulk (scanColumns does).
  viaPrisma: fc.boolean(),
  // Then changed in place, as an answer or a re-import would.
  later: fc.option(fc.record({ status: fc.constantFrom<(string | null)[]>(null, "delayed", "complete", "ongoing", "in_progress"), targetTo: maybe(isoDay), lastUpdateAt: instant }), { nil: null, freq: 3 }),
});

const settingsArb: fc.Arbitrary<ScanSettings> = fc.record({
  dueSoonDays: fc.integer({ min: 0, max: 30 }),
  silentDays: fc.integer({ min: 1, max: 60 }),
  cadenceDays: fc.integer({ min: 1, max: 14 }),
  timeZone: fc.constantFrom("Europe/London", "UTC", "America/New_York", "Pacific/Auckland"),
});

const planArb = fc.record({ settings: settingsArb, actions: fc.array(actionArb, { minLength: 1, maxLength: 25 }) });

type Generated = typeof actionArb extends fc.Arbitrary<infer T> ? T : never;

/** The pure rules' answer for one action at `now`: why it is asked, and whether the cadence lets it be. */
function byTheRules(a: StoredAction, settings: ScanSettings, now: Date): { reason: AskReason; promptDue: boolean } | null {
  const reason = whyAsk(a, londonDate(now), now, settings);
  if (!reason) return null;
  const latest = (dates: Date[]) => (dates.length ? new Date(Math.max(...dates.map((d) => d.getTime()))) : null);
  const promptDue = shouldPromptAgain({
    lastPromptedAt: latest(a.prompts),
    lastAnsweredAt: latest(a.answers),
    lastStateChangeAt: stateChangedAt({ reason, targetTo: a.targetTo, statusSource: a.statusSource, statusUpdatedAt: a.statusUpdatedAt }),
    cadenceDays: settings.cadenceDays,
    now,
    timeZone: settings.timeZone,
  });
  return { reason, promptDue };
}

interface StoredAction {
  id: string;
  status: string | null;
  targetTo: string | null;
  originalTargetTo: string | null;
  snoozedUntil: string | null;
  lastUpdateAt: Date | null;
  createdAt: Date;
  statusSource: string;
  statusUpdatedAt: Date | null;
  prompts: Date[];
  answers: Date[];
}

describe.each(PROVIDERS)("the scan in the database (%s)", (provider) => {
  // SQLite reads the rows through the indexes or in one pass over the table (chooseShape): the
  // rules hold the query to both. PostgreSQL has one shape.
  const shapes: (ScanShape | undefined)[] = provider === "sqlite" ? ["indexes", "table"] : [undefined];
  let store: TestStore;
  let personId: string;
  beforeAll(async () => {
    store = await freshStore(provider);
    personId = (await store.db.person.create({ data: { name: "Asked" } })).id;
  });
  afterAll(async () => store?.drop());

  /** Writes one generated plan; returns its id and the actions as stored. */
  async function write(actions: Generated[], settings: ScanSettings): Promise<{ planId: string; stored: StoredAction[] }> {
    const { db } = store;
    const plan = await db.plan.create({ data: { slug: `p-${randomUUID()}`, title: "Generated", settings: JSON.stringify(settings) } });
    const rec = await db.recommendation.create({ data: { planId: plan.id, key: "1", text: "R", position: 0 } });
    const messages = await Promise.all([0, 1, 2].map((i) => db.chatMessage.create({ data: { key: `m-${plan.id}-${i}`, kind: "prompt", platform: "web", address: "x" } })));
    const stored: StoredAction[] = [];
    const bulk: Record<string, unknown>[] = [];
    for (const [position, g] of actions.entries()) {
      const id = randomUUID();
      const originalTargetTo = g.targetTo && g.originalShift !== null ? new Date(Date.parse(g.targetTo) + g.originalShift * DAY).toISOString().slice(0, 10) : null;
      const row = { id, planId: plan.id, recommendationId: rec.id, key: `a${position}`, title: "A", position, status: g.status, targetTo: g.targetTo, originalTargetTo, snoozedUntil: g.snoozedUntil, lastUpdateAt: g.lastUpdateAt, createdAt: g.createdAt, statusSource: g.statusSource, statusUpdatedAt: g.statusUpdatedAt };
      if (g.viaPrisma) await db.action.create({ data: row });
      else bulk.push({ ...row, updatedAt: g.createdAt, ...scanColumns(row) });
      stored.push({ ...row, prompts: g.prompts, answers: g.answers });
    }
    await insertMany(db as never, provider, "Action", bulk);
    for (const [i, g] of actions.entries()) {
      const a = stored[i]!;
      if (g.later) {
        await db.action.update({ where: { id: a.id }, data: g.later });
        Object.assign(a, g.later);
      }
      for (const [n, at] of g.prompts.entries()) await db.promptedAction.create({ data: { messageId: messages[n]!.id, actionId: a.id, personId, kind: n === 2 ? "escalation" : "prompt", at } });
      for (const at of g.answers) await db.answer.create({ data: { key: randomUUID(), actionId: a.id, personId, kind: "note", via: "chat:web", createdAt: at } });
    }
    return { planId: plan.id, stored };
  }

  it("finds exactly the actions the pure rules ask about, with the same reason and cadence, at every hard instant", async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(planArb, { minLength: 1, maxLength: 3 }), fc.integer({ min: -100 * 24, max: 100 * 24 }), async (generated, hours) => {
        // Several plans, each with its own settings, scanned in one call as the schedule does.
        const plans = await Promise.all(generated.map(async ({ actions, settings }) => ({ settings, ...(await write(actions, settings)) })));
        for (const { planId, stored } of plans) {
          // The columns the writes left match the derivation in TypeScript, whichever way they were written.
          const columns = await store.db.action.findMany({ where: { planId }, select: { id: true, scanTarget: true, scanHeardAt: true } });
          for (const c of columns) expect({ id: c.id, scanTarget: c.scanTarget, scanHeardAt: c.scanHeardAt }).toEqual({ id: c.id, ...scanColumns(stored.find((s) => s.id === c.id)!) });
        }
        for (const [now, shape] of [...NOWS, new Date(BASE + hours * 3_600_000)].flatMap((now) => shapes.map((shape) => [now, shape] as const))) {
          const scanned = await scanDueActions(store, now, plans.map((p) => ({ id: p.planId, settings: p.settings })), { shape });
          const fromQuery = new Map(scanned.map((s) => [s.id, { planId: s.planId, reason: s.reason, promptDue: s.promptDue }]));
          for (const s of scanned) seen.add(`${s.reason.kind}:${s.promptDue}`);
          for (const { planId, stored, settings } of plans) {
            for (const a of stored) {
              const rules = byTheRules(a, settings, now);
              expect({ id: a.id, now: now.toISOString(), shape, found: fromQuery.get(a.id) ?? null }).toEqual({ id: a.id, now: now.toISOString(), shape, found: rules && { planId, ...rules } });
            }
          }
          expect(fromQuery.size).toBe(plans.flatMap((p) => p.stored.filter((a) => byTheRules(a, p.settings, now))).length);
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // The plans generated reached every reason, asked and held back by the cadence (a seed that does not is a weak seed).
    expect([...seen].sort()).toEqual(["due_soon:false", "due_soon:true", "overdue:false", "overdue:true", "silent:false", "silent:true", "slipping:false", "slipping:true"]);
  }, 600_000);

  it("asks again after a cadence passes in the plan's own zone, and not before", async () => {
    // Last asked 23:30 UTC on 1 April, which is already 2 April in Auckland: two local days later is 4 April there.
    const settings: ScanSettings = { dueSoonDays: 14, silentDays: 28, cadenceDays: 2, timeZone: "Pacific/Auckland" };
    const g: Generated = { status: "in_progress", targetTo: "2026-04-10", originalShift: 0, snoozedUntil: null, lastUpdateAt: new Date("2026-03-01T00:00:00Z"), createdAt: new Date("2026-01-01T00:00:00Z"), statusSource: "chat", statusUpdatedAt: null, prompts: [new Date("2026-04-01T23:30:00Z")], answers: [], viaPrisma: true, later: null };
    const { planId } = await write([g], settings);
    const due = async (iso: string) => (await scanDueActions(store, new Date(iso), [{ id: planId, settings }]))[0]?.promptDue;
    expect(await due("2026-04-03T10:00:00Z")).toBe(false); // 3 April 23:00 in Auckland
    expect(await due("2026-04-03T11:00:00Z")).toBe(true); // midnight, 4 April in Auckland
  });

  it.runIf(provider === "sqlite")("reads the table whole when most of it needs an answer, and through the indexes when little does", async () => {
    const own = await freshStore(provider);
    try {
      const settings: ScanSettings = { dueSoonDays: 14, silentDays: 28, cadenceDays: 7, timeZone: "Europe/London" };
      const now = new Date("2026-03-25T09:00:00Z");
      const plan = async (overdue: number, fine: number) => {
        const p = await own.db.plan.create({ data: { slug: `p-${randomUUID()}`, title: "Shapes", settings: JSON.stringify(settings) } });
        const rec = await own.db.recommendation.create({ data: { planId: p.id, key: "1", text: "R", position: 0 } });
        const rows = Array.from({ length: overdue + fine }, (_, i) => {
          const row = { id: randomUUID(), planId: p.id, recommendationId: rec.id, key: `a${i}`, title: "A", position: i, status: "in_progress", targetTo: i < overdue ? "2026-01-31" : "2026-12-31", originalTargetTo: i < overdue ? "2026-01-31" : "2026-12-31", lastUpdateAt: new Date("2026-03-20T09:00:00Z"), createdAt: new Date("2025-01-01T00:00:00Z") };
          return { ...row, updatedAt: row.createdAt, ...scanColumns(row) };
        });
        await insertMany(own.db as never, provider, "Action", rows);
        return { id: p.id, settings };
      };
      const busy = await plan(150, 20);
      const quiet = await plan(3, 200);
      // Of the table's 373 rows the indexes would give 150 for the busy plan (over a quarter), 3 for the quiet one.
      expect(await chooseShape(own, now, [busy])).toBe("table");
      expect(await chooseShape(own, now, [quiet])).toBe("indexes");
      expect(await chooseShape(own, now, [busy, quiet])).toBe("table");
      // Chosen or forced, the same actions.
      const ids = async (shape?: ScanShape) => (await scanDueActions(own, now, [busy, quiet], { shape })).map((a) => a.id).sort();
      expect(await ids()).toHaveLength(153);
      expect(await ids("table")).toEqual(await ids());
      expect(await ids("indexes")).toEqual(await ids());
    } finally {
      await own.drop();
    }
  });

  it("an import and a re-import leave every action's scan columns as the derivation says", async () => {
    const options = { sourceDocument: "procurement.tsv", planName: `import ${provider}`, via: "cli" as const, actorLabel: "test" };
    await importPlan(store, await parseSeed("procurement"), { ...options, now: new Date("2020-12-01T09:00:00Z") });
    // The second import finds every action already there and updates those whose fields moved.
    const parsed = await parseSeed("procurement");
    for (const rec of parsed.recommendations) for (const a of rec.actions) if (a.target?.to) a.target = { ...a.target, to: "2031-01-31" };
    const slug = (await store.db.plan.findFirstOrThrow({ where: { title: options.planName } })).slug;
    await importPlan(store, parsed, { ...options, now: new Date("2021-01-05T09:00:00Z") });
    const rows = await store.db.action.findMany({ where: { plan: { slug } } });
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.filter((r) => r.targetTo === "2031-01-31").length).toBeGreaterThan(5);
    for (const r of rows) expect({ id: r.id, scanTarget: r.scanTarget, scanHeardAt: r.scanHeardAt }).toEqual({ id: r.id, ...scanColumns(r) });
  });

  it("backfills existing rows with the same derivation, and again changes nothing", async () => {
    const { planId, stored } = await write(fc.sample(actionArb, { numRuns: 40, seed: 7 }), { dueSoonDays: 14, silentDays: 28, cadenceDays: 7, timeZone: "Europe/London" });
    // As rows stood before the migration: no scan columns (not a column the triggers follow).
    await store.db.action.updateMany({ where: { planId }, data: { scanTarget: null, scanHeardAt: null } });
    const migration = readFileSync(new URL(`../prisma/migrations/0010_scan_columns/${provider}.sql`, import.meta.url), "utf8");
    const backfill = migration.slice(migration.lastIndexOf('UPDATE "Action" SET'));
    for (let i = 0; i < 2; i++) {
      await store.db.$executeRawUnsafe(backfill);
      const rows = await store.db.action.findMany({ where: { planId }, select: { id: true, scanTarget: true, scanHeardAt: true } });
      for (const r of rows) expect({ scanTarget: r.scanTarget, scanHeardAt: r.scanHeardAt }).toEqual(scanColumns(stored.find((s) => s.id === r.id)!));
    }
  });
});
