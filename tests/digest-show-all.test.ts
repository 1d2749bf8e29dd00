/**
 * "Show all" on a digest in Slack, end to end: the digest sent by the schedule through the real
 * Bolt app to the fake Slack Web API, the button pressed as Slack posts it (signed, over loopback),
 * and the modal Chaser opens with views.open checked against Slack's limits by the fake.
 */
import type { Server } from "node:http";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSlack, type Slack } from "../src/adapters/slack/create-slack.js";
import { DIGEST_SHOW_ALL, SLACK_LIMITS } from "../src/cards/render-block-kit.js";
import { Background } from "../src/conversation/background.js";
import type { ConversationDeps } from "../src/conversation/handle-event.js";
import { Pacer } from "../src/conversation/pacer.js";
import { readDigestView } from "../src/digest/read-digest-view.js";
import { DEFAULT_SCHEDULE_SETTINGS } from "../src/schedule/schedule-settings.js";
import { tick } from "../src/schedule/scheduler.js";
import { importPlan } from "../src/store/import-plan.js";
import { startServer } from "../src/web/start-server.js";
import { startFakeSlack, type FakeSlack } from "./fakes/fake-slack-api.js";
import { blockActionsBody, postToSlackApp } from "./fakes/sign-slack-request.js";
import { parseSeed } from "./helpers/seeds.js";
import { freshStore, type TestStore } from "./helpers/test-store.js";

// Monday 21 December 2020, 08:30: the digest's hour. In the procurement seed 4.2 and 5 are overdue.
const NOW = new Date("2020-12-21T08:30:00Z");
const SECRET = "test-signing-secret";
const RETRY = { retries: 2, minTimeout: 10, maxTimeout: 50 };
const LEADERS = "C0LEADERS";

describe("the digest's Show all in Slack", () => {
  let store: TestStore;
  let fake: FakeSlack;
  let slack: Slack;
  let server: Server;
  let background: Background;
  let deps: ConversationDeps;
  let url: string;
  const log = pino({ level: process.env.TEST_LOG ?? "silent" });

  beforeEach(async () => {
    store = await freshStore("sqlite");
    await importPlan(store, await parseSeed("procurement"), { sourceDocument: "procurement.tsv", via: "cli", actorLabel: "test", now: new Date("2020-12-01T09:00:00Z") });
    fake = await startFakeSlack();
    fake.addChannel(LEADERS);
    background = new Background(log);
    deps = { store, log, channels: {}, later: background.run, pacer: new Pacer() };
    slack = await createSlack({ config: { botToken: fake.token, signingSecret: SECRET, appToken: null, apiUrl: fake.url }, deps, now: () => NOW, clientOptions: { retryConfig: RETRY } });
    deps.channels.slack = slack.channel;
    server = await startServer(0, { store, log, locale: "en-GB", now: () => NOW, routes: slack.routes });
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/slack/events`;
    await slack.start();
  });

  afterEach(async () => {
    await slack.settle();
    await background.settle();
    await slack.stop();
    await new Promise((resolve) => server.close(resolve));
    await fake.close();
    await store.drop();
  });

  it("opens a modal with the full lists, within Slack's limits, when a director presses Show all", async () => {
    const plan = await store.db.plan.findFirstOrThrow({ select: { id: true, slug: true, title: true, kind: true } });
    await store.db.digestSubscription.create({ data: { planId: plan.id, platform: "slack", address: LEADERS } });
    expect((await tick(deps, NOW)).digests).toEqual({ claimed: true, digests: 1 });
    const [message] = fake.messages(LEADERS);
    expect(message).toBeDefined();
    const button = (message!.blocks as { type: string; elements?: { action_id: string; value: string; text: { text: string } }[] }[])
      .filter((b) => b.type === "actions")
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === DIGEST_SHOW_ALL)!;
    expect(button.text.text).toBe("Show all");

    const triggerId = fake.issueTriggerId();
    const response = await postToSlackApp(url, SECRET, blockActionsBody({ userId: "U0DIRECTOR", teamId: fake.teamId, channelId: LEADERS, messageTs: message!.ts, actionId: button.action_id, value: button.value, triggerId }));
    expect(response.status).toBe(200);
    await slack.settle();

    // The fake refuses views Slack would refuse (title over 24 characters, over 100 blocks, long texts).
    const opened = fake.calls.filter((c) => c.method === "views.open");
    expect(opened).toHaveLength(1);
    const [view] = fake.views();
    expect(view!.triggerId).toBe(triggerId);
    const modal = view!.view as { type: string; title: { text: string }; close: { text: string }; blocks: { type: string; text?: { text: string } }[] };
    expect(modal.type).toBe("modal");
    expect(modal.title.text.length).toBeLessThanOrEqual(24);
    expect(modal.blocks.length).toBeGreaterThan(1);
    expect(modal.blocks.length).toBeLessThanOrEqual(100);
    for (const b of modal.blocks) expect(b.text?.text.length ?? 0).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);

    // Every overdue and due-soon action of the plan is named in the modal, with its ref.
    const text = modal.blocks.map((b) => b.text?.text ?? "").join("\n");
    const digest = await readDigestView(store, { plan, themeId: null, now: NOW, since: null, settings: DEFAULT_SCHEDULE_SETTINGS });
    expect(digest.totals.overdue.length).toBeGreaterThan(0);
    for (const item of [...digest.totals.overdue, ...digest.totals.dueSoon]) expect(text).toContain(item.ref);
    expect(text).toMatch(/Overdue \(2\)/);
  }, 60_000);
});
