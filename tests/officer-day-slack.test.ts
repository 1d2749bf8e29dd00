/**
 * An officer's day and a director's Monday on Slack (issue 13): the real Bolt app behind the real
 * server on loopback, signed requests as Slack sends them, the fake Slack Web API receiving what
 * Chaser sends, and the real scheduler's tick run at the day's times. After every step the message
 * Slack holds is compared, block for block, with the card drawn afresh from the store.
 */
import type { Server } from "node:http";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSlack, type Slack } from "../src/adapters/slack/create-slack.js";
import { MODAL_CALLBACK, renderBlockKit } from "../src/cards/render-block-kit.js";
import { Background } from "../src/conversation/background.js";
import type { DigestCard } from "../src/conversation/card.js";
import type { ConversationDeps } from "../src/conversation/handle-event.js";
import { messageCard } from "../src/conversation/message-card.js";
import { Pacer } from "../src/conversation/pacer.js";
import { tick } from "../src/schedule/scheduler.js";
import { importPlan } from "../src/store/import-plan.js";
import { mapRole } from "../src/store/map-role.js";
import { startServer } from "../src/web/start-server.js";
import { startFakeSlack, type FakeSlack, type SlackMessage } from "./fakes/fake-slack-api.js";
import { blockActionsBody, messageImEventBody, postToSlackApp, slashCommandBody, viewSubmissionBody } from "./fakes/sign-slack-request.js";
import { parseSeed } from "./helpers/seeds.js";
import { freshStore, PROVIDERS, type TestStore } from "./helpers/test-store.js";

const SECRET = "test-signing-secret";
const RETRY = { retries: 2, minTimeout: 10, maxTimeout: 50 };
const SAM = { id: "U0SAM", realName: "Sam Jones", email: "sam.jones@example.gov.uk", locale: "en-GB" };
const LEADERS = "C0LEADERS";

const SUNDAY = new Date("2020-12-20T09:30:00Z");
const MONDAY_DIGEST = new Date("2020-12-21T08:31:00Z");
const MONDAY_PROMPTS = new Date("2020-12-21T09:31:00Z");
const MONDAY_LATER = new Date("2020-12-21T10:15:00Z");
// Monday 28th is a bank holiday: the next week's runs are on Tuesday.
const WEEK_LATER = new Date("2020-12-29T09:31:00Z");

interface Button {
  action_id: string;
  value: string;
  text: { text: string };
}

describe.each(PROVIDERS)("an officer's day and a director's Monday on Slack (%s)", (provider) => {
  let store: TestStore;
  let fake: FakeSlack;
  let slack: Slack;
  let server: Server;
  let background: Background;
  let deps: ConversationDeps;
  let url: string;
  let clock = SUNDAY;

  const post = (request: { body: string; contentType: string }) => postToSlackApp(url, SECRET, request);
  const settle = async () => {
    await slack.settle();
    await background.settle();
  };
  const dmOf = () => fake.dmChannelFor(SAM.id) ?? "";
  const dm = () => fake.messages(dmOf());
  const action = (key: string) => store.db.action.findFirstOrThrow({ where: { key } });
  const latest = (kind: string) => store.db.chatMessage.findFirstOrThrow({ where: { kind }, orderBy: { createdAt: "desc" } });
  const buttonFor = async (message: SlackMessage, ref: string, kind: string): Promise<Button> => {
    const { id } = await action(ref);
    const all = ((message.blocks ?? []) as { type: string; elements?: Button[] }[]).filter((b) => b.type === "actions").flatMap((b) => b.elements ?? []);
    const found = all.find((b) => b.action_id.endsWith(`.${kind}.${id}`));
    if (!found) throw new Error(`no ${kind} button for ${ref}`);
    return found;
  };
  const press = async (message: SlackMessage, button: Button, triggerId?: string) => {
    const response = await post(blockActionsBody({ userId: SAM.id, teamId: fake.teamId, channelId: message.channel, messageTs: message.ts, actionId: button.action_id, value: button.value, ...(triggerId ? { triggerId } : {}) }));
    expect(response.status).toBe(200);
    await settle();
  };
  const submitMore = async (values: { kind: string; date?: string; text?: string }) => {
    const view = fake.views().at(-1)!.view as { private_metadata: string };
    const response = await post(
      viewSubmissionBody({
        userId: SAM.id,
        teamId: fake.teamId,
        callbackId: MODAL_CALLBACK,
        privateMetadata: view.private_metadata,
        values: {
          kind: { kind: { type: "static_select", selected_option: { text: { type: "plain_text", text: values.kind }, value: values.kind } } },
          date: { date: { type: "datepicker", selected_date: values.date ?? null } },
          text: { text: { type: "plain_text_input", value: values.text ?? null } },
        },
      }),
    );
    expect(response.status).toBe(200);
    await settle();
  };
  const say = async (text: string) => {
    await post(messageImEventBody({ userId: SAM.id, channelId: dmOf(), text, teamId: fake.teamId, botUserId: fake.botUserId }));
    await settle();
  };
  /**
   * "/chaser …" typed in a channel; what Sam was told there, seen by Sam alone: the command's ack,
   * or its response_url when the core took longer than Slack waits for the ack.
   */
  const command = async (text: string, channelId: string) => {
    const responseUrl = fake.responseUrl();
    const response = await post(slashCommandBody({ userId: SAM.id, command: "/chaser", text, teamId: fake.teamId, channelId, channelName: "leadership", responseUrl }));
    expect(response.status).toBe(200);
    await settle();
    return (response.body ? JSON.parse(response.body) : fake.responses(responseUrl)[0]?.body) as unknown;
  };
  const stepTo = async (at: Date) => {
    clock = at;
    const report = await tick(deps, at);
    await settle();
    return report;
  };
  /**
   * The message as Slack holds it is the card drawn afresh from the store, block for block; and its
   * header counts, straight from the store, the actions on it not yet answered since it was sent.
   */
  const expectReadsTrue = async (message: SlackMessage, messageId: string) => {
    const truth = (await messageCard(store.db, messageId, clock))!;
    expect(message.blocks).toEqual(renderBlockKit(truth).blocks);
    const sent = await store.db.chatMessage.findUniqueOrThrow({ where: { id: messageId } });
    const answered = new Set((await store.db.answer.findMany({ where: { createdAt: { gte: sent.createdAt } } })).map((a) => a.actionId));
    const waiting = (JSON.parse(sent.actionIds) as string[]).filter((id) => !answered.has(id)).length;
    if (waiting > 0) expect(truth.intro).toBe(waiting === 1 ? "1 action needs an answer." : `${waiting} actions need an answer.`);
    return truth;
  };

  beforeAll(async () => {
    store = await freshStore(provider);
    await importPlan(store, await parseSeed("procurement"), { sourceDocument: "procurement.tsv", via: "cli", actorLabel: "test", now: new Date("2020-12-01T09:00:00Z") });
    fake = await startFakeSlack({ users: [SAM] });
    fake.addChannel(LEADERS, [SAM.id]);
    const log = pino({ level: "silent" });
    background = new Background(log);
    deps = { store, log, channels: {}, later: background.run, pacer: new Pacer() };
    const now = () => clock;
    slack = await createSlack({ config: { botToken: fake.token, signingSecret: SECRET, appToken: null, apiUrl: fake.url }, deps, now, clientOptions: { retryConfig: RETRY } });
    deps.channels.slack = slack.channel;
    server = await startServer(0, { store, log, locale: "en-GB", now, routes: slack.routes });
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/slack/events`;
    await slack.start();
    await store.db.person.create({ data: { name: SAM.realName, email: SAM.email, slackUserId: SAM.id, slackTeamId: fake.teamId, preferredPlatform: "slack", isAdmin: true } });
    await mapRole(store.db, { role: "CDAI", personName: SAM.realName, email: SAM.email, via: "cli", actorLabel: "test" });
  });

  afterAll(async () => {
    await settle();
    await slack.stop();
    await new Promise((resolve) => server.close(resolve));
    await fake.close();
    await store.drop();
  });

  it("Sunday: Sam opens Chaser's Messages tab and is welcomed, once", async () => {
    const { webApi } = await import("@slack/bolt");
    await new webApi.WebClient(fake.token, { slackApiUrl: fake.url, retryConfig: RETRY }).conversations.open({ users: SAM.id });
    for (let i = 0; i < 2; i++) await post(appHomeOpened(SAM.id, dmOf(), fake.teamId));
    await settle();
    expect(dm().map((m) => m.text)).toEqual([expect.stringMatching(/^Hello Sam Jones\. I'm Chaser/)]);
  });

  it("Sunday: Sam, an admin, subscribes the leadership channel; '/chaser' there gets a pointer, not the list", async () => {
    expect(await command("subscribe procurement", LEADERS)).toMatchObject({ text: "This channel will get the weekly digest for procurement.tsv, on Mondays at 08:30. It will come in English." });
    expect(await store.db.digestSubscription.findMany()).toMatchObject([{ platform: "slack", address: LEADERS }]);
    expect(await command("my actions", LEADERS)).toMatchObject({ response_type: "ephemeral", text: "Sam Jones, I've sent your actions to our 1:1 chat: a list of someone's actions is only shown there." });
    // Nothing about Sam's actions is posted in the channel for everyone.
    expect(fake.messages(LEADERS)).toEqual([]);
    expect(dm().some((m) => m.text?.startsWith("Your open actions"))).toBe(true);
  });

  it("Monday 08:30: the digest is a new message in the channel, not a thread reply, and reads as the store does", async () => {
    expect((await stepTo(MONDAY_DIGEST)).digests).toEqual({ claimed: true, digests: 1 });
    const posted = fake.messages(LEADERS);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.threadTs).toBeUndefined();
    const sent = await latest("digest");
    const card = JSON.parse(sent.card!) as DigestCard;
    // The card's blocks, with the chart uploaded as an image beside its words.
    const blocks = posted[0]!.blocks as { type: string }[];
    expect(blocks.filter((b) => b.type !== "image")).toEqual(renderBlockKit(card).blocks);
    expect(blocks.filter((b) => b.type === "image")).toHaveLength(1);
    const plan = await store.db.plan.findFirstOrThrow();
    const all = await store.db.action.count({ where: { planId: plan.id } });
    const open = await store.db.action.count({ where: { planId: plan.id, OR: [{ status: null }, { status: { notIn: ["complete", "cancelled"] } }] } });
    expect(card.subtitle).toContain(`${all} actions, ${open} open`);
  });

  it("Monday 09:30: the prompt reads true, and after each button, the More… form and words it still does, updated in place", async () => {
    expect((await stepTo(MONDAY_PROMPTS)).prompts?.prompts).toBe(1);
    const prompt = dm().find((m) => m.text?.startsWith("Your actions need an update"))!;
    const messageId = (await latest("prompt")).id;
    expect((await expectReadsTrue(prompt, messageId)).intro).toMatch(/^\d+ actions need an answer\.$/);
    clock = MONDAY_LATER;
    const current = () => dm().find((m) => m.ts === prompt.ts)!;

    await press(current(), await buttonFor(current(), "2.7", "on_track"));
    expect(await store.db.answer.findFirst({ where: { actionId: (await action("2.7")).id } })).toMatchObject({ kind: "on_track", via: "chat:slack" });
    await expectReadsTrue(current(), messageId);

    await press(current(), await buttonFor(current(), "5", "complete"));
    expect(await action("5")).toMatchObject({ status: "complete" });
    expect(JSON.stringify(current().blocks)).not.toMatch(/30\/11\/2020, \d+ days overdue/);
    await expectReadsTrue(current(), messageId);

    await press(current(), await buttonFor(current(), "2.6", "note"), fake.issueTriggerId());
    await submitMore({ kind: "delayed", date: "2021-03-31", text: "waiting for Cabinet" });
    expect(await action("2.6")).toMatchObject({ status: "delayed", targetTo: "2021-03-31", originalTargetTo: "2020-12-31", statusText: "waiting for Cabinet" });
    const afterDelay = await expectReadsTrue(current(), messageId);
    const item = afterDelay.items.find((i) => i.heading.startsWith("2.6 ·"))!;
    expect(item.facts.find((f) => f.label === "Status")?.value).toBe("Delayed");
    expect(item.recorded).toMatch(/^Recorded: delayed to 31\/03\/2021: waiting for Cabinet/);

    await press(current(), await buttonFor(current(), "3.3", "note"), fake.issueTriggerId());
    await submitMore({ kind: "blocked", text: "no budget" });
    expect(await action("3.3")).toMatchObject({ status: "blocked", statusText: "no budget" });
    await expectReadsTrue(current(), messageId);

    await say("7.1 on track");
    expect(dm().at(-1)!.text).toBe("Recorded for 7.1: on track.");
    await expectReadsTrue(current(), messageId);
    await say("5 done");
    expect(dm().at(-1)!.text).toMatch(/^5 ".*" was already recorded as complete on 21\/12\/2020, so nothing was recorded\./);
    // One prompt in the DM, updated in place throughout.
    expect(dm().filter((m) => m.text?.startsWith("Your actions need an update"))).toHaveLength(1);
  });

  it("a week later: another digest as a new message, and a second prompt that reads true", async () => {
    const report = await stepTo(WEEK_LATER);
    expect(report.digests).toEqual({ claimed: true, digests: 1 });
    expect(report.prompts?.prompts).toBe(1);
    const digests = fake.messages(LEADERS);
    expect(digests).toHaveLength(2);
    expect(digests.every((m) => m.threadTs === undefined)).toBe(true);
    expect(JSON.stringify(digests[1]!.blocks)).toContain("compared with the digest of 21 December 2020");

    const prompts = dm().filter((m) => m.text?.startsWith("Your actions need an update"));
    expect(prompts).toHaveLength(2);
    const second = await expectReadsTrue(prompts[1]!, (await latest("prompt")).id);
    expect(second.items.map((i) => i.heading.split(" · ")[0])).not.toContain("5");
    expect(second.items.find((i) => i.heading.startsWith("2.6 ·"))!.facts.find((f) => f.label === "Target")?.value).toBe("31/03/2021, in 92 days (was 31/12/2020)");
  });
});

function appHomeOpened(userId: string, channelId: string, teamId: string) {
  const ts = `${Math.floor(Date.now() / 1000)}.000200`;
  const payload = {
    token: "verification-token-unused",
    team_id: teamId,
    api_app_id: "A0FAKE",
    event: { type: "app_home_opened", user: userId, channel: channelId, tab: "messages", event_ts: ts },
    type: "event_callback",
    event_id: `Ev${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: teamId, user_id: "U0BOT", is_bot: true, is_enterprise_install: false }],
  };
  return { body: JSON.stringify(payload), contentType: "application/json" };
}
