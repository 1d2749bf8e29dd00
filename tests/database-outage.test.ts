/**
 * A real database outage: PostgreSQL behind a loopback TCP proxy that is cut for 30 seconds (every
 * connection dropped, every new one closed). Chaser runs as in production: the real Bolt and
 * botbuilder endpoints with the fakes of the Slack Web API and the Bot Connector, the playground,
 * /healthz and /readyz, and the scheduler ticking every second. The outage starts the moment the
 * first scheduled prompt has reached its platform, before Chaser could record that it went.
 *
 * During the cut, people answer through every door. Afterwards each answer is either recorded
 * exactly once or its sender was told, in the conversation, that it was not saved; retried, it is
 * recorded once. The process never exits (vitest fails the run on any uncaught error), /readyz
 * fails during the cut and recovers, and every scheduled prompt arrives exactly once.
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSlack, type Slack } from "../src/adapters/slack/create-slack.js";
import { createTeams } from "../src/adapters/teams/create-teams.js";
import { playgroundChatRoutes } from "../src/adapters/web/playground-chat.js";
import { WebChannel } from "../src/adapters/web/web-channel.js";
import { ANSWER_ACTION, MODAL_CALLBACK } from "../src/cards/render-block-kit.js";
import { Background } from "../src/conversation/background.js";
import type { ChatChannel } from "../src/conversation/chat-channel.js";
import type { ConversationDeps } from "../src/conversation/handle-event.js";
import { Pacer } from "../src/conversation/pacer.js";
import { sendPrompt } from "../src/conversation/send-prompt.js";
import { translator } from "../src/i18n.js";
import { startScheduler } from "../src/schedule/scheduler.js";
import { importPlan } from "../src/store/import-plan.js";
import { mapRole } from "../src/store/map-role.js";
import { openStore, type Store } from "../src/store/open-store.js";
import { startServer } from "../src/web/start-server.js";
import { startFakeConnector, type FakeConnector, type TeamsMember } from "./fakes/fake-bot-connector.js";
import { startFakeSlack, type FakeSlack } from "./fakes/fake-slack-api.js";
import { blockActionsBody, messageImEventBody, postToSlackApp, slashCommandBody, viewSubmissionBody } from "./fakes/sign-slack-request.js";
import { parseSeed } from "./helpers/seeds.js";
import { startTcpProxy, type TcpProxy } from "./helpers/tcp-proxy.js";
import { freshDatabase } from "./helpers/test-store.js";

const CUT_MS = 30_000;
// Sunday 20 December 2020: the answers' day. The scheduler's clock is Monday's 09:30 slot.
const NOW = new Date("2020-12-20T09:30:00Z");
const BEFORE_SLOT = new Date("2020-12-21T07:00:00Z");
const SLOT = new Date("2020-12-21T09:31:00Z");
const SECRET = "test-signing-secret";
const TENANT = "tenant-1";
const BOT = { id: "28:chaser-bot", name: "Chaser" };
const NOT_SAVED = translator("en-GB")("unavailable.not_saved");

const SAM = { id: "U0SAM", realName: "Sam Jones", email: "sam.jones@example.gov.uk", locale: "en-GB" };
const MO = { id: "U0MO", realName: "Mo Khan", email: "mo.khan@example.gov.uk", locale: "en-GB" };
const ALICE: TeamsMember = { id: "29:alice", name: "Alice Owner", email: "alice@example.gov.uk", tenantId: TENANT };
const BOB: TeamsMember = { id: "29:bob", name: "Bob Cedr", email: "bob@example.gov.uk", tenantId: TENANT };
const PAT = "Pat Playground";

type Json = Record<string, any>;
const log = pino({ level: process.env.TEST_LOG ?? "silent" });
const until = async (what: string, check: () => Promise<boolean> | boolean, pauseMs = 200): Promise<void> => {
  // Bounded by the test's own timeout, not by a clock here: the machine may be slow.
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  void what;
};

describe("a 30-second PostgreSQL outage", () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let proxy: TcpProxy;
  let store: Store;
  let slackFake: FakeSlack;
  let connector: FakeConnector;
  let slack: Slack;
  let server: Server;
  let background: Background;
  let scheduler: { stop(): Promise<void> } | undefined;
  let deps: ConversationDeps;
  let base: string;

  beforeAll(async () => {
    database = await freshDatabase("postgresql");
    const url = (database.database as { url: string }).url;
    const target = new URL(url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    store = await openStore({ provider: "postgresql", url: proxy.via(url) });
    await importPlan(store, await parseSeed("procurement"), { sourceDocument: "procurement.tsv", via: "cli", actorLabel: "test", now: new Date("2020-12-01T09:00:00Z") });
    slackFake = await startFakeSlack({ users: [SAM, MO] });
    connector = await startFakeConnector({ members: [ALICE, BOB] });
    background = new Background(log);
    const web = new WebChannel(() => NOW);
    deps = { store, log, channels: { web }, later: background.run, pacer: new Pacer() };
    const teams = createTeams({ config: { appId: "", appPassword: null, appType: "MultiTenant", tenantId: null }, deps, now: () => NOW });
    slack = await createSlack({ config: { botToken: slackFake.token, signingSecret: SECRET, appToken: null, apiUrl: slackFake.url }, deps, now: () => NOW, clientOptions: { retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 50 } } });
    deps.channels.teams = cutAfterFirstScheduledSend(teams.channel);
    deps.channels.slack = cutAfterFirstScheduledSend(slack.channel);
    const playgroundRoutes = playgroundChatRoutes({ ...deps, web, locale: "en-GB", now: () => NOW, settle: () => background.settle() });
    server = await startServer(0, { store, log, locale: "en-GB", now: () => NOW, routes: [...teams.routes, ...slack.routes], playgroundRoutes });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await slack.start();

    const reference = (member: TeamsMember) =>
      JSON.stringify({ serviceUrl: connector.url, channelId: "msteams", conversation: { id: `a:chat-${member.id}`, conversationType: "personal", tenantId: TENANT }, bot: BOT, user: { id: member.id } });
    const people: [string, Json, string][] = [
      [SAM.realName, { slackUserId: SAM.id, slackTeamId: slackFake.teamId, preferredPlatform: "slack" }, "CDAI"],
      [ALICE.name!, { teamsUserId: ALICE.id, teamsTenantId: TENANT, teamsConversation: reference(ALICE), preferredPlatform: "teams" }, "CDAI"],
      [PAT, { preferredPlatform: "web", origin: "playground", webUserId: PAT }, "CDAI"],
      // Asked only by the schedule, on Monday: 4.2 is theirs and overdue.
      [MO.realName, { slackUserId: MO.id, slackTeamId: slackFake.teamId, preferredPlatform: "slack" }, "Monitoring Officer"],
      [BOB.name!, { teamsUserId: BOB.id, teamsTenantId: TENANT, teamsConversation: reference(BOB), preferredPlatform: "teams" }, "CEDR"],
    ];
    for (const [name, data, role] of people) {
      await store.db.person.create({ data: { name, ...data } });
      await mapRole(store.db, { role, personName: name, via: "cli", actorLabel: "test", playground: name === PAT });
    }
  }, 120_000);

  afterAll(async () => {
    proxy?.restore();
    await scheduler?.stop();
    await slack?.settle();
    await background?.settle();
    await slack?.stop();
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await slackFake?.close();
    await connector?.close();
    await store?.close();
    await proxy?.close();
    await database?.drop();
  }, 120_000);

  /** The outage begins just after the first scheduled message reaches its platform. */
  let armed = false;
  let cutAt = 0;
  function cutAfterFirstScheduledSend(channel: ChatChannel): ChatChannel {
    return {
      platform: channel.platform,
      send: async (address, card) => {
        const sent = await channel.send(address, card);
        if (armed) {
          armed = false;
          proxy.cut();
          cutAt = Date.now();
        }
        return sent;
      },
      update: (address, ref, card) => channel.update(address, ref, card),
      ...(channel.findUser ? { findUser: (email: string) => channel.findUser!(email) } : {}),
    };
  }

  const personId = async (name: string) => (await store.db.person.findFirstOrThrow({ where: { name } })).id;
  const actionId = async (key: string) => (await store.db.action.findFirstOrThrow({ where: { key } })).id;
  const recorded = async (name: string, key: string, kind: string) => store.db.answer.count({ where: { personId: await personId(name), actionId: await actionId(key), kind } });
  const slackPost = (request: { body: string; contentType: string }) => postToSlackApp(`${base}/slack/events`, SECRET, request);
  const teamsPost = async (member: TeamsMember, fields: Json): Promise<Json | null> => {
    const response = await fetch(`${base}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        type: "message",
        id: `activity-${Math.random().toString(36).slice(2)}`,
        channelId: "msteams",
        serviceUrl: connector.url,
        locale: "en-GB",
        from: { id: member.id, name: member.name },
        recipient: BOT,
        conversation: { id: `a:chat-${member.id}`, conversationType: "personal", tenantId: TENANT },
        channelData: { tenant: { id: TENANT } },
        ...fields,
      }),
    });
    const text = await response.text();
    return text ? (JSON.parse(text) as Json) : null;
  };
  const invoke = (member: TeamsMember, data: Json) => teamsPost(member, { type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb: "chaser.answer", data }, trigger: "manual" } });
  const playground = async (path: string, body: Json): Promise<{ status: number; json: Json }> => {
    const response = await fetch(`${base}/api/chat/${encodeURIComponent(PAT)}/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    return { status: response.status, json: (await response.json()) as Json };
  };
  const button = (messageId: string | null, action: string, kind: string) => ({ v: 1, m: messageId, a: action, k: kind });
  const samPress = async (ts: { channel: string; ts: string }, payload: Json) => {
    const responseUrl = slackFake.responseUrl(ts);
    const response = await slackPost(
      blockActionsBody({ userId: SAM.id, teamId: slackFake.teamId, channelId: ts.channel, messageTs: ts.ts, actionId: `${ANSWER_ACTION}.${payload.k}.${payload.a}`, value: JSON.stringify(payload), responseUrl }),
    );
    expect(response.status).toBe(200);
    await slack.settle();
    return slackFake.responses(responseUrl);
  };

  it("loses no answer, tells whoever it could not save, keeps running, and sends each scheduled prompt once", async () => {
    // Before: Sam (Slack) and Alice (Teams) have today's card; Sam's answer to 7.3 is stored.
    expect(await sendPrompt({ store, log, channels: { slack: slack.channel } }, await personId(SAM.realName), NOW)).toMatchObject({ status: "sent" });
    const samCard = slackFake.messages(slackFake.dmChannelFor(SAM.id)!)[0]!;
    const samMessageId = (await store.db.chatMessage.findFirstOrThrow({ where: { personId: await personId(SAM.realName) } })).id;
    const where = { channel: samCard.channel, ts: samCard.ts };
    await samPress(where, button(samMessageId, await actionId("7.3"), "on_track"));
    expect(await recorded(SAM.realName, "7.3", "on_track")).toBe(1);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    // The test itself cannot read the database during the cut: what it needs is read now.
    const ids = new Map<string, string>();
    for (const key of ["2.6", "2.7", "5", "7.1", "7.3"]) ids.set(key, await actionId(key));
    const id = (key: string) => ids.get(key)!;

    // The schedule reaches Monday's slot; its first prompt reaches the platform, and the database goes.
    let schedulerNow = BEFORE_SLOT;
    scheduler = startScheduler(deps, () => schedulerNow, { cron: "* * * * * *" });
    armed = true;
    schedulerNow = SLOT;
    await until("the cut", () => proxy.isCut);

    // Liveness holds; readiness fails while the database is away.
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ ok: false, error: "store_unreachable" });

    /** Each answer given during the cut: whether its sender was told it was not saved, and how to count it. */
    const during: { what: string; told: boolean; count: () => Promise<number> }[] = [];
    const told = (seen: unknown) => JSON.stringify(seen ?? null).includes(NOT_SAVED);

    // Slack: a button (told through response_url, the card left as it was) …
    const pressed = button(samMessageId, id("2.6"), "on_track");
    const responses = await samPress(where, pressed);
    during.push({ what: "slack button", told: told(responses), count: () => recorded(SAM.realName, "2.6", "on_track") });
    expect(slackFake.messages(where.channel).find((m) => m.ts === where.ts)?.history).toHaveLength(2);
    // … words in the DM (told by a reply there) …
    const dm = slackFake.dmChannelFor(SAM.id)!;
    const before = slackFake.messages(dm).length;
    expect((await slackPost(messageImEventBody({ userId: SAM.id, channelId: dm, text: "2.7 on track", teamId: slackFake.teamId, botUserId: slackFake.botUserId }))).status).toBe(200);
    await slack.settle();
    during.push({ what: "slack words", told: told(slackFake.messages(dm).slice(before)), count: () => recorded(SAM.realName, "2.7", "on_track") });
    // … the More… form (the modal stays open, saying so) …
    const modal = await slackPost(
      viewSubmissionBody({
        userId: SAM.id,
        teamId: slackFake.teamId,
        callbackId: MODAL_CALLBACK,
        privateMetadata: JSON.stringify({ p: button(samMessageId, id("5"), "note"), c: where.channel, ts: where.ts }),
        values: {
          kind: { kind: { type: "static_select", selected_option: { text: { type: "plain_text", text: "blocked" }, value: "blocked" } } },
          text: { text: { type: "plain_text_input", value: "no budget" } },
        },
      }),
    );
    await slack.settle();
    expect(JSON.parse(modal.body)).toMatchObject({ response_action: "errors", errors: { kind: NOT_SAVED } });
    during.push({ what: "slack modal", told: told(modal.body), count: () => recorded(SAM.realName, "5", "blocked") });
    // … and /chaser (told in the command's own answer).
    const command = await slackPost(slashCommandBody({ userId: SAM.id, command: "/chaser", text: "7.1 on track", teamId: slackFake.teamId, channelId: dm }));
    await slack.settle();
    during.push({ what: "slack command", told: told(command.body), count: () => recorded(SAM.realName, "7.1", "on_track") });

    // Teams: Action.Execute (the invoke's answer is a message; the card keeps its buttons) and words.
    const alicePress = button(null, id("7.3"), "on_track");
    const invoked = await invoke(ALICE, alicePress);
    expect(invoked).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.activity.message", value: NOT_SAVED });
    during.push({ what: "teams button", told: told(invoked), count: () => recorded(ALICE.name!, "7.3", "on_track") });
    const aliceChat = `a:chat-${ALICE.id}`;
    const aliceBefore = connector.activities(aliceChat).length;
    await teamsPost(ALICE, { text: "2.6 blocked: no budget" });
    during.push({ what: "teams words", told: told(connector.activities(aliceChat).slice(aliceBefore).map((a) => a.activity)), count: () => recorded(ALICE.name!, "2.6", "blocked") });

    // The playground: the message in the chat, not a 500.
    const said = await playground("say", { text: "2.7 blocked: waiting for Cabinet" });
    expect(said.status).toBe(200);
    during.push({ what: "playground words", told: told(said.json.messages.at(-1)), count: () => recorded(PAT, "2.7", "blocked") });
    const patPress = button(null, id("5"), "on_track");
    const patPressed = await playground("press", { answer: patPress });
    expect(patPressed.status).toBe(200);
    during.push({ what: "playground button", told: told(patPressed.json.messages.at(-1)), count: () => recorded(PAT, "5", "on_track") });

    // Still cut: the scheduler has been failing its ticks meanwhile, and the process runs on.
    expect(proxy.isCut).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, cutAt + CUT_MS - Date.now())));
    proxy.restore();
    await until("ready again", async () => (await fetch(`${base}/readyz`)).status === 200);

    // Every answer from the cut: recorded exactly once, or its sender was told it was not saved.
    for (const answer of during) {
      const count = await answer.count();
      expect(answer.told ? count : 1, `${answer.what}: told=${answer.told}, recorded ${count} times`).toBe(count === 0 ? 0 : 1);
      expect(answer.told || count === 1, `${answer.what}: neither recorded nor told`).toBe(true);
    }
    // With the database down throughout, none could be saved, and every sender was told.
    expect(during.filter((a) => !a.told).map((a) => a.what)).toEqual([]);

    // Tried again, each is recorded once; a second try records nothing new.
    await samPress(where, pressed);
    await samPress(where, pressed);
    expect(await recorded(SAM.realName, "2.6", "on_track")).toBe(1);
    expect(await invoke(ALICE, alicePress)).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.card.adaptive" });
    await invoke(ALICE, alicePress);
    expect(await recorded(ALICE.name!, "7.3", "on_track")).toBe(1);
    await playground("press", { answer: patPress });
    await playground("press", { answer: patPress });
    expect(await recorded(PAT, "5", "on_track")).toBe(1);
    expect(await recorded(SAM.realName, "7.3", "on_track")).toBe(1);

    // The schedule resumed by itself: every message of Monday's run was sent, each exactly once.
    const scheduled = { key: { startsWith: "prompt:2020-12-21" } };
    await until("the schedule's messages sent", async () => {
      const all = await store.db.chatMessage.findMany({ where: scheduled });
      return all.length > 0 && all.every((m) => m.status === "sent");
    });
    await scheduler!.stop();
    scheduler = undefined;
    for (const name of [MO.realName, BOB.name!]) {
      const mine = await store.db.chatMessage.findMany({ where: { personId: await personId(name) } });
      expect(mine.filter((m) => m.kind === "prompt" && m.key.startsWith("prompt:2020-12-21")), name).toHaveLength(1);
      expect(mine.every((m) => m.status === "sent"), name).toBe(true);
      const arrived = name === MO.realName ? slackFake.messages(slackFake.dmChannelFor(MO.id)) : connector.activities(`a:chat-${BOB.id}`).filter((a) => a.activity.type === "message");
      expect(arrived, name).toHaveLength(mine.length);
    }
    expect(await store.db.scheduleRun.count({ where: { key: { startsWith: "prompt:2020-12-21" }, finishedAt: null } })).toBe(0);
    expect(proxy.refused).toBeGreaterThan(0);
  }, 240_000);
});
