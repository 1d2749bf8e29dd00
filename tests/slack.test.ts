/**
 * Chaser on Slack end to end: the real Bolt app behind the real server on loopback, signed requests
 * as Slack sends them, and the fake Slack Web API receiving what Chaser sends back.
 */
import type { Server } from "node:http";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSlack, type Slack } from "../src/adapters/slack/create-slack.js";
import { findSlackUserByEmail } from "../src/adapters/slack/find-slack-user-by-email.js";
import { webApi } from "@slack/bolt";
import { ANSWER_ACTION, FORM_ACTION, MODAL_CALLBACK, SLACK_LIMITS } from "../src/cards/render-block-kit.js";
import { Background } from "../src/conversation/background.js";
import { AnswerPayload } from "../src/conversation/card.js";
import type { ConversationDeps } from "../src/conversation/handle-event.js";
import { Pacer } from "../src/conversation/pacer.js";
import { sendPrompt } from "../src/conversation/send-prompt.js";
import { importPlan } from "../src/store/import-plan.js";
import { mapRole } from "../src/store/map-role.js";
import { startServer } from "../src/web/start-server.js";
import { startFakeSlack, type FakeSlack, type SlackMessage } from "./fakes/fake-slack-api.js";
import {
  blockActionsBody,
  messageImEventBody,
  postToSlackApp,
  slashCommandBody,
  viewSubmissionBody,
  type SlackRequestBody,
} from "./fakes/sign-slack-request.js";
import { translator } from "../src/i18n.js";
import type { Topic } from "../src/commands/command.js";
import { parseSeed } from "./helpers/seeds.js";
import { freshStore, PROVIDERS, type TestStore } from "./helpers/test-store.js";

// 20 December 2020: item 2's activities (31/12/20) are due within 14 days, 5 (30/11/20) is overdue.
const NOW = new Date("2020-12-20T09:30:00Z");
const SECRET = "test-signing-secret";
// WebClient's default retries 5xx for about 30 minutes; a test must fail in seconds.
const RETRY = { retries: 2, minTimeout: 10, maxTimeout: 50 };

const SAM = { id: "U0SAM", realName: "Sam Jones", email: "sam.jones@example.gov.uk", locale: "en-GB" };
const MO = { id: "U0MO", realName: "Mo Khan", email: "mo.khan@example.gov.uk", locale: "en-GB" };
const CATRIN = { id: "U0CAT", realName: "Catrin Hughes", email: "catrin.hughes@example.gov.uk", locale: "cy-GB" };

interface Button {
  action_id: string;
  value: string;
  text: { text: string };
}

interface ModalView {
  callback_id: string;
  private_metadata: string;
  title: { text: string };
  close: { text: string };
  submit: { text: string };
  blocks: {
    block_id: string;
    optional: boolean;
    label: { text: string };
    element: { type: string; action_id: string; initial_date?: string; options?: { value: string; text: { text: string } }[]; initial_option?: { value: string } };
  }[];
}

describe.each(PROVIDERS)("Chaser on Slack (%s)", (provider) => {
  let store: TestStore;
  let fake: FakeSlack;
  let slack: Slack;
  let server: Server;
  let background: Background;
  let deps: ConversationDeps;
  let url: string;

  const log = pino({ level: process.env.TEST_LOG ?? "silent" });
  const post = (request: { body: string; contentType: string }, options?: Parameters<typeof postToSlackApp>[3]) =>
    postToSlackApp(url, SECRET, request, options);
  /** Everything Chaser does after acknowledging, and the work it left for later, is finished. */
  const settle = async () => {
    await slack.settle();
    await background.settle();
  };
  const person = (slackUserId: string) => store.db.person.findUniqueOrThrow({ where: { slackUserId } });
  const action = (key: string) => store.db.action.findFirstOrThrow({ where: { key } });
  // Changes to plans and actions; who is who (person-binding, person-claim) is counted apart.
  const slackHistory = () => store.db.history.count({ where: { via: "chat:slack", entity: { notIn: ["person-binding", "person-claim"] } } });
  const calls = (method: string) => fake.calls.filter((c) => c.method === method);
  const dmOf = (userId: string) => fake.dmChannelFor(userId) ?? "";
  const dm = (userId: string): SlackMessage[] => fake.messages(dmOf(userId));
  const buttons = (message: SlackMessage | undefined): Button[] =>
    ((message?.blocks ?? []) as { type: string; elements?: Button[] }[]).filter((b) => b.type === "actions").flatMap((b) => b.elements ?? []);
  const buttonFor = async (message: SlackMessage | undefined, ref: string, kind: string): Promise<Button> => {
    const { id } = await action(ref);
    const found = buttons(message).find((b) => b.action_id.endsWith(`.${kind}.${id}`));
    if (!found) throw new Error(`no ${kind} button for ${ref}`);
    return found;
  };
  const textOf = (message: SlackMessage | undefined) => JSON.stringify(message?.blocks ?? []) + (message?.text ?? "");
  /** The More… modal submitted as Slack sends it: a static_select, a datepicker and a text input. */
  const submitMore = (view: ModalView, values: { kind: string; date?: string; text?: string }) =>
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
    });
  const press = (userId: string, message: SlackMessage, button: Button, triggerId?: string) =>
    post(
      blockActionsBody({
        userId,
        teamId: fake.teamId,
        channelId: message.channel,
        messageTs: message.ts,
        actionId: button.action_id,
        value: button.value,
        ...(triggerId ? { triggerId } : {}),
      }),
    );
  const say = (userId: string, text: string, extra: Partial<Parameters<typeof messageImEventBody>[0]> = {}) =>
    messageImEventBody({ userId, channelId: dmOf(userId), text, teamId: fake.teamId, botUserId: fake.botUserId, ...extra });
  /** Opens the person's DM as Slack has it once they have talked to the app. */
  const openDm = async (userId: string) => {
    const client = new webApi.WebClient(fake.token, { slackApiUrl: fake.url, retryConfig: RETRY });
    await client.conversations.open({ users: userId });
  };
  const promptSam = async () => {
    const result = await sendPrompt(deps, (await person(SAM.id)).id, NOW);
    expect(result.status).toBe("sent");
    const messages = dm(SAM.id);
    expect(messages).toHaveLength(1);
    return messages[0]!;
  };

  beforeEach(async () => {
    store = await freshStore(provider);
    await importPlan(store, await parseSeed("procurement"), { sourceDocument: "procurement.tsv", via: "cli", actorLabel: "test", now: new Date("2020-12-01T09:00:00Z") });
    fake = await startFakeSlack({ users: [SAM, MO, CATRIN] });
    background = new Background(log);
    deps = { store, log, channels: {}, later: background.run, pacer: new Pacer() };
    slack = await createSlack({
      config: { botToken: fake.token, signingSecret: SECRET, appToken: null, apiUrl: fake.url },
      deps,
      now: () => NOW,
      clientOptions: { retryConfig: RETRY },
    });
    deps.channels.slack = slack.channel;
    server = await startServer(0, { store, log, locale: "en-GB", now: () => NOW, routes: slack.routes });
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/slack/events`;
    await slack.start();
    // People the council has matched to Slack users, and the roles they hold.
    for (const [who, role] of [[SAM, "CDAI"], [MO, "Monitoring Officer"], [CATRIN, "CEDR"]] as const) {
      await store.db.person.create({ data: { name: who.realName, slackUserId: who.id, slackTeamId: fake.teamId, preferredPlatform: "slack" } });
      await mapRole(store.db, { role, personName: who.realName, via: "cli", actorLabel: "test" });
    }
  });

  afterEach(async () => {
    await settle();
    await slack.stop();
    await new Promise((resolve) => server.close(resolve));
    await fake.close();
    await store.drop();
  });

  describe("importing a plan from the DM", () => {
    const TRACKER = [
      "AFI Ref,Area for Improvement,Action,Assigned To,Finish by,Where are we",
      "AFI 1,The service should improve how it records audits.,Introduce one audit form.,Group Manager Prevention,31/03/2025,In progress",
      "AFI 2,The service should make sure staff understand the values.,Run values workshops.,Head of People,30/06/2025,Not started",
      "AFI 3,The service should have a clear plan for its estate.,Agree an estates strategy.,Director of Corporate Services,30/09/2025,In progress",
    ].join("\n");
    const share = async (userId: string) => {
      const file = fake.shareFile("fire-tracker.csv", new TextEncoder().encode(TRACKER));
      const base = say(userId, "");
      const payload = { ...base.payload, event: { ...(base.payload.event as Record<string, unknown>), subtype: "file_share", files: [file] } };
      expect((await post({ body: JSON.stringify(payload), contentType: "application/json" })).status).toBe(200);
      await settle();
    };

    it("shows an admin the preview as a card, writes nothing until Import, then imports", async () => {
      await store.db.person.update({ where: { slackUserId: SAM.id }, data: { isAdmin: true } });
      await openDm(SAM.id);
      await share(SAM.id);
      // Downloaded with the bot token, as Slack requires.
      expect(fake.fileDownloads).toEqual({ served: 1, refused: 0 });
      const card = dm(SAM.id).at(-1)!;
      expect(textOf(card)).toContain("Import fire-tracker.csv?");
      expect(textOf(card)).toContain("Found: 3 recommendations, 3 actions, 3 owners, 3 dated targets, 3 statuses.");
      expect(buttons(card).map((b) => b.text.text)).toEqual(["Import", "Cancel"]);
      expect(await store.db.plan.count()).toBe(1);
      await press(SAM.id, card, buttons(card)[0]!);
      await settle();
      const actions = await store.db.action.findMany({ where: { plan: { slug: "fire-tracker" } }, orderBy: { ref: "asc" } });
      expect(actions.map((a) => [a.ref, a.targetTo, a.status])).toEqual([["AFI 1", "2025-03-31", "in_progress"], ["AFI 2", "2025-06-30", "not_started"], ["AFI 3", "2025-09-30", "in_progress"]]);
      expect(JSON.stringify(fake.messages())).toContain("Imported fire-tracker.csv (fire-tracker)");
      // A second press of the same button: the import is not repeated, and the person is told so.
      const histories = await store.db.history.count();
      await press(SAM.id, card, buttons(card)[0]!);
      await settle();
      expect(JSON.stringify(fake.messages())).toContain("fire-tracker.csv has already been imported (as fire-tracker); it was not imported again.");
      expect(await store.db.history.count()).toBe(histories);
    });

    it("lets the admin correct a column the preview is unsure of before Import", async () => {
      await store.db.person.update({ where: { slackUserId: SAM.id }, data: { isAdmin: true } });
      await openDm(SAM.id);
      const withEscalation = TRACKER.split("\n").map((line, i) => `${line},${i === 0 ? "Escalation point" : ["Head of Finance", "Head of HR", "Estates Manager"][i - 1]}`).join("\n");
      const file = fake.shareFile("fire-tracker.csv", new TextEncoder().encode(withEscalation));
      const base = say(SAM.id, "");
      const payload = { ...base.payload, event: { ...(base.payload.event as Record<string, unknown>), subtype: "file_share", files: [file] } };
      expect((await post({ body: JSON.stringify(payload), contentType: "application/json" })).status).toBe(200);
      await settle();
      const preview = dm(SAM.id).at(-1)!;
      expect(buttons(preview).map((b) => b.text.text)).toEqual(["Import", "Correct column G (Escalation point)", "Cancel"]);
      await press(SAM.id, preview, buttons(preview)[1]!);
      await settle();
      const question = dm(SAM.id).at(-1)!;
      expect(textOf(question)).toContain("What does column G (Escalation point) hold?");
      await press(SAM.id, question, buttons(question).find((b) => b.text.text === "accountable")!);
      await settle();
      const corrected = dm(SAM.id).at(-1)!;
      expect(textOf(corrected)).toContain("accountable (as you said)");
      await press(SAM.id, corrected, buttons(corrected).find((b) => b.text.text === "Import")!);
      await settle();
      const accountable = await store.db.actionOwner.findMany({ where: { kind: "accountable", action: { plan: { slug: "fire-tracker" } } }, include: { role: true } });
      expect(accountable.map((o) => o.role.name).sort()).toEqual(["Estates Manager", "Head of Finance", "Head of HR"]);
    });

    it("cancels on Cancel, writing nothing", async () => {
      await store.db.person.update({ where: { slackUserId: SAM.id }, data: { isAdmin: true } });
      await openDm(SAM.id);
      await share(SAM.id);
      const card = dm(SAM.id).at(-1)!;
      await press(SAM.id, card, buttons(card).find((b) => b.text.text === "Cancel")!);
      await settle();
      expect(await store.db.plan.count()).toBe(1);
      expect(JSON.stringify(fake.messages())).toContain("Import of fire-tracker.csv cancelled: nothing was written.");
    });

    it("tells someone who is not an admin that only admins import, and does not download the file", async () => {
      await openDm(MO.id);
      await share(MO.id);
      expect(fake.fileDownloads).toEqual({ served: 0, refused: 0 });
      expect(textOf(dm(MO.id).at(-1))).toContain("(Only Chaser admins import plans from a file.)");
    });
  });

  it("checks its token once at start, and answers 503 before it", async () => {
    expect(calls("auth.test")).toHaveLength(1);
    const early = await createSlack({ config: { botToken: fake.token, signingSecret: SECRET, appToken: null, apiUrl: fake.url }, deps, clientOptions: { retryConfig: RETRY } });
    expect(calls("auth.test")).toHaveLength(1);
    const earlyServer = await startServer(0, { store, log, locale: "en-GB", routes: early.routes });
    const address = earlyServer.address();
    const earlyUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/slack/events`;
    try {
      const response = await postToSlackApp(earlyUrl, SECRET, slashCommandBody({ userId: SAM.id, command: "/chaser", teamId: fake.teamId }));
      expect(response.status).toBe(503);
    } finally {
      await new Promise((resolve) => earlyServer.close(resolve));
    }
  });

  it("sends a prompt as one Block Kit message in the person's DM, within Slack's limits", async () => {
    const message = await promptSam();
    expect(calls("conversations.open").map((c) => c.args.users)).toEqual([SAM.id]);
    expect(calls("chat.postMessage")).toHaveLength(1);
    expect(message.channel).toMatch(/^D/);
    expect(message.text).toMatch(/^Your actions need an update: 5 actions need an answer\./);
    const blocks = message.blocks as { type: string }[];
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(blocks[0]).toMatchObject({ type: "header", text: { text: "Your actions need an update" } });
    const all = buttons(message);
    expect(all).toHaveLength(5 * 3);
    // Three buttons an action: two answers of one press, and "More…" opening the form for the rest.
    for (const key of ["2.6", "2.7", "5", "7.1", "7.3"]) {
      const { id } = await action(key);
      const mine = all.filter((b) => b.action_id.endsWith(`.${id}`));
      expect(mine.map((b) => [b.text.text, b.action_id])).toEqual([
        ["On track", `${ANSWER_ACTION}.on_track.${id}`],
        ["Complete", `${ANSWER_ACTION}.complete.${id}`],
        ["More…", `${FORM_ACTION}.note.${id}`],
      ]);
      expect((mine[1] as Button & { style?: string }).style).toBe("primary");
    }
    for (const b of all) {
      expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonLabel);
      expect(AnswerPayload.safeParse(JSON.parse(b.value)).success).toBe(true);
      expect(b.action_id.startsWith(`${ANSWER_ACTION}.`) || b.action_id.startsWith(`${FORM_ACTION}.`)).toBe(true);
    }
    // The core keeps what chat.update will need: the D… channel and the ts.
    const sent = await store.db.chatMessage.findFirstOrThrow({ where: { kind: "prompt" } });
    expect(sent).toMatchObject({ status: "sent", platform: "slack", address: SAM.id });
    expect(JSON.parse(sent.messageRef!)).toEqual({ channel: message.channel, ts: message.ts });
  });

  it("records an On track press, updates the message in place, and keeps the history", async () => {
    const message = await promptSam();
    const onTrack = await buttonFor(message, "2.6", "on_track");
    expect(onTrack.action_id).toMatch(new RegExp(`^${ANSWER_ACTION.replace(".", "\\.")}\\.`));
    expect((await press(SAM.id, message, onTrack)).status).toBe(200);
    await settle();

    expect(await action("2.6")).toMatchObject({ rag: "green", statusSource: "chat" });
    const history = await store.db.history.findFirstOrThrow({ where: { actionId: (await action("2.6")).id, via: "chat:slack" } });
    expect(history).toMatchObject({ actorLabel: "Sam Jones", actorPersonId: (await person(SAM.id)).id });
    const updates = calls("chat.update");
    expect(updates).toHaveLength(1);
    expect(updates[0]!.args).toMatchObject({ channel: message.channel, ts: message.ts });
    const [updated] = dm(SAM.id);
    expect(updated!.history).toHaveLength(2);
    expect(textOf(updated)).toContain("Recorded: on track (Sam Jones, 20/12/2020)");
    // The answered action has no buttons left; the others keep theirs.
    expect(buttons(updated).some((b) => b.action_id.endsWith(`.${(onTrack.action_id.split(".").at(-1))}`))).toBe(false);
    expect(buttons(updated)).toHaveLength(4 * 3);
    // The updated card said it all: no extra message.
    expect(dm(SAM.id)).toHaveLength(1);
    expect(await slackHistory()).toBe(1);
  });

  it("opens a modal for More…, and records the new target and reason it submits as a delay, keeping the original", async () => {
    const message = await promptSam();
    const more = await buttonFor(message, "2.7", "note");
    expect(more.action_id.startsWith(`${FORM_ACTION}.`)).toBe(true);
    expect(more.text.text).toBe("More…");
    const triggerId = fake.issueTriggerId();
    expect((await press(SAM.id, message, more, triggerId)).status).toBe(200);
    await settle();

    const [opened] = fake.views();
    expect(fake.views()).toHaveLength(1);
    expect(opened!.triggerId).toBe(triggerId);
    const view = opened!.view as unknown as ModalView;
    expect(view.callback_id).toBe(MODAL_CALLBACK);
    expect(view.title.text).toBe("Another answer");
    expect(view.close.text).toBe("Cancel");
    expect(view.blocks.map((b) => [b.block_id, b.element.type, b.optional])).toEqual([
      ["kind", "static_select", false],
      ["date", "datepicker", true],
      ["text", "plain_text_input", true],
    ]);
    const kind = view.blocks[0]!.element;
    expect(kind.options!.map((o) => o.value)).toEqual(["delayed", "blocked", "note", "snooze", "not_mine", "complete"]);
    expect(kind.initial_option!.value).toBe("delayed");
    // Nothing is recorded until the form is submitted, and the card is left as it was.
    expect(await slackHistory()).toBe(0);
    expect(calls("chat.update")).toHaveLength(0);

    const response = await post(submitMore(view, { kind: "delayed", date: "2021-03-31", text: "Waiting for Cabinet" }));
    expect(response.status).toBe(200);
    expect(response.body).toBe(""); // an empty ack closes the modal
    await settle();

    expect(await action("2.7")).toMatchObject({
      status: "delayed",
      statusText: "Waiting for Cabinet",
      targetTo: "2021-03-31",
      originalTargetTo: "2020-12-31",
    });
    expect(await slackHistory()).toBe(1);
    // The message the form was opened from is updated in place; nothing else is sent.
    expect(calls("chat.update").map((c) => [c.args.channel, c.args.ts])).toEqual([[message.channel, message.ts]]);
    const [updated] = dm(SAM.id);
    expect(textOf(updated)).toContain("Recorded: delayed to 31/03/2021: Waiting for Cabinet (Sam Jones, 20/12/2020)");
    const delayedId = (await action("2.7")).id;
    expect(buttons(updated).some((b) => b.action_id.endsWith(`.${delayedId}`))).toBe(false);
    expect(dm(SAM.id)).toHaveLength(1);
  });

  it("records a block, and a completion with its evidence link, from the More… modal", async () => {
    const message = await promptSam();
    await press(SAM.id, message, await buttonFor(message, "2.6", "note"), fake.issueTriggerId());
    await press(SAM.id, message, await buttonFor(message, "5", "note"), fake.issueTriggerId());
    await settle();
    const [blockedView, completeView] = fake.views().map((v) => v.view as unknown as ModalView);
    await post(submitMore(blockedView!, { kind: "blocked", text: "No budget" }));
    await settle();
    await post(submitMore(completeView!, { kind: "complete", text: "https://council.example.gov.uk/cabinet/2020-12-18" }));
    await settle();

    expect(await action("2.6")).toMatchObject({ status: "blocked", statusText: "No budget", rag: "red" });
    expect(await action("5")).toMatchObject({ status: "complete", evidence: "https://council.example.gov.uk/cabinet/2020-12-18" });
    expect(await slackHistory()).toBe(2);
    const text = textOf(dm(SAM.id)[0]);
    expect(text).toContain("Recorded: blocked: No budget (Sam Jones, 20/12/2020)");
    expect(text).toContain("Recorded: complete (Sam Jones, 20/12/2020)");
    expect(dm(SAM.id)).toHaveLength(1);
  });

  it("records nothing from a modal with a past date, and tells the person why", async () => {
    const message = await promptSam();
    await press(SAM.id, message, await buttonFor(message, "2.7", "note"), fake.issueTriggerId());
    await settle();
    const view = fake.views()[0]!.view as unknown as ModalView;
    await post(submitMore(view, { kind: "delayed", date: "2020-12-01", text: "late" }));
    await settle();
    expect(await action("2.7")).toMatchObject({ status: "in_progress", targetTo: "2020-12-31" });
    expect(await slackHistory()).toBe(0);
    const told = dm(SAM.id);
    expect(told).toHaveLength(2);
    expect(told[1]!.text).toBe("01/12/2020 is not in the future. Choose a later date. Nothing was recorded.");
    // The card may be refreshed, but shows nothing recorded and still offers More… for 2.7.
    expect(textOf(told[0])).not.toContain("Recorded:");
    expect(await buttonFor(told[0], "2.7", "note")).toBeDefined();
  });

  it("records '2.7 done' said in the DM, and answers there", async () => {
    await openDm(SAM.id);
    expect((await post(say(SAM.id, "2.7 done"))).status).toBe(200);
    await settle();
    expect(await action("2.7")).toMatchObject({ status: "complete", statusSource: "chat" });
    expect(await slackHistory()).toBe(1);
    expect(dm(SAM.id).map((m) => m.text)).toEqual(["Recorded for 2.7: complete. Thank you!"]);
  });

  it("asks which action 'on track' is for, with buttons, and records nothing yet", async () => {
    await openDm(SAM.id);
    await post(say(SAM.id, "on track"));
    await settle();
    const [asked] = dm(SAM.id);
    expect(asked!.text).toBe("Which action is that for? Nothing is recorded until you choose.");
    const options = buttons(asked);
    expect(options.length).toBeGreaterThan(1);
    for (const o of options) expect(AnswerPayload.parse(JSON.parse(o.value))).toMatchObject({ k: "on_track", m: null });
    expect(await slackHistory()).toBe(0);

    // Choosing one records it, and says so.
    const choice = options.find((o) => o.text.text.startsWith("2.6:"))!;
    await press(SAM.id, asked!, choice);
    await settle();
    expect(await action("2.6")).toMatchObject({ rag: "green", statusSource: "chat" });
    expect(dm(SAM.id).at(-1)!.text).toBe("Recorded for 2.6: on track.");
  });

  it("does not answer or record a retried event twice", async () => {
    await openDm(SAM.id);
    const event = say(SAM.id, "2.7 done", { eventId: "Ev0RETRY", ts: "1608456600.000100" });
    expect((await post(event)).status).toBe(200);
    await settle();
    expect(await slackHistory()).toBe(1);
    const retried = await post(event, { headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" } });
    expect(retried.status).toBe(200);
    await settle();
    expect(await slackHistory()).toBe(1);
    expect(await store.db.answer.count()).toBe(1);
    expect(dm(SAM.id)).toHaveLength(1);
  });

  it("tells a stranger who owns the action they pressed, and records nothing", async () => {
    const message = await promptSam();
    await press(MO.id, message, await buttonFor(message, "2.6", "on_track"));
    await settle();
    expect(await action("2.6")).toMatchObject({ status: "in_progress" });
    expect(await store.db.answer.count()).toBe(0);
    expect(dm(MO.id).map((m) => m.text)).toEqual([
      "Only the owner of 2.6, their delegate or a plan admin can update it, so nothing was recorded. It belongs to CDAI (Sam Jones).",
    ]);
    expect(textOf(dm(SAM.id)[0])).not.toContain("Recorded:");
  });

  it("answers /chaser help and /chaser (the person's actions) in the DM", async () => {
    const help = await post(slashCommandBody({ userId: MO.id, command: "/chaser", text: "help", teamId: fake.teamId }));
    expect(help.status).toBe(200);
    await settle();
    expect(dm(MO.id).map((m) => m.text)).toEqual([expect.stringMatching(/^I chase action-plan updates\./)]);

    await post(slashCommandBody({ userId: MO.id, command: "/chaser", text: "my actions", teamId: fake.teamId }));
    await settle();
    const list = dm(MO.id)[1]!;
    expect(list.text).toBe("Your open actions: You have 2 open actions.");
    expect(buttons(list)).toHaveLength(2 * 3);

    // A press on the list card updates that card in place.
    await press(MO.id, list, await buttonFor(list, "4.1", "on_track"));
    await settle();
    expect(calls("chat.update").map((c) => [c.args.channel, c.args.ts])).toEqual([[list.channel, list.ts]]);
    expect(textOf(dm(MO.id)[1])).toContain("Recorded: on track (Mo Khan, 20/12/2020)");
    expect(await action("4.1")).toMatchObject({ rag: "green" });
    expect(dm(MO.id)).toHaveLength(2);
  });

  it("lets an admin subscribe a channel to a plan's digest with /chaser in that channel, and no one else", async () => {
    // The answer is the command's own, in the channel and seen only by who typed it: its ack, or
    // its response_url when the core took longer than Slack waits for the ack.
    const subscribe = async (userId: string) => {
      const responseUrl = fake.responseUrl();
      const response = await post(slashCommandBody({ userId, command: "/chaser", text: "subscribe procurement.tsv", teamId: fake.teamId, channelId: "C0LEADERS", channelName: "leadership", responseUrl }));
      expect(response.status).toBe(200);
      await settle();
      return (response.body ? JSON.parse(response.body) : fake.responses(responseUrl)[0]?.body) as unknown;
    };
    expect(await subscribe(MO.id)).toMatchObject({ response_type: "ephemeral", text: expect.stringMatching(/^Only the admins of procurement\.tsv or Chaser's admins can do that/) });
    expect(dm(MO.id)).toEqual([]);
    expect(await store.db.digestSubscription.count()).toBe(0);

    await store.db.person.update({ where: { slackUserId: SAM.id }, data: { isAdmin: true } });
    expect(await subscribe(SAM.id)).toMatchObject({ response_type: "ephemeral", text: "This channel will get the weekly digest for procurement.tsv, on Mondays at 08:30. It will come in English." });
    expect(fake.messages("C0LEADERS")).toEqual([]);
    expect(await store.db.digestSubscription.findMany()).toMatchObject([{ platform: "slack", address: "C0LEADERS" }]);

    // Monday's digest is a new message in the channel, not a reply in the thread of anything.
    const { tick } = await import("../src/schedule/scheduler.js");
    await tick(deps, new Date("2020-12-21T08:30:00Z"));
    const posts = calls("chat.postMessage").filter((c) => c.args.channel === "C0LEADERS");
    expect(posts).toHaveLength(1);
    expect(posts[0]!.args.thread_ts).toBeUndefined();
    expect(String(posts[0]!.args.text)).toMatch(/^Weekly digest: procurement\.tsv/);
  });

  it("sends an export asked for with /chaser as a file in the conversation it was asked in, in the person's language, and refuses others", async () => {
    const completed = () => calls("files.completeUploadExternal");
    // Mo is neither an admin nor a viewer of the plan: a refusal, and no file.
    const refused = await post(slashCommandBody({ userId: MO.id, command: "/chaser", text: "export procurement.tsv", teamId: fake.teamId, channelId: "C0LEADERS", channelName: "leadership", responseUrl: fake.responseUrl() }));
    await settle();
    expect(JSON.parse(refused.body)).toMatchObject({ response_type: "ephemeral", text: expect.stringMatching(/^Only the admins/) });
    expect(fake.files()).toEqual([]);

    await store.db.person.updateMany({ where: { slackUserId: { in: [SAM.id, CATRIN.id] } }, data: { isAdmin: true } });
    // In a channel: the file is shared there, with its words as the comment.
    await post(slashCommandBody({ userId: SAM.id, command: "/chaser", text: "export procurement.tsv docx", teamId: fake.teamId, channelId: "C0LEADERS", channelName: "leadership", responseUrl: fake.responseUrl() }));
    await settle();
    const [docx] = fake.files();
    expect(docx).toMatchObject({ filename: "procurement-actions-2020-12-20.docx", completed: true, channelId: "C0LEADERS" });
    expect(docx!.bytes!.subarray(0, 2).toString()).toBe("PK");
    expect(completed()[0]!.args).toMatchObject({ channel_id: "C0LEADERS", initial_comment: "procurement.tsv: the progress report for a committee paper (procurement-actions-2020-12-20.docx)." });

    // In the DM, in Welsh, the default format (xlsx).
    await post(slashCommandBody({ userId: CATRIN.id, command: "/chaser", text: "allforio procurement.tsv", teamId: fake.teamId }));
    await settle();
    const xlsx = fake.files()[1]!;
    expect(xlsx).toMatchObject({ filename: "procurement-actions-2020-12-20.xlsx", completed: true, channelId: dmOf(CATRIN.id) });
    expect(completed()[1]!.args.initial_comment).toBe("procurement.tsv: pob cam gweithredu, fel taenlen (procurement-actions-2020-12-20.xlsx).");

    // A plan that does not exist: the usage, in the person's language, and nothing sent.
    const unknown = await post(slashCommandBody({ userId: CATRIN.id, command: "/chaser", text: "allforio dim-cynllun csv", teamId: fake.teamId }));
    await settle();
    expect(fake.files()).toHaveLength(2);
    expect(textOf(dm(CATRIN.id).at(-1)) + (unknown.body ?? "")).toContain("allforio CYNLLUN [xlsx|docx|csv]");
  });

  it("keeps where a list card went, so the core updates it in place when Slack does not say which message was pressed", async () => {
    await post(slashCommandBody({ userId: MO.id, command: "/chaser", text: "", teamId: fake.teamId }));
    await settle();
    const [list] = dm(MO.id);
    expect(list!.text).toBe("Your open actions: You have 2 open actions.");
    const onTrack = await buttonFor(list, "4.1", "on_track");
    // The core recorded the list as a message; the adapter tied it to where Slack posted it.
    const messageId = AnswerPayload.parse(JSON.parse(onTrack.value)).m!;
    const recorded = await store.db.chatMessage.findUniqueOrThrow({ where: { id: messageId } });
    expect(recorded).toMatchObject({ kind: "reply", platform: "slack", address: MO.id, status: "sent" });
    expect(JSON.parse(recorded.messageRef!)).toEqual({ channel: list!.channel, ts: list!.ts });

    // A press whose container is not a message (as Slack sends for a view): the adapter cannot update it, the core can.
    const pressed = blockActionsBody({
      userId: MO.id,
      teamId: fake.teamId,
      actionId: onTrack.action_id,
      value: onTrack.value,
      extra: { container: { type: "view", view_id: "V0LIST" } },
    });
    expect((await post(pressed)).status).toBe(200);
    await settle();
    expect(await action("4.1")).toMatchObject({ rag: "green", statusSource: "chat" });
    expect(await slackHistory()).toBe(1);
    expect(calls("chat.update").map((c) => [c.args.channel, c.args.ts])).toEqual([[list!.channel, list!.ts]]);
    const [updated] = dm(MO.id);
    expect(updated!.history).toHaveLength(2);
    expect(updated!.text).toBe("Your open actions: You have 2 open actions.");
    expect(textOf(updated)).toContain("Recorded: on track (Mo Khan, 20/12/2020)");
    expect(buttons(updated)).toHaveLength(3);
    expect(dm(MO.id)).toHaveLength(1);
    // What the card now shows is kept with the message, for the next update.
    expect(JSON.parse((await store.db.chatMessage.findUniqueOrThrow({ where: { id: messageId } })).card!)).toMatchObject({ type: "prompt", messageId });
  });

  // Slack refuses a message of more than about 13,000 characters of blocks (msg_blocks_too_long);
  // Sam has six open actions, the most a card shows.
  it("lists six open actions in one Slack message", async () => {
    await post(slashCommandBody({ userId: SAM.id, command: "/chaser", text: "", teamId: fake.teamId }));
    await settle();
    expect(dm(SAM.id).map((m) => m.text)).toEqual(["Your open actions: You have 6 open actions."]);
    const [list] = dm(SAM.id);
    expect(buttons(list)).toHaveLength(6 * 3);
    expect(JSON.stringify(list!.blocks).length).toBeLessThan(13_000);
    expect(calls("chat.postMessage").map((c) => c.status)).toEqual([200]);
  });

  it("speaks Welsh to a person whose Slack is in Welsh: lists, buttons and forms", async () => {
    await post(slashCommandBody({ userId: CATRIN.id, command: "/chaser", text: "", teamId: fake.teamId }));
    await settle();
    expect((await person(CATRIN.id)).locale).toBe("cy");
    const [list] = dm(CATRIN.id);
    expect(list!.text).toMatch(/^Eich camau gweithredu agored: /);
    expect(buttons(list).map((b) => b.text.text).slice(0, 3)).toEqual(["Ar y trywydd iawn", "Wedi'i gwblhau", "Mwy…"]);
    const more = buttons(list).find((b) => b.action_id.startsWith(`${FORM_ACTION}.note.`))!;
    await press(CATRIN.id, list!, more, fake.issueTriggerId());
    await settle();
    const view = fake.views()[0]!.view as unknown as ModalView;
    expect(view.close.text).toBe("Canslo");
    expect(view.submit.text).toBe("Cadw");
    expect(view.title.text).toBe("Ateb arall");
    expect(view.blocks.map((b) => b.label.text)).toEqual(["Beth sydd wedi digwydd?", "Dyddiad newydd (oedi neu ohirio)", "Rheswm, nodyn neu ddolen i dystiolaeth"]);
    expect(view.blocks[0]!.element.options![0]!.text.text).toBe("Wedi'i oedi: dyddiad targed newydd a rheswm");

    await post(slashCommandBody({ userId: CATRIN.id, command: "/chaser", text: "cymorth", teamId: fake.teamId }));
    await settle();
    expect(dm(CATRIN.id).at(-1)!.text).toMatch(/^Rwy'n mynd ar ôl diweddariadau/);
  });

  it("refuses forged requests with 401 and records nothing", async () => {
    const message = await promptSam();
    const request = blockActionsBody({
      userId: SAM.id,
      teamId: fake.teamId,
      channelId: message.channel,
      messageTs: message.ts,
      actionId: (await buttonFor(message, "2.6", "on_track")).action_id,
      value: (await buttonFor(message, "2.6", "on_track")).value,
    });
    expect((await postToSlackApp(url, "not-the-secret", request)).status).toBe(401);
    expect((await post(request, { sign: false })).status).toBe(401);
    expect((await post(request, { timestampSeconds: Math.floor(Date.now() / 1000) - 6 * 60 })).status).toBe(401);
    await settle();
    expect(await store.db.answer.count()).toBe(0);
    expect(await slackHistory()).toBe(0);
    expect(calls("chat.update")).toHaveLength(0);
    expect(dm(SAM.id)).toHaveLength(1);
    // The same request, properly signed, is accepted: the refusals were for the forgery alone.
    expect((await post(request)).status).toBe(200);
    await settle();
    expect(await slackHistory()).toBe(1);
  });

  it("refuses malformed payloads, ignores buttons that are not Chaser's, and answers a damaged one", async () => {
    const message = await promptSam();
    const broken = { body: `payload=${encodeURIComponent("{not json")}`, contentType: "application/x-www-form-urlencoded" };
    expect((await post(broken)).status).toBe(400);

    const foreign = blockActionsBody({ userId: SAM.id, teamId: fake.teamId, channelId: message.channel, messageTs: message.ts, actionId: "other.app.button", value: "{}" });
    expect((await post(foreign)).status).toBe(200);
    await settle();
    expect(dm(SAM.id)).toHaveLength(1);

    const damaged = blockActionsBody({ userId: SAM.id, teamId: fake.teamId, channelId: message.channel, messageTs: message.ts, actionId: `${ANSWER_ACTION}.on_track.x`, value: "{not json" });
    expect((await post(damaged)).status).toBe(200);
    await settle();
    expect(dm(SAM.id).at(-1)!.text).toMatch(/^That button is not one I recognise/);

    const badModal = viewSubmissionBody({ userId: SAM.id, teamId: fake.teamId, callbackId: MODAL_CALLBACK, privateMetadata: "nonsense" });
    expect((await post(badModal)).status).toBe(200);
    await settle();
    expect(dm(SAM.id)).toHaveLength(3);
    expect(dm(SAM.id).at(-1)!.text).toMatch(/^That button is not one I recognise/);

    expect(await store.db.answer.count()).toBe(0);
    expect(await slackHistory()).toBe(0);
    expect(calls("chat.update")).toHaveLength(0);
  });

  it("marks a person unreachable when Slack says their account is inactive", async () => {
    fake.failNext("chat.postMessage", { error: "account_inactive" });
    const result = await sendPrompt(deps, (await person(SAM.id)).id, NOW);
    expect(result.status).toBe("unreachable");
    expect((await person(SAM.id)).unreachableAt).not.toBeNull();
    expect(await store.db.chatMessage.findFirstOrThrow({ where: { kind: "prompt" } })).toMatchObject({ status: "unreachable", lastError: "slack: account_inactive" });
    expect(dm(SAM.id)).toHaveLength(0);
  });

  it("waits out a 429 with Retry-After and delivers the prompt exactly once", async () => {
    fake.failNext("chat.postMessage", { status: 429, retryAfterSeconds: 1 });
    const started = Date.now();
    const result = await sendPrompt(deps, (await person(SAM.id)).id, NOW);
    expect(result.status).toBe("sent");
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(calls("chat.postMessage").map((c) => c.status)).toEqual([429, 200]);
    expect(dm(SAM.id)).toHaveLength(1);
  });

  it("welcomes a person who opens the Messages tab, once", async () => {
    await openDm(MO.id);
    const opened = appHomeOpened(MO.id, dmOf(MO.id), fake.teamId);
    await post(opened);
    await post(appHomeOpened(MO.id, dmOf(MO.id), fake.teamId));
    await settle();
    expect(dm(MO.id).map((m) => m.text)).toEqual([expect.stringMatching(/^Hello Mo Khan\. I'm Chaser/)]);
  });

  it("finds a Slack user by email, with their language", async () => {
    const client = new webApi.WebClient(fake.token, { slackApiUrl: fake.url, retryConfig: RETRY });
    expect(await findSlackUserByEmail(client, "Catrin.Hughes@example.gov.uk")).toEqual({ userId: CATRIN.id, locale: "cy-GB" });
    expect(await findSlackUserByEmail(client, "nobody@example.gov.uk")).toBeNull();
    expect(await slack.findUserByEmail(SAM.email)).toEqual({ userId: SAM.id, locale: "en-GB" });
  });

  describe("admin commands in Slack, English and Welsh", () => {
    /** Says it in the person's DM and returns Chaser's answer there. */
    const ask = async (who: { id: string }, text: string): Promise<string> => {
      await openDm(who.id);
      const before = dm(who.id).length;
      expect((await post(say(who.id, text))).status).toBe(200);
      await settle();
      const answers = dm(who.id).slice(before);
      expect(answers).toHaveLength(1);
      return answers[0]!.text ?? "";
    };
    /** Everything a command could change, to show a refused or badly written one changed nothing. */
    const snapshot = async () => ({
      history: await store.db.history.count(),
      roles: await store.db.roleAssignment.count(),
      cover: await store.db.delegation.count(),
      settings: (await store.db.appSetting.findMany()).map((s) => s.value),
      plans: (await store.db.plan.findMany({ select: { settings: true, archivedAt: true } })).map((p) => [p.settings, p.archivedAt]),
      subscriptions: await store.db.digestSubscription.count(),
    });
    const makeAdmin = (who: { id: string }) => store.db.person.update({ where: { slackUserId: who.id }, data: { isAdmin: true } });

    it.each([
      ["en-GB", SAM],
      ["cy", CATRIN],
    ] as const)("answers bad input with the usage and an example, and changes nothing (%s)", async (locale, who) => {
      await makeAdmin(who);
      await store.db.person.createMany({ data: [{ name: "Alex Smith", email: "alex.smith@example.gov.uk" }, { name: "Alex Smith", email: "alex.smith2@example.gov.uk" }] });
      const t = translator(locale);
      const usage = (topic: Topic) => t("commands.usage_line", { usage: t(`commands.topic.${topic}.usage`), example: t(`commands.topic.${topic}.example`) });
      const before = await snapshot();
      const table: [string, string][] = [
        ["chaser frobnicate", `${t("commands.unknown", { command: "frobnicate" })}\n${t("commands.see_help")}`],
        ["owner", `${t("commands.missing")}\n${usage("owner")}`],
        ["owner Monitoring Officer Sam Jones", `${t("commands.person_needed")}\n${usage("owner")}`],
        [`owner "Chief Wizard" <@${MO.id}>`, `${t("commands.unknown_role", { role: "Chief Wizard" })}\n${usage("owner")}`],
        ["subscribe no-such-plan", `${t("commands.unknown_plan", { plan: "no-such-plan", plans: "procurement" })}\n${usage("subscribe")}`],
        [`cover <@U0GHOST> by <@${MO.id}>`, `${t("commands.unknown_person", { person: "U0GHOST" })}\n${usage("cover")}`],
        [`cover <@${SAM.id}> by <@${MO.id}> until someday`, `${t("commands.bad_date", { date: "someday" })}\n${usage("cover")}`],
        [`handover "Alex Smith" to <@${MO.id}>`, `${t("commands.ambiguous_person", { person: "Alex Smith", matches: "Alex Smith <alex.smith@example.gov.uk>; Alex Smith <alex.smith2@example.gov.uk>" })}\n${usage("handover")}`],
        ["schedule promptTime=25:00", `${t("commands.settings_invalid", { problems: "promptTime: must be a 24-hour time like 09:30" })}\n${usage("schedule")}`],
        ["status whatever", `${t("commands.missing")}\n${usage("status")}`],
        ["schedule verifyCompletion=true", `${t("commands.settings_plan_only", { keys: "verifyCompletion", example: "verifyCompletion=true" })}\n${usage("schedule")}`],
      ];
      for (const [said, answer] of table) expect([said, await ask(who, said)]).toEqual([said, answer]);
      expect(await snapshot()).toEqual(before);
    });

    it.each([
      ["en-GB", MO],
      ["cy", CATRIN],
    ] as const)("refuses someone who may not, saying who may, and changes nothing (%s)", async (locale, who) => {
      await makeAdmin(SAM);
      const t = translator(locale);
      const before = await snapshot();
      expect(await ask(who, "pause")).toBe(t("commands.refused.admin", { who: "Sam Jones" }));
      expect(await ask(who, "oedi procurement.tsv")).toBe(t("commands.refused.plan_admin", { plan: "procurement.tsv", who: "Sam Jones" }));
      expect(await ask(who, `handover <@${SAM.id}> to <@${who.id}>`)).toBe(t("commands.refused.admin", { who: "Sam Jones" }));
      expect(await ask(who, "digest preview procurement.tsv")).toBe(t("commands.refused.viewer", { plan: "procurement.tsv", who: "Sam Jones" }));
      expect(await snapshot()).toEqual(before);
    });

    it("maps, covers, hands over, assigns and reports, each change with who, when, where, before and after", async () => {
      await makeAdmin(SAM);
      const sam = await person(SAM.id);
      expect(await ask(SAM, "unmapped")).toBe("Every role that owns an open action has someone mapped.");
      // A role the plan names with nobody behind it yet.
      const head = await store.db.ownerRole.create({ data: { name: "Head of Procurement", aliases: { create: { alias: "head of procurement", text: "Head of Procurement" } } } });
      await store.db.actionOwner.create({ data: { actionId: (await action("5")).id, roleId: head.id, kind: "responsible", position: 1 } });
      expect(await ask(SAM, "unmapped")).toBe("Roles with nobody mapped (1): nobody is chased for their actions.\n• Head of Procurement: 1 open action(s) in procurement");
      expect(await ask(SAM, `owner "Head of Procurement" <@${MO.id}>`)).toBe("Mo Khan is now Head of Procurement.");
      expect(await ask(SAM, `owner "Head of Procurement" <@${MO.id}>`)).toBe("Mo Khan was already Head of Procurement.");
      expect(await ask(SAM, "unmapped")).not.toContain("Head of Procurement");
      const mapped = await store.db.history.findFirstOrThrow({ where: { entity: "role-assignment", via: "chat:slack" } });
      expect(mapped).toMatchObject({ actorPersonId: sam.id, actorLabel: "Sam Jones", at: NOW });
      expect(JSON.parse(mapped.before!)).toEqual({ role: "Head of Procurement", people: [] });
      expect(JSON.parse(mapped.after!)).toMatchObject({ role: "Head of Procurement", people: ["Mo Khan"] });

      // Someone @mentioned who has not spoken to Chaser yet is known by their Slack id from then on.
      expect(await ask(SAM, `cover <@${MO.id}> by <@U0NEW|Nia Evans> until 31/12/2020`)).toBe("Nia Evans now covers for Mo Khan until 31/12/2020.");
      const nia = await store.db.person.findUniqueOrThrow({ where: { slackUserId: "U0NEW" } });
      expect(await store.db.delegation.findMany()).toMatchObject([{ delegateId: nia.id, until: "2020-12-31" }]);
      // The person covered may end it themselves.
      expect(await ask(MO, `cover <@${MO.id}> by <@U0NEW> end`)).toBe("Nia Evans no longer covers for Mo Khan.");
      expect(await store.db.delegation.count()).toBe(0);

      expect(await ask(SAM, `handover <@${MO.id}> to <@${CATRIN.id}>`)).toBe("Catrin Hughes now holds Mo Khan's roles: Head of Procurement, Monitoring Officer.");
      expect(await store.db.roleAssignment.count({ where: { personId: (await person(MO.id)).id } })).toBe(0);

      expect(await ask(SAM, `assign procurement.tsv 2.7 to "Monitoring Officer"`)).toMatch(/^2\.7 is now the responsibility of Monitoring Officer \(before: /);
      const assigned = await store.db.history.findFirstOrThrow({ where: { entity: "action-owner" } });
      expect(JSON.parse(assigned.after!)).toEqual({ responsible: ["Monitoring Officer"] });
      expect(assigned.actionId).toBe((await action("2.7")).id);

      expect(await ask(SAM, "status overdue")).toMatch(/^\d+ action\(s\) overdue:\n• procurement /);
      expect(await ask(SAM, "schedule procurement.tsv promptTime=10:00")).toContain("promptTime: 10:00");
      const saved = await store.db.history.findFirstOrThrow({ where: { entity: "settings" } });
      expect([JSON.parse(saved.before!), JSON.parse(saved.after!)]).toEqual([{}, { promptTime: "10:00" }]);
      expect(await ask(SAM, "oedi procurement.tsv")).toBe(translator("en-GB")("commands.paused_plan", { plan: "procurement.tsv" }));
      expect(await ask(SAM, "archive procurement.tsv")).toBe("procurement.tsv is archived: kept for the record, no longer chased or digested.");
      expect(await ask(SAM, "plans")).toBe(translator("en-GB")("cli.plans.none"));
      expect(await ask(SAM, "plans archived")).toMatch(/^procurement .* \(archived\)$/);
      // Every change above came through Slack, by Sam or (ending cover) by Mo.
      const rows = await store.db.history.findMany({ where: { via: "chat:slack", entity: { in: ["role-assignment", "delegation", "action-owner", "settings", "plan"] } } });
      expect(rows.length).toBe(9);
      expect(new Set(rows.map((r) => r.actorLabel))).toEqual(new Set(["Sam Jones", "Mo Khan"]));
    });

    it("lists the commands and explains one, in Welsh for a Welsh speaker", async () => {
      const cy = translator("cy");
      const list = await ask(CATRIN, "gorchmynion");
      expect(list.split("\n")[0]).toBe(cy("commands.help_intro"));
      expect(list).toContain(cy("commands.topic.cover.usage"));
      expect(await ask(CATRIN, "cymorth cyflenwi")).toBe(`${cy("commands.topic.cover.summary")}\n${cy("commands.usage_line", { usage: cy("commands.topic.cover.usage"), example: cy("commands.topic.cover.example") })}`);
      // An officer's answer that starts with a command's word is still an answer, and changes no setting.
      expect(await ask(SAM, "schedule agreed, 2.7 done")).toBe("Which action is that for? Nothing is recorded until you choose.");
      expect(await store.db.history.count({ where: { entity: "settings" } })).toBe(0);
    });
  });
});

describe("Chaser on Slack in Socket Mode", () => {
  it("builds a Socket Mode app with no HTTP route, contacting nothing until started", async () => {
    const fake = await startFakeSlack();
    try {
      const slack = await createSlack({
        config: { botToken: fake.token, signingSecret: SECRET, appToken: "xapp-1-test", apiUrl: fake.url },
        deps: { store: undefined as never, log: pino({ level: "silent" }), channels: {}, later: () => undefined },
        clientOptions: { retryConfig: RETRY },
      });
      expect(slack.routes).toEqual([]);
      expect(slack.channel.platform).toBe("slack");
      expect(fake.calls).toEqual([]);
    } finally {
      await fake.close();
    }
  });
});

function appHomeOpened(userId: string, channelId: string, teamId: string): SlackRequestBody<Record<string, unknown>> {
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
  return { body: JSON.stringify(payload), contentType: "application/json", payload };
}
