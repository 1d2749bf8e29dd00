import pino from "pino";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebChannel } from "../src/adapters/web/web-channel.js";
import { Background } from "../src/conversation/background.js";
import { createSample, SAMPLE, SAMPLE_SLUG } from "../src/sample/create-sample.js";
import { runScheduleUntil } from "../src/schedule/run-until.js";
import { nextDigestAt, nextPromptAt } from "../src/schedule/slots.js";
import { loadScheduleSettings } from "../src/schedule/scheduler.js";
import { importPlanFile } from "../src/import/import-plan-file.js";
import { shiftPlanDates } from "../src/sample/shift-plan-dates.js";
import type { ParsedPlan } from "../src/import/parsed-plan.js";
import { SEEDS, SEED_FILES } from "./helpers/seeds.js";
import { freshStore, PROVIDERS, type TestStore } from "./helpers/test-store.js";

describe("shiftPlanDates", () => {
  const plan = (targets: ParsedPlan["recommendations"][number]["actions"][number]["target"][]): ParsedPlan => ({
    title: null, kind: "action-table", roles: [], warnings: [],
    recommendations: [{ ref: "1", text: "", theme: null, body: null, detail: null, line: 1, actions: targets.map((target, i) => ({ ref: `1.${i}`, refGenerated: false, title: "", detail: null, owners: [], accountable: [], target, status: null, statusText: null, rag: null, progress: null, impact: null, crossRefs: [], line: 1 })) }],
  });
  it.each([
    ["one day, its words rewritten", { text: "31/12/20", from: "2020-12-31", to: "2020-12-31", ongoing: false }, { text: "10/01/2021", from: "2021-01-10", to: "2021-01-10", ongoing: false }],
    ["a range, across a year end", { text: "Autumn 2020", from: "2020-09-01", to: "2020-11-30", ongoing: false }, { text: "11/09/2020 – 10/12/2020", from: "2020-09-11", to: "2020-12-10", ongoing: false }],
    ["ongoing, with no date to move", { text: "Ongoing", from: null, to: null, ongoing: true }, { text: "Ongoing", from: null, to: null, ongoing: true }],
    ["none", null, null],
  ])("moves %s", (_name, before, after) => {
    expect(shiftPlanDates(plan([before]), 10).recommendations[0]!.actions[0]!.target).toEqual(after);
  });
});

describe.each(PROVIDERS)("the playground's sample on %s", (provider) => {
  let store: TestStore;
  // A Wednesday morning, before the day's prompts.
  const start = new Date("2026-11-25T08:00:00Z");
  let clock = start;
  let web: WebChannel;
  const deps = () => ({ store, log: pino({ level: "silent" }), channels: { web }, later: new Background(pino({ level: "silent" })).run });

  beforeAll(async () => {
    store = await freshStore(provider);
    web = new WebChannel(() => clock);
  }, 60_000);
  afterAll(async () => store?.drop());

  it("is the bundled copy of seed 000, so a fresh clone has it", () => {
    expect(readFileSync(resolve(__dirname, "../sample", SAMPLE.file), "utf8")).toBe(readFileSync(resolve(SEEDS, SEED_FILES.procurement), "utf8"));
  });

  it("is live today: some actions overdue, some due soon, one slipping, some silent, each owner mapped", async () => {
    const summary = await createSample(store, start);
    expect(summary.today).toBe("2026-11-25");
    expect(summary.shiftedDays).toBe(2166);
    expect(summary.counts).toEqual({ overdue: 2, due_soon: 3, slipping: 1, silent: 3 });
    const sam = await store.db.person.findUniqueOrThrow({ where: { webUserId: "Sam Jones" }, include: { assignments: { include: { role: true } } } });
    expect(sam.assignments.map((a) => a.role.name)).toEqual(["CDAI"]);
    const alex = await store.db.person.findUniqueOrThrow({ where: { webUserId: "Alex Morgan" } });
    expect(alex).toMatchObject({ isAdmin: true, origin: "playground" });
    const a26 = await store.db.action.findFirstOrThrow({ where: { key: "2.6", plan: { slug: SAMPLE_SLUG } } });
    expect(a26).toMatchObject({ targetTo: "2026-12-06", targetText: "06/12/2026" });
  });

  it("runs the real schedule on the playground's clock: prompts, an escalation to the admin, the digest in the channel", async () => {
    const settings = await loadScheduleSettings(store.db);
    const prompt = nextPromptAt(clock, settings)!;
    await runScheduleUntil(deps(), clock, prompt, { namespace: SAMPLE.namespace });
    clock = prompt;
    const officer = web.messages("Sam Jones").map((m) => m.card?.type);
    expect(officer).toContain("prompt");
    // 5 is 20 days overdue, past the 14 days that escalate; nobody is accountable, so the plan's admin hears.
    const admin = web.messages("Alex Morgan").map((m) => (m.card?.type === "notice" ? m.card.text : ""));
    expect(admin.join("\n")).toMatch(/^• 5 "Portfolio Holder/m);
    // Claimed under the playground's namespace, never the deployment's own day.
    expect(await store.db.scheduleRun.findMany({ select: { key: true } })).toEqual([{ key: "playground:prompt:2026-11-25" }]);

    const digest = nextDigestAt(clock, settings)!;
    // The clock is set to each slot as it is reached, so the digest is dated Monday 08:30, not whenever the run ended.
    await runScheduleUntil(deps(), clock, new Date(digest.getTime() + 3_600_000), { namespace: SAMPLE.namespace, reached: (when) => (clock = when) });
    expect(web.messages(SAMPLE.channel).map((m) => [m.card?.type, m.at])).toEqual([["digest", digest.toISOString()]]);
  });

  it("resets to the same sample, and leaves a real plan alone", async () => {
    await importPlanFile(store, { bytes: readFileSync(resolve(SEEDS, SEED_FILES.procurement)), fileName: "real.txt", planName: "Real plan", locale: "en-GB", confirmed: true, via: "cli", actorLabel: "test", now: start });
    const a27 = await store.db.action.findFirstOrThrow({ where: { key: "2.7", plan: { slug: SAMPLE_SLUG } } });
    await store.db.action.update({ where: { id: a27.id }, data: { status: "complete" } });
    const summary = await createSample(store, start);
    expect(summary.counts).toEqual({ overdue: 2, due_soon: 3, slipping: 1, silent: 3 });
    expect(await store.db.action.findFirstOrThrow({ where: { key: "2.7", plan: { slug: SAMPLE_SLUG } } })).toMatchObject({ status: "in_progress" });
    expect(await store.db.scheduleRun.count()).toBe(0);
    expect(await store.db.plan.count({ where: { slug: "real-plan" } })).toBe(1);
    expect(await store.db.person.count({ where: { webUserId: "Sam Jones" } })).toBe(1);
  });
});
