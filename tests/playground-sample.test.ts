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
import { SEEDS, SEED_FILES } from "./helpers/seeds.js";
import { freshStore, type TestStore } from "./helpers/test-store.js";

describe("the playground's sample", () => {
  let store: TestStore;
  // A Wednesday morning, before the day's prompts.
  const start = new Date("2026-11-25T08:00:00Z");
  let clock = start;
  const web = new WebChannel(() => clock);
  const deps = () => ({ store, log: pino({ level: "silent" }), channels: { web }, later: new Background(pino({ level: "silent" })).run });

  beforeAll(async () => {
    store = await freshStore("sqlite");
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
    await runScheduleUntil(deps(), clock, digest, { namespace: SAMPLE.namespace });
    clock = digest;
    expect(web.messages(SAMPLE.channel).map((m) => m.card?.type)).toEqual(["digest"]);
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
