// Reply handling through the real HTTP endpoints: a Teams card action (Action.Execute invoke) and a
// signed Slack button press, fired open-loop at a fixed rate, from request to committed answer.
import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { Worker } from "node:worker_threads";
import pino from "pino";
import { createSlack, type Slack } from "../src/adapters/slack/create-slack.js";
import { createTeams } from "../src/adapters/teams/create-teams.js";
import { ANSWER_ACTION } from "../src/cards/render-block-kit.js";
import { Background } from "../src/conversation/background.js";
import type { AnswerPayload } from "../src/conversation/card.js";
import { dispatchPending } from "../src/conversation/deliver.js";
import type { ConversationDeps } from "../src/conversation/handle-event.js";
import { messageCard } from "../src/conversation/message-card.js";
import { Pacer } from "../src/conversation/pacer.js";
import { insertMany } from "../src/store/insert-many.js";
import { startServer } from "../src/web/start-server.js";
import { startFakeConnector, type FakeConnector } from "../tests/fakes/fake-bot-connector.js";
import { startFakeSlack, type FakeSlack } from "../tests/fakes/fake-slack-api.js";
import { blockActionsBody, signSlackRequest } from "../tests/fakes/sign-slack-request.js";
import { freshStore, PROVIDERS, type Provider, type TestStore } from "../tests/helpers/test-store.js";
import { DAY_MS, envSize, ms, NOW, percentile, sleep } from "./common.js";
import { dayFromNow } from "./dataset.js";
import { AUTH_OFF, BOT, TENANT } from "./dispatch.js";

const SECRET = "bench-signing-secret";
const RATE = 100;
const PEOPLE = 100;
/** As many actions as a prompt card shows, so every answer shows on the card it was pressed on. */
const PER_CARD = 6;
/** Presses sent one at a time before the measured run, each on an action of its own. */
const WARMUP = 20;
const NO_LIMITS = new Pacer({ teams: { perAddress: [], overall: [] }, slack: { perAddress: [], overall: [] }, web: { perAddress: [], overall: [] } });

/**
 * What went wrong during a run, by message: Chaser's own warnings and errors (its log) and what
 * botbuilder prints for a turn that threw (console.error), kept off the terminal and summed up instead.
 */
class Trouble {
  private readonly counts = new Map<string, number>();
  private restore: (() => void) | null = null;
  readonly log = pino(
    { level: "warn" },
    new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        try {
          const entry = JSON.parse(String(chunk)) as { msg?: string; err?: { message?: string } };
          this.add(entry.err?.message ? `${entry.msg}: ${entry.err.message}` : (entry.msg ?? "?"));
        } catch {
          this.add(String(chunk));
        }
        done();
      },
    }),
  );

  add(message: string): void {
    const line = message.trim().split("\n").filter(Boolean)[0]?.slice(0, 160) ?? "?";
    this.counts.set(line, (this.counts.get(line) ?? 0) + 1);
  }

  /** Starts counting what is printed with console.error, instead of printing it. */
  capture(): void {
    const original = console.error;
    console.error = (...args: unknown[]) => this.add(args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : String(a))).join(" "));
    this.restore = () => (console.error = original);
  }

  /** "; 116× teams turn failed: …" for the commonest causes, then forgets them. */
  take(): string {
    this.restore?.();
    this.restore = null;
    const top = [...this.counts].sort((a, b) => b[1] - a[1]).slice(0, 2);
    this.counts.clear();
    return top.length ? `; logged: ${top.map(([m, n]) => `${n}× ${m}`).join("; ")}` : "";
  }
}

interface Press {
  personId: string;
  actionId: string;
  messageId: string;
}

interface LoadRequest {
  body: string;
  headers: Record<string, string>;
  /** The response must contain this to count as answered (Teams answers with the updated card). */
  expect: string;
}

interface LoadResult {
  status: number;
  /** From the scheduled send to the end of the response, ms. */
  ms: number;
  matched: boolean;
  error?: string;
}

/**
 * The load generator runs in its own thread, so its timers are not held up by the server it loads.
 * Open loop: request i is sent at start + i × interval whether or not earlier ones have answered, and
 * its latency counts from that scheduled instant (a late send is the server's delay too).
 */
const WORKER = `
const { workerData, parentPort } = require("node:worker_threads");
const { url, requests, intervalMs, warmupUrl } = workerData;
parentPort.once("message", async (startAt) => {
  const results = new Array(requests.length);
  const pending = [];
  const base = startAt - performance.timeOrigin;
  for (let i = 0; i < requests.length; i++) {
    const due = base + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 0.5) await new Promise((r) => setTimeout(r, wait));
    const r = requests[i];
    pending.push(
      fetch(url, { method: "POST", headers: r.headers, body: r.body })
        .then(async (res) => {
          const text = await res.text();
          results[i] = { status: res.status, ms: performance.now() - due, matched: res.status === 200 && text.includes(r.expect) };
        })
        .catch((error) => {
          results[i] = { status: 0, ms: performance.now() - due, matched: false, error: String(error) };
        }),
    );
  }
  await Promise.all(pending);
  parentPort.postMessage(results);
});
// fetch loads lazily: warm it (and the connection) before the clock starts.
fetch(warmupUrl).then((res) => res.text()).then(() => parentPort.postMessage("ready"), (error) => parentPort.postMessage("ready " + error));
`;

/** Fires `requests` open-loop from the load thread; returns when all have answered, and when the first was due (Date.now() ms). */
function fire(origin: string, path: string, requests: LoadRequest[]): Promise<{ results: LoadResult[]; startAt: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { url: `${origin}${path}`, requests, intervalMs: 1000 / RATE, warmupUrl: `${origin}/healthz` } });
    let startAt = 0;
    worker.on("message", (message: LoadResult[] | string) => {
      if (typeof message === "string") {
        startAt = Date.now() + 50;
        worker.postMessage(startAt);
        return;
      }
      resolve({ results: message, startAt });
      void worker.terminate();
    });
    worker.once("error", reject);
  });
}

/** Sends the first presses one at a time, unmeasured: a server that has been up a while has its queries compiled and its code warm. */
async function warmUp(url: string, requests: LoadRequest[]): Promise<number[]> {
  const times: number[] = [];
  for (const r of requests) {
    const t0 = performance.now();
    await (await fetch(url, { method: "POST", headers: r.headers, body: r.body })).text();
    times.push(performance.now() - t0);
  }
  return times;
}

/** Requests answered a second over the run: from the first scheduled send to the last answer. */
const served = (results: LoadResult[]) => (results.length * 1000) / Math.max(...results.map((r, i) => i * (1000 / RATE) + r.ms));

interface Rig {
  store: TestStore;
  /** SQL statements run so far, by anyone in the process. */
  queries: { n: number };
  connector: FakeConnector;
  fake: FakeSlack;
  slack: Slack;
  background: Background;
  url: string;
  teams: Press[];
  slackPresses: Press[];
  trouble: Trouble;
  close(): Promise<void>;
}

/**
 * A plan with `count` actions for each platform, owned through roles by 100 people on each, every
 * person prompted with cards of six actions sent through the real channels to the fakes.
 */
async function startRig(provider: Provider, count: number): Promise<Rig> {
  const queries = { n: 0 };
  const store = await freshStore(provider, { onQuery: () => void (queries.n += 1) });
  // No rate limits in the fakes: this measures Chaser, and the prompts below are set-up.
  const connector = await startFakeConnector({ limits: false });
  const slackUser = (i: number) => `U${String(i).padStart(7, "0")}`;
  const fake = await startFakeSlack({ limits: false, users: Array.from({ length: PEOPLE }, (_, i) => ({ id: slackUser(i), realName: `Slack person ${i}`, locale: "en-GB" })) });
  const trouble = new Trouble();
  const background = new Background(trouble.log);
  const deps: ConversationDeps = { store, log: trouble.log, channels: {}, later: background.run, pacer: NO_LIMITS };
  const teams = createTeams({ config: AUTH_OFF, deps, now: () => NOW });
  const slack = await createSlack({ config: { botToken: fake.token, signingSecret: SECRET, appToken: null, apiUrl: fake.url }, deps, now: () => NOW });
  deps.channels.teams = teams.channel;
  deps.channels.slack = slack.channel;
  const server: Server = await startServer(0, { store, log: trouble.log, locale: "en-GB", now: () => NOW, routes: [...teams.routes, ...slack.routes] });
  await slack.start();
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const planId = randomUUID();
  const rows = { roles: [] as Record<string, unknown>[], people: [] as Record<string, unknown>[], assignments: [] as Record<string, unknown>[], recs: [] as Record<string, unknown>[], actions: [] as Record<string, unknown>[], owners: [] as Record<string, unknown>[], messages: [] as Record<string, unknown>[] };
  const presses: Record<"teams" | "slack", Press[]> = { teams: [], slack: [] };
  for (const platform of ["teams", "slack"] as const) {
    const people = Array.from({ length: PEOPLE }, (_, i) => {
      const personId = randomUUID();
      const roleId = randomUUID();
      rows.roles.push({ id: roleId, name: `${platform} role ${i}` });
      const teamsUser = { id: `29:bench-${i}`, name: `Teams person ${i}` };
      const reference = { user: teamsUser, bot: BOT, conversation: { id: `a:bench-chat-${i}`, conversationType: "personal", tenantId: TENANT }, channelId: "msteams", locale: "en-GB", serviceUrl: connector.url };
      rows.people.push({
        id: personId,
        name: platform === "teams" ? teamsUser.name : `Slack person ${i}`,
        locale: "en-GB",
        isAdmin: false,
        teamsUserId: platform === "teams" ? teamsUser.id : null,
        teamsTenantId: platform === "teams" ? TENANT : null,
        teamsConversation: platform === "teams" ? JSON.stringify(reference) : null,
        slackUserId: platform === "slack" ? slackUser(i) : null,
        slackTeamId: platform === "slack" ? fake.teamId : null,
        preferredPlatform: platform,
        createdAt: NOW,
        updatedAt: NOW,
      });
      rows.assignments.push({ roleId, personId, createdAt: NOW });
      return { personId, roleId, address: platform === "teams" ? JSON.stringify(reference) : slackUser(i), actions: [] as string[] };
    });
    for (let j = 0; j < count; j++) {
      const owner = people[j % PEOPLE]!;
      const id = randomUUID();
      const r = rows.actions.length;
      if (r % 10 === 0) rows.recs.push({ id: `rec-${r / 10}`, planId, themeId: null, key: `R${r / 10 + 1}`, ref: `R${r / 10 + 1}`, text: `Recommendation ${r / 10 + 1}`, position: r / 10 });
      const target = dayFromNow(-30 + (j % 60));
      rows.actions.push({
        id, planId, recommendationId: `rec-${Math.floor(r / 10)}`, key: `${r + 1}`, ref: `${Math.floor(r / 10) + 1}.${(r % 10) + 1}`, refGenerated: false,
        title: `Action ${r + 1}: review the arrangements and report to the committee with evidence.`,
        targetText: target, targetFrom: target, targetTo: target, targetOngoing: false,
        originalTargetText: target, originalTargetFrom: target, originalTargetTo: target, originalTargetOngoing: false,
        status: "in_progress", statusText: "In progress", rag: "amber", progress: "Work is progressing.", crossRefs: "[]",
        statusSource: "import", statusUpdatedAt: new Date(NOW.getTime() - 40 * DAY_MS), lastUpdateAt: new Date(NOW.getTime() - 40 * DAY_MS), snoozedUntil: null,
        position: r, createdAt: new Date(NOW.getTime() - 200 * DAY_MS), updatedAt: new Date(NOW.getTime() - 40 * DAY_MS),
      });
      rows.owners.push({ actionId: id, roleId: owner.roleId, kind: "responsible", position: 0 });
      owner.actions.push(id);
    }
    // Each person's actions in prompt cards of six; the n-th press goes to the n-th person in turn.
    const messageOf = new Map<string, string>();
    for (const person of people) {
      for (let k = 0; k < person.actions.length; k += PER_CARD) {
        const id = randomUUID();
        const actionIds = person.actions.slice(k, k + PER_CARD);
        for (const a of actionIds) messageOf.set(a, id);
        rows.messages.push({ id, key: `bench:${id}`, kind: "prompt", personId: person.personId, platform, address: person.address, actionIds: JSON.stringify(actionIds), locale: "en-GB", status: "pending", attempts: 0, nextAttemptAt: NOW, createdAt: NOW, updatedAt: NOW });
      }
    }
    for (let j = 0; j < count; j++) {
      const owner = people[j % PEOPLE]!;
      const actionId = owner.actions[Math.floor(j / PEOPLE)]!;
      presses[platform].push({ personId: owner.personId, actionId, messageId: messageOf.get(actionId)! });
    }
  }
  await store.db.$transaction(
    async (tx) => {
      await insertMany(tx, store.provider, "OwnerRole", rows.roles);
      await insertMany(tx, store.provider, "Person", rows.people);
      await insertMany(tx, store.provider, "RoleAssignment", rows.assignments);
      await insertMany(tx, store.provider, "Plan", [{ id: planId, slug: "bench-replies", title: "Replies bench", kind: "action-table", settings: "{}", createdAt: NOW, updatedAt: NOW }]);
      await insertMany(tx, store.provider, "Recommendation", rows.recs);
      await insertMany(tx, store.provider, "Action", rows.actions);
      await insertMany(tx, store.provider, "ActionOwner", rows.owners);
      await insertMany(tx, store.provider, "ChatMessage", rows.messages);
    },
    { timeout: 600_000 },
  );
  // The prompts' cards, sent through the real channels so the fakes hold the messages to update.
  for (const m of rows.messages) {
    const card = await messageCard(store.db, m.id as string, NOW);
    await store.db.chatMessage.update({ where: { id: m.id as string }, data: { card: JSON.stringify(card) } });
  }
  const sent = await dispatchPending(deps, NOW);
  const unsent = sent.filter((r) => r.status !== "sent");
  if (unsent.length > 0) throw new Error(`replies: ${unsent.length} set-up prompts were not sent: ${JSON.stringify(unsent[0])}`);
  if (provider === "postgresql") await store.db.$executeRawUnsafe("ANALYZE");

  return {
    store,
    queries,
    connector,
    fake,
    slack,
    background,
    url: origin,
    teams: presses.teams,
    slackPresses: presses.slack,
    trouble,
    async close() {
      await slack.settle();
      await background.settle();
      await slack.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await connector.close();
      await fake.close();
      await store.drop();
    },
  };
}

const onTrack = (p: Press): AnswerPayload => ({ v: 1, m: p.messageId, a: p.actionId, k: "on_track" });

async function teamsRun(rig: Rig, provider: Provider): Promise<void> {
  const people = new Map((await rig.store.db.person.findMany({ where: { teamsUserId: { not: null } } })).map((p) => [p.id, p]));
  const requests: LoadRequest[] = rig.teams.map((press, i) => {
    const person = people.get(press.personId)!;
    const reference = JSON.parse(person.teamsConversation!) as { user: { id: string; name: string }; conversation: Record<string, unknown> };
    const activity = {
      type: "invoke",
      name: "adaptiveCard/action",
      id: `bench-invoke-${i}`,
      channelId: "msteams",
      serviceUrl: rig.connector.url,
      timestamp: NOW.toISOString(),
      locale: "en-GB",
      from: reference.user,
      recipient: BOT,
      conversation: reference.conversation,
      channelData: { tenant: { id: TENANT } },
      value: { action: { type: "Action.Execute", verb: "chaser.answer", data: onTrack(press) }, trigger: "manual" },
    };
    return { body: JSON.stringify(activity), headers: { "content-type": "application/json" }, expect: "Recorded: on track" };
  });
  const alone = (await warmUp(`${rig.url}/api/messages`, requests.slice(0, WARMUP))).slice(WARMUP / 2);
  rig.trouble.take();
  rig.trouble.capture();
  const q0 = rig.queries.n;
  const { results } = await fire(rig.url, "/api/messages", requests.slice(WARMUP));
  await rig.background.settle();
  const statements = (rig.queries.n - q0) / results.length;
  const trouble = rig.trouble.take();
  const recorded = (await rig.store.db.answer.count({ where: { via: "chat:teams" } })) - WARMUP;
  const errors = results.filter((r) => !r.matched).length;
  const latencies = results.filter((r) => r.matched).map((r) => r.ms);
  console.log(
    `replies teams ${provider}: p50 ${ms(percentile(latencies, 50))} ms, p99 ${ms(percentile(latencies, 99))} ms (target under 50) at ${RATE} req/s, ` +
      `${errors} failed (target 0), ${statements.toFixed(1)} SQL statements a press (before: 25) ` +
      `(${results.length} requests${recorded !== results.length ? `, ${recorded} answers recorded` : ""}; ` +
      `served ${served(results).toFixed(0)} req/s; one at a time p50 ${ms(percentile(alone, 50))} ms${trouble})`,
  );
}

async function slackRun(rig: Rig, provider: Provider): Promise<void> {
  const [people, messages] = await Promise.all([
    rig.store.db.person.findMany({ where: { slackUserId: { not: null } } }),
    rig.store.db.chatMessage.findMany({ where: { platform: "slack", kind: "prompt" } }),
  ]);
  const userOf = new Map(people.map((p) => [p.id, p.slackUserId!]));
  const refOf = new Map(messages.map((m) => [m.id, JSON.parse(m.messageRef!) as { channel: string; ts: string }]));
  const requests: LoadRequest[] = rig.slackPresses.map((press) => {
    const ref = refOf.get(press.messageId)!;
    const { body, contentType } = blockActionsBody({
      userId: userOf.get(press.personId)!,
      teamId: rig.fake.teamId,
      channelId: ref.channel,
      messageTs: ref.ts,
      actionId: `${ANSWER_ACTION}.on_track.${press.actionId}`,
      value: JSON.stringify(onTrack(press)),
    });
    return { body, headers: { "content-type": contentType, ...signSlackRequest(SECRET, body) }, expect: "" };
  });
  // One at a time, unmeasured but for the figure alone: press, wait for all the work, read the chat.update.
  const alone: number[] = [];
  for (const r of requests.slice(0, WARMUP)) {
    const from = rig.fake.calls.length;
    const t0 = Date.now();
    await (await fetch(`${rig.url}/slack/events`, { method: "POST", headers: r.headers, body: r.body })).text();
    await rig.slack.settle();
    await rig.background.settle();
    const update = rig.fake.calls.slice(from).find((c) => c.method === "chat.update");
    if (update) alone.push(update.at - t0);
  }
  alone.splice(0, WARMUP / 2);
  const callsBefore = rig.fake.calls.length;
  rig.trouble.take();
  rig.trouble.capture();
  const q0 = rig.queries.n;
  const { results, startAt } = await fire(rig.url, "/slack/events", requests.slice(WARMUP));
  await rig.slack.settle();
  await rig.background.settle();
  const statements = (rig.queries.n - q0) / results.length;
  const trouble = rig.trouble.take();

  // Bolt acknowledges at once; the answer is the chat.update showing the action recorded. Each
  // press is answered by the first update of its message, arriving after the press, that shows it
  // recorded (its buttons gone): the moment the person sees it, whichever press's update that was.
  const interval = 1000 / RATE;
  const measured = rig.slackPresses.slice(WARMUP);
  const pressIndex = new Map(measured.map((p, i) => [p.actionId, i]));
  const actionsOn = new Map(messages.map((m) => [`${refOf.get(m.id)!.channel}|${refOf.get(m.id)!.ts}`, JSON.parse(m.actionIds) as string[]]));
  const answeredAt = new Map<string, number>();
  for (const call of rig.fake.calls.slice(callsBefore)) {
    if (call.method !== "chat.update" || call.status !== 200 || call.error) continue;
    const shown = actionsOn.get(`${String(call.args.channel)}|${String(call.args.ts)}`) ?? [];
    const withButtons = new Set(((call.args.blocks ?? []) as { type?: string; block_id?: string }[]).filter((b) => b.type === "actions").map((b) => b.block_id));
    for (const actionId of shown) {
      const i = pressIndex.get(actionId);
      if (i === undefined || withButtons.has(`actions.${actionId}`) || answeredAt.has(actionId)) continue;
      if (call.at >= startAt + i * interval) answeredAt.set(actionId, call.at - (startAt + i * interval));
    }
  }
  const latencies = [...answeredAt.values()];
  const errors = results.filter((r, i) => r.status !== 200 || !answeredAt.has(measured[i]!.actionId)).length;
  const recorded = (await rig.store.db.answer.count({ where: { via: "chat:slack" } })) - WARMUP;
  const acks = results.filter((r) => r.status === 200).map((r) => r.ms);
  console.log(
    `replies slack ${provider}: p50 ${ms(percentile(latencies, 50))} ms, p99 ${ms(percentile(latencies, 99))} ms (target under 50) at ${RATE} req/s, ` +
      `${errors} failed (target 0), ${statements.toFixed(1)} SQL statements a press (before: 25) ` +
      `(${results.length} requests${recorded !== results.length ? `, ${recorded} answers recorded` : ""}; ` +
      `served ${served(results.map((r, i) => ({ ...r, ms: answeredAt.get(measured[i]!.actionId) ?? r.ms }))).toFixed(0)} req/s; one at a time p50 ${ms(percentile(alone, 50))} ms; ` +
      `until chat.update reaches the fake; Bolt's ack p50 ${ms(percentile(acks, 50))} ms; the fake's rate limits off: chat.update is tier 3, 50 a minute${trouble})`,
  );
}

export async function benchReplies(): Promise<void> {
  const count = envSize("BENCH_REPLIES", 1000);
  // BENCH_DB=postgresql (or sqlite) measures one database only.
  for (const provider of PROVIDERS.filter((p) => !process.env.BENCH_DB || process.env.BENCH_DB === p)) {
    const rig = await startRig(provider, count + WARMUP);
    try {
      await teamsRun(rig, provider);
      await sleep(200);
      await slackRun(rig, provider);
    } finally {
      await rig.close();
    }
  }
}
