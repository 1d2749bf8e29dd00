// Run by bench/replies.ts in a process of its own: everything across the internet from Chaser (the
// Bot Framework's token issuer, the Bot Connector, the Slack Web API) and the people pressing
// buttons, so the bench's own process is Chaser alone, as in production, and its CPU is Chaser's.
import { EventEmitter } from "node:events";
import { Worker } from "node:worker_threads";
import { startFakeBotFrameworkAuth, type BotAuthConfig } from "../tests/fakes/bot-framework-auth.js";
import { startFakeConnector } from "../tests/fakes/fake-bot-connector.js";
import { startFakeSlack, type SlackUser } from "../tests/fakes/fake-slack-api.js";
import { blockActionsBody, signSlackRequest } from "../tests/fakes/sign-slack-request.js";

/** A press to make: a Teams invoke (signed here with the channel's token) or a Slack button (built and signed here). */
export type Press =
  | { kind: "teams"; body: string; expect: string }
  | { kind: "slack"; userId: string; channel: string; ts: string; actionId: string; buttonId: string; value: string };

export interface PressResult {
  status: number;
  /** Teams: from the scheduled send to the end of the response. Slack: to the response (Bolt's ack). ms. */
  ms: number;
  matched: boolean;
  error?: string;
}

/** A chat.update the fake Slack received: which message, when, and which actions still had buttons. */
export interface SlackUpdate {
  channel: string;
  ts: string;
  at: number;
  ok: boolean;
  withButtons: string[];
}

export type ChildRequest =
  | { op: "start"; appId: string; password: string; slackSecret: string; slackUsers: SlackUser[] }
  | { op: "one"; url: string; press: Press }
  | { op: "fire"; url: string; presses: Press[]; rate: number }
  | { op: "updates"; since: number }
  | { op: "close" };

export interface Started {
  connectorUrl: string;
  loginUrl: string;
  auth: BotAuthConfig;
  slack: { url: string; token: string; teamId: string };
}

interface LoadRequest {
  body: string;
  headers: Record<string, string>;
  expect: string;
}

/**
 * The load thread: open loop, request i sent at start + i × interval whether or not earlier ones
 * have answered, its latency counted from that scheduled instant (a late send is the server's delay
 * too). A thread of its own, so the fakes' work in this process does not hold its timers up.
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

const send = (message: unknown) => process.send!(message);

let started: Awaited<ReturnType<typeof start>> | null = null;

async function start(request: Extract<ChildRequest, { op: "start" }>) {
  const auth = await startFakeBotFrameworkAuth();
  // The connector plays Entra ID's token endpoint too, and refuses calls without the token it issues.
  const connector = await startFakeConnector({ limits: false, requireToken: "fake", appCredentials: { appId: request.appId, password: request.password } });
  // No rate limits in the fakes: this measures Chaser.
  const slack = await startFakeSlack({ limits: false, users: request.slackUsers });
  // The Bot Connector signs a token and sends it with every activity until it nears expiry (an hour).
  const token = auth.signChannelToken({ appId: request.appId, serviceUrl: connector.url });
  const calls = new EventEmitter();
  const push = slack.calls.push.bind(slack.calls);
  slack.calls.push = (...items) => {
    const n = push(...items);
    calls.emit("call");
    return n;
  };
  return { auth, connector, slack, token, calls, secret: request.slackSecret };
}

/** The request as the platform sends it: Teams' with its bearer token, Slack's with the message pressed and its signature. */
function asRequest(press: Press): LoadRequest {
  const s = started!;
  if (press.kind === "teams") return { body: press.body, headers: { "content-type": "application/json", authorization: `Bearer ${s.token}` }, expect: press.expect };
  // Slack sends the whole message the button is on with every press.
  const message = s.slack.messages(press.channel).find((m) => m.ts === press.ts);
  const { body, contentType } = blockActionsBody({
    userId: press.userId,
    teamId: s.slack.teamId,
    channelId: press.channel,
    messageTs: press.ts,
    actionId: press.buttonId,
    value: press.value,
    ...(message ? { message: { type: "message", ts: message.ts, text: message.text ?? "", user: message.user, bot_id: message.botId, blocks: message.blocks ?? [] } } : {}),
  });
  return { body, headers: { "content-type": contentType, ...signSlackRequest(s.secret, body) }, expect: "" };
}

const summary = (call: { args: Record<string, unknown>; at: number; status: number; error?: string }): SlackUpdate => ({
  channel: String(call.args.channel),
  ts: String(call.args.ts),
  at: call.at,
  ok: call.status === 200 && !call.error,
  withButtons: ((call.args.blocks ?? []) as { type?: string; block_id?: string }[]).filter((b) => b.type === "actions").map((b) => String(b.block_id)),
});

/** Resolves with the time of the first chat.update of this message, from `from` on, showing the action answered (its buttons gone). */
function answeredUpdate(press: Extract<Press, { kind: "slack" }>, from: number, timeoutMs: number): Promise<number | null> {
  const s = started!;
  return new Promise((resolve) => {
    let seen = from;
    const check = () => {
      for (; seen < s.slack.calls.length; seen++) {
        const call = s.slack.calls[seen]!;
        if (call.method !== "chat.update") continue;
        const update = summary(call);
        if (update.ok && update.channel === press.channel && update.ts === press.ts && !update.withButtons.includes(`actions.${press.actionId}`)) return done(update.at);
      }
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    const done = (at: number | null) => {
      clearTimeout(timer);
      s.calls.off("call", check);
      resolve(at);
    };
    s.calls.on("call", check);
    check();
  });
}

async function one(url: string, press: Press): Promise<PressResult> {
  const r = asRequest(press);
  const from = started!.slack.calls.length;
  const t0 = Date.now();
  const p0 = performance.now();
  try {
    const res = await fetch(url, { method: "POST", headers: r.headers, body: r.body });
    const text = await res.text();
    if (press.kind === "teams") return { status: res.status, ms: performance.now() - p0, matched: res.status === 200 && text.includes(r.expect) };
    const at = res.status === 200 ? await answeredUpdate(press, from, 30_000) : null;
    return { status: res.status, ms: at === null ? performance.now() - p0 : at - t0, matched: at !== null };
  } catch (error) {
    return { status: 0, ms: performance.now() - p0, matched: false, error: String(error) };
  }
}

function fire(url: string, presses: Press[], rate: number): Promise<{ results: PressResult[]; startAt: number; callsFrom: number }> {
  const requests = presses.map(asRequest);
  const callsFrom = started!.slack.calls.length;
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { url, requests, intervalMs: 1000 / rate, warmupUrl: `${new URL(url).origin}/healthz` } });
    let startAt = 0;
    worker.on("message", (message: PressResult[] | string) => {
      if (typeof message === "string") {
        startAt = Date.now() + 50;
        worker.postMessage(startAt);
        return;
      }
      resolve({ results: message, startAt, callsFrom });
      void worker.terminate();
    });
    worker.once("error", reject);
  });
}

process.on("message", (request: ChildRequest & { id: number }) => {
  void (async () => {
    try {
      switch (request.op) {
        case "start": {
          started = await start(request);
          const s = started;
          const reply: Started = {
            connectorUrl: s.connector.url,
            loginUrl: s.connector.loginUrl(),
            auth: s.auth.authConfiguration(request.appId, request.password, s.connector.loginUrl()),
            slack: { url: s.slack.url, token: s.slack.token, teamId: s.slack.teamId },
          };
          return send({ id: request.id, value: reply });
        }
        case "one":
          return send({ id: request.id, value: await one(request.url, request.press) });
        case "fire":
          return send({ id: request.id, value: await fire(request.url, request.presses, request.rate) });
        case "updates":
          return send({ id: request.id, value: started!.slack.calls.slice(request.since).filter((c) => c.method === "chat.update").map(summary) });
        case "close":
          await Promise.all([started?.auth.close(), started?.connector.close(), started?.slack.close()]);
          send({ id: request.id, value: null });
          return process.disconnect();
      }
    } catch (error) {
      send({ id: request.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  })();
});
