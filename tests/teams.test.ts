/**
 * Chaser in Teams, end to end: activities are POSTed over loopback HTTP to the real server's
 * /api/messages, through botbuilder's real CloudAdapter, into the core and the store; what the bot
 * sends back lands on the fake Bot Connector (tests/fakes), where the tests read it.
 */
import { Writable } from "node:stream";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ConfigurationBotFrameworkAuthentication } from "botbuilder";
import { parse as parseCsv } from "csv-parse/sync";
import ExcelJS from "exceljs";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTeams, MAX_ACTIVITY_BYTES, type BotFrameworkAuthentication, type Teams } from "../src/adapters/teams/create-teams.js";
import { FILE_CONSENT, FILE_INFO, unreachableReason } from "../src/adapters/teams/teams-channel.js";
import type { TeamsConfig } from "../src/config/load-config.js";
import { Background } from "../src/conversation/background.js";
import type { ConversationDeps } from "../src/conversation/handle-event.js";
import { sendPrompt } from "../src/conversation/send-prompt.js";
import { importPlan } from "../src/store/import-plan.js";
import { mapRole } from "../src/store/map-role.js";
import { startServer } from "../src/web/start-server.js";
import { createSigningKey, credentialsFactory, forgetCachedBotTokens, startFakeBotFrameworkAuth, type FakeBotFrameworkAuth } from "./fakes/bot-framework-auth.js";
import { startFakeConnector, type FakeConnector, type StoredActivity, type TeamsMember } from "./fakes/fake-bot-connector.js";
import { translator } from "../src/i18n.js";
import { parseSeed } from "./helpers/seeds.js";
import { freshStore, PROVIDERS, type TestStore } from "./helpers/test-store.js";

// 20 December 2020: item 2's activities (31/12/20) are due within 14 days, so CDAI has five to answer.
const NOW = new Date("2020-12-20T09:30:00Z");
const TENANT = "tenant-1";
const BOT = { id: "28:chaser-bot", name: "Chaser" };
const ALICE: TeamsMember = {
  id: "29:alice",
  name: "Alice Owner",
  email: "alice.owner@example.gov.uk",
  userPrincipalName: "alice.owner@example.gov.uk",
  aadObjectId: "00000000-0000-0000-0000-00000000a11c",
  tenantId: TENANT,
};
const BOB: TeamsMember = { id: "29:bob", name: "Bob Stranger", email: "bob@example.gov.uk", tenantId: TENANT };
const AUTH_OFF: TeamsConfig = { appId: "", appPassword: null, appType: "MultiTenant", tenantId: null };
const ADAPTIVE = "application/vnd.microsoft.card.adaptive";
const silent = pino({ level: "silent" });
/** Letters and digits only, to find a plan's words in a file's cells however they were split. */
const squash = (text: string) => text.replace(/[^\p{L}\p{N}]+/gu, "").toLowerCase();

type Json = Record<string, any>;

/** Everything one test runs against: a fresh store with seed 000, the fake connector, the server. */
interface Rig {
  store: TestStore;
  connector: FakeConnector;
  teams: Teams;
  background: Background;
  deps: ConversationDeps;
  url: string;
  close(): Promise<void>;
}

async function startRig(
  provider: (typeof PROVIDERS)[number],
  options: { config?: TeamsConfig; connector?: Parameters<typeof startFakeConnector>[0]; auth?: (connector: FakeConnector) => BotFrameworkAuthentication } = {},
): Promise<Rig> {
  const store = await freshStore(provider);
  await importPlan(store, await parseSeed("procurement"), { sourceDocument: "procurement.tsv", via: "cli", actorLabel: "test", now: new Date("2020-12-01T09:00:00Z") });
  const connector = await startFakeConnector({ members: [ALICE, BOB], ...options.connector });
  const background = new Background(silent);
  const channels: ConversationDeps["channels"] = {};
  const deps: ConversationDeps = { store, log: silent, channels, later: background.run };
  const auth = options.auth?.(connector);
  const teams = createTeams({ config: options.config ?? AUTH_OFF, deps, now: () => NOW, ...(auth ? { auth } : {}) });
  channels.teams = teams.channel;
  const server: Server = await startServer(0, { store, log: silent, locale: "en-GB", now: () => NOW, routes: teams.routes });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
  return {
    store,
    connector,
    teams,
    background,
    deps,
    url,
    async close() {
      await background.settle();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await connector.close();
      await store.drop();
    },
  };
}

let sequence = 0;
const chatWith = (member: TeamsMember) => `a:chat-${member.id}`;
const personalConversation = (member: TeamsMember) => ({ id: chatWith(member), conversationType: "personal", tenantId: TENANT });
const GROUP = { id: "19:group-chat@thread.v2", conversationType: "groupChat", tenantId: TENANT, isGroup: true };

/** An activity as Teams posts it to the bot. */
function activity(rig: Rig, member: TeamsMember, fields: Json, conversation: Json = personalConversation(member)): Json {
  return {
    type: "message",
    id: `activity-${++sequence}`,
    channelId: "msteams",
    serviceUrl: rig.connector.url,
    timestamp: NOW.toISOString(),
    locale: "en-GB",
    from: { id: member.id, name: member.name, aadObjectId: member.aadObjectId },
    recipient: BOT,
    conversation,
    channelData: { tenant: { id: TENANT } },
    ...fields,
  };
}

async function post(rig: Rig, body: unknown, token?: string): Promise<{ status: number; json: Json | null; text: string }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const response = await fetch(rig.url, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
  const text = await response.text();
  let json: Json | null = null;
  try {
    json = JSON.parse(text) as Json;
  } catch {
    json = null;
  }
  return { status: response.status, json, text };
}

const install = (rig: Rig, member: TeamsMember, membersAdded = [{ id: member.id }], extra: Json = {}) =>
  post(rig, activity(rig, member, { type: "conversationUpdate", membersAdded, ...extra }));
const say = (rig: Rig, member: TeamsMember, text: string, extra: Json = {}, conversation?: Json) =>
  post(rig, activity(rig, member, { text, ...extra }, conversation));
const execute = (rig: Rig, member: TeamsMember, data: unknown, replyToId?: string, verb = "chaser.answer") =>
  post(rig, activity(rig, member, { type: "invoke", name: "adaptiveCard/action", replyToId, value: { action: { type: "Action.Execute", verb, data }, trigger: "manual" } }));
const submit = (rig: Rig, member: TeamsMember, value: unknown, replyToId?: string) => post(rig, activity(rig, member, { replyToId, value }));

const cardOf = (stored: StoredActivity | undefined): Json => {
  const attachments = stored?.activity.attachments as Json[] | undefined;
  expect(attachments?.[0]?.contentType).toBe(ADAPTIVE);
  return attachments![0]!.content as Json;
};
/** The first TextBlock's text: a card's title, or a notice's words. */
const headline = (card: Json): string => card.body[0].text;
const sentTo = (rig: Rig, member: TeamsMember) => rig.connector.activities(chatWith(member));
const promptsTo = (rig: Rig, member: TeamsMember) => sentTo(rig, member).filter((a) => headline(cardOf(a)) === "Your actions need an update");
const containers = (card: Json): Json[] => card.body.filter((e: Json) => e.type === "Container");
const item = (card: Json, ref: string): Json => {
  const found = containers(card).find((c) => c.items[0].text.startsWith(`${ref} ·`));
  expect(found, `an item for ${ref}`).toBeDefined();
  return found!;
};
const actionsOf = (container: Json): Json[] => container.items.find((e: Json) => e.type === "ActionSet")?.actions ?? [];
const recordedOf = (container: Json): string | undefined => container.items.find((e: Json) => typeof e.text === "string" && e.text.startsWith("✔"))?.text;
const button = (card: Json, ref: string, title: string): Json => {
  const found = actionsOf(item(card, ref)).find((a) => a.title === title);
  expect(found, `${title} on ${ref}`).toBeDefined();
  return found!;
};

const personOf = (rig: Rig, member: TeamsMember) => rig.store.db.person.findUniqueOrThrow({ where: { teamsUserId: member.id } });
const action = (rig: Rig, key: string) => rig.store.db.action.findFirstOrThrow({ where: { key } });
// Changes to plans and actions; who is who (person-binding, person-claim) is counted apart.
const teamsHistory = (rig: Rig) => rig.store.db.history.count({ where: { via: "chat:teams", entity: { notIn: ["person-binding", "person-claim"] } } });

/** Installs Alice, maps CDAI to her, sends her prompt; returns the prompt as the connector holds it. */
async function alicePrompted(rig: Rig): Promise<{ stored: StoredActivity; card: Json; personId: string }> {
  expect((await install(rig, ALICE)).status).toBe(200);
  await mapRole(rig.store.db, { role: "CDAI", personName: ALICE.name!, email: ALICE.email, via: "cli", actorLabel: "test" });
  const { id: personId } = await personOf(rig, ALICE);
  expect(await sendPrompt(rig.deps, personId, NOW)).toMatchObject({ status: "sent" });
  const [stored, ...more] = promptsTo(rig, ALICE);
  expect(more).toEqual([]);
  return { stored: stored!, card: cardOf(stored), personId };
}

describe.each(PROVIDERS)("Teams, end to end (%s)", (provider) => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig(provider);
  });
  afterEach(async () => {
    await rig.close();
  });

  it("on installation stores the person's conversation reference and email, and welcomes them once", async () => {
    const installed = await install(rig, ALICE);
    expect(installed.status).toBe(200);
    const alice = await personOf(rig, ALICE);
    expect(alice).toMatchObject({ name: "Alice Owner", email: ALICE.email, teamsTenantId: TENANT, preferredPlatform: "teams", locale: "en-GB" });
    expect(JSON.parse(alice.teamsConversation!)).toMatchObject({
      channelId: "msteams",
      serviceUrl: rig.connector.url,
      conversation: { id: chatWith(ALICE), conversationType: "personal", tenantId: TENANT },
      user: { id: ALICE.id, name: ALICE.name },
      bot: BOT,
    });
    expect(JSON.parse(alice.teamsConversation!)).not.toHaveProperty("activityId");
    const [welcome, ...others] = sentTo(rig, ALICE);
    expect(others).toEqual([]);
    expect(welcome!.replyToId).toBe(`activity-${sequence}`);
    expect(headline(cardOf(welcome))).toMatch(/^Hello Alice Owner\. I'm Chaser/);

    // Teams also sends installationUpdate for the same install: the reference is kept, no second welcome.
    expect((await post(rig, activity(rig, ALICE, { type: "installationUpdate", action: "add" }))).status).toBe(200);
    expect(sentTo(rig, ALICE)).toHaveLength(1);
    // What Teams says of a known person is the same from one activity to the next: nothing is written.
    expect(await personOf(rig, ALICE)).toEqual(alice);

    // Teams names the bot as the member added to a personal chat; the person is still who installed it.
    expect((await install(rig, BOB, [{ id: BOT.id }], { locale: "cy-GB" })).status).toBe(200);
    expect(await personOf(rig, BOB)).toMatchObject({ name: "Bob Stranger", locale: "cy" });
    expect(headline(cardOf(sentTo(rig, BOB)[0]))).toMatch(/^Helo Bob Stranger\. Chaser ydw i/);
    expect(await rig.store.db.person.count()).toBe(2);
  });

  it("welcomes a person once when installationUpdate arrives before conversationUpdate, or both at once", async () => {
    // Teams sends both for one installation a few milliseconds apart; the first used to drop the welcome.
    expect((await post(rig, activity(rig, ALICE, { type: "installationUpdate", action: "add" }))).status).toBe(200);
    expect((await install(rig, ALICE)).status).toBe(200);
    const welcomes = sentTo(rig, ALICE).filter((a) => /^Hello Alice Owner\. I'm Chaser/.test(headline(cardOf(a))));
    expect(welcomes).toHaveLength(1);
    expect(sentTo(rig, ALICE)).toHaveLength(1);

    // Together, for someone new: still exactly one welcome, and one person.
    const [a, b] = await Promise.all([post(rig, activity(rig, BOB, { type: "installationUpdate", action: "add" })), install(rig, BOB)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(sentTo(rig, BOB).filter((x) => /^Hello Bob Stranger/.test(headline(cardOf(x))))).toHaveLength(1);
    expect(await rig.store.db.person.count({ where: { teamsUserId: BOB.id } })).toBe(1);
  });

  it("'my actions' in a group chat: a short pointer there, the list in the person's 1:1 chat", async () => {
    await install(rig, ALICE);
    await mapRole(rig.store.db, { role: "CDAI", personName: ALICE.name!, email: ALICE.email, via: "cli", actorLabel: "test" });
    const mention = { type: "mention", text: "<at>Chaser</at>", mentioned: { id: BOT.id, name: BOT.name } };
    expect((await say(rig, ALICE, "<at>Chaser</at> my actions", { entities: [mention] }, GROUP)).status).toBe(200);
    const inGroup = rig.connector.activities(GROUP.id);
    expect(inGroup.map((a) => headline(cardOf(a)))).toEqual(["Alice Owner, I've sent your actions to our 1:1 chat: a list of someone's actions is only shown there."]);
    expect(JSON.stringify(inGroup)).not.toContain("2.6");
    const list = sentTo(rig, ALICE).find((a) => headline(cardOf(a)) === "Your open actions")!;
    expect(list).toBeDefined();
    // Pressing its button updates it in place in the 1:1 chat.
    const card = cardOf(list);
    await submit(rig, ALICE, button(card, "2.6", "On track").fallback.data, list.id);
    await rig.background.settle();
    expect(recordedOf(item(cardOf(sentTo(rig, ALICE).find((a) => a.id === list.id)), "2.6"))).toMatch(/^✔ Recorded: on track/);
  });

  it("sends ONE proactive card listing the person's actions, Action.Execute buttons falling back to Action.Submit", async () => {
    const { stored, card, personId } = await alicePrompted(rig);
    const conversation = encodeURIComponent(chatWith(ALICE));
    // Proactive: posted to the conversation, not as a reply to the installation.
    const sends = rig.connector.requests.filter((r) => r.method === "POST" && r.path === `/v3/conversations/${conversation}/activities`);
    expect(sends.map((r) => r.status)).toEqual([201]);
    expect(stored.replyToId).toBeUndefined();
    expect(card).toMatchObject({ type: "AdaptiveCard", version: "1.5" });
    expect(containers(card).map((c) => c.items[0].text.split(" · ")[0])).toEqual(["2.6", "2.7", "5", "7.1", "7.3"]);
    for (const container of containers(card)) {
      // Three buttons an action: two answers of one press, and "More…" opening the form for the rest.
      expect(actionsOf(container).map((a) => [a.title, a.type])).toEqual([
        ["On track", "Action.Execute"],
        ["Complete", "Action.Execute"],
        ["More…", "Action.ShowCard"],
      ]);
      const onTrack = actionsOf(container).find((a) => a.title === "On track")!;
      expect(onTrack).toMatchObject({ type: "Action.Execute", verb: "chaser.answer", fallback: { type: "Action.Submit", data: onTrack.data } });
      expect(onTrack.data).toMatchObject({ v: 1, k: "on_track", a: expect.any(String), m: expect.any(String) });
      expect(actionsOf(container).find((a) => a.title === "Complete")!.data).toMatchObject({ v: 1, k: "complete", a: onTrack.data.a, m: onTrack.data.m });
    }
    const message = await rig.store.db.chatMessage.findFirstOrThrow({ where: { personId, kind: "prompt" } });
    expect(message).toMatchObject({ platform: "teams", status: "sent", messageRef: stored.id });

    expect(await sendPrompt(rig.deps, personId, NOW)).toMatchObject({ status: "duplicate" });
    expect(promptsTo(rig, ALICE)).toHaveLength(1);
  });

  it("records 'On track' pressed with Action.Execute and answers the invoke with the updated card", async () => {
    const { stored, card, personId } = await alicePrompted(rig);
    const onTrack = button(card, "2.6", "On track");
    const pressed = await execute(rig, ALICE, onTrack.data, stored.id);
    expect(pressed.status).toBe(200);
    expect(pressed.json).toMatchObject({ statusCode: 200, type: ADAPTIVE, value: { type: "AdaptiveCard", version: "1.5" } });
    const updated = pressed.json!.value as Json;
    expect(recordedOf(item(updated, "2.6"))).toBe("✔ Recorded: on track (Alice Owner, 20/12/2020)");
    expect(actionsOf(item(updated, "2.6"))).toEqual([]);
    expect(actionsOf(item(updated, "2.7")).length).toBeGreaterThan(0);

    expect(await action(rig, "2.6")).toMatchObject({ rag: "green", statusSource: "chat" });
    const history = await rig.store.db.history.findMany({ where: { via: "chat:teams", entity: { not: "person-binding" } } });
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ entityId: onTrack.data.a, actorPersonId: personId, actorLabel: "Alice Owner" });
    await rig.background.settle();
    // The invoke's answer replaced the card; nothing else was sent or updated.
    expect(rig.connector.requests.filter((r) => r.method === "PUT")).toEqual([]);
    expect(sentTo(rig, ALICE)).toHaveLength(2); // the welcome and the prompt
  });

  it("records a delay from the More… form (Action.Execute with inputs), keeping the original target", async () => {
    const { stored, card } = await alicePrompted(rig);
    const show = button(card, "2.7", "More…");
    expect(show.type).toBe("Action.ShowCard");
    const save = show.card.actions[0];
    expect(save).toMatchObject({ type: "Action.Execute", verb: "chaser.answer", fallback: { type: "Action.Submit", data: save.data } });
    expect(save.data).toMatchObject({ v: 1, k: "note", m: expect.any(String) });
    const actionId = save.data.a as string;
    const inputs = show.card.body.filter((e: Json) => e.id);
    expect(inputs.map((e: Json) => [e.type, e.id])).toEqual([
      ["Input.ChoiceSet", `kind.${actionId}.note`],
      ["Input.Date", `date.${actionId}.note`],
      ["Input.Text", `text.${actionId}.note`],
    ]);
    // The choice starts at "delayed", and offers every answer that needs more than a press.
    expect(inputs[0]).toMatchObject({ value: "delayed", isRequired: true });
    expect(inputs[0].choices.map((c: Json) => c.value)).toEqual(["delayed", "blocked", "note", "snooze", "not_mine", "complete"]);
    expect(inputs[1]).toMatchObject({ min: "2020-12-21" });
    const data = { ...save.data, [`kind.${actionId}.note`]: "delayed", [`date.${actionId}.note`]: "2021-03-31", [`text.${actionId}.note`]: "Waiting for Cabinet" };
    const pressed = await execute(rig, ALICE, data, stored.id);
    expect(pressed.status).toBe(200);
    expect(recordedOf(item(pressed.json!.value, "2.7"))).toBe("✔ Recorded: delayed to 31/03/2021: Waiting for Cabinet (Alice Owner, 20/12/2020)");
    expect(actionsOf(item(pressed.json!.value, "2.7"))).toEqual([]);
    expect(await action(rig, "2.7")).toMatchObject({
      status: "delayed",
      statusText: "Waiting for Cabinet",
      targetTo: "2021-03-31",
      originalTargetTo: "2020-12-31",
    });
    expect(await teamsHistory(rig)).toBe(1);
  });

  it("records a block from the More… form, the text as its reason", async () => {
    const { stored, card } = await alicePrompted(rig);
    const save = button(card, "2.6", "More…").card.actions[0];
    const actionId = save.data.a as string;
    const data = { ...save.data, [`kind.${actionId}.note`]: "blocked", [`date.${actionId}.note`]: "", [`text.${actionId}.note`]: "No budget" };
    const pressed = await execute(rig, ALICE, data, stored.id);
    expect(pressed.status).toBe(200);
    expect(recordedOf(item(pressed.json!.value, "2.6"))).toBe("✔ Recorded: blocked: No budget (Alice Owner, 20/12/2020)");
    expect(await action(rig, "2.6")).toMatchObject({ status: "blocked", statusText: "No budget", rag: "red" });
    expect(await teamsHistory(rig)).toBe(1);
  });

  it("records the same through the Action.Submit fallback, and updates the card in place with a PUT", async () => {
    const { stored, card } = await alicePrompted(rig);
    const save = button(card, "2.7", "More…").card.actions[0].fallback;
    expect(save.type).toBe("Action.Submit");
    const actionId = save.data.a as string;
    const value = { ...save.data, [`kind.${actionId}.note`]: "delayed", [`date.${actionId}.note`]: "2021-03-31", [`text.${actionId}.note`]: "Waiting for Cabinet" };
    const before = rig.connector.activities().length;
    const submitted = await submit(rig, ALICE, value, stored.id);
    expect(submitted.status).toBe(200);
    await rig.background.settle();
    expect(await action(rig, "2.7")).toMatchObject({ status: "delayed", statusText: "Waiting for Cabinet", targetTo: "2021-03-31", originalTargetTo: "2020-12-31" });
    expect(await teamsHistory(rig)).toBe(1);
    const puts = rig.connector.requests.filter((r) => r.method === "PUT");
    expect(puts.map((r) => [r.path, r.status])).toEqual([[`/v3/conversations/${encodeURIComponent(chatWith(ALICE))}/activities/${stored.id}`, 200]]);
    const now = rig.connector.activities().find((a) => a.id === stored.id)!;
    expect(now.versions).toHaveLength(2);
    expect(recordedOf(item(cardOf(now), "2.7"))).toMatch(/^✔ Recorded: delayed to 31\/03\/2021: Waiting for Cabinet/);
    // The updated card says it all: no extra message.
    expect(rig.connector.activities()).toHaveLength(before);
  });

  it("updates a list card ('my actions') in place when its button is pressed through the Action.Submit fallback", async () => {
    await install(rig, ALICE);
    await mapRole(rig.store.db, { role: "CDAI", personName: ALICE.name!, email: ALICE.email, via: "cli", actorLabel: "test" });
    expect((await say(rig, ALICE, "my actions", { id: "message-list" })).status).toBe(200);
    const listed = sentTo(rig, ALICE).at(-1)!;
    expect(listed.replyToId).toBe("message-list");
    const list = cardOf(listed);
    expect(headline(list)).toBe("Your open actions");
    // The core recorded the list as a message; the adapter tied it to what Teams made of it.
    const onTrack = button(list, "2.6", "On track");
    expect(onTrack.data.m).toEqual(expect.any(String));
    const message = await rig.store.db.chatMessage.findUniqueOrThrow({ where: { id: onTrack.data.m } });
    expect(message).toMatchObject({ kind: "reply", platform: "teams", status: "sent", messageRef: listed.id });
    expect(JSON.parse(message.address)).toMatchObject({ channelId: "msteams", serviceUrl: rig.connector.url, conversation: { id: chatWith(ALICE) }, bot: BOT });

    const before = rig.connector.activities().length;
    expect((await submit(rig, ALICE, onTrack.fallback.data, listed.id)).status).toBe(200);
    await rig.background.settle();
    expect(await action(rig, "2.6")).toMatchObject({ rag: "green", statusSource: "chat" });
    expect(await teamsHistory(rig)).toBe(1);
    const puts = rig.connector.requests.filter((r) => r.method === "PUT");
    expect(puts.map((r) => [r.path, r.status])).toEqual([[`/v3/conversations/${encodeURIComponent(chatWith(ALICE))}/activities/${listed.id}`, 200]]);
    const now = rig.connector.activities().find((a) => a.id === listed.id)!;
    expect(now.versions).toHaveLength(2);
    expect(headline(cardOf(now))).toBe("Your open actions");
    expect(recordedOf(item(cardOf(now), "2.6"))).toBe("✔ Recorded: on track (Alice Owner, 20/12/2020)");
    expect(actionsOf(item(cardOf(now), "2.6"))).toEqual([]);
    // The updated card says it all: no extra message.
    expect(rig.connector.activities()).toHaveLength(before);
  });

  it("marks a person who uninstalled Chaser unreachable and tells the admins, only for their own 1:1 install", async () => {
    await install(rig, BOB);
    await rig.store.db.person.update({ where: { teamsUserId: BOB.id }, data: { isAdmin: true } });
    await install(rig, ALICE);
    await mapRole(rig.store.db, { role: "CDAI", personName: ALICE.name!, email: ALICE.email, via: "cli", actorLabel: "test" });
    const toAlice = sentTo(rig, ALICE).length;

    // Removed from a group chat: says nothing of Alice's own chat with Chaser.
    expect((await post(rig, activity(rig, ALICE, { type: "installationUpdate", action: "remove" }, GROUP))).status).toBe(200);
    expect((await personOf(rig, ALICE)).unreachableAt).toBeNull();
    expect(sentTo(rig, BOB)).toHaveLength(1); // Bob's welcome

    expect((await post(rig, activity(rig, ALICE, { type: "installationUpdate", action: "remove" }))).status).toBe(200);
    await rig.background.settle();
    expect((await personOf(rig, ALICE)).unreachableAt).toEqual(NOW);
    expect(sentTo(rig, ALICE)).toHaveLength(toAlice);
    const told = sentTo(rig, BOB);
    expect(told).toHaveLength(2);
    expect(headline(cardOf(told[1]))).toBe(
      "Alice Owner cannot be reached on teams: they have blocked or removed Chaser, so their prompts are not being delivered. Ask them to add Chaser again, or map their roles to someone else.",
    );
    // Teams repeats events: the admins are told once a day, not once an event.
    expect((await post(rig, activity(rig, ALICE, { type: "installationUpdate", action: "remove" }))).status).toBe(200);
    expect(sentTo(rig, BOB)).toHaveLength(2);

    // Installing again makes her reachable again.
    expect((await post(rig, activity(rig, ALICE, { type: "installationUpdate", action: "add" }))).status).toBe(200);
    expect((await personOf(rig, ALICE)).unreachableAt).toBeNull();
    // An app upgrade's "remove-upgrade" is not taken as leaving: that would stop her prompts.
    expect((await post(rig, activity(rig, ALICE, { type: "installationUpdate", action: "remove-upgrade" }))).status).toBe(200);
    expect((await personOf(rig, ALICE)).unreachableAt).toBeNull();
    expect(sentTo(rig, BOB)).toHaveLength(2);
    expect(await rig.store.db.person.count()).toBe(2);
  });

  it("records free text ('2.7 done') with a reply in the same turn, and a redelivery records nothing new", async () => {
    await install(rig, ALICE);
    await mapRole(rig.store.db, { role: "CDAI", personName: ALICE.name!, email: ALICE.email, via: "cli", actorLabel: "test" });
    const first = await say(rig, ALICE, "2.7 done", { id: "message-1" });
    expect(first.status).toBe(200);
    const reply = sentTo(rig, ALICE).at(-1)!;
    expect(reply.replyToId).toBe("message-1");
    expect(headline(cardOf(reply))).toBe("Recorded for 2.7: complete. Thank you!");
    expect(await action(rig, "2.7")).toMatchObject({ status: "complete", statusSource: "chat" });

    expect((await say(rig, ALICE, "2.7 done", { id: "message-1" })).status).toBe(200);
    expect(headline(cardOf(sentTo(rig, ALICE).at(-1)))).toBe("That was already recorded for 2.7; nothing new was recorded.");
    expect(await teamsHistory(rig)).toBe(1);
    expect(await rig.store.db.answer.count()).toBe(1);
  });

  it("asks which action 'on track' is for when there are several, records nothing, then records the choice", async () => {
    await install(rig, ALICE);
    await mapRole(rig.store.db, { role: "CDAI", personName: ALICE.name!, email: ALICE.email, via: "cli", actorLabel: "test" });
    await say(rig, ALICE, "on track");
    const choose = cardOf(sentTo(rig, ALICE).at(-1));
    expect(headline(choose)).toBe("Which action is that for? Nothing is recorded until you choose.");
    const options = choose.body[1].actions as Json[];
    expect(options.length).toBeGreaterThan(1);
    expect(await teamsHistory(rig)).toBe(0);
    const option = options.find((o) => o.title.startsWith("2.6:"))!;
    expect(option).toMatchObject({ type: "Action.Execute", verb: "chaser.answer", fallback: { type: "Action.Submit" } });
    const chosen = await execute(rig, ALICE, option.data);
    expect(chosen.json).toMatchObject({ statusCode: 200, value: { body: [{ text: "Recorded for 2.6: on track." }] } });
    expect(await action(rig, "2.6")).toMatchObject({ rag: "green" });
    expect(await teamsHistory(rig)).toBe(1);
  });

  it("tells a stranger pressing someone else's button who owns the action, and records nothing", async () => {
    const { stored, card } = await alicePrompted(rig);
    await install(rig, BOB);
    const before = await action(rig, "2.6");
    const pressed = await execute(rig, BOB, button(card, "2.6", "On track").data, stored.id);
    expect(pressed.status).toBe(200);
    // The card stays as it stands (still unanswered); the words come as a message to the stranger.
    expect(actionsOf(item(pressed.json!.value, "2.6")).length).toBeGreaterThan(0);
    expect(headline(cardOf(sentTo(rig, BOB).at(-1)))).toBe(
      "Only the owner of 2.6, their delegate or a plan admin can update it, so nothing was recorded. It belongs to CDAI (Alice Owner).",
    );
    expect(await action(rig, "2.6")).toEqual(before);
    expect(await rig.store.db.answer.count()).toBe(0);
    expect(await teamsHistory(rig)).toBe(0);
  });

  it("answers malformed requests and presses clearly, and records nothing", async () => {
    const { stored, card } = await alicePrompted(rig);
    const badButton = /^That button is not one I recognise/;
    const noAction = await post(rig, activity(rig, ALICE, { type: "invoke", name: "adaptiveCard/action", value: { trigger: "manual" } }));
    expect(noAction.status).toBe(400);
    expect(noAction.json).toMatchObject({ statusCode: 400, type: "application/vnd.microsoft.error", value: { code: "BadRequest", message: expect.stringMatching(badButton) } });
    const unknownVerb = await execute(rig, ALICE, button(card, "2.6", "On track").data, stored.id, "chaser.explode");
    expect(unknownVerb.status).toBe(400);
    expect(unknownVerb.json).toMatchObject({ statusCode: 400, value: { code: "NotSupported", message: expect.stringMatching(badButton) } });
    for (const data of ["nonsense", null, { v: 1, m: null, a: "x", k: "explode" }, { v: 2 }]) {
      const pressed = await execute(rig, ALICE, data, stored.id);
      expect(pressed.status).toBe(200);
      // Said as a message beside the card: the card, and its good buttons, stay as they were.
      expect(pressed.json).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.activity.message", value: expect.stringMatching(badButton) });
    }
    expect((await submit(rig, ALICE, { hello: "world" }, stored.id)).status).toBe(200);
    expect(headline(cardOf(sentTo(rig, ALICE).at(-1)))).toMatch(badButton);
    expect((await post(rig, activity(rig, ALICE, { type: "invoke", name: "composeExtension/query", value: {} }))).status).toBe(501);
    // Activities missing what Chaser reads: an invoke gets an error answer, a message is ignored.
    const noSender = await post(rig, { ...activity(rig, ALICE, { type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb: "chaser.answer", data: button(card, "2.6", "On track").data } } }), from: undefined });
    expect([noSender.status, noSender.json?.value?.code]).toEqual([400, "BadRequest"]);
    const before = rig.connector.activities().length;
    expect((await post(rig, { ...activity(rig, ALICE, { text: "2.7 done" }), conversation: { id: 42 } })).status).toBe(200);
    expect(rig.connector.activities()).toHaveLength(before);
    // Not even an activity: refused before botbuilder.
    expect((await post(rig, "{not json")).status).toBe(400);
    expect((await post(rig, { text: "2.7 done" })).status).toBe(400);
    expect((await post(rig, ["2.7 done"])).status).toBe(400);
    expect((await post(rig, activity(rig, ALICE, { text: "x".repeat(MAX_ACTIVITY_BYTES) }))).status).toBe(413);
    await rig.background.settle();
    expect(await rig.store.db.answer.count()).toBe(0);
    expect(await teamsHistory(rig)).toBe(0);
  });

  it("in a group chat answers only when @mentioned, and keeps the person's 1:1 chat as their address", async () => {
    await install(rig, ALICE);
    await mapRole(rig.store.db, { role: "CDAI", personName: ALICE.name!, email: ALICE.email, via: "cli", actorLabel: "test" });
    const personal = (await personOf(rig, ALICE)).teamsConversation;
    expect((await say(rig, ALICE, "2.7 done", {}, GROUP)).status).toBe(200);
    expect(rig.connector.activities(GROUP.id)).toEqual([]);
    expect(await teamsHistory(rig)).toBe(0);

    const mention = { type: "mention", text: "<at>Chaser</at>", mentioned: { id: BOT.id, name: BOT.name } };
    expect((await say(rig, ALICE, "<at>Chaser</at> 2.7 done", { entities: [mention] }, GROUP)).status).toBe(200);
    expect(headline(cardOf(rig.connector.activities(GROUP.id)[0]))).toBe("Recorded for 2.7: complete. Thank you!");
    expect(await action(rig, "2.7")).toMatchObject({ status: "complete" });
    expect((await personOf(rig, ALICE)).teamsConversation).toBe(personal);
  });

  it("subscribes a channel to a plan's digest when an admin mentions Chaser there, and sends the digest to it", async () => {
    await install(rig, ALICE);
    const mention = { type: "mention", text: "<at>Chaser</at>", mentioned: { id: BOT.id, name: BOT.name } };
    const CHANNEL = { id: "19:leadership@thread.tacv2", conversationType: "channel", tenantId: TENANT, isGroup: true };
    // A post in a channel starts a thread: Teams names its conversation after the channel and the post.
    const THREAD = { ...CHANNEL, id: `${CHANNEL.id};messageid=1700000000001` };
    await say(rig, ALICE, "<at>Chaser</at> subscribe procurement.tsv", { entities: [mention] }, THREAD);
    expect(headline(cardOf(rig.connector.activities(THREAD.id)[0]))).toMatch(/^Only the admins of procurement\.tsv or Chaser's admins can do that/);
    await rig.store.db.person.update({ where: { teamsUserId: ALICE.id }, data: { isAdmin: true } });
    await say(rig, ALICE, "<at>Chaser</at> subscribe procurement.tsv", { entities: [mention] }, THREAD);
    expect(headline(cardOf(rig.connector.activities(THREAD.id)[1]))).toBe("This channel will get the weekly digest for procurement.tsv, on Mondays at 08:30. It will come in English.");
    const subscription = await rig.store.db.digestSubscription.findFirstOrThrow();
    expect(subscription.platform).toBe("teams");
    expect(JSON.parse(subscription.address)).toMatchObject({ conversation: { id: THREAD.id }, serviceUrl: rig.connector.url });

    const { tick } = await import("../src/schedule/scheduler.js");
    await tick(rig.deps, new Date("2020-12-21T08:30:00Z"));
    // A new post in the channel (a conversation created there), not a reply in the subscribe thread.
    expect(rig.connector.activities(THREAD.id)).toHaveLength(2);
    const [digest, ...others] = rig.connector.activities(CHANNEL.id);
    expect(others).toEqual([]);
    expect(digest!.replyToId).toBeUndefined();
    expect(rig.connector.requests.filter((r) => r.method === "POST" && r.path === "/v3/conversations").map((r) => (r.body as Json).channelData)).toEqual([{ channel: { id: CHANNEL.id }, tenant: { id: TENANT } }]);
    const card = cardOf(digest) as Json;
    expect(card.body[0].text).toBe("Weekly digest: procurement.tsv");
    expect(JSON.stringify(card)).toContain('"type":"Chart.Donut"');
  });

  it("maps a role to someone @mentioned, by their Teams id, and refuses and corrects in Welsh", async () => {
    await install(rig, ALICE);
    await install(rig, BOB);
    const bobMention = { type: "mention", text: "<at>Bob Stranger</at>", mentioned: { id: BOB.id, name: BOB.name } };
    const before = await rig.store.db.history.count();
    await say(rig, ALICE, 'perchennog "Monitoring Officer" <at>Bob Stranger</at>', { entities: [bobMention], locale: "cy-GB" });
    const cy = translator("cy");
    expect(headline(cardOf(rig.connector.activities(chatWith(ALICE)).at(-1)))).toBe(cy("commands.refused.admin", { who: cy("card.none") }));
    expect(await rig.store.db.history.count()).toBe(before);
    await rig.store.db.person.update({ where: { teamsUserId: ALICE.id }, data: { isAdmin: true } });
    await say(rig, ALICE, "perchennog", { locale: "cy-GB" });
    const usage = cardOf(rig.connector.activities(chatWith(ALICE)).at(-1));
    expect(headline(usage)).toContain(cy("commands.missing"));
    expect(JSON.stringify(usage)).toContain(JSON.stringify(cy("commands.topic.owner.example")).slice(1, -1));
    await say(rig, ALICE, 'owner "Monitoring Officer" <at>Bob Stranger</at>', { entities: [bobMention] });
    const bob = await personOf(rig, BOB);
    expect(await rig.store.db.roleAssignment.findMany({ where: { personId: bob.id }, include: { role: true } })).toMatchObject([{ role: { name: "Monitoring Officer" } }]);
    const row = await rig.store.db.history.findFirstOrThrow({ where: { entity: "role-assignment", via: "chat:teams" } });
    expect(row).toMatchObject({ actorPersonId: (await personOf(rig, ALICE)).id, at: NOW });
  });

  it("reports a person who blocked the bot as unreachable", async () => {
    await install(rig, ALICE);
    await mapRole(rig.store.db, { role: "CDAI", personName: ALICE.name!, email: ALICE.email, via: "cli", actorLabel: "test" });
    const alice = await personOf(rig, ALICE);
    rig.connector.blockUser(ALICE.id);
    expect(await sendPrompt(rig.deps, alice.id, NOW)).toMatchObject({ status: "unreachable" });
    expect(rig.connector.requests.at(-1)).toMatchObject({ method: "POST", status: 403 });
    expect((await personOf(rig, ALICE)).unreachableAt).toEqual(NOW);
    expect(await rig.store.db.chatMessage.findFirstOrThrow({ where: { personId: alice.id, kind: "prompt" } })).toMatchObject({
      status: "unreachable",
      lastError: "teams: 403 MessageWritesBlocked",
    });
    expect(promptsTo(rig, ALICE)).toEqual([]);
  });

  it("retries a 429 with Retry-After, and the prompt arrives exactly once", async () => {
    await install(rig, ALICE);
    await mapRole(rig.store.db, { role: "CDAI", personName: ALICE.name!, email: ALICE.email, via: "cli", actorLabel: "test" });
    rig.connector.failNext(1, { status: 429, retryAfterSeconds: 1, on: "send" });
    expect(await sendPrompt(rig.deps, (await personOf(rig, ALICE)).id, NOW)).toMatchObject({ status: "sent" });
    const sends = rig.connector.requests.filter((r) => r.method === "POST" && r.path === `/v3/conversations/${encodeURIComponent(chatWith(ALICE))}/activities`);
    expect(sends.map((r) => [r.status, r.retryAfter])).toEqual([[429, "1"], [201, undefined]]);
    expect(sends[1]!.at - sends[0]!.at).toBeGreaterThanOrEqual(950);
    expect(promptsTo(rig, ALICE)).toHaveLength(1);
  });
});

describe.each(PROVIDERS)("Teams: importing a plan sent in the 1:1 chat (%s)", (provider) => {
  // "Escalation point" is a heading Chaser does not know, over names it cannot place: it asks.
  const TRACKER = [
    "AFI Ref,Area for Improvement,Action,Assigned To,Finish by,Where are we,Escalation point",
    "AFI 1,The service should improve how it records audits.,Introduce one audit form.,Group Manager Prevention,31/03/2025,In progress,Head of Finance",
    "AFI 2,The service should make sure staff understand the values.,Run values workshops.,Head of People,30/06/2025,Not started,Head of HR",
    "AFI 3,The service should have a clear plan for its estate.,Agree an estates strategy.,Director of Corporate Services,30/09/2025,In progress,Estates Manager",
  ].join("\n");
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig(provider);
    await install(rig, ALICE);
  });
  afterEach(async () => {
    await rig.close();
  });

  /** Alice uploads the file in her chat with Chaser: Teams sends a message whose attachment points at the file. */
  const upload = async (member: TeamsMember) => {
    const file = rig.connector.uploadFile("fire-tracker.csv", new TextEncoder().encode(TRACKER));
    // Teams adds an HTML rendering of the message beside the file; it is not a file.
    const attachments = [file, { contentType: "text/html", content: "<p>fire-tracker.csv</p>" }];
    expect((await say(rig, member, "", { attachments })).status).toBe(200);
    await rig.background.settle();
  };
  const lastCard = (member: TeamsMember) => cardOf(sentTo(rig, member).at(-1));
  const cardButtons = (card: Json): Json[] => card.body.find((e: Json) => e.type === "ActionSet")?.actions ?? [];
  const pressButton = async (member: TeamsMember, card: Json, title: string, via: "execute" | "submit" = "execute") => {
    const found = cardButtons(card).find((b) => b.title === title);
    expect(found, `a button "${title}"`).toBeDefined();
    const answered = via === "execute" ? await execute(rig, member, found!.data) : await submit(rig, member, found!.fallback.data);
    expect(answered.status).toBe(200);
    await rig.background.settle();
    // Action.Execute answers with the card in the invoke response; Action.Submit replies with a message.
    return via === "execute" ? (answered.json!.value as Json) : lastCard(member);
  };
  const plans = () => rig.store.db.plan.count();

  it("downloads the file, previews it as a card, lets the admin correct a column, and imports on Import, once", async () => {
    await rig.store.db.person.update({ where: { teamsUserId: ALICE.id }, data: { isAdmin: true } });
    await upload(ALICE);
    expect(rig.connector.fileDownloads).toEqual({ served: 1, refused: 0 });
    const preview = lastCard(ALICE);
    expect(headline(preview)).toContain("Import fire-tracker.csv?");
    expect(headline(preview)).toContain("Found: 3 recommendations, 3 actions, 3 owners, 3 dated targets, 3 statuses.");
    expect(headline(preview)).toContain("Column G (Escalation point) is left out");
    expect(cardButtons(preview).map((b) => b.title)).toEqual(["Import", "Correct column G (Escalation point)", "Cancel"]);
    expect(await plans()).toBe(1);

    // The admin says what column G holds: a choice of roles, then the preview again with it applied.
    const question = await pressButton(ALICE, preview, "Correct column G (Escalation point)");
    expect(headline(question)).toBe('What does column G (Escalation point) hold? It has "Head of Finance", "Head of HR", "Estates Manager".');
    expect(cardButtons(question).map((b) => b.title)).toContain("accountable");
    const corrected = await pressButton(ALICE, question, "accountable");
    expect(headline(corrected)).toContain("G \"Escalation point\" → accountable (as you said)");
    expect(await plans()).toBe(1);

    // Import, through the Action.Submit fallback this time: the plan is written with column G as accountable.
    const done = await pressButton(ALICE, corrected, "Import", "submit");
    expect(headline(done)).toMatch(/^Imported fire-tracker\.csv \(fire-tracker\): 3 recommendations, 3 actions\./);
    const actions = await rig.store.db.action.findMany({
      where: { plan: { slug: "fire-tracker" } },
      orderBy: { ref: "asc" },
      include: { owners: { include: { role: true }, orderBy: { position: "asc" } } },
    });
    expect(actions.map((a) => [a.ref, a.targetTo, a.status, a.owners.map((o) => `${o.kind}:${o.role.name}`)])).toEqual([
      ["AFI 1", "2025-03-31", "in_progress", ["accountable:Head of Finance", "responsible:Group Manager Prevention"]],
      ["AFI 2", "2025-06-30", "not_started", ["accountable:Head of HR", "responsible:Head of People"]],
      ["AFI 3", "2025-09-30", "in_progress", ["accountable:Estates Manager", "responsible:Director of Corporate Services"]],
    ].map(([ref, to, status, owners]) => [ref, to, status, expect.arrayContaining(owners as string[])]));

    // The same Import pressed again (a double click, or Teams resending): nothing is imported twice.
    const histories = await rig.store.db.history.count({ where: { entity: { not: "pending-import" } } });
    const again = await pressButton(ALICE, corrected, "Import");
    expect(headline(again)).toBe("fire-tracker.csv has already been imported (as fire-tracker); it was not imported again.");
    expect(await rig.store.db.history.count({ where: { entity: { not: "pending-import" } } })).toBe(histories);
  });

  it("cancels on Cancel, writing nothing, and refuses someone who is not an admin without downloading", async () => {
    await rig.store.db.person.update({ where: { teamsUserId: ALICE.id }, data: { isAdmin: true } });
    await upload(ALICE);
    const cancelled = await pressButton(ALICE, lastCard(ALICE), "Cancel");
    expect(headline(cancelled)).toBe("Import of fire-tracker.csv cancelled: nothing was written.");
    expect(await plans()).toBe(1);

    await install(rig, BOB);
    await upload(BOB);
    expect(rig.connector.fileDownloads).toEqual({ served: 1, refused: 0 });
    expect(headline(lastCard(BOB))).toContain("(Only Chaser admins import plans from a file.)");
  });

  it("says so when the file cannot be downloaded, and keeps nothing", async () => {
    await rig.store.db.person.update({ where: { teamsUserId: ALICE.id }, data: { isAdmin: true } });
    const file = rig.connector.uploadFile("fire-tracker.csv", new TextEncoder().encode(TRACKER));
    // The address has expired by the time it is fetched (it is short-lived).
    const expired = { ...file, content: { ...file.content, downloadUrl: file.content.downloadUrl.replace(/tempauth=[^&]+/, "tempauth=expired") } };
    expect((await say(rig, ALICE, "", { attachments: [expired] })).status).toBe(200);
    await rig.background.settle();
    expect(rig.connector.fileDownloads).toEqual({ served: 0, refused: 1 });
    expect(headline(lastCard(ALICE))).toBe("Chaser could not download fire-tracker.csv. Send it again, or import it with the command line.");
    expect(await rig.store.db.pendingImport.count()).toBe(0);
  });
});

describe.each(PROVIDERS)("Teams with an app id: only Teams may post (%s)", (provider) => {
  const APP_ID = "11111111-2222-3333-4444-555555555555";
  const PASSWORD = "fake-secret";
  let rig: Rig;
  let auth: FakeBotFrameworkAuth;

  beforeEach(async () => {
    forgetCachedBotTokens();
    auth = await startFakeBotFrameworkAuth();
    rig = await startRig(provider, {
      config: { appId: APP_ID, appPassword: PASSWORD, appType: "MultiTenant", tenantId: null },
      // The connector also plays Entra ID's token endpoint, and refuses calls without the token it issues.
      connector: { requireToken: "fake", appCredentials: { appId: APP_ID, password: PASSWORD } },
      auth: (connector) =>
        new ConfigurationBotFrameworkAuthentication(
          auth.authConfiguration(APP_ID, PASSWORD, connector.loginUrl()),
          credentialsFactory(APP_ID, PASSWORD, connector.loginUrl()),
        ),
    });
    // botbuilder logs each refused token with console.error; keep the output readable.
    vi.spyOn(console, "error").mockImplementation(() => undefined);
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await rig.close();
    await auth.close();
    forgetCachedBotTokens();
  });

  it("refuses (401) missing, bogus, expired, mis-addressed and forged tokens before anything is recorded", async () => {
    await mapRole(rig.store.db, { role: "CDAI", personName: ALICE.name!, email: ALICE.email, via: "cli", actorLabel: "test" });
    const sign = (o: Partial<Parameters<FakeBotFrameworkAuth["signChannelToken"]>[0]> = {}) => auth.signChannelToken({ appId: APP_ID, serviceUrl: rig.connector.url, ...o });
    const attempts: [string, string | undefined][] = [
      ["missing", undefined],
      ["bogus", "not-a-jwt"],
      ["expired beyond the 5 minutes' tolerance", sign({ expiresInSeconds: -600 })],
      ["for another bot", sign({ appId: "someone-else" })],
      ["for another service URL", sign({ serviceUrl: "https://smba.trafficmanager.net/uk/" })],
      ["from another issuer", sign({ issuer: "https://evil.example" })],
      ["signed with an unpublished key", sign({ key: createSigningKey() })],
      ["forged under a published key id", sign({ key: createSigningKey(auth.key.kid) })],
    ];
    for (const [what, token] of attempts) {
      const response = await post(rig, activity(rig, ALICE, { text: "2.7 done" }), token);
      expect([what, response.status]).toEqual([what, 401]);
    }
    expect(await rig.store.db.person.findFirst({ where: { teamsUserId: ALICE.id } })).toBeNull();
    expect(await rig.store.db.answer.count()).toBe(0);
    expect(rig.connector.activities()).toEqual([]);
  });

  it("takes a token it has verified again only as it was: a forged, altered or re-addressed one is still refused", async () => {
    await mapRole(rig.store.db, { role: "CDAI", personName: ALICE.name!, email: ALICE.email, via: "cli", actorLabel: "test" });
    const token = auth.signChannelToken({ appId: APP_ID, serviceUrl: rig.connector.url });
    expect((await post(rig, activity(rig, ALICE, { text: "help" }), token)).status).toBe(200);
    expect((await post(rig, activity(rig, ALICE, { text: "help" }), token)).status).toBe(200);
    // The same claims under the published key id, signed with another key; and the verified token's
    // claims altered (another bot) with its signature kept.
    const [header, , signature] = token.split(".");
    const otherBot = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()), aud: "someone-else" })).toString("base64url");
    const refused: [string, Json, string][] = [
      ["forged under the published key id", activity(rig, ALICE, { text: "2.7 done" }), auth.signChannelToken({ appId: APP_ID, serviceUrl: rig.connector.url, key: createSigningKey(auth.key.kid) })],
      ["altered after signing", activity(rig, ALICE, { text: "2.7 done" }), `${header}.${otherBot}.${signature}`],
      ["verified, but for another service URL", activity(rig, ALICE, { text: "2.7 done", serviceUrl: "https://smba.trafficmanager.net/uk/" }), token],
      ["verified, but for another channel", activity(rig, ALICE, { text: "2.7 done", channelId: "webchat" }), token],
    ];
    for (const [what, body, bad] of refused) expect([what, (await post(rig, body, bad)).status]).toEqual([what, 401]);
    expect(await rig.store.db.answer.count()).toBe(0);
    // The verified token still works as it was.
    expect((await post(rig, activity(rig, ALICE, { text: "2.7 done" }), token)).status).toBe(200);
    expect(await action(rig, "2.7")).toMatchObject({ status: "complete" });
  });

  it("accepts a validly signed request, and its replies and proactive cards carry the bot's own token", async () => {
    const token = auth.signChannelToken({ appId: APP_ID, serviceUrl: rig.connector.url });
    expect((await post(rig, activity(rig, ALICE, { type: "conversationUpdate", membersAdded: [{ id: ALICE.id }] }), token)).status).toBe(200);
    await mapRole(rig.store.db, { role: "CDAI", personName: ALICE.name!, email: ALICE.email, via: "cli", actorLabel: "test" });
    expect((await post(rig, activity(rig, ALICE, { text: "2.7 done" }), auth.signChannelToken({ appId: APP_ID, serviceUrl: rig.connector.url, expiresInSeconds: -60 }))).status).toBe(200);
    expect(await action(rig, "2.7")).toMatchObject({ status: "complete" });
    expect(await personOf(rig, ALICE)).toMatchObject({ email: ALICE.email });
    expect(headline(cardOf(sentTo(rig, ALICE).at(-1)))).toBe("Recorded for 2.7: complete. Thank you!");

    await mapRole(rig.store.db, { role: "Monitoring Officer", personName: ALICE.name!, email: ALICE.email, via: "cli", actorLabel: "test" });
    expect(await sendPrompt(rig.deps, (await personOf(rig, ALICE)).id, NOW)).toMatchObject({ status: "sent" });
    expect(promptsTo(rig, ALICE)).toHaveLength(1);
    const calls = rig.connector.requests.filter((r) => r.path.startsWith("/v3/"));
    expect(calls.length).toBeGreaterThanOrEqual(4); // roster, welcome, reply, prompt
    expect(calls.every((r) => r.headers.authorization === "Bearer fake" && r.status < 300)).toBe(true);
    expect(rig.connector.tokenRequests[0]).toMatchObject({ body: { grant_type: "client_credentials", client_id: APP_ID, client_secret: PASSWORD } });
  });
});

describe.each(PROVIDERS)("Teams: export through the file consent flow (%s)", (provider) => {
  const MENTION = { type: "mention", text: "<at>Chaser</at>", mentioned: { id: BOT.id, name: BOT.name } };
  const CHANNEL = { id: "19:leadership@thread.tacv2;messageid=1700000000001", conversationType: "channel", tenantId: TENANT, isGroup: true };
  const XLSX_NAME = "procurement-actions-2020-12-20.xlsx";
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig(provider);
    await install(rig, ALICE);
  });
  afterEach(async () => {
    await rig.close();
  });

  const makeAdmin = (member: TeamsMember, isAdmin = true) => rig.store.db.person.update({ where: { teamsUserId: member.id }, data: { isAdmin } });
  const attachmentOf = (stored: StoredActivity | undefined): Json => {
    const [attachment, ...others] = (stored?.activity.attachments as Json[] | undefined) ?? [];
    expect(others).toEqual([]);
    return attachment!;
  };
  /** The consent card Chaser sent last in the member's 1:1 chat. */
  const lastOffer = (member: TeamsMember): StoredActivity => {
    const offer = sentTo(rig, member).filter((a) => attachmentOf(a).contentType === FILE_CONSENT).at(-1);
    expect(offer, "a file consent card").toBeDefined();
    return offer!;
  };
  /** Teams' invoke when a person presses Allow or Decline on a consent card (or someone forges one). */
  const consentInvoke = (member: TeamsMember, offer: StoredActivity, action: "accept" | "decline", uploadInfo?: Json, extra: Json = {}): Json => {
    // The card as first sent: once answered, Chaser replaces it, and Teams keeps the context it had.
    const content = (offer.versions[0]!.attachments as Json[])[0]!.content as Json;
    const value = { type: "fileUpload", action, context: action === "accept" ? content.acceptContext : content.declineContext, ...(uploadInfo ? { uploadInfo } : {}) };
    return activity(rig, member, { type: "invoke", name: "fileConsent/invoke", replyToId: offer.id, value, ...extra });
  };
  const answer = async (body: Json) => {
    const answered = await post(rig, body);
    await rig.background.settle();
    return answered;
  };
  const lastWords = (member: TeamsMember) => headline(cardOf(sentTo(rig, member).at(-1)));
  const offerNow = (offer: StoredActivity) => rig.connector.activities(offer.conversationId).find((a) => a.id === offer.id)!;
  const putsSoFar = () => rig.connector.uploads().flatMap((u) => u.puts);
  /** What could change: the outbox, the history, the bytes put anywhere. */
  const snapshot = async () => ({ messages: await rig.store.db.chatMessage.count(), history: await rig.store.db.history.count(), puts: putsSoFar().length });

  it("offers an admin's export in the 1:1 chat with a consent card, puts the file in the upload session on Allow, shows it as a file card, and only once", async () => {
    await say(rig, ALICE, "export procurement");
    expect(lastWords(ALICE)).toMatch(/^Only the admins and viewers of procurement\.tsv/);
    await makeAdmin(ALICE);
    await say(rig, ALICE, "export procurement");
    const offer = lastOffer(ALICE);
    const alice = await personOf(rig, ALICE);
    const plan = await rig.store.db.plan.findFirstOrThrow();
    const consent = attachmentOf(offer);
    expect(consent).toMatchObject({
      name: XLSX_NAME,
      content: { description: "procurement.tsv: every action, as a spreadsheet. Allow it, and Chaser puts it in your OneDrive and shows it here.", sizeInBytes: expect.any(Number) },
    });
    expect(consent.content.sizeInBytes).toBeGreaterThan(1000);
    // What comes back is what is needed to make the file again and to check who asked; never the file.
    expect(consent.content.acceptContext).toEqual({ v: 1, m: expect.any(String), plan: plan.id, format: "xlsx", by: alice.id });
    expect(consent.content.declineContext).toEqual(consent.content.acceptContext);
    expect(JSON.stringify(offer.activity).length).toBeLessThan(2_000);
    expect(await rig.store.db.chatMessage.findUniqueOrThrow({ where: { id: consent.content.acceptContext.m } })).toMatchObject({ kind: "reply", status: "sent", platform: "teams", messageRef: offer.id, personId: alice.id });

    // Teams has its 200 before the file is made and put: here OneDrive answers no PUT until released.
    let release!: () => void;
    const info = rig.connector.acceptFileConsent(consent.name, { until: new Promise<void>((resolve) => (release = resolve)) });
    const allowed = consentInvoke(ALICE, offer, "accept", info);
    expect((await post(rig, allowed)).status).toBe(200);
    expect(rig.connector.uploads()[0]!.complete).toBe(false);
    release();
    await rig.background.settle();
    // The bytes arrived in one PUT with its range and length, without a token, and the file opens.
    const [upload, ...more] = rig.connector.uploads();
    expect(more).toEqual([]);
    const size = upload!.bytes.length;
    expect(upload).toMatchObject({ name: XLSX_NAME, complete: true, puts: [{ contentRange: `bytes 0-${size - 1}/${size}`, contentLength: String(size), authorization: false, status: 201 }] });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(upload!.bytes as unknown as ArrayBuffer);
    const cells: string[] = [];
    workbook.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => void cells.push(String(cell.text)))));
    const sheet = squash(cells.join(" "));
    const seed = await parseSeed("procurement");
    expect(seed.recommendations.length).toBeGreaterThan(0);
    for (const r of seed.recommendations) expect(sheet, `recommendation ${r.ref}`).toContain(squash(r.text).slice(0, 60));

    // Teams' file card for what is now in her OneDrive, and the consent card replaced so it cannot be pressed again.
    const shown = sentTo(rig, ALICE).at(-1)!;
    expect(shown.activity.text).toBe(`procurement.tsv: every action, as a spreadsheet (${XLSX_NAME}).`);
    expect(attachmentOf(shown)).toEqual({ contentType: FILE_INFO, name: XLSX_NAME, contentUrl: info.contentUrl, content: { uniqueId: info.uniqueId, fileType: "xlsx" } });
    expect(offerNow(offer).versions).toHaveLength(2);
    expect(headline(cardOf(offerNow(offer)))).toBe(`${XLSX_NAME}: you allowed it, and it is in your OneDrive (below).`);
    // Both sends are in the outbox, as every send is.
    expect(await rig.store.db.chatMessage.findMany({ where: { personId: alice.id, kind: { in: ["reply", "notice"] } }, orderBy: { createdAt: "asc" }, select: { kind: true, status: true, card: true } })).toEqual([
      { kind: "reply", status: "sent", card: expect.stringContaining(`"${XLSX_NAME}: you allowed it, and it is in your OneDrive (below)."`) },
      { kind: "notice", status: "sent", card: expect.stringContaining('"type":"file_sent"') },
    ]);

    // The same invoke delivered again, or Allow pressed on another device: nothing more is put or sent.
    const before = await snapshot();
    const sent = rig.connector.activities().length;
    expect((await answer(allowed)).status).toBe(200);
    expect(rig.connector.activities()).toHaveLength(sent);
    expect((await answer(consentInvoke(ALICE, offer, "accept", rig.connector.acceptFileConsent(consent.name)))).status).toBe(200);
    expect(lastWords(ALICE)).toBe(translator("en-GB")("chat_export.offer_answered"));
    expect(await snapshot()).toEqual(before);
  });

  it("acknowledges a decline, replaces the offer, and puts nothing anywhere", async () => {
    await makeAdmin(ALICE);
    await say(rig, ALICE, "export procurement docx", { locale: "cy-GB" });
    const offer = lastOffer(ALICE);
    expect(attachmentOf(offer)).toMatchObject({ name: "procurement-actions-2020-12-20.docx", content: { description: expect.stringMatching(/^procurement\.tsv: yr adroddiad cynnydd ar gyfer papur pwyllgor\. Caniatewch hi/) } });
    expect((await answer(consentInvoke(ALICE, offer, "decline", undefined, { locale: "cy-GB" }))).status).toBe(200);
    expect(lastWords(ALICE)).toBe(translator("cy")("chat_export.declined", { slug: "procurement", format: "docx" }));
    expect(headline(cardOf(offerNow(offer)))).toBe(translator("cy")("chat_export.offer_declined", { file: "procurement-actions-2020-12-20.docx" }));
    expect(rig.connector.uploads()).toEqual([]);
    // Declined is declined: Allow on the same card afterwards puts nothing.
    await answer(consentInvoke(ALICE, offer, "accept", rig.connector.acceptFileConsent("procurement-actions-2020-12-20.docx")));
    expect(lastWords(ALICE)).toBe(translator("en-GB")("chat_export.offer_answered"));
    expect(putsSoFar()).toEqual([]);
  });

  it("refuses a forged or altered answer, in the person's language, and changes nothing", async () => {
    await makeAdmin(ALICE);
    await install(rig, BOB);
    await makeAdmin(BOB);
    await say(rig, ALICE, "export procurement");
    const offer = lastOffer(ALICE);
    const context = attachmentOf(offer).content.acceptContext as Json;
    const before = await snapshot();
    const bobSaw = () => headline(cardOf(rig.connector.activities(chatWith(BOB)).at(-1)));
    const forge = (member: TeamsMember, value: Json, extra: Json = {}) =>
      answer(activity(rig, member, { type: "invoke", name: "fileConsent/invoke", replyToId: offer.id, value: { type: "fileUpload", action: "accept", uploadInfo: rig.connector.acceptFileConsent(XLSX_NAME), ...value }, ...extra }));

    // Bob, even an admin, cannot take Alice's offer, whichever way he says who asked.
    for (const [locale, forged] of [["cy-GB", context], ["en-GB", { ...context, by: (await personOf(rig, BOB)).id }]] as const) {
      expect((await forge(BOB, { context: forged }, { locale })).status).toBe(200);
      expect(bobSaw()).toBe(translator(locale === "cy-GB" ? "cy" : "en-GB")("chat_export.offer_not_yours"));
    }
    // Alice's own offer altered (another format), or a context Chaser never made: refused.
    await forge(ALICE, { context: { ...context, format: "csv" } });
    expect(lastWords(ALICE)).toBe(translator("en-GB")("chat_export.offer_invalid"));
    await forge(ALICE, { context: { v: 1, m: "no-such-offer", plan: context.plan, format: "xlsx", by: context.by } }, { locale: "cy-GB" });
    expect(lastWords(ALICE)).toBe(translator("cy")("chat_export.offer_invalid"));
    await forge(ALICE, { context: "procurement" });
    expect(lastWords(ALICE)).toBe(translator("en-GB")("chat_export.offer_invalid"));
    // Not Teams' shape at all (Allow without where to upload): a bad request, said in words.
    const malformed = await answer(activity(rig, ALICE, { type: "invoke", name: "fileConsent/invoke", value: { type: "fileUpload", action: "accept", context } }));
    expect(malformed.status).toBe(400);
    expect(lastWords(ALICE)).toBe(translator("en-GB")("chat_export.offer_invalid"));

    expect(await snapshot()).toEqual(before);
    expect(offerNow(offer).versions).toHaveLength(1);
    // Nothing changed: Alice's own Allow still works.
    await answer(consentInvoke(ALICE, offer, "accept", rig.connector.acceptFileConsent(XLSX_NAME)));
    expect(rig.connector.uploads().filter((u) => u.complete)).toHaveLength(1);
  });

  it("refuses a stale answer, once the person may no longer read the plan or the plan is gone, in either language", async () => {
    await makeAdmin(ALICE);
    await say(rig, ALICE, "export procurement");
    const first = lastOffer(ALICE);
    await say(rig, ALICE, "export procurement csv");
    const second = lastOffer(ALICE);
    await makeAdmin(ALICE, false);
    const before = await snapshot();
    await answer(consentInvoke(ALICE, first, "accept", rig.connector.acceptFileConsent(XLSX_NAME), { locale: "cy-GB" }));
    const cy = translator("cy");
    expect(lastWords(ALICE)).toBe(cy("chat_export.offer_refused", { plan: "procurement.tsv", who: cy("card.none") }));
    expect(await snapshot()).toEqual(before);

    await makeAdmin(ALICE);
    await rig.store.db.plan.deleteMany();
    await answer(consentInvoke(ALICE, second, "accept", rig.connector.acceptFileConsent("procurement-history-2020-12-20.csv")));
    expect(lastWords(ALICE)).toBe(translator("en-GB")("chat_export.offer_plan_gone"));
    await answer(consentInvoke(ALICE, second, "accept", rig.connector.acceptFileConsent("procurement-history-2020-12-20.csv"), { locale: "cy-GB" }));
    expect(lastWords(ALICE)).toBe(cy("chat_export.offer_plan_gone"));
    expect(putsSoFar()).toEqual([]);
    expect([first, second].map((o) => offerNow(o).versions.length)).toEqual([1, 1]);
  });

  it("says so when the upload session has lapsed, and the offer is not left to press again", async () => {
    await makeAdmin(ALICE);
    await say(rig, ALICE, "export procurement");
    const offer = lastOffer(ALICE);
    await answer(consentInvoke(ALICE, offer, "accept", rig.connector.acceptFileConsent(XLSX_NAME, { expired: true })));
    expect(lastWords(ALICE)).toBe(translator("en-GB")("chat_export.upload_failed", { file: XLSX_NAME, slug: "procurement", format: "xlsx" }));
    expect(headline(cardOf(offerNow(offer)))).toBe(`${XLSX_NAME}: Chaser could not put it in your OneDrive, so nothing was sent.`);
    expect(sentTo(rig, ALICE).some((a) => attachmentOf(a).contentType === FILE_INFO)).toBe(false);
  });

  it("in a channel, offers the file in the asker's 1:1 chat and says so there; someone with no 1:1 chat is told to ask in one", async () => {
    await makeAdmin(ALICE);
    expect((await say(rig, ALICE, "<at>Chaser</at> export procurement csv", { entities: [MENTION] }, CHANNEL)).status).toBe(200);
    const csvName = "procurement-history-2020-12-20.csv";
    expect(headline(cardOf(rig.connector.activities(CHANNEL.id).at(-1)))).toBe(translator("en-GB")("chat_export.offered_in_chat", { name: ALICE.name, file: csvName }));
    // Only words in the channel: the consent card went to her 1:1 chat, proactively, recorded in the outbox first.
    expect(rig.connector.activities(CHANNEL.id).every((a) => attachmentOf(a).contentType === ADAPTIVE)).toBe(true);
    const offer = lastOffer(ALICE);
    expect(offer.conversationId).toBe(chatWith(ALICE));
    expect(offer.replyToId).toBeUndefined();
    const info = rig.connector.acceptFileConsent(csvName);
    expect((await answer(consentInvoke(ALICE, offer, "accept", info))).status).toBe(200);
    const [upload] = rig.connector.uploads();
    expect(upload!.complete).toBe(true);
    // The history opens as CSV: its header, then a row for each change to the plan.
    const rows = parseCsv(upload!.bytes.toString("utf8"), { bom: true }) as string[][];
    expect(rows[0]).toEqual(["at", "ref", "entity", "entity_id", "via", "actor", "before", "after", "note"].map((c) => translator("en-GB")(`export.history.${c}`)));
    const plan = await rig.store.db.plan.findFirstOrThrow();
    expect(rows.length - 1).toBe(await rig.store.db.history.count({ where: { planId: plan.id } }));
    expect(rows.length).toBeGreaterThan(2);
    expect(attachmentOf(sentTo(rig, ALICE).at(-1))).toMatchObject({ contentType: FILE_INFO, name: csvName, content: { uniqueId: info.uniqueId, fileType: "csv" } });

    // Bob is an admin but has never opened a chat with Chaser: nothing is sent anywhere but the words, in his language.
    await rig.store.db.person.create({ data: { name: BOB.name, teamsUserId: BOB.id, teamsTenantId: TENANT, isAdmin: true } });
    const before = await snapshot();
    await say(rig, BOB, "<at>Chaser</at> allforio procurement", { entities: [MENTION], locale: "cy-GB" }, CHANNEL);
    expect(headline(cardOf(rig.connector.activities(CHANNEL.id).at(-1)))).toBe(translator("cy")("chat_export.ask_in_chat", { name: BOB.name, slug: "procurement", format: "xlsx" }));
    expect(rig.connector.conversationFor(BOB.id)).toBeUndefined();
    expect(await snapshot()).toMatchObject({ messages: before.messages, puts: before.puts });
  });
});

describe("createTeams", () => {
  it("warns loudly, once, when authentication is off, and not when an app id is set", async () => {
    const lines: string[] = [];
    const log = pino({ level: "warn" }, new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }));
    const deps = { log, channels: {}, later: () => undefined } as unknown as ConversationDeps;
    createTeams({ config: AUTH_OFF, deps });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, msg: expect.stringMatching(/^Teams authentication is OFF: set MicrosoftAppId.*local\/test use only/) });
    createTeams({ config: { appId: "11111111-2222-3333-4444-555555555555", appPassword: "x", appType: "MultiTenant", tenantId: null }, deps });
    expect(lines).toHaveLength(1);
  });

  it("treats only the connector's can't-reach answers as unreachable", () => {
    expect(unreachableReason({ statusCode: 403, code: "MessageWritesBlocked" })).toBe("403 MessageWritesBlocked");
    expect(unreachableReason({ statusCode: 403, code: "ConversationBlockedByUser" })).toBe("403 ConversationBlockedByUser");
    expect(unreachableReason({ statusCode: 404, code: "ConversationNotFound" })).toBe("404 ConversationNotFound");
    expect(unreachableReason({ statusCode: 404, code: "ActivityNotFoundInConversation" })).toBeNull();
    expect(unreachableReason({ statusCode: 429, code: "Throttled" })).toBeNull();
    expect(unreachableReason(new Error("socket hang up"))).toBeNull();
  });
});
