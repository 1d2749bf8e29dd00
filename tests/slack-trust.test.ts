/**
 * Who may speak to Chaser on Slack, end to end through the real Bolt app on loopback: a display
 * name binds nothing, other workspaces are refused, and forged, stale, future-dated and replayed
 * requests change nothing.
 */
import type { Server } from "node:http";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSlack, type Slack } from "../src/adapters/slack/create-slack.js";
import { Background } from "../src/conversation/background.js";
import type { ConversationDeps } from "../src/conversation/handle-event.js";
import { Pacer } from "../src/conversation/pacer.js";
import { sendPrompt } from "../src/conversation/send-prompt.js";
import { Tenancy } from "../src/conversation/tenancy.js";
import { importPlan } from "../src/store/import-plan.js";
import { mapRole } from "../src/store/map-role.js";
import { SCHEDULE_SETTING } from "../src/schedule/scheduler.js";
import { startServer } from "../src/web/start-server.js";
import { startFakeSlack, type FakeSlack, type SlackMessage } from "./fakes/fake-slack-api.js";
import { blockActionsBody, messageImEventBody, postToSlackApp, slashCommandBody } from "./fakes/sign-slack-request.js";
import { parseSeed } from "./helpers/seeds.js";
import { freshStore, PROVIDERS, type TestStore } from "./helpers/test-store.js";

const NOW = new Date("2020-12-20T09:30:00Z");
const SECRET = "test-signing-secret";
const RETRY = { retries: 2, minTimeout: 10, maxTimeout: 50 };

const NIA = { id: "U0NIA", realName: "Nia Admin", email: "nia.admin@example.gov.uk", locale: "en-GB" };
const SAM = { id: "U0SAM", realName: "Sam Jones", email: "sam.jones@example.gov.uk", locale: "en-GB" };
/** Same workspace, calls themselves Nia Admin, their own email. */
const EVE = { id: "U0EVE", realName: "Nia Admin", email: "eve@example.gov.uk", locale: "en-GB" };
/** Another organisation's user (Slack Connect), also calling themselves Nia Admin. */
const OUTSIDER = { id: "U0OUT", realName: "Nia Admin", email: "nia.admin@elsewhere.example", locale: "en-GB", teamId: "T0OTHER" };
/** Named by an admin without an email: `chaser admin "Rhys Admin"`. */
const RHYS = { id: "U0RHYS", realName: "Rhys Admin", email: "rhys@example.gov.uk", locale: "en-GB" };

describe.each(PROVIDERS)("who may speak to Chaser on Slack (%s)", (provider) => {
  let store: TestStore;
  let fake: FakeSlack;
  let slack: Slack;
  let server: Server;
  let background: Background;
  let deps: ConversationDeps;
  let url: string;
  const log = pino({ level: process.env.TEST_LOG ?? "silent" });

  const settle = async () => {
    await slack.settle();
    await background.settle();
  };
  const post = (request: { body: string; contentType: string }, options?: Parameters<typeof postToSlackApp>[3]) => postToSlackApp(url, SECRET, request, options);
  const command = (user: { id: string; teamId?: string }, text: string) => slashCommandBody({ userId: user.id, teamId: user.teamId ?? fake.teamId, command: "/chaser", text });
  const dm = (userId: string): SlackMessage[] => fake.messages(fake.dmChannelFor(userId) ?? "");
  const textOf = (message: SlackMessage | undefined) => JSON.stringify(message?.blocks ?? []) + (message?.text ?? "");
  const paused = async () => JSON.parse((await store.db.appSetting.findUnique({ where: { key: SCHEDULE_SETTING } }))?.value ?? "{}").paused ?? false;
  // Who Nia is and what she may do; telling her opens her DM, whose id is kept (not a change to her).
  const nia = async () => {
    const { slackChannelId: _dm, updatedAt: _at, ...who } = await store.db.person.findUniqueOrThrow({ where: { slackUserId: NIA.id } });
    return who;
  };

  beforeEach(async () => {
    store = await freshStore(provider);
    await importPlan(store, await parseSeed("procurement"), { sourceDocument: "procurement.tsv", via: "cli", actorLabel: "test", now: new Date("2020-12-01T09:00:00Z") });
    fake = await startFakeSlack({ users: [NIA, SAM, EVE, OUTSIDER, RHYS] });
    background = new Background(log);
    deps = { store, log, channels: {}, later: background.run, pacer: new Pacer(), tenancy: new Tenancy({ teamsTenants: [], anyTeamsTenant: false, slackTeams: [] }) };
    slack = await createSlack({ config: { botToken: fake.token, signingSecret: SECRET, appToken: null, apiUrl: fake.url }, deps, now: () => NOW, clientOptions: { retryConfig: RETRY } });
    deps.channels.slack = slack.channel;
    server = await startServer(0, { store, log, locale: "en-GB", now: () => NOW, routes: slack.routes });
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/slack/events`;
    await slack.start();
    // The real admin, matched to Slack by email; Sam owns CDAI's actions.
    await store.db.person.create({ data: { name: NIA.realName, email: NIA.email, slackUserId: NIA.id, slackTeamId: fake.teamId, isAdmin: true, preferredPlatform: "slack" } });
    await mapRole(store.db, { role: "CDAI", personName: SAM.realName, email: SAM.email, via: "cli", actorLabel: "test" });
  });

  afterEach(async () => {
    await settle();
    await slack.stop();
    await new Promise((resolve) => server.close(resolve));
    await fake.close();
    await store.drop();
  });

  it("binds a Slack user to the person an admin mapped by the email Slack vouches for", async () => {
    expect((await post(messageImEventBody({ userId: SAM.id, channelId: "D0SAM", text: "my actions", teamId: fake.teamId }))).status).toBe(200);
    await settle();
    const sam = await store.db.person.findUniqueOrThrow({ where: { email: SAM.email }, include: { assignments: true } });
    expect(sam).toMatchObject({ slackUserId: SAM.id, slackTeamId: fake.teamId });
    expect(sam.assignments).toHaveLength(1);
    expect(await store.db.history.findFirst({ where: { entity: "person-binding", entityId: sam.id, after: { contains: '"by":"email"' } } })).not.toBeNull();
  });

  it("never takes someone with an admin's display name for the admin: refused, nothing changed, the admin told", async () => {
    const before = await nia();
    expect((await post(command(EVE, "pause"))).status).toBe(200);
    expect((await post(command(EVE, "map CDAI to eve@example.gov.uk"))).status).toBe(200);
    await settle();
    expect(await paused()).toBe(false);
    expect(await nia()).toEqual(before);
    const eve = await store.db.person.findUniqueOrThrow({ where: { slackUserId: EVE.id }, include: { assignments: true } });
    expect(eve).toMatchObject({ name: "Nia Admin", isAdmin: false, origin: "slack", email: EVE.email });
    expect(eve.id).not.toBe(before.id);
    expect(eve.assignments).toEqual([]);
    expect(dm(EVE.id).map(textOf).join("\n")).toMatch(/Only Chaser's admins can do that/);
    expect(await store.db.history.count({ where: { actorPersonId: eve.id, entity: { notIn: ["person-binding"] } } })).toBe(0);
    // The real Nia hears that someone new calls themselves by her name.
    expect(dm(NIA.id).map(textOf).join("\n")).toContain(`Someone new on Slack calls themselves Nia Admin (Slack ${EVE.id} (${fake.teamId}), ${EVE.email})`);
  });

  it("asks the admins, with Confirm and Not them, about someone who may be a person named without an email", async () => {
    await store.db.person.create({ data: { name: RHYS.realName, isAdmin: true } });
    expect((await post(command(RHYS, "pause"))).status).toBe(200);
    await settle();
    expect(await paused()).toBe(false);
    expect(await store.db.person.findUniqueOrThrow({ where: { slackUserId: RHYS.id } })).toMatchObject({ isAdmin: false });
    const asked = dm(NIA.id).find((m) => textOf(m).includes("calls themselves Rhys Admin"));
    expect(asked).toBeDefined();
    const buttons = ((asked!.blocks ?? []) as { type: string; elements?: { action_id: string; value: string; text: { text: string } }[] }[]).flatMap((b) => b.elements ?? []);
    expect(buttons.map((b) => b.text.text)).toEqual(["Confirm: it is them", "Not them"]);
    const press = (userId: string, index: number) =>
      post(blockActionsBody({ userId, teamId: fake.teamId, channelId: asked!.channel, messageTs: asked!.ts, actionId: buttons[index]!.action_id, value: buttons[index]!.value }));
    // The claimant cannot answer for themselves.
    expect((await press(RHYS.id, 0)).status).toBe(200);
    await settle();
    expect((await store.db.personClaim.findFirstOrThrow()).status).toBe("pending");
    expect((await press(NIA.id, 1)).status).toBe(200);
    await settle();
    expect((await store.db.personClaim.findFirstOrThrow()).status).toBe("rejected");
    expect(await store.db.person.findUniqueOrThrow({ where: { slackUserId: RHYS.id } })).toMatchObject({ isAdmin: false });
    expect(dm(NIA.id).map(textOf).join("\n")).toContain("Noted: Rhys Admin is not Rhys Admin. Nothing was bound.");
    expect(await store.db.history.count({ where: { entity: "person-claim" } })).toBe(2);
    // A second answer changes nothing.
    expect((await press(NIA.id, 0)).status).toBe(200);
    await settle();
    expect((await store.db.personClaim.findFirstOrThrow()).status).toBe("rejected");
  });

  it("refuses, and tells the admins of, a user from a workspace it does not serve", async () => {
    expect((await post(command(OUTSIDER, "pause"))).status).toBe(200);
    // Even through our own workspace's channel, the user's own workspace is what counts (Slack Connect).
    expect((await post(command({ id: OUTSIDER.id }, "my actions"))).status).toBe(200);
    await settle();
    expect(await paused()).toBe(false);
    expect(await store.db.person.findUnique({ where: { slackUserId: OUTSIDER.id } })).toBeNull();
    expect(dm(OUTSIDER.id).map(textOf).join("\n")).toContain("Chaser is not available to your organisation.");
    expect(dm(NIA.id).filter((m) => textOf(m).includes("an organisation it does not serve (T0OTHER)"))).toHaveLength(1);
  });

  it("serves another workspace once it is listed", async () => {
    deps.tenancy!.allowSlackTeam("T0OTHER");
    expect((await post(command(OUTSIDER, "my actions"))).status).toBe(200);
    await settle();
    expect(await store.db.person.findUnique({ where: { slackUserId: OUTSIDER.id } })).toMatchObject({ origin: "slack", isAdmin: false });
  });

  it("accepts none of 1,000 forged, stale, future-dated and replayed requests, and records nothing from them", async () => {
    // A real prompt to Sam, so the forgeries can press real buttons.
    await post(messageImEventBody({ userId: SAM.id, channelId: "D0SAM", text: "hello", teamId: fake.teamId }));
    await settle();
    expect(await sendPrompt(deps, (await store.db.person.findUniqueOrThrow({ where: { slackUserId: SAM.id } })).id, NOW)).toMatchObject({ status: "sent" });
    const prompt = dm(SAM.id).find((m) => textOf(m).includes("Your actions need an update"))!;
    const button = ((prompt.blocks ?? []) as { type: string; elements?: { action_id: string; value: string }[] }[]).flatMap((b) => b.elements ?? []).find((b) => b.action_id.includes(".complete."))!;
    const counts = async () => ({
      answers: await store.db.answer.count(),
      history: await store.db.history.count(),
      people: await store.db.person.count(),
      deliveries: await store.db.inboundDelivery.count(),
      posts: fake.calls.filter((c) => c.method === "chat.postMessage" || c.method === "chat.update").length,
      paused: await paused(),
    });
    const before = await counts();
    const bodies = [
      () => command(NIA, "pause"),
      () => command({ id: "U0FORGED" }, "map CDAI to x@evil.example"),
      () => blockActionsBody({ userId: SAM.id, teamId: fake.teamId, channelId: prompt.channel, messageTs: prompt.ts, actionId: button.action_id, value: button.value }),
      () => messageImEventBody({ userId: SAM.id, channelId: prompt.channel, text: "2.6 done", teamId: fake.teamId }),
    ];
    const nowS = () => Math.floor(Date.now() / 1000);
    const forgeries: [string, (i: number) => Promise<{ status: number }>][] = [
      ["wrong secret", (i) => postToSlackApp(url, `not-the-secret-${i}`, bodies[i % 4]!())],
      ["unsigned", (i) => post(bodies[i % 4]!(), { sign: false })],
      ["stale", (i) => post(bodies[i % 4]!(), { timestampSeconds: nowS() - 6 * 60 - (i % 1000) })],
      ["future-dated", (i) => post(bodies[i % 4]!(), { timestampSeconds: nowS() + 6 * 60 + (i % 1000) })],
      ["signature of another body", (i) => {
        const signed = bodies[i % 4]!();
        return post(signed, { headers: { "x-slack-signature": `v0=${"0".repeat(64)}` }, sign: false });
      }],
    ];
    const statuses = new Map<string, number[]>();
    const total = 1000;
    for (let start = 0; start < total; start += 25) {
      await Promise.all(
        Array.from({ length: Math.min(25, total - start) }, async (_, j) => {
          const i = start + j;
          const [what, send] = forgeries[i % forgeries.length]!;
          const { status } = await send(i);
          statuses.set(what, [...(statuses.get(what) ?? []), status]);
        }),
      );
    }
    for (const [what, list] of statuses) expect([what, [...new Set(list)]]).toEqual([what, [401]]);
    expect([...statuses.values()].flat()).toHaveLength(total);
    await settle();
    expect(await counts()).toEqual(before);

    // Replays of one properly signed request: Slack's signature cannot tell them apart, so each is
    // answered once: the answer is recorded once, and nothing more for every replay.
    const genuine = blockActionsBody({ userId: SAM.id, teamId: fake.teamId, channelId: prompt.channel, messageTs: prompt.ts, actionId: button.action_id, value: button.value });
    const stamp = nowS();
    expect((await post(genuine, { timestampSeconds: stamp })).status).toBe(200);
    await settle();
    const once = await counts();
    expect(once.answers).toBe(before.answers + 1);
    for (let i = 0; i < 20; i += 1) expect((await post(genuine, { timestampSeconds: stamp })).status).toBe(200);
    const said = messageImEventBody({ userId: SAM.id, channelId: prompt.channel, text: "2.7 on track", teamId: fake.teamId });
    for (let i = 0; i < 5; i += 1) await post(said, { timestampSeconds: stamp });
    await settle();
    const after = await counts();
    expect(after.answers).toBe(once.answers + 1);
    expect(await store.db.answer.count({ where: { kind: "complete" } })).toBe(1);
    // Replayed more than five minutes on: refused outright.
    expect((await post(genuine, { timestampSeconds: stamp - 6 * 60 })).status).toBe(401);
  });
});
