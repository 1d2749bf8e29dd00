import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebChannel } from "../src/adapters/web/web-channel.js";
import type { DigestCard, PromptCard } from "../src/conversation/card.js";
import type { ChatChannel } from "../src/conversation/chat-channel.js";
import type { Deliverer } from "../src/conversation/deliver.js";
import { handleEvent } from "../src/conversation/handle-event.js";
import { Pacer } from "../src/conversation/pacer.js";
import { executeCommand } from "../src/commands/execute-command.js";
import { SCHEDULE_SETTING, tick } from "../src/schedule/scheduler.js";
import { importPlan } from "../src/store/import-plan.js";
import { mapRole } from "../src/store/map-role.js";
import { openStore } from "../src/store/open-store.js";
import { parseSeed } from "./helpers/seeds.js";
import { freshStore, PROVIDERS, type TestStore } from "./helpers/test-store.js";

// Europe/London: Monday 21 December 2020 is in GMT, so 09:30 local is 09:30 UTC.
const at = (iso: string) => new Date(iso);

describe.each(PROVIDERS)("the schedule (%s)", (provider) => {
  let store: TestStore;
  let web: WebChannel;
  let deps: Deliverer;

  const prompts = (name: string) => web.messages(name).filter((m) => m.card?.type === "prompt");
  const refs = (card: unknown) => (card as PromptCard).items.map((i) => i.heading.split(" · ")[0]);

  beforeEach(async () => {
    store = await freshStore(provider);
    web = new WebChannel();
    deps = { store, log: pino({ level: "silent" }), channels: { web }, pacer: new Pacer() };
    await importPlan(store, await parseSeed("procurement"), { sourceDocument: "procurement.tsv", via: "cli", actorLabel: "test", now: at("2020-12-01T09:00:00Z") });
    for (const name of ["Sam Jones", "Mo Khan"]) {
      await handleEvent({ ...deps, later: () => undefined }, { type: "contact", user: { platform: "web", userId: name }, address: { platform: "web", address: name } }, at("2020-12-01T09:00:00Z"));
    }
    await mapRole(store.db, { role: "CDAI", personName: "Sam Jones", via: "cli", actorLabel: "test", playground: true });
    await mapRole(store.db, { role: "Monitoring Officer", personName: "Mo Khan", via: "cli", actorLabel: "test", playground: true });
  });
  afterEach(async () => store.drop());

  it("prompts each owner once at 09:30 on a working day, with all their actions in one card", async () => {
    expect((await tick(deps, at("2020-12-21T09:29:00Z"))).prompts).toBeNull();
    expect(prompts("Sam Jones")).toHaveLength(0);

    const report = await tick(deps, at("2020-12-21T09:30:00Z"));
    expect(report.prompts).toMatchObject({ claimed: true, prompts: 2 });
    expect(report.sent).toBe(2);
    expect(prompts("Sam Jones")).toHaveLength(1);
    expect(refs(prompts("Sam Jones")[0]!.card)).toEqual(["2.6", "2.7", "3.3", "5", "7.1", "7.3"]);
    expect(refs(prompts("Mo Khan")[0]!.card)).toEqual(["4.2"]);

    // Later the same day, and again from a second look at the clock: nothing new.
    expect((await tick(deps, at("2020-12-21T11:00:00Z"))).prompts).toBeNull();
    expect(prompts("Sam Jones")).toHaveLength(1);
  });

  it("copes with thousands of actions needing an answer at once", async () => {
    const { insertMany } = await import("../src/store/insert-many.js");
    const a = await store.db.action.findFirstOrThrow({ where: { key: "2.6" }, include: { owners: true } });
    const rows = Array.from({ length: 2500 }, (_, i) => ({
      id: `bulk-${i}`, planId: a.planId, recommendationId: a.recommendationId, key: `bulk.${i}`, ref: `B${i}`, title: `Bulk action ${i}`,
      targetTo: "2020-12-01", originalTargetTo: "2020-12-01", status: "in_progress", position: 100 + i, createdAt: new Date("2020-06-01T00:00:00Z"), updatedAt: new Date("2020-06-01T00:00:00Z"),
    }));
    await insertMany(store.db as never, provider, "Action", rows);
    await insertMany(store.db as never, provider, "ActionOwner", rows.map((r) => ({ actionId: r.id, roleId: a.owners[0]!.roleId, kind: "responsible", position: 0 })));
    const report = await tick(deps, at("2020-12-21T09:30:00Z"));
    expect(report.prompts).toMatchObject({ claimed: true, prompts: 2 });
    const card = prompts("Sam Jones")[0]!.card as PromptCard;
    expect(card.items).toHaveLength(6);
    expect(card.footer).toMatch(/2500 more actions are not shown here/);
  });

  it("does not ask again within the cadence unless something changed", async () => {
    await tick(deps, at("2020-12-21T09:30:00Z"));
    await tick(deps, at("2020-12-22T09:30:00Z"));
    expect(prompts("Sam Jones")).toHaveLength(1);
    // 4 January: item 2's activities fell overdue on 1 January, a change, so they are asked about again.
    await tick(deps, at("2021-01-04T09:30:00Z"));
    const latest = prompts("Sam Jones").at(-1)!;
    expect(prompts("Sam Jones")).toHaveLength(2);
    expect(refs(latest.card)).toEqual(expect.arrayContaining(["2.6", "2.7"]));
    expect((latest.card as PromptCard).items[0]!.reason).toBe("Overdue by 4 days");
  });

  it.each([
    ["a Saturday", "2020-12-19T09:30:00Z"],
    ["Christmas Day", "2020-12-25T09:30:00Z"],
    ["the Boxing Day bank holiday (Monday 28th)", "2020-12-28T09:30:00Z"],
  ])("sends no prompts on %s", async (_, when) => {
    expect((await tick(deps, at(when))).prompts).toBeNull();
    expect(prompts("Sam Jones")).toHaveLength(0);
  });

  it("holds messages in quiet hours and sends them when the quiet ends", async () => {
    const evening = await tick(deps, at("2020-12-21T19:00:00Z"));
    expect(evening.prompts).toMatchObject({ claimed: true, prompts: 2 });
    expect(evening.sent).toBe(0);
    expect(prompts("Sam Jones")).toHaveLength(0);
    const morning = await tick(deps, at("2020-12-22T08:00:00Z"));
    expect(morning.sent).toBe(2);
    expect(prompts("Sam Jones")).toHaveLength(1);
  });

  it("does nothing while paused", async () => {
    await store.db.appSetting.create({ data: { key: SCHEDULE_SETTING, value: JSON.stringify({ paused: true }) } });
    expect(await tick(deps, at("2020-12-21T09:30:00Z"))).toMatchObject({ paused: true, prompts: null, sent: 0 });
    expect(prompts("Sam Jones")).toHaveLength(0);
  });

  it("asks nothing about a paused plan's overdue actions, and asks again once it is resumed", async () => {
    const { slug } = await store.db.plan.findFirstOrThrow();
    const terminal = (kind: "plans.pause" | "plans.resume", now: string) => executeCommand(deps, { kind, plan: slug }, { person: null, label: "test", via: "cli", locale: "en-GB", now: at(now) });
    expect(await terminal("plans.pause", "2020-12-21T09:00:00Z")).toMatchObject({ outcome: "done" });
    // 4.2 and 5 are overdue and unanswered, yet neither owner hears and nobody is escalated to.
    expect((await tick(deps, at("2020-12-21T09:30:00Z"))).prompts).toMatchObject({ claimed: true, prompts: 0, escalations: 0 });
    expect(prompts("Sam Jones")).toHaveLength(0);
    expect(prompts("Mo Khan")).toHaveLength(0);

    expect(await terminal("plans.resume", "2020-12-21T12:00:00Z")).toMatchObject({ outcome: "done" });
    expect((await tick(deps, at("2020-12-22T09:30:00Z"))).prompts).toMatchObject({ claimed: true, prompts: 2 });
    expect(refs(prompts("Mo Khan")[0]!.card)).toEqual(["4.2"]);
    expect(refs(prompts("Sam Jones")[0]!.card)).toContain("5");
  });

  it("escalates an action overdue by more than 14 days to the admins, once a cadence, saying who was asked", async () => {
    await store.db.person.create({ data: { name: "Alex Admin", webUserId: "Alex Admin", origin: "playground", isAdmin: true } });
    await handleEvent({ ...deps, later: () => undefined }, { type: "contact", user: { platform: "web", userId: "Alex Admin" }, address: { platform: "web", address: "Alex Admin" } }, at("2020-12-01T09:00:00Z"));
    await tick(deps, at("2020-12-21T09:30:00Z"));
    const told = web.messages("Alex Admin").filter((m) => m.card?.type === "notice" && m.card.text.includes("need following up"));
    // One card for the run, listing 4.2 and 5 (30/11/20, 21 days overdue); nothing else is past 14 days.
    expect(told).toHaveLength(1);
    const text = (told[0]!.card as { text: string }).text;
    // Nobody is mapped to an accountable role, so it went to the admin, and says so plainly.
    expect(text).toMatch(/^These 2 actions need following up, and they come to you as an admin/);
    expect(text).toContain('Nobody is mapped to its accountable role: map one with "map ROLE to EMAIL".');
    expect(text.split("\n").filter((l) => l.startsWith("• ")).map((l) => l.slice(2).split(" ")[0])).toEqual(["4.2", "5"]);
    expect(text).toContain("Owner: CEDR, Monitoring Officer. Asked Mo Khan (21/12/2020).");
    await tick(deps, at("2020-12-22T09:30:00Z"));
    expect(web.messages("Alex Admin").filter((m) => m.card?.type === "notice")).toHaveLength(1);
  });

  it("escalates to each accountable person once, in one card for the run, however many of their roles and actions are involved", async () => {
    const [late42, late5] = await Promise.all(["4.2", "5"].map((key) => store.db.action.findFirstOrThrow({ where: { key } })));
    const directorA = await store.db.ownerRole.create({ data: { name: "Director A", aliases: { create: { alias: "director a", text: "Director A" } } } });
    const directorB = await store.db.ownerRole.create({ data: { name: "Director B", aliases: { create: { alias: "director b", text: "Director B" } } } });
    await store.db.actionOwner.createMany({
      data: [
        { actionId: late42!.id, roleId: directorA.id, kind: "accountable", position: 10 },
        { actionId: late42!.id, roleId: directorB.id, kind: "accountable", position: 11 },
        { actionId: late5!.id, roleId: directorA.id, kind: "accountable", position: 10 },
      ],
    });
    for (const name of ["Dee Director", "Eve Director"]) {
      await handleEvent({ ...deps, later: () => undefined }, { type: "contact", user: { platform: "web", userId: name }, address: { platform: "web", address: name } }, at("2020-12-01T09:00:00Z"));
    }
    // Dee holds both accountable roles; Eve only the second.
    await mapRole(store.db, { role: "Director A", personName: "Dee Director", via: "cli", actorLabel: "test", playground: true });
    await mapRole(store.db, { role: "Director B", personName: "Dee Director", via: "cli", actorLabel: "test", playground: true });
    await mapRole(store.db, { role: "Director B", personName: "Eve Director", via: "cli", actorLabel: "test", playground: true });
    const report = await tick(deps, at("2020-12-21T09:30:00Z"));
    expect(report.prompts).toMatchObject({ escalations: 2 });
    const cards = (name: string) => web.messages(name).filter((m) => m.card?.type === "notice" && /needs? following up/.test(m.card.text)).map((m) => (m.card as { text: string }).text);
    const listed = (text: string) => text.split("\n").filter((l) => l.startsWith("• ")).map((l) => l.slice(2).split(" ")[0]);
    expect(cards("Dee Director")).toHaveLength(1);
    expect(listed(cards("Dee Director")[0]!)).toEqual(["4.2", "5"]);
    expect(cards("Eve Director")).toHaveLength(1);
    expect(listed(cards("Eve Director")[0]!)).toEqual(["4.2"]);
  });

  it("sends the weekly digest to each subscribed channel on Monday at 08:30, once", async () => {
    const plan = await store.db.plan.findFirstOrThrow();
    await store.db.digestSubscription.create({ data: { planId: plan.id, platform: "web", address: "Leadership" } });
    expect((await tick(deps, at("2020-12-21T08:29:00Z"))).digests).toBeNull();
    expect((await tick(deps, at("2020-12-21T08:30:00Z"))).digests).toEqual({ claimed: true, digests: 1 });
    await tick(deps, at("2020-12-21T15:00:00Z"));
    const digests = web.messages("Leadership").filter((m) => m.card?.type === "digest");
    expect(digests).toHaveLength(1);
    const card = digests[0]!.card as DigestCard;
    expect(card.title).toBe("Weekly digest: procurement.tsv");
    // The plan gives no RAG: main actions' RAG is derived by the rule, and the card says so.
    expect(card.chart.slices.map((s) => s.label)).toEqual(expect.arrayContaining(["Red"]));
    expect(card.chart.slices.every((s) => ["Red", "Amber", "Green", "Complete"].includes(s.label))).toBe(true);
    expect(card.note).toMatch(/^RAG derived by Chaser's rule/);
    const overdue = card.sections[0]!.lines.find((l) => l.label.startsWith("Overdue"))!;
    expect(overdue.label).toBe("Overdue (2)");
    expect(overdue.items.some((i) => /^4\.2 CEDR protocol for briefing/.test(i))).toBe(true);
  });
});

describe("two schedulers on one PostgreSQL database", () => {
  let store: TestStore;
  afterEach(async () => store.drop());

  it("send each prompt exactly once", async () => {
    store = await freshStore("postgresql");
    await importPlan(store, await parseSeed("committee"), { sourceDocument: "committee.tsv", via: "cli", actorLabel: "test", now: at("2014-06-01T09:00:00Z") });
    // Twenty officers, each owning every role, so each gets a prompt.
    for (let i = 0; i < 20; i++) {
      for (const role of ["Commissioning", "Procurement", "Policy", "Transformation Team"]) {
        await mapRole(store.db, { role, personName: `Officer ${i}`, via: "cli", actorLabel: "test", playground: true });
      }
    }
    const received: string[] = [];
    const recording = (): ChatChannel => ({
      platform: "web",
      send: async (address) => {
        received.push(address);
        return { messageRef: `${address}:${received.length}` };
      },
      update: async () => undefined,
    });
    const second = await openStore(store.database, { migrate: false });
    try {
      const replicas: Deliverer[] = [
        { store, log: pino({ level: "silent" }), channels: { web: recording() }, workerId: "replica-a" },
        { store: second, log: pino({ level: "silent" }), channels: { web: recording() }, workerId: "replica-b" },
      ];
      const when = at("2014-09-01T09:30:00Z");
      const reports = await Promise.all(replicas.flatMap((r) => [tick(r, when), tick(r, when)]));
      expect(reports.filter((r) => r.prompts?.claimed)).toHaveLength(1);
      await Promise.all(replicas.map((r) => tick(r, at("2014-09-01T09:31:00Z"))));
      expect(received).toHaveLength(20);
      expect(new Set(received).size).toBe(20);
      expect(await store.db.chatMessage.count({ where: { status: "sent" } })).toBe(20);
    } finally {
      await second.close();
    }
  });
});
