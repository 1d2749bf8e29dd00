/**
 * Checked changes end to end (issue 10): on a plan that asks for them, a new target waits for a plan
 * admin's approval and a completion for a verifier's, decided from a request card on Slack (real
 * Bolt, signed requests, the fake Slack API) and on Teams (real botbuilder over loopback, the fake
 * Bot Connector). Someone not allowed is refused and nothing changes; the owner hears the outcome.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { webApi } from "@slack/bolt";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSlack, type Slack } from "../src/adapters/slack/create-slack.js";
import { createTeams } from "../src/adapters/teams/create-teams.js";
import type { TeamsConfig } from "../src/config/load-config.js";
import { Background } from "../src/conversation/background.js";
import type { ConversationDeps } from "../src/conversation/handle-event.js";
import { Pacer } from "../src/conversation/pacer.js";
import { importPlan } from "../src/store/import-plan.js";
import { mapRole } from "../src/store/map-role.js";
import { startServer } from "../src/web/start-server.js";
import { startFakeConnector, type FakeConnector, type TeamsMember } from "./fakes/fake-bot-connector.js";
import { startFakeSlack, type FakeSlack, type SlackMessage } from "./fakes/fake-slack-api.js";
import { blockActionsBody, messageImEventBody, postToSlackApp } from "./fakes/sign-slack-request.js";
import { parseSeed } from "./helpers/seeds.js";
import { freshStore, PROVIDERS, type TestStore } from "./helpers/test-store.js";

// 20 December 2020: CDAI's 2.6 and 2.7 are due 31/12/2020.
const NOW = new Date("2020-12-20T09:30:00Z");
const log = pino({ level: "silent" });
type Json = Record<string, any>;

async function seeded(provider: (typeof PROVIDERS)[number]): Promise<TestStore> {
  const store = await freshStore(provider);
  await importPlan(store, await parseSeed("procurement"), { sourceDocument: "procurement.tsv", via: "cli", actorLabel: "test", now: new Date("2020-12-01T09:00:00Z") });
  return store;
}
const setPlan = async (store: TestStore, settings: object) => {
  const plan = await store.db.plan.findFirstOrThrow();
  await store.db.plan.update({ where: { id: plan.id }, data: { settings: JSON.stringify(settings) } });
  return plan.id;
};
const action = (store: TestStore, key: string) => store.db.action.findFirstOrThrow({ where: { key } });
const checkLog = (store: TestStore) => store.db.history.findMany({ where: { entity: "checked-change" } });

describe.each(PROVIDERS)("checked changes on Slack (%s)", (provider) => {
  const SECRET = "test-signing-secret";
  const RETRY = { retries: 2, minTimeout: 10, maxTimeout: 50 };
  const SAM = { id: "U0SAM", realName: "Sam Jones", email: "sam.jones@example.gov.uk", locale: "en-GB" };
  const MO = { id: "U0MO", realName: "Mo Khan", email: "mo.khan@example.gov.uk", locale: "en-GB" };
  const CATRIN = { id: "U0CAT", realName: "Catrin Hughes", email: "catrin.hughes@example.gov.uk", locale: "cy-GB" };
  let store: TestStore;
  let fake: FakeSlack;
  let slack: Slack;
  let server: Server;
  let background: Background;
  let url: string;

  const post = (request: { body: string; contentType: string }) => postToSlackApp(url, SECRET, request);
  const settle = async () => {
    await slack.settle();
    await background.settle();
  };
  const dm = (userId: string): SlackMessage[] => fake.messages(fake.dmChannelFor(userId) ?? "");
  const last = (userId: string) => dm(userId).at(-1);
  const textOf = (message: SlackMessage | undefined) => JSON.stringify(message?.blocks ?? []) + (message?.text ?? "");
  const buttons = (message: SlackMessage | undefined) =>
    ((message?.blocks ?? []) as { type: string; elements?: { action_id: string; value: string; text: { text: string } }[] }[]).filter((b) => b.type === "actions").flatMap((b) => b.elements ?? []);
  const say = async (userId: string, text: string) => {
    expect((await post(messageImEventBody({ userId, channelId: fake.dmChannelFor(userId) ?? "", text, teamId: fake.teamId, botUserId: fake.botUserId }))).status).toBe(200);
    await settle();
  };
  const press = async (userId: string, message: SlackMessage, label: string) => {
    const button = buttons(message).find((b) => b.text.text === label);
    expect(button, label).toBeDefined();
    const response = await post(blockActionsBody({ userId, teamId: fake.teamId, channelId: message.channel, messageTs: message.ts, actionId: button!.action_id, value: button!.value }));
    expect(response.status).toBe(200);
    await settle();
  };

  beforeEach(async () => {
    store = await seeded(provider);
    fake = await startFakeSlack({ users: [SAM, MO, CATRIN] });
    background = new Background(log);
    const deps: ConversationDeps = { store, log, channels: {}, later: background.run, pacer: new Pacer() };
    slack = await createSlack({ config: { botToken: fake.token, signingSecret: SECRET, appToken: null, apiUrl: fake.url }, deps, now: () => NOW, clientOptions: { retryConfig: RETRY } });
    deps.channels.slack = slack.channel;
    server = await startServer(0, { store, log, locale: "en-GB", now: () => NOW, routes: slack.routes });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
    await slack.start();
    for (const [who, role, locale] of [[SAM, "CDAI", "en-GB"], [MO, "Monitoring Officer", "en-GB"], [CATRIN, "CEDR", "cy"]] as const) {
      await store.db.person.create({ data: { name: who.realName, slackUserId: who.id, slackTeamId: fake.teamId, preferredPlatform: "slack", locale } });
      await mapRole(store.db, { role, personName: who.realName, via: "cli", actorLabel: "test" });
      const client = new webApi.WebClient(fake.token, { slackApiUrl: fake.url, retryConfig: RETRY });
      await client.conversations.open({ users: who.id });
    }
  });
  afterEach(async () => {
    await settle();
    await slack.stop();
    await new Promise((resolve) => server.close(resolve));
    await fake.close();
    await store.drop();
  });

  it("a new target waits for the plan admin; a stranger is refused; rejected with a reason, then approved", async () => {
    const planId = await setPlan(store, { approveTargetChanges: true });
    const mo = await store.db.person.findUniqueOrThrow({ where: { slackUserId: MO.id } });
    await store.db.planAdmin.create({ data: { planId, personId: mo.id } });
    const before = await action(store, "2.6");

    await say(SAM.id, "2.6 delayed to 31 March 2021, waiting for Cabinet");
    expect(last(SAM.id)?.text).toBe("Your new target of 31/03/2021 for 2.6 is waiting for a plan admin's approval. Until then the target stays 31/12/2020.");
    expect(await action(store, "2.6")).toMatchObject({ targetTo: before.targetTo, status: before.status });
    const card = last(MO.id)!;
    expect(textOf(card)).toContain("Target change to approve");
    expect(textOf(card)).toContain("Reason: waiting for Cabinet");
    expect(textOf(card)).toContain("Current target: 31/12/2020");
    expect(textOf(card)).toContain("New target: 31/03/2021");
    expect(buttons(card).map((b) => b.text.text)).toEqual(["Approve", "Reject…"]);

    // Catrin is no plan admin: refused in her language, nothing changes.
    await press(CATRIN.id, card, "Approve");
    expect(last(CATRIN.id)?.text).toBe("Dim ond gweinyddwr y cynllun all gymeradwyo neu wrthod newid targed. Ni newidiwyd dim.");
    expect(await action(store, "2.6")).toMatchObject({ targetTo: before.targetTo });

    await press(MO.id, card, "Reject…");
    expect(last(MO.id)?.text).toBe("Why are you rejecting the new target for 2.6? Your next message here is the reason Sam Jones will see.");
    // Choosing a language is never taken for the reason asked for.
    await say(MO.id, "language English");
    expect(last(MO.id)?.text).toMatch(/^Done: I'll write to you in English/);
    await say(MO.id, "Cabinet has not set its date");
    expect(last(MO.id)?.text).toBe("Rejected: the target of 2.6 stays 31/12/2020. Sam Jones has been told why.");
    expect(textOf(last(SAM.id))).toContain("Mo Khan rejected your new target of 31/03/2021 for 2.6");
    expect(textOf(last(SAM.id))).toContain(": Cabinet has not set its date. The target stays 31/12/2020.");
    expect(await action(store, "2.6")).toMatchObject({ targetTo: before.targetTo });
    // A second press on a decided request changes nothing.
    await press(MO.id, card, "Approve");
    expect(last(MO.id)?.text).toBe("That request has already been decided: rejected.");

    await say(SAM.id, "2.6 delayed to 30 April 2021, Cabinet meets on 20 April");
    await press(MO.id, last(MO.id)!, "Approve");
    expect(last(MO.id)?.text).toBe("Approved: the target of 2.6 is now 30/04/2021. Sam Jones has been told.");
    expect(textOf(last(SAM.id))).toContain("Mo Khan approved your new target of 30/04/2021 for 2.6");
    expect(await action(store, "2.6")).toMatchObject({ targetTo: "2021-04-30", status: "delayed", originalTargetTo: before.originalTargetTo });
    expect((await checkLog(store)).map((h) => h.actorLabel).sort()).toEqual(["Mo Khan", "Mo Khan", "Sam Jones", "Sam Jones"]);
  });

  it("a completion awaits verification; the verifier role sends it back with a reason, then accepts it", async () => {
    await setPlan(store, { verifyCompletion: true, verifierRole: "CEDR" });
    await say(SAM.id, "2.7 done https://example.gov.uk/evidence");
    expect(last(SAM.id)?.text).toBe("2.7 is now awaiting verification. A verifier will accept it or send it back, and you will hear which.");
    expect(await action(store, "2.7")).toMatchObject({ status: "awaiting_verification", evidence: "https://example.gov.uk/evidence" });
    const card = last(CATRIN.id)!;
    expect(textOf(card)).toContain("Cwblhau i'w ddilysu");
    expect(textOf(card)).toContain("Tystiolaeth: https://example.gov.uk/evidence");
    expect(buttons(card).map((b) => b.text.text)).toEqual(["Derbyn", "Anfon yn ôl…"]);

    // Mo is neither a plan admin nor a verifier.
    await press(MO.id, card, "Derbyn");
    expect(last(MO.id)?.text).toBe("Only a plan admin or a verifier can accept or send back a completion. Nothing was changed.");
    expect(await action(store, "2.7")).toMatchObject({ status: "awaiting_verification" });

    await press(CATRIN.id, card, "Anfon yn ôl…");
    await say(CATRIN.id, "Mae'r ddolen i'r drafft");
    expect(last(CATRIN.id)?.text).toBe("Anfonwyd yn ôl: mae 2.7 ar waith eto. Rhoddwyd gwybod i Sam Jones pam.");
    expect(textOf(last(SAM.id))).toContain("Catrin Hughes sent 2.7");
    expect(textOf(last(SAM.id))).toContain("back: Mae'r ddolen i'r drafft. It is in progress again.");
    expect(await action(store, "2.7")).toMatchObject({ status: "in_progress", completedAt: null });

    await say(SAM.id, "2.7 done https://example.gov.uk/final");
    await press(CATRIN.id, last(CATRIN.id)!, "Derbyn");
    expect(await action(store, "2.7")).toMatchObject({ status: "complete", evidence: "https://example.gov.uk/final" });
    expect(textOf(last(SAM.id))).toContain("Catrin Hughes verified 2.7");
    expect(await checkLog(store)).toHaveLength(4);
  });
});

describe.each(PROVIDERS)("checked changes on Teams (%s)", (provider) => {
  const TENANT = "tenant-1";
  const BOT = { id: "28:chaser-bot", name: "Chaser" };
  const ALICE: TeamsMember = { id: "29:alice", name: "Alice Owner", email: "alice.owner@example.gov.uk", tenantId: TENANT };
  const BOB: TeamsMember = { id: "29:bob", name: "Bob Admin", email: "bob@example.gov.uk", tenantId: TENANT };
  const DAI: TeamsMember = { id: "29:dai", name: "Dai Stranger", email: "dai@example.gov.uk", tenantId: TENANT };
  const AUTH_OFF: TeamsConfig = { appId: "", appPassword: null, appType: "MultiTenant", tenantId: null };
  let store: TestStore;
  let connector: FakeConnector;
  let background: Background;
  let server: Server;
  let url: string;
  let sequence = 0;

  const chatWith = (m: TeamsMember) => `a:chat-${m.id}`;
  const post = async (m: TeamsMember, fields: Json): Promise<Json | null> => {
    const body = {
      type: "message",
      id: `activity-${++sequence}`,
      channelId: "msteams",
      serviceUrl: connector.url,
      timestamp: NOW.toISOString(),
      locale: "en-GB",
      from: { id: m.id, name: m.name },
      recipient: BOT,
      conversation: { id: chatWith(m), conversationType: "personal", tenantId: TENANT },
      channelData: { tenant: { id: TENANT } },
      ...fields,
    };
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
    const text = await response.text();
    await background.settle();
    return text ? (JSON.parse(text) as Json) : null;
  };
  const say = (m: TeamsMember, text: string) => post(m, { text });
  /** Presses a card button as Teams does (Action.Execute); returns the text of the card it answers with. */
  const press = async (m: TeamsMember, card: Json, title: string): Promise<string> => {
    const found = (card.body as Json[]).flatMap((e) => (e.type === "ActionSet" ? (e.actions as Json[]) : [])).find((a) => a.title === title);
    expect(found, title).toBeDefined();
    const answer = await post(m, { type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb: found!.verb, data: found!.data }, trigger: "manual" } });
    return answer?.value?.body?.[0]?.text ?? "";
  };
  const cards = (m: TeamsMember): Json[] => connector.activities(chatWith(m)).map((a) => (a.activity.attachments as Json[] | undefined)?.[0]?.content as Json);
  const lastText = (m: TeamsMember) => cards(m).at(-1)?.body?.[0]?.text as string | undefined;

  beforeEach(async () => {
    store = await seeded(provider);
    connector = await startFakeConnector({ members: [ALICE, BOB, DAI] });
    background = new Background(log);
    const channels: ConversationDeps["channels"] = {};
    const deps: ConversationDeps = { store, log, channels, later: background.run };
    const teams = createTeams({ config: AUTH_OFF, deps, now: () => NOW });
    channels.teams = teams.channel;
    server = await startServer(0, { store, log, locale: "en-GB", now: () => NOW, routes: teams.routes });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
    for (const m of [ALICE, BOB, DAI]) await post(m, { type: "conversationUpdate", membersAdded: [{ id: m.id }] });
    await mapRole(store.db, { role: "CDAI", personName: ALICE.name!, email: ALICE.email, via: "cli", actorLabel: "test" });
  });
  afterEach(async () => {
    await background.settle();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await connector.close();
    await store.drop();
  });

  it("a plan admin approves a new target from the card; someone else is refused; the owner hears it", async () => {
    const planId = await setPlan(store, { approveTargetChanges: true });
    const bob = await store.db.person.findUniqueOrThrow({ where: { teamsUserId: BOB.id } });
    await store.db.planAdmin.create({ data: { planId, personId: bob.id } });

    await say(ALICE, "2.6 delayed to 31 March 2021, waiting for Cabinet");
    expect(lastText(ALICE)).toBe("Your new target of 31/03/2021 for 2.6 is waiting for a plan admin's approval. Until then the target stays 31/12/2020.");
    const card = cards(BOB).at(-1)!;
    expect(card.body[0].text).toContain("Current target: 31/12/2020\nNew target: 31/03/2021");

    expect(await press(DAI, card, "Approve")).toBe("Only a plan admin can approve or reject a target change. Nothing was changed.");
    expect(await action(store, "2.6")).toMatchObject({ targetTo: "2020-12-31" });
    expect(await press(BOB, card, "Approve")).toBe("Approved: the target of 2.6 is now 31/03/2021. Alice Owner has been told.");
    expect(lastText(ALICE)).toContain("Bob Admin approved your new target of 31/03/2021 for 2.6");
    expect(await action(store, "2.6")).toMatchObject({ targetTo: "2021-03-31", status: "delayed" });
    expect((await checkLog(store)).map((h) => [h.actorLabel, h.via]).sort()).toEqual([["Alice Owner", "chat:teams"], ["Bob Admin", "chat:teams"]]);
  });

  it("a completion waits for verification; the plan admin sends it back with a reason", async () => {
    const planId = await setPlan(store, { verifyCompletion: true });
    const bob = await store.db.person.findUniqueOrThrow({ where: { teamsUserId: BOB.id } });
    await store.db.planAdmin.create({ data: { planId, personId: bob.id } });

    await say(ALICE, "2.7 done https://example.gov.uk/evidence");
    expect(await action(store, "2.7")).toMatchObject({ status: "awaiting_verification", evidence: "https://example.gov.uk/evidence" });
    const card = cards(BOB).at(-1)!;
    expect(card.body[0].text).toContain("Completion to verify");
    expect(await press(BOB, card, "Send back…")).toBe("Why are you sending 2.7 back? Your next message here is the reason Alice Owner will see.");
    await say(BOB, "The link is to the draft");
    expect(lastText(BOB)).toBe("Sent back: 2.7 is in progress again. Alice Owner has been told why.");
    expect(lastText(ALICE)).toContain("back: The link is to the draft. It is in progress again.");
    expect(await action(store, "2.7")).toMatchObject({ status: "in_progress" });
  });
});

describe("a held answer on the owner's card", () => {
  it("says it waits for a decision, in both languages, not that it took effect", async () => {
    const { describeAnswer } = await import("../src/conversation/message-card.js");
    const { translator } = await import("../src/i18n.js");
    const held = { kind: "delayed", payload: JSON.stringify({ date: "2021-03-31", reason: "waiting for Cabinet", held: true }), createdAt: NOW, person: { name: "Sam Jones" } };
    expect(describeAnswer(translator("en-GB"), held)).toBe("Asked for a new target of 31/03/2021: waiting for Cabinet, waiting for approval (Sam Jones, 20/12/2020)");
    expect(describeAnswer(translator("cy"), { ...held, kind: "complete" })).toBe("Nodwyd yn gyflawn, yn aros i'w ddilysu (Sam Jones, 20/12/2020)");
    expect(describeAnswer(translator("en-GB"), { ...held, payload: JSON.stringify({ date: "2021-03-31", reason: "x" }) })).toMatch(/^Recorded: delayed to 31\/03\/2021/);
  });
});
