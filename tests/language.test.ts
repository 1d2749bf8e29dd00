import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../src/cli.js";
import { WebChannel } from "../src/adapters/web/web-channel.js";
import type { NoticeCard } from "../src/conversation/card.js";
import type { ChatUser } from "../src/conversation/chat-user.js";
import { handleEvent, type ConversationDeps } from "../src/conversation/handle-event.js";
import { translator } from "../src/i18n.js";
import { importPlan } from "../src/store/import-plan.js";
import { parseSeed } from "./helpers/seeds.js";
import { freshStore, PROVIDERS, type TestStore } from "./helpers/test-store.js";

const NOW = new Date("2020-12-21T10:00:00Z");

describe.each(PROVIDERS)("each person's language (%s)", (provider) => {
  let store: TestStore;
  let deps: ConversationDeps;
  let n = 0;

  const teams = (locale?: string): ChatUser => ({ platform: "teams", userId: "29:nia", tenantId: "t1", name: "Nia Evans", ...(locale ? { locale } : {}) });
  const slack = (locale?: string): ChatUser => ({ platform: "slack", userId: "U0GWEN", tenantId: "T1", name: "Gwen", ...(locale ? { locale } : {}) });
  const say = async (user: ChatUser, text: string, extra: { command?: boolean; room?: string } = {}) => {
    const outcome = await handleEvent(deps, { type: "text", user, deliveryId: `d${n++}`, text, ...(extra.command ? { command: true } : {}), ...(extra.room ? { room: { platform: user.platform, address: extra.room } } : {}) }, NOW);
    return (outcome.reply as NoticeCard | null)?.text ?? "";
  };
  const localeOf = async (where: { teamsUserId: string } | { slackUserId: string } | { webUserId: string }) => (await store.db.person.findUniqueOrThrow({ where })).locale;

  beforeEach(async () => {
    store = await freshStore(provider);
    deps = { store, log: pino({ level: "silent" }), channels: { web: new WebChannel(() => NOW) }, later: (task) => void task() };
  });
  afterEach(async () => store.drop());

  it("follows the platform's locale until the person chooses, then keeps their choice, with its history", async () => {
    const welcome = await handleEvent(deps, { type: "contact", user: teams("cy-GB"), address: { platform: "teams", address: "{}" } }, NOW);
    expect((welcome.reply as NoticeCard).text).toMatch(/^Helo Nia Evans/);
    expect(await localeOf({ teamsUserId: "29:nia" })).toBe("cy");
    // Teams switched to English: still unchosen, so Chaser follows it.
    await say(teams("en-US"), "help");
    expect(await localeOf({ teamsUserId: "29:nia" })).toBe("en-GB");

    expect(await say(teams("en-US"), "iaith Cymraeg")).toMatch(/^Iawn: byddaf yn ysgrifennu atoch yn Gymraeg/);
    const person = await store.db.person.findUniqueOrThrow({ where: { teamsUserId: "29:nia" } });
    expect(person.locale).toBe("cy");
    expect(person.localeChosenAt).toEqual(NOW);
    const history = await store.db.history.findMany({ where: { entity: "person-locale", entityId: person.id } });
    expect(history.map((h) => [h.via, JSON.parse(h.before!), JSON.parse(h.after!)])).toEqual([["chat:teams", { locale: "en-GB", chosen: false }, { locale: "cy", chosen: true }]]);

    // Teams still says English; the person's choice stands, and everything comes in Welsh.
    expect(await say(teams("en-US"), "help")).toMatch(/^Rwy'n mynd ar ôl diweddariadau/);
    expect(await localeOf({ teamsUserId: "29:nia" })).toBe("cy");
    expect(await say(teams("en-US"), "iaith")).toMatch(/^Rwy'n ysgrifennu atoch yn Gymraeg/);
    // Choosing the same again writes no second history row.
    await say(teams("en-US"), "language Welsh");
    expect(await store.db.history.count({ where: { entity: "person-locale" } })).toBe(1);

    expect(await say(teams("cy-GB"), "iaith Saesneg")).toMatch(/^Done: I'll write to you in English/);
    expect(await localeOf({ teamsUserId: "29:nia" })).toBe("en-GB");
    expect(await say(teams("cy-GB"), "help")).toMatch(/^I chase action-plan updates/);
  });

  it("takes Slack's /chaser language cy, and an unknown language is answered with the one in use", async () => {
    await handleEvent(deps, { type: "contact", user: slack("en-GB"), address: { platform: "slack", address: "U0GWEN" } }, NOW);
    expect(await say(slack("en-GB"), "language cy", { command: true })).toMatch(/^Iawn/);
    expect(await localeOf({ slackUserId: "U0GWEN" })).toBe("cy");
    expect(await say(slack("en-GB"), "iaith Klingon")).toMatch(/^Rwy'n ysgrifennu atoch yn Gymraeg/);
    expect(await localeOf({ slackUserId: "U0GWEN" })).toBe("cy");
  });

  it("lets an admin choose someone's language in chat, refuses anyone else, and explains it in both languages", async () => {
    const en = translator("en-GB");
    const cy = translator("cy");
    await handleEvent(deps, { type: "contact", user: teams("en-GB"), address: { platform: "teams", address: "{}" } }, NOW);
    await handleEvent(deps, { type: "contact", user: { ...slack("en-GB"), email: "gwen@example.gov.uk" }, address: { platform: "slack", address: "U0GWEN" } }, NOW);
    await store.db.person.update({ where: { teamsUserId: "29:nia" }, data: { email: "nia@example.gov.uk" } });
    await store.db.person.update({ where: { slackUserId: "U0GWEN" }, data: { email: "gwen@example.gov.uk" } });

    // Gwen is no admin: refused, and nobody's language changes.
    expect(await say(slack("en-GB"), "language nia@example.gov.uk Welsh")).toMatch(/^Only Chaser's admins/);
    expect(await localeOf({ teamsUserId: "29:nia" })).toBe("en-GB");
    expect(await store.db.history.count({ where: { entity: "person-locale" } })).toBe(0);

    await store.db.person.update({ where: { teamsUserId: "29:nia" }, data: { isAdmin: true } });
    expect(await say(teams("en-GB"), "language gwen@example.gov.uk Welsh", { room: "19:admins" })).toBe(en("commands.language_set.cy", { person: "Gwen" }));
    const gwen = await store.db.person.findUniqueOrThrow({ where: { slackUserId: "U0GWEN" } });
    expect([gwen.locale, gwen.localeChosenAt]).toEqual(["cy", NOW]);
    const row = await store.db.history.findFirstOrThrow({ where: { entity: "person-locale", entityId: gwen.id } });
    expect([row.actorLabel, row.via, row.note]).toEqual(["Nia Evans", "chat:teams", "room:19:admins"]);
    // Slack still says English; the admin's choice stands as if Gwen had made it.
    expect(await say(slack("en-GB"), "help")).toMatch(/^Rwy'n mynd ar ôl/);
    expect(await say(slack("en-GB"), "iaith Sam Saesneg")).toBe(`${cy("commands.person_needed")}\n${cy("commands.usage_line", { usage: cy("commands.topic.language.usage"), example: cy("commands.topic.language.example") })}`);

    expect(await say(teams("en-GB"), "help language")).toBe(`${en("commands.topic.language.summary")}\n${en("commands.usage_line", { usage: en("commands.topic.language.usage"), example: en("commands.topic.language.example") })}`);
    expect(await say(slack("en-GB"), "cymorth iaith")).toBe(`${cy("commands.topic.language.summary")}\n${cy("commands.usage_line", { usage: "iaith [PERSON] Cymraeg|Saesneg", example: "iaith Cymraeg" })}`);
    expect(await say(teams("en-GB"), "commands")).toContain(en("commands.topic.language.usage"));
  });

  it("lets the terminal choose someone's language, naming them; without a person it gives the usage", async () => {
    await handleEvent(deps, { type: "contact", user: teams("en-GB"), address: { platform: "teams", address: "{}" } }, NOW);
    await store.db.person.update({ where: { teamsUserId: "29:nia" }, data: { email: "nia@example.gov.uk" } });
    const out: string[] = [];
    const err: string[] = [];
    const url = store.database.provider === "sqlite" ? `file:${store.database.file}` : store.database.url;
    const cli = (argv: string[]) => runCli(argv, { out: (x) => out.push(x), err: (x) => err.push(x), now: () => NOW, env: { DATABASE_URL: url } });

    expect(await cli(["person", "language", "nia@example.gov.uk", "cy"])).toBe(0);
    expect(out).toEqual([translator("en-GB")("commands.language_set.cy", { person: "Nia Evans" })]);
    expect(await localeOf({ teamsUserId: "29:nia" })).toBe("cy");
    expect((await store.db.history.findFirstOrThrow({ where: { entity: "person-locale" } })).via).toBe("cli");
    expect(await cli(["language", "NIA@example.gov.uk", "en-GB"]), err.join("\n")).toBe(0);
    expect(await localeOf({ teamsUserId: "29:nia" })).toBe("en-GB");

    expect(await cli(["language", "cy"])).toBe(2);
    expect(err.join("\n")).toContain(translator("en-GB")("commands.topic.language.usage"));
    expect(await localeOf({ teamsUserId: "29:nia" })).toBe("en-GB");
  });

  it("gives someone new whose platform reports no locale CHASER_LOCALE's language", async () => {
    deps = { ...deps, defaultLocale: "cy" };
    const welcome = await handleEvent(deps, { type: "contact", user: slack(), address: { platform: "slack", address: "U0GWEN" } }, NOW);
    expect((welcome.reply as NoticeCard).text).toMatch(/^Helo Gwen/);
    expect(await localeOf({ slackUserId: "U0GWEN" })).toBe("cy");
  });

  it("takes the playground's language switch as the persona's own choice", async () => {
    const web = (locale?: string): ChatUser => ({ platform: "web", userId: "Siân", ...(locale ? { locale } : {}) });
    await handleEvent(deps, { type: "contact", user: web(), address: { platform: "web", address: "Siân" } }, NOW);
    expect(await localeOf({ webUserId: "Siân" })).toBe("en-GB");
    expect(await say(web("cy"), "help")).toMatch(/^Rwy'n mynd ar ôl/);
    expect(await localeOf({ webUserId: "Siân" })).toBe("cy");
    expect(await store.db.history.count({ where: { entity: "person-locale", via: "chat:web" } })).toBe(1);
    // Without the switch, what was chosen stays.
    expect(await say(web(), "help")).toMatch(/^Rwy'n mynd ar ôl/);
  });

  it("sends a channel's digest in the language its subscription names, else the subscriber's", async () => {
    await importPlan(store, await parseSeed("procurement"), { sourceDocument: "procurement.tsv", via: "cli", actorLabel: "test", now: NOW });
    const plan = await store.db.plan.findFirstOrThrow();
    await handleEvent(deps, { type: "contact", user: teams("en-GB"), address: { platform: "teams", address: "{}" } }, NOW);
    await store.db.person.update({ where: { teamsUserId: "29:nia" }, data: { isAdmin: true } });
    expect(await say(teams("en-GB"), `subscribe ${plan.slug} cy`, { room: "19:leadership" })).toMatch(/will get the weekly digest.* It will come in Welsh\.$/);
    expect(await say(teams("en-GB"), `subscribe ${plan.slug}`, { room: "19:board" })).toMatch(/will get the weekly digest.* It will come in English\.$/);
    const subs = await store.db.digestSubscription.findMany({ orderBy: { address: "asc" } });
    expect(subs.map((s) => [s.address, s.locale])).toEqual([["19:board", "en-GB"], ["19:leadership", "cy"]]);
    // Naming the language again changes it; leaving it out keeps it.
    await say(teams("en-GB"), `subscribe ${plan.slug} English`, { room: "19:leadership" });
    await say(teams("en-GB"), `subscribe ${plan.slug}`, { room: "19:leadership" });
    expect((await store.db.digestSubscription.findFirstOrThrow({ where: { address: "19:leadership" } })).locale).toBe("en-GB");
  });
});
