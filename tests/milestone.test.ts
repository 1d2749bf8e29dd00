import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { WebChannel } from "../src/adapters/web/web-channel.js";
import { runCli, type CliIo } from "../src/cli.js";
import { handleEvent, type ConversationDeps } from "../src/conversation/handle-event.js";
import { parseChatCommand } from "../src/commands/parse-chat-command.js";
import { buildDigestCard, milestoneWords } from "../src/digest/build-digest-card.js";
import { readDigestView } from "../src/digest/read-digest-view.js";
import { translator } from "../src/i18n.js";
import { DEFAULT_SCHEDULE_SETTINGS } from "../src/schedule/schedule-settings.js";
import { importPlan } from "../src/store/import-plan.js";
import { openStore, type Store } from "../src/store/open-store.js";
import { parseSeed } from "./helpers/seeds.js";
import { freshStore, PROVIDERS, type TestStore } from "./helpers/test-store.js";

// 20 December 2020: in the procurement seed 2.6 is due 31/12/20, 3.3 on 4/01/21, 4.2 was due 30/11/20.
const NOW = new Date("2020-12-20T09:30:00Z");

describe("the milestone command in words", () => {
  it.each([
    ["milestone 2.3", { plan: null, ref: "2.3", on: true }],
    ["Milestone  procurement-review 2.3", { plan: "procurement-review", ref: "2.3", on: true }],
    ["milestone 2.3 off", { plan: null, ref: "2.3", on: false }],
    ["milestone R6", { plan: null, ref: "R6", on: true }],
    ["carreg filltir 2.3", { plan: null, ref: "2.3", on: true }],
    ["carreg filltir 2.3 i ffwrdd", { plan: null, ref: "2.3", on: false }],
    // The command's word with no ref: its usage, not a guess.
    ["milestone", "usage"],
    ["2.3 done", null],
    ["the milestone 2.3 is late", null],
  ])("%s", (text, expected) => {
    const parsed = parseChatCommand(text, "web");
    const read =
      parsed.kind === "command" && parsed.command.kind === "actions.milestone"
        ? { plan: parsed.command.plan, ref: parsed.command.ref, on: parsed.command.on }
        : parsed.kind === "bad" && parsed.topic === "milestone"
          ? "usage"
          : parsed.kind === "none"
            ? null
            : parsed;
    expect(read).toEqual(expected);
  });
});

describe.each(PROVIDERS)("an admin marks milestones in chat (%s)", (provider) => {
  let store: TestStore;
  let deps: ConversationDeps;
  let said = 0;
  const say = (name: string, text: string) => handleEvent(deps, { type: "text", user: { platform: "web", userId: name }, deliveryId: `${name}:${++said}`, text }, NOW);
  const milestone = async (key: string) => (await store.db.action.findFirstOrThrow({ where: { key } })).milestone;

  beforeEach(async () => {
    store = await freshStore(provider);
    deps = { store, log: pino({ level: "silent" }), channels: { web: new WebChannel(() => NOW) }, later: () => {} };
    await importPlan(store, await parseSeed("procurement"), { sourceDocument: "procurement.tsv", via: "cli", actorLabel: "test", now: new Date("2020-12-01T09:00:00Z") });
    await store.db.person.create({ data: { name: "Alex Admin", webUserId: "Alex Admin", origin: "playground", isAdmin: true, locale: "en-GB" } });
    await store.db.person.create({ data: { name: "Mo Khan", webUserId: "Mo Khan", origin: "playground", locale: "en-GB" } });
  });
  afterEach(async () => store.drop());

  it("marks and unmarks with a history row each time; others are refused and nothing changes", async () => {
    expect((await say("Mo Khan", "milestone 2.6")).reply).toEqual({ type: "notice", text: "Only Chaser's admins, or that plan's admins, can mark milestones." });
    expect(await milestone("2.6")).toBe(false);

    const marked = await say("Alex Admin", "milestone 2.6");
    expect(marked.reply).toMatchObject({ type: "notice", text: expect.stringMatching(/^2\.6 .* is now a key milestone of /) });
    expect(await milestone("2.6")).toBe(true);
    expect((await say("Alex Admin", "milestone 2.6")).reply).toMatchObject({ text: expect.stringContaining("was already a key milestone") });
    expect((await say("Alex Admin", "milestone 99.9")).reply).toMatchObject({ text: "There is no action 99.9. Say the ref as the plan writes it, for example: milestone 2.3" });

    const history = await store.db.history.findMany({ where: { entity: "action", note: { startsWith: "milestone" } }, orderBy: { at: "asc" } });
    expect(history.map((h) => [h.via, h.actorLabel, h.before, h.after])).toEqual([["chat:web", "Alex Admin", '{"milestone":false}', '{"milestone":true}']]);

    await store.db.person.update({ where: { webUserId: "Alex Admin" }, data: { locale: "cy" } });
    const off = await say("Alex Admin", "carreg filltir 2.6 i ffwrdd");
    expect(off.reply).toMatchObject({ text: expect.stringContaining("yn garreg filltir allweddol") });
    expect(await milestone("2.6")).toBe(false);
    expect(await store.db.history.count({ where: { note: "milestone off" } })).toBe(1);

    // "R7" finds the action the plan writes "R 7", as answers in words do.
    await store.db.action.updateMany({ where: { key: "3.3" }, data: { ref: "R 7" } });
    await say("Alex Admin", "carreg filltir R7");
    expect(await milestone("3.3")).toBe(true);
  });
});

describe("chaser milestone, and the digest's key milestones", () => {
  let dir: string;
  let store: Store;
  const cli = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), now: () => NOW, env: { DATABASE_URL: `file:${join(dir, "chaser.db")}` } };
    return { code: await runCli(argv, io), out, err };
  };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "chaser-milestone-"));
    store = await openStore({ provider: "sqlite", file: join(dir, "chaser.db") });
    await importPlan(store, await parseSeed("procurement"), { sourceDocument: "procurement.tsv", planName: "Procurement review", via: "cli", actorLabel: "test", now: new Date("2020-12-01T09:00:00Z") });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("marks from the command line; the digest lists milestones with their state in words, next first", async () => {
    const slug = (await store.db.plan.findFirstOrThrow()).slug;
    for (const ref of ["3.3", "2.6", "4.2"]) expect((await cli(["milestone", "--plan", slug, ref])).code).toBe(0);
    const bad = await cli(["milestone", "--plan", slug, "99.9"]);
    expect(bad).toMatchObject({ code: 1, err: [expect.stringContaining("There is no action 99.9")] });
    expect((await cli(["milestone", "--plan", "no-such-plan", "2.6"])).err.join()).toContain('There is no plan "no-such-plan"');
    expect((await cli(["milestone"])).code).toBe(2);

    const plan = await store.db.plan.findFirstOrThrow({ select: { id: true, slug: true, title: true, kind: true } });
    const view = await readDigestView(store, { plan, themeId: null, now: NOW, since: null, settings: DEFAULT_SCHEDULE_SETTINGS, listThemes: "all" });
    // Open ones by target, the overdue one first as its target is earliest.
    expect(view.totals.milestones.map((m) => [m.ref, m.state])).toEqual([
      ["4.2", "overdue"],
      ["2.6", expect.any(String)],
      ["3.3", expect.any(String)],
    ]);
    const t = translator("en-GB");
    expect(milestoneWords(view.totals.milestones[0]!, t)).toBe("Overdue since 30/11/2020");
    const card = buildDigestCard(view, { t, top: 3 });
    const line = card.detail[0]!.lines.find((l) => l.label.startsWith("Key milestones"))!;
    expect(line.label).toBe("Key milestones (3)");
    expect(line.items[0]).toMatch(/: Overdue since 30\/11\/2020$/);

    expect((await cli(["milestone", "--plan", slug, "4.2", "--off"])).out.join()).toContain("is no longer a key milestone");
    const after = await readDigestView(store, { plan, themeId: null, now: NOW, since: null, settings: DEFAULT_SCHEDULE_SETTINGS });
    expect(after.totals.milestones.map((m) => m.ref)).toEqual(["2.6", "3.3"]);
  });
});
