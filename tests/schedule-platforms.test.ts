/**
 * The schedule end to end through the real SDKs: a day's prompts go out through botbuilder and
 * Bolt to the fake Bot Connector and the fake Slack Web API, which enforce the documented rate
 * limits and are told to answer 429 and 5xx along the way.
 */
import pino from "pino";
import { webApi } from "@slack/bolt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSlack, type Slack } from "../src/adapters/slack/create-slack.js";
import { createTeams } from "../src/adapters/teams/create-teams.js";
import type { Deliverer } from "../src/conversation/deliver.js";
import { Pacer } from "../src/conversation/pacer.js";
import { tick } from "../src/schedule/scheduler.js";
import { importPlan } from "../src/store/import-plan.js";
import { mapRole } from "../src/store/map-role.js";
import { startFakeConnector, type FakeConnector } from "./fakes/fake-bot-connector.js";
import { startFakeSlack, type FakeSlack } from "./fakes/fake-slack-api.js";
import { parseSeed } from "./helpers/seeds.js";
import { freshStore, type TestStore } from "./helpers/test-store.js";

const SLOT = new Date("2014-09-01T09:30:00Z");
const TENANT = "tenant-1";
const ROLES = ["Commissioning", "Procurement", "Policy", "Transformation Team"];
const TEAMS_PEOPLE = 12;
const SLACK_PEOPLE = 6;
const log = pino({ level: "silent" });

describe("a day's prompts through Teams and Slack at their limits", () => {
  let store: TestStore;
  let connector: FakeConnector;
  let fake: FakeSlack;
  let slack: Slack;
  let deps: Deliverer;

  beforeEach(async () => {
    store = await freshStore("sqlite");
    await importPlan(store, await parseSeed("committee"), { sourceDocument: "committee.tsv", via: "cli", actorLabel: "test", now: new Date("2014-06-01T09:00:00Z") });
    connector = await startFakeConnector();
    fake = await startFakeSlack({ users: Array.from({ length: SLACK_PEOPLE }, (_, i) => ({ id: `U${i}`, email: `slack${i}@example.gov.uk`, name: `slack${i}`, realName: `Slack Officer ${i}`, locale: "en-GB" })) });
    deps = { store, log, channels: {}, pacer: new Pacer() };
    const conversation = { store, log, channels: deps.channels, later: () => undefined };
    deps.channels.teams = createTeams({ config: { appId: "", appPassword: null, appType: "MultiTenant", tenantId: null }, deps: conversation, now: () => SLOT }).channel;
    slack = await createSlack({ config: { botToken: fake.token, signingSecret: "s", appToken: null, apiUrl: fake.url }, deps: conversation, now: () => SLOT, clientOptions: { retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 50 } } });
    await slack.start();
    deps.channels.slack = slack.channel;
    for (let i = 0; i < TEAMS_PEOPLE; i++) {
      const reference = { serviceUrl: connector.url, channelId: "msteams", conversation: { id: `a:chat-${i}`, conversationType: "personal", tenantId: TENANT }, bot: { id: "28:chaser", name: "Chaser" }, user: { id: `29:teams-${i}` } };
      await store.db.person.create({ data: { name: `Teams Officer ${i}`, teamsUserId: `29:teams-${i}`, teamsTenantId: TENANT, teamsConversation: JSON.stringify(reference), preferredPlatform: "teams" } });
    }
    for (let i = 0; i < SLACK_PEOPLE; i++) {
      await store.db.person.create({ data: { name: `Slack Officer ${i}`, slackUserId: `U${i}`, slackTeamId: fake.teamId, preferredPlatform: "slack" } });
    }
    for (const person of await store.db.person.findMany()) {
      for (const role of ROLES) await mapRole(store.db, { role, personName: person.name, via: "cli", actorLabel: "test" });
    }
  });

  afterEach(async () => {
    await slack.stop();
    await connector.close();
    await fake.close();
    await store.drop();
  });

  const teamsPrompts = (i: number) => connector.activities(`a:chat-${i}`).filter((a) => a.activity.type === "message");
  const slackPrompts = async (i: number) => {
    const client = new webApi.WebClient(fake.token, { slackApiUrl: fake.url });
    const { channel } = await client.conversations.open({ users: `U${i}` });
    return fake.messages(channel!.id!);
  };

  it("sends every prompt exactly once, within the limits, through 429s and server errors", async () => {
    connector.failNext(1, { status: 429, retryAfterSeconds: 1, on: "send" });
    connector.failNext(1, { status: 503, on: "send" });
    fake.failNext("chat.postMessage", { status: 429, retryAfterSeconds: 1 });
    fake.failNext("chat.postMessage", { status: 500 });

    const report = await tick(deps, SLOT);
    expect(report.prompts).toMatchObject({ claimed: true, prompts: TEAMS_PEOPLE + SLACK_PEOPLE });
    // Whatever the SDKs could not get through is left for the next look at the clock, not lost.
    const later = await tick(deps, new Date(SLOT.getTime() + 10 * 60_000));
    expect(report.sent + later.sent).toBe(TEAMS_PEOPLE + SLACK_PEOPLE);

    for (let i = 0; i < TEAMS_PEOPLE; i++) expect(teamsPrompts(i), `Teams officer ${i}`).toHaveLength(1);
    for (let i = 0; i < SLACK_PEOPLE; i++) expect(await slackPrompts(i), `Slack officer ${i}`).toHaveLength(1);
    expect(connector.requests.filter((r) => r.status === 429 || r.status === 503)).toHaveLength(2);
    expect(fake.calls.filter((c) => c.method === "chat.postMessage" && (c.status === 429 || c.status === 500))).toHaveLength(2);
    // Paced to the documented limits: the fakes never had to refuse a send on their own.
    expect(connector.limitViolations).toBe(0);
    expect(fake.limitViolations).toBe(0);
    expect(await store.db.chatMessage.count({ where: { status: "sent" } })).toBe(TEAMS_PEOPLE + SLACK_PEOPLE);

    const card = (teamsPrompts(0)[0]!.activity as { attachments: { content: unknown }[] }).attachments[0]!.content;
    expect(card).toMatchObject({ type: "AdaptiveCard", version: "1.5" });
  }, 60_000);

  it("parks a prompt the platform keeps refusing, where admins can see it, and sends the rest", async () => {
    let now = SLOT;
    for (let i = 0; i < 8; i++) {
      // The Bot Connector refuses the first send of each look at the clock (400 is not retried by the SDK).
      connector.failNext(1, { status: 400, on: "send" });
      await tick(deps, now);
      now = new Date(now.getTime() + 15 * 60_000);
    }
    const parked = await store.db.chatMessage.findMany({ where: { status: "failed" } });
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({ attempts: 5, key: expect.stringMatching(/^prompt:2014-09-01:/) });
    expect(await store.db.chatMessage.count({ where: { status: "sent" } })).toBe(TEAMS_PEOPLE + SLACK_PEOPLE - 1);
  }, 120_000);
});
