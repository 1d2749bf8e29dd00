/**
 * Checked changes end to end (issue 10): on a plan that asks for them, a new target waits for a plan
 * admin's approval and a completion for a verifier's, decided from a request card on Slack (real
 * Bolt, signed requests, the fake Slack API) and on Teams (real botbuilder over loopback, the fake
 * Bot Connector). Someone not allowed is refused and nothing changes; the owner hears the outcome.
 * Every copy of a request card is redrawn in place once decided, without its buttons; a file sent
 * in chat becomes a completion's evidence, shown to the verifier as a link by its name.
 */
import { createHash } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { webApi } from "@slack/bolt";
import pino from "pino";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSlack, type Slack } from "../src/adapters/slack/create-slack.js";
import { createTeams } from "../src/adapters/teams/create-teams.js";
import type { TeamsConfig } from "../src/config/load-config.js";
import { Background } from "../src/conversation/background.js";
import type { ConversationDeps } from "../src/conversation/handle-event.js";
import { Pacer } from "../src/conversation/pacer.js";
import { planExportRows } from "../src/export/plan-export-rows.js";
import { translator } from "../src/i18n.js";
import { readPlanExport } from "../src/store/read-plan-export.js";
import { importPlan } from "../src/store/import-plan.js";
import { mapRole } from "../src/store/map-role.js";
import { startServer } from "../src/web/start-server.js";
import { startFakeConnector, type FakeConnector, type TeamsMember } from "./fakes/fake-bot-connector.js";
import { startFakeSlack, type FakeSlack, type SlackMessage } from "./fakes/fake-slack-api.js";
import { blockActionsBody, messageImEventBody, postToSlackApp } from "./fakes/sign-slack-request.js";
import { startPlayground } from "./helpers/playground-server.js";
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
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
/** A small PDF-ish file: what matters is its bytes' hash, not its content. */
const EVIDENCE = new TextEncoder().encode("%PDF-1.4 signed-off policy, version 3");
/** The export's verification column for an action, in English. */
const verificationCell = async (store: TestStore, ref: string) => {
  const { header, rows } = planExportRows((await readPlanExport(store, "procurement"))!, translator("en-GB"));
  return rows.find((r) => r[header.indexOf("Action ref")] === ref)![header.indexOf("Completion")]!;
};

describe.each(PROVIDERS)("checked changes on Slack (%s)", (provider) => {
  const SECRET = "test-signing-secret";
  const RETRY = { retries: 2, minTimeout: 10, maxTimeout: 50 };
  const SAM = { id: "U0SAM", realName: "Sam Jones", email: "sam.jones@example.gov.uk", locale: "en-GB" };
  const MO = { id: "U0MO", realName: "Mo Khan", email: "mo.khan@example.gov.uk", locale: "en-GB" };
  const CATRIN = { id: "U0CAT", realName: "Catrin Hughes", email: "catrin.hughes@example.gov.uk", locale: "cy-GB" };
  const DEWI = { id: "U0DEW", realName: "Dewi Pritchard", email: "dewi.pritchard@example.gov.uk", locale: "cy-GB" };
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
  /** The message as it stands now (after chat.update), not as it was first posted. */
  const current = (message: SlackMessage) => fake.messages(message.channel).find((m) => m.ts === message.ts)!;
  /** A file shared in the person's DM with Chaser, with the words typed beside it. */
  const share = async (userId: string, name: string, bytes: Uint8Array, text = "", declaredSize?: number) => {
    const file = fake.shareFile(name, bytes);
    const base = messageImEventBody({ userId, channelId: fake.dmChannelFor(userId) ?? "", text, teamId: fake.teamId, botUserId: fake.botUserId });
    const event = { ...(base.payload.event as Record<string, unknown>), subtype: "file_share", files: [{ ...file, ...(declaredSize ? { size: declaredSize } : {}) }] };
    expect((await post({ body: JSON.stringify({ ...base.payload, event }), contentType: "application/json" })).status).toBe(200);
    await settle();
    return file;
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
    fake = await startFakeSlack({ users: [SAM, MO, CATRIN, DEWI] });
    background = new Background(log);
    const deps: ConversationDeps = { store, log, channels: {}, later: background.run, pacer: new Pacer() };
    slack = await createSlack({ config: { botToken: fake.token, signingSecret: SECRET, appToken: null, apiUrl: fake.url }, deps, now: () => NOW, clientOptions: { retryConfig: RETRY } });
    deps.channels.slack = slack.channel;
    server = await startServer(0, { store, log, locale: "en-GB", now: () => NOW, routes: slack.routes });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
    await slack.start();
    for (const [who, role, locale] of [[SAM, "CDAI", "en-GB"], [MO, "Monitoring Officer", "en-GB"], [CATRIN, "CEDR", "cy"], [DEWI, null, "cy"]] as const) {
      await store.db.person.create({ data: { name: who.realName, slackUserId: who.id, slackTeamId: fake.teamId, preferredPlatform: "slack", locale } });
      if (role) await mapRole(store.db, { role, personName: who.realName, via: "cli", actorLabel: "test" });
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

  it("a new target waits for the plan admins; a stranger is refused; rejected with a reason, then approved; every admin's card shows the outcome", async () => {
    const planId = await setPlan(store, { approveTargetChanges: true });
    for (const admin of [MO, DEWI]) {
      const person = await store.db.person.findUniqueOrThrow({ where: { slackUserId: admin.id } });
      await store.db.planAdmin.create({ data: { planId, personId: person.id } });
    }
    const before = await action(store, "2.6");

    await say(SAM.id, "2.6 delayed to 31 March 2021, waiting for Cabinet");
    expect(last(SAM.id)?.text).toBe("Your new target of 31/03/2021 for 2.6 is waiting for a plan admin's approval. Until then the target stays 31/12/2020.");
    expect(await action(store, "2.6")).toMatchObject({ targetTo: before.targetTo, status: before.status });
    // Copies as first drawn: the fake updates its messages in place, and a stale client still shows these.
    const card = structuredClone(last(MO.id)!);
    expect(textOf(card)).toContain("Target change to approve");
    expect(textOf(card)).toContain("Reason: waiting for Cabinet");
    expect(textOf(card)).toContain("Current target: 31/12/2020");
    expect(textOf(card)).toContain("New target: 31/03/2021");
    expect(buttons(card).map((b) => b.text.text)).toEqual(["Approve", "Reject…"]);
    // Dewi, the other plan admin, has his own copy, in Welsh.
    const dewiCard = structuredClone(last(DEWI.id)!);
    expect(buttons(dewiCard).map((b) => b.text.text)).toEqual(["Cymeradwyo", "Gwrthod…"]);

    // Catrin is no plan admin: refused in her language, nothing changes.
    await press(CATRIN.id, card, "Approve");
    expect(last(CATRIN.id)?.text).toBe("Dim ond gweinyddwr y cynllun all gymeradwyo neu wrthod newid targed. Ni newidiwyd dim.");
    expect(await action(store, "2.6")).toMatchObject({ targetTo: before.targetTo });

    await press(MO.id, card, "Reject…");
    expect(last(MO.id)?.text).toBe("Why are you rejecting the new target for 2.6? Your next message here is the reason Sam Jones will see.");
    // Until the reason comes, the card keeps its buttons.
    expect(buttons(current(card)).map((b) => b.text.text)).toEqual(["Approve", "Reject…"]);
    // Choosing a language is never taken for the reason asked for.
    await say(MO.id, "language English");
    expect(last(MO.id)?.text).toMatch(/^Done: I'll write to you in English/);
    await say(MO.id, "Cabinet has not set its date");
    expect(last(MO.id)?.text).toBe("Rejected: the target of 2.6 stays 31/12/2020. Sam Jones has been told why.");
    expect(textOf(last(SAM.id))).toContain("Mo Khan rejected your new target of 31/03/2021 for 2.6");
    expect(textOf(last(SAM.id))).toContain(": Cabinet has not set its date. The target stays 31/12/2020.");
    expect(await action(store, "2.6")).toMatchObject({ targetTo: before.targetTo });
    // Both admins' cards now say who decided, when, what and why, in place and without buttons.
    expect(current(card).history.length).toBeGreaterThan(1);
    expect(textOf(current(card))).toContain("Target change (procurement.tsv): rejected by Mo Khan on 20/12/2020 09:30: Cabinet has not set its date");
    expect(buttons(current(card))).toEqual([]);
    expect(textOf(current(dewiCard))).toContain("Newid targed (procurement.tsv): gwrthodwyd gan Mo Khan ar 20/12/2020 09:30: Cabinet has not set its date");
    expect(buttons(current(dewiCard))).toEqual([]);
    // A press on a copy drawn before the decision (a stale client) is told who decided, in each language, and changes nothing.
    const logged = (await checkLog(store)).length;
    await press(MO.id, card, "Approve");
    expect(last(MO.id)?.text).toBe("That request has already been decided by Mo Khan: rejected. Nothing was changed.");
    await press(DEWI.id, dewiCard, "Cymeradwyo");
    expect(last(DEWI.id)?.text).toBe("Mae Mo Khan eisoes wedi penderfynu ar y cais hwnnw: gwrthodwyd. Ni newidiwyd dim.");
    expect(await action(store, "2.6")).toMatchObject({ targetTo: before.targetTo });
    expect(await checkLog(store)).toHaveLength(logged);

    await say(SAM.id, "2.6 delayed to 30 April 2021, Cabinet meets on 20 April");
    const second = last(MO.id)!;
    await press(MO.id, second, "Approve");
    expect(last(MO.id)?.text).toBe("Approved: the target of 2.6 is now 30/04/2021. Sam Jones has been told.");
    expect(textOf(current(second))).toContain("Target change (procurement.tsv): approved by Mo Khan on 20/12/2020 09:30.");
    expect(buttons(current(second))).toEqual([]);
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
    expect(textOf(current(card))).toContain("Cwblhau (procurement.tsv): anfonwyd yn ôl gan Catrin Hughes ar 20/12/2020 09:30: Mae'r ddolen i'r drafft");
    expect(buttons(current(card))).toEqual([]);
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

  it("Complete pressed asks for evidence; a file sent next is its evidence, on the verifier's card as a link; accepted, the card says so and the export keeps the file's hash", async () => {
    await setPlan(store, { verifyCompletion: true, verifierRole: "CEDR" });
    const id27 = (await action(store, "2.7")).id;
    await say(SAM.id, "my actions");
    const list = last(SAM.id)!;
    const complete = buttons(list).find((b) => b.action_id.endsWith(`.complete.${id27}`))!;
    expect((await post(blockActionsBody({ userId: SAM.id, teamId: fake.teamId, channelId: list.channel, messageTs: list.ts, actionId: complete.action_id, value: complete.value }))).status).toBe(200);
    await settle();
    expect(last(SAM.id)?.text).toBe('2.7 is now awaiting verification. A verifier will accept it or send it back, and you will hear which. To add evidence, attach a file here, or say "2.7 done" with a link or a note.');
    const card = last(CATRIN.id)!;
    expect(textOf(card)).toContain("Tystiolaeth: dim wedi'i roi");

    // A file with no words: the evidence of the one completion waiting for it, read once and hashed.
    const file = await share(SAM.id, "policy-v3.pdf", EVIDENCE);
    expect(fake.fileDownloads).toEqual({ served: 1, refused: 0 });
    expect(last(SAM.id)?.text).toBe("Attached policy-v3.pdf (1 KB) as evidence for 2.7, which is awaiting verification. The verifiers see it on their card.");
    const change = await store.db.checkedChange.findFirstOrThrow({ where: { actionId: id27 } });
    expect(await store.db.evidenceFile.findMany()).toMatchObject([
      { checkedChangeId: change.id, actionId: id27, platform: "slack", platformFileId: file.id, name: "policy-v3.pdf", fileType: "application/pdf", size: EVIDENCE.length, sha256: sha256(EVIDENCE), link: file.permalink },
    ]);
    expect(await store.db.history.count({ where: { entity: "evidence-file", actionId: id27 } })).toBe(1);
    // The verifier's card, in place: the file by name and size, a link to it, the buttons still there.
    expect(textOf(current(card))).toContain("Tystiolaeth: policy-v3.pdf (1 KB)");
    expect(textOf(current(card))).toContain(`<${file.permalink}|policy-v3.pdf>`);
    expect(buttons(current(card)).map((b) => b.text.text)).toEqual(["Derbyn", "Anfon yn ôl…"]);

    await press(CATRIN.id, card, "Derbyn");
    expect(await action(store, "2.7")).toMatchObject({ status: "complete" });
    expect(textOf(current(card))).toContain("Cwblhau (procurement.tsv): derbyniwyd gan Catrin Hughes ar 20/12/2020 09:30; mae'r cam gweithredu yn gyflawn.");
    expect(textOf(current(card))).toContain(`<${file.permalink}|policy-v3.pdf>`);
    expect(buttons(current(card))).toEqual([]);
    // The committee spreadsheet says who verified it, and which file, so an auditor can find it and check it.
    const cell = await verificationCell(store, "2.7");
    expect(cell).toContain(`File: policy-v3.pdf (1 KB), SHA-256 ${sha256(EVIDENCE)}, ${file.permalink}`);
    expect(cell).toContain("Verified by Catrin Hughes on 20/12/2020");
  });

  it("refuses a file it cannot take as evidence, in the person's language, and keeps nothing", async () => {
    await setPlan(store, { verifyCompletion: true, verifierRole: "CEDR" });
    const before26 = await action(store, "2.6");
    // No completion of Sam's waits for evidence: told how to send one.
    await share(SAM.id, "notes.pdf", EVIDENCE);
    expect(last(SAM.id)?.text).toBe('None of your completions is waiting for evidence, so notes.pdf was not kept. To mark an action complete with this file as its evidence, send it again with words such as "R3 done". (Only Chaser admins import plans from a file.)');
    // Someone else's action, in Welsh: refused before the file is fetched.
    await share(CATRIN.id, "tystiolaeth.pdf", EVIDENCE, "2.7 wedi'i gwblhau");
    expect(last(CATRIN.id)?.text).toMatch(/^Dim ond perchennog 2\.7, eu dirprwy neu weinyddwr y cynllun all ei ddiweddaru, felly ni chofnodwyd dim\./);
    expect(fake.fileDownloads.served).toBe(0);
    // Too large, in English and in Welsh: refused by the size Slack gives, before any byte is read.
    await say(SAM.id, "2.7 done");
    await share(SAM.id, "scan.pdf", EVIDENCE, "", 30 * 1024 * 1024);
    expect(last(SAM.id)?.text).toBe('scan.pdf (30.0 MB) is larger than the 20 MB Chaser takes as evidence, so nothing was recorded. Share a link to it instead: say "2.7 done" with the link.');
    await mapRole(store.db, { role: "CDAI", personName: CATRIN.realName, via: "cli", actorLabel: "test" });
    await share(CATRIN.id, "sgan.pdf", EVIDENCE, "2.6 wedi'i gwblhau", 25 * 1024 * 1024);
    expect(last(CATRIN.id)?.text).toBe("Mae sgan.pdf (25.0 MB) yn fwy na'r 20 MB y mae Chaser yn ei dderbyn yn dystiolaeth, felly ni chofnodwyd dim. Rhannwch ddolen iddi yn lle hynny: dywedwch \"2.6 wedi'i gwblhau\" gyda'r ddolen.");
    expect(fake.fileDownloads.served).toBe(0);
    expect(await store.db.evidenceFile.count()).toBe(0);
    expect(await store.db.pendingImport.count()).toBe(0);
    expect(await action(store, "2.6")).toMatchObject({ status: before26.status, completedAt: null });
    expect(await store.db.checkedChange.count()).toBe(1);
  });
});

describe.each(PROVIDERS)("checked changes on Teams (%s)", (provider) => {
  const TENANT = "tenant-1";
  const BOT = { id: "28:chaser-bot", name: "Chaser" };
  const ALICE: TeamsMember = { id: "29:alice", name: "Alice Owner", email: "alice.owner@example.gov.uk", tenantId: TENANT };
  const BOB: TeamsMember = { id: "29:bob", name: "Bob Admin", email: "bob@example.gov.uk", tenantId: TENANT };
  const DAI: TeamsMember = { id: "29:dai", name: "Dai Stranger", email: "dai@example.gov.uk", tenantId: TENANT };
  const EVE: TeamsMember = { id: "29:eve", name: "Eve Admin", email: "eve@example.gov.uk", tenantId: TENANT };
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
  /** Every button and link of a card. */
  const actionsOf = (card: Json): Json[] => (card.body as Json[]).flatMap((e) => (e.type === "ActionSet" ? (e.actions as Json[]) : []));
  /** Presses a card button as Teams does (Action.Execute); returns the invoke's whole answer. */
  const invoke = async (m: TeamsMember, card: Json, title: string): Promise<Json> => {
    const found = actionsOf(card).find((a) => a.title === title);
    expect(found, title).toBeDefined();
    return (await post(m, { type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb: found!.verb, data: found!.data }, trigger: "manual" } })) as Json;
  };
  /** Presses a card button; returns the card the invoke answers with, which replaces it. */
  const press = async (m: TeamsMember, card: Json, title: string): Promise<Json> => ((await invoke(m, card, title))?.value ?? { body: [{}] }) as Json;
  const cardOf = (sent: { activity: Json }): Json => (sent.activity.attachments as Json[] | undefined)?.[0]?.content as Json;
  const cards = (m: TeamsMember): Json[] => connector.activities(chatWith(m)).map(cardOf);
  const lastText = (m: TeamsMember) => cards(m).at(-1)?.body?.[0]?.text as string | undefined;

  beforeEach(async () => {
    store = await seeded(provider);
    connector = await startFakeConnector({ members: [ALICE, BOB, DAI, EVE] });
    background = new Background(log);
    const channels: ConversationDeps["channels"] = {};
    const deps: ConversationDeps = { store, log, channels, later: background.run };
    const teams = createTeams({ config: AUTH_OFF, deps, now: () => NOW });
    channels.teams = teams.channel;
    server = await startServer(0, { store, log, locale: "en-GB", now: () => NOW, routes: teams.routes });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
    for (const m of [ALICE, BOB, DAI, EVE]) await post(m, { type: "conversationUpdate", membersAdded: [{ id: m.id }] });
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

  it("a plan admin approves from the card, which shows the outcome in place on every admin's copy; someone else is refused; a late press hears who decided", async () => {
    const planId = await setPlan(store, { approveTargetChanges: true });
    for (const m of [BOB, EVE]) {
      const person = await store.db.person.findUniqueOrThrow({ where: { teamsUserId: m.id } });
      await store.db.planAdmin.create({ data: { planId, personId: person.id } });
    }

    await say(ALICE, "2.6 delayed to 31 March 2021, waiting for Cabinet");
    expect(lastText(ALICE)).toBe("Your new target of 31/03/2021 for 2.6 is waiting for a plan admin's approval. Until then the target stays 31/12/2020.");
    const card = cards(BOB).at(-1)!;
    expect(card.body[0].text).toContain("Current target: 31/12/2020\nNew target: 31/03/2021");
    const eveSent = connector.activities(chatWith(EVE)).at(-1)!;
    // Eve's copy as first drawn: a client that has not yet shown the update still presses this one.
    const eveCard = structuredClone(cardOf(eveSent));

    // Someone who may not decide is told so in a message beside the card, which keeps its buttons.
    expect(await invoke(DAI, card, "Approve")).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.activity.message", value: "Only a plan admin can approve or reject a target change. Nothing was changed." });
    expect(await action(store, "2.6")).toMatchObject({ targetTo: "2020-12-31" });

    // Teams replaces Bob's card with the invoke's answer: the outcome, without buttons; the words follow as a message.
    const answered = await press(BOB, card, "Approve");
    expect(answered.body[0].text).toBe("Target change (procurement.tsv): approved by Bob Admin on 20/12/2020 09:30.");
    expect(actionsOf(answered)).toEqual([]);
    expect(lastText(BOB)).toBe("Approved: the target of 2.6 is now 31/03/2021. Alice Owner has been told.");
    expect(lastText(ALICE)).toContain("Bob Admin approved your new target of 31/03/2021 for 2.6");
    expect(await action(store, "2.6")).toMatchObject({ targetTo: "2021-03-31", status: "delayed" });
    // Eve's copy is updated in place (updateActivity); Bob's, already replaced by Teams, is only kept as it shows.
    const eveNow = connector.activities(chatWith(EVE)).find((a) => a.id === eveSent.id)!;
    expect(eveNow.versions).toHaveLength(2);
    expect(cardOf(eveNow).body[0].text).toBe("Target change (procurement.tsv): approved by Bob Admin on 20/12/2020 09:30.");
    expect(actionsOf(cardOf(eveNow))).toEqual([]);
    const bobSent = connector.activities(chatWith(BOB)).find((a) => (a.versions[0]!.attachments as Json[] | undefined)?.[0]?.content?.body?.[0]?.text?.startsWith("Target change to approve"))!;
    expect(bobSent.versions).toHaveLength(1);
    const bob = await store.db.person.findUniqueOrThrow({ where: { teamsUserId: BOB.id } });
    const kept = await store.db.chatMessage.findFirstOrThrow({ where: { key: { startsWith: "checked:" }, personId: bob.id } });
    expect(JSON.parse(kept.card!).text).toMatch(/^Target change \(procurement\.tsv\): approved by Bob Admin on 20\/12\/2020 09:30\./);

    // Eve presses her stale copy: the card as it stands, and who decided; nothing changes.
    const late = await press(EVE, eveCard, "Approve");
    expect(late.body[0].text).toBe("Target change (procurement.tsv): approved by Bob Admin on 20/12/2020 09:30.");
    expect(lastText(EVE)).toBe("That request has already been decided by Bob Admin: approved. Nothing was changed.");
    expect((await checkLog(store)).map((h) => [h.actorLabel, h.via]).sort()).toEqual([["Alice Owner", "chat:teams"], ["Bob Admin", "chat:teams"]]);
  });

  it("a file sent with 'done' is the completion's evidence, linked on the verifier's card; sent back through the card's fallback button, the card says why", async () => {
    const planId = await setPlan(store, { verifyCompletion: true });
    const bob = await store.db.person.findUniqueOrThrow({ where: { teamsUserId: BOB.id } });
    await store.db.planAdmin.create({ data: { planId, personId: bob.id } });

    const upload = connector.uploadFile("policy-v3.pdf", EVIDENCE);
    // Teams adds an HTML rendering of the message beside the file; it is not a file.
    await post(ALICE, { text: "2.7 done", attachments: [upload, { contentType: "text/html", content: "<p>2.7 done</p>" }] });
    expect(connector.fileDownloads).toEqual({ served: 1, refused: 0 });
    expect(lastText(ALICE)).toBe("2.7 is now awaiting verification, with policy-v3.pdf (1 KB) as evidence. A verifier will accept it or send it back, and you will hear which.");
    expect(await action(store, "2.7")).toMatchObject({ status: "awaiting_verification" });
    expect(await store.db.evidenceFile.findMany()).toMatchObject([
      { platform: "teams", platformFileId: upload.content.uniqueId, name: "policy-v3.pdf", fileType: "pdf", size: EVIDENCE.length, sha256: sha256(EVIDENCE), link: upload.contentUrl },
    ]);
    const sent = connector.activities(chatWith(BOB)).at(-1)!;
    const card = cardOf(sent);
    expect(card.body[0].text).toContain("Evidence: policy-v3.pdf (1 KB)");
    expect(actionsOf(card).filter((a) => a.type === "Action.OpenUrl")).toEqual([{ type: "Action.OpenUrl", title: "policy-v3.pdf", url: upload.contentUrl }]);

    // Action.Submit (clients without Universal Actions): Teams leaves the card alone, so Chaser updates it.
    const sendBack = actionsOf(card).find((a) => a.title === "Send back…")!;
    await post(BOB, { value: sendBack.fallback.data });
    expect(lastText(BOB)).toBe("Why are you sending 2.7 back? Your next message here is the reason Alice Owner will see.");
    await say(BOB, "The file is the draft");
    expect(lastText(BOB)).toBe("Sent back: 2.7 is in progress again. Alice Owner has been told why.");
    const drawn = cardOf(connector.activities(chatWith(BOB)).find((a) => a.id === sent.id)!);
    expect(drawn.body[0].text).toBe("Completion (procurement.tsv): sent back by Bob Admin on 20/12/2020 09:30: The file is the draft");
    expect(actionsOf(drawn).map((a) => a.type)).toEqual(["Action.OpenUrl"]);
    expect(lastText(ALICE)).toContain("back: The file is the draft. It is in progress again.");
    expect(await action(store, "2.7")).toMatchObject({ status: "in_progress" });
    // A completion sent back is no longer the evidence the export shows; its file stays in the history.
    expect(await verificationCell(store, "2.7")).toBe("");
    expect(await store.db.history.count({ where: { entity: "evidence-file" } })).toBe(1);
  });

  it("refuses a file it cannot take as evidence, in the person's language, and keeps nothing", async () => {
    await setPlan(store, { verifyCompletion: true });
    await say(ALICE, "2.7 done");
    expect(lastText(ALICE)).toBe('2.7 is now awaiting verification. A verifier will accept it or send it back, and you will hear which. To add evidence, attach a file here, or say "2.7 done" with a link or a note.');
    // Teams gives no size: the download itself stops at the limit.
    await post(ALICE, { attachments: [connector.uploadFile("site-photos.zip", new Uint8Array(21 * 1024 * 1024))] });
    expect(lastText(ALICE)).toBe('site-photos.zip (21.0 MB) is larger than the 20 MB Chaser takes as evidence, so nothing was recorded. Share a link to it instead: say "2.7 done" with the link.');
    // The short-lived download address has expired by the time it is fetched.
    const file = connector.uploadFile("policy.pdf", EVIDENCE);
    await post(ALICE, { attachments: [{ ...file, content: { ...file.content, downloadUrl: file.content.downloadUrl.replace(/tempauth=[^&]+/, "tempauth=expired") } }] });
    expect(lastText(ALICE)).toBe("Chaser could not read policy.pdf, so nothing was recorded for 2.7. Send it again.");
    // In Welsh: someone else's action (refused before the file is fetched), and no completion waiting for evidence.
    const served = connector.fileDownloads.served;
    await post(DAI, { locale: "cy-GB", text: "2.7 wedi'i gwblhau", attachments: [connector.uploadFile("tystiolaeth.pdf", EVIDENCE)] });
    expect(lastText(DAI)).toMatch(/^Dim ond perchennog 2\.7, eu dirprwy neu weinyddwr y cynllun all ei ddiweddaru, felly ni chofnodwyd dim\./);
    await post(DAI, { locale: "cy-GB", attachments: [connector.uploadFile("nodiadau.pdf", EVIDENCE)] });
    expect(lastText(DAI)).toBe("Nid oes yr un o'ch cwblhadau yn aros am dystiolaeth, felly ni chadwyd nodiadau.pdf. I nodi bod cam gweithredu wedi'i gwblhau gyda'r ffeil hon yn dystiolaeth, anfonwch hi eto gyda geiriau fel \"R3 wedi'i gwblhau\". (Dim ond gweinyddwyr Chaser all fewnforio cynlluniau o ffeil.)");
    expect(connector.fileDownloads.served).toBe(served);
    expect(await store.db.evidenceFile.count()).toBe(0);
    expect(await store.db.pendingImport.count()).toBe(0);
    expect(await store.db.history.count({ where: { entity: "evidence-file" } })).toBe(0);
  });
});

describe("checked changes in the playground", () => {
  interface View {
    id: string;
    card: { type: string; text?: string; options?: { label: string; answer: unknown }[]; links?: { label: string; url: string }[] } | null;
    updatedAt: string | null;
    adaptive: Json | null;
    slack: { blocks: Json[] } | null;
  }
  let store: TestStore;
  let playground: Awaited<ReturnType<typeof startPlayground>> | undefined;
  let base: string;
  const chat = (name: string) => `${base}/api/chat/${encodeURIComponent(name)}`;
  const messages = async (response: Response): Promise<View[]> => {
    expect(response.status).toBe(200);
    return ((await response.json()) as { messages: View[] }).messages;
  };
  const hello = async (name: string, locale: string) => messages(await fetch(`${chat(name)}/hello`, { method: "POST", body: JSON.stringify({ locale }) }));
  const say = async (name: string, text: string) => (await messages(await fetch(`${chat(name)}/say`, { method: "POST", body: JSON.stringify({ text }) }))).at(-1)!;
  const sendFile = async (name: string, file: string, bytes: Uint8Array, text?: string) =>
    (await messages(await fetch(`${chat(name)}/file?file=${encodeURIComponent(file)}${text ? `&text=${encodeURIComponent(text)}` : ""}`, { method: "POST", body: Buffer.from(bytes) }))).at(-1)!;
  const pressIn = async (name: string, answer: unknown) => messages(await fetch(`${chat(name)}/press`, { method: "POST", body: JSON.stringify({ answer }) }));

  beforeAll(async () => {
    store = await seeded("sqlite");
    playground = await startPlayground(store, log, NOW);
    base = playground.base;
  }, 60_000);
  afterAll(async () => {
    await playground?.close();
    await store?.drop();
  });

  it("a file sent in the chat is a completion's evidence; Accept redraws the verifier's card in place; a Welsh officer with nothing waiting is told so", async () => {
    await hello("Sam Jones", "en-GB");
    await hello("Ada Admin", "en-GB");
    await hello("Olu Swyddog", "cy");
    await mapRole(store.db, { role: "CDAI", personName: "Sam Jones", via: "chat:web", actorLabel: "playground", playground: true });
    const planId = await setPlan(store, { verifyCompletion: true });
    const ada = await store.db.person.findUniqueOrThrow({ where: { webUserId: "Ada Admin" } });
    await store.db.planAdmin.create({ data: { planId, personId: ada.id } });

    expect((await say("Sam Jones", "2.7 done")).card?.text).toMatch(/^2\.7 is now awaiting verification\..*attach a file here/);
    expect((await sendFile("Sam Jones", "policy-v3.pdf", EVIDENCE)).card?.text).toBe("Attached policy-v3.pdf (1 KB) as evidence for 2.7, which is awaiting verification. The verifiers see it on their card.");
    expect(await store.db.evidenceFile.findMany()).toMatchObject([{ platform: "web", name: "policy-v3.pdf", size: EVIDENCE.length, sha256: sha256(EVIDENCE), link: null }]);

    const [card] = (await messages(await fetch(chat("Ada Admin")))).filter((m) => m.card?.type === "choose");
    expect(card!.updatedAt).not.toBeNull();
    expect(card!.card?.text).toContain("Evidence: policy-v3.pdf (1 KB)");
    const accept = card!.card!.options!.find((o) => o.label === "Accept")!.answer;
    const after = await pressIn("Ada Admin", accept);
    expect(after.at(-1)?.card?.text).toBe("Accepted: 2.7 is complete. Sam Jones has been told.");
    // The same message, redrawn: the outcome, and no buttons in either platform's rendering.
    const redrawn = after.find((m) => m.id === card!.id)!;
    expect(redrawn.card?.text).toMatch(/^Completion \(procurement\.tsv\): accepted by Ada Admin on 20\/12\/2020 09:30; the action is complete\.\n/);
    expect(JSON.stringify(redrawn.adaptive)).not.toContain("Action.Execute");
    expect(redrawn.slack?.blocks.map((b) => b.type)).toEqual(["section"]);
    expect(await action(store, "2.7")).toMatchObject({ status: "complete" });
    expect((await pressIn("Ada Admin", accept)).at(-1)?.card?.text).toBe("That request has already been decided by Ada Admin: accepted. Nothing was changed.");

    expect((await sendFile("Olu Swyddog", "nodiadau.pdf", EVIDENCE)).card?.text).toMatch(/^Nid oes yr un o'ch cwblhadau yn aros am dystiolaeth, felly ni chadwyd nodiadau\.pdf\./);
    expect(await store.db.evidenceFile.count()).toBe(1);
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
