// Dispatching a day's prompts through the fakes, which enforce the platforms' documented limits:
// the rate achieved against the rate allowed, duplicates, losses and 429s, with the sender's CPU
// time a message and the load it ran under. The fakes run in a process of their own.
import { fork, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { availableParallelism, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createSlack } from "../src/adapters/slack/create-slack.js";
import { createTeams } from "../src/adapters/teams/create-teams.js";
import type { TeamsConfig } from "../src/config/load-config.js";
import { Background } from "../src/conversation/background.js";
import { buildPromptCard } from "../src/conversation/build-card.js";
import type { PromptCard } from "../src/conversation/card.js";
import { dispatchPending, enqueue, type DeliveryResult } from "../src/conversation/deliver.js";
import type { CardAction } from "../src/store/card-action.js";
import type { ConversationDeps } from "../src/conversation/handle-event.js";
import { Pacer, SEND_LIMITS } from "../src/conversation/pacer.js";
import { londonDate } from "../src/domain/london-date.js";
import type { Person } from "../src/generated/sqlite/client.js";
import { translator } from "../src/i18n.js";
import { insertMany } from "../src/store/insert-many.js";
import { freshStore, PROVIDERS, type Provider, type TestStore } from "../tests/helpers/test-store.js";
import { DAY_MS, envSize, NOW, profiled, silentLog } from "./common.js";
import { dayFromNow } from "./dataset.js";
import type { FakesAnswer, FakesRequest } from "./dispatch-fakes.js";

const here = dirname(fileURLToPath(import.meta.url));

export const AUTH_OFF: TeamsConfig = { appId: "", appPassword: null, appType: "MultiTenant", tenantId: null };
export const TENANT = "bench-tenant";
export const BOT = { id: "28:chaser-bot", name: "Chaser" };

/** A prompt card as the schedule makes it: three actions, each with its reason and buttons. */
function promptCard(messageId: string, n: number): PromptCard {
  const t = translator("en-GB");
  const today = londonDate(NOW);
  const reasons = [{ kind: "overdue", days: 12 }, { kind: "due_soon", days: 5 }, { kind: "slipping" }] as const;
  const entries = reasons.map((reason, i) => ({
    action: {
      id: `bench-action-${n}-${i}`,
      key: `${n}.${i + 1}`,
      ref: `${n}.${i + 1}`,
      title: `Action ${n}.${i + 1}: review the arrangements and report to the committee with evidence.`,
      plan: { id: "plan", title: "Procurement review", slug: "procurement-review" },
      recommendation: { ref: `R${n}`, key: `R${n}` },
      owners: [{ kind: "responsible", roleId: "role", position: 0, role: { id: "role", name: "Head of Procurement" } }],
      targetText: null,
      targetFrom: dayFromNow(reason.kind === "overdue" ? -12 : 5),
      targetTo: dayFromNow(reason.kind === "overdue" ? -12 : 5),
      targetOngoing: false,
      originalTargetTo: dayFromNow(reason.kind === "slipping" ? -30 : 5),
      status: "in_progress",
      rag: "amber",
      progress: "Work is progressing; the next milestone is the committee meeting.",
      lastUpdateAt: new Date(NOW.getTime() - 40 * DAY_MS),
      createdAt: new Date(NOW.getTime() - 300 * DAY_MS),
    } as unknown as CardAction,
    reason,
    recorded: null,
  }));
  return buildPromptCard({ t, messageId, entries, today, now: NOW, purpose: "prompt" });
}

async function addPeople(store: TestStore, people: Record<string, unknown>[]): Promise<Person[]> {
  await store.db.$transaction((tx) => insertMany(tx, store.provider, "Person", people), { timeout: 600_000 });
  return store.db.person.findMany({ orderBy: { name: "asc" } });
}

async function enqueueAll(deps: ConversationDeps, people: Person[]): Promise<void> {
  for (const [n, person] of people.entries()) {
    await enqueue(deps, { key: `bench-prompt:${person.id}`, kind: "prompt", to: { person }, actionIds: [], card: (id) => promptCard(id, n + 1) }, NOW);
  }
}

function summarise(results: DeliveryResult[]): string {
  const counts = new Map<string, number>();
  for (const r of results) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${status} ${n}`).join(", ");
}

const personRow = (i: number, fields: Record<string, unknown>) => ({
  id: randomUUID(),
  name: `Bench person ${String(i).padStart(5, "0")}`,
  locale: "en-GB",
  isAdmin: false,
  createdAt: NOW,
  updatedAt: NOW,
  ...fields,
});

/** The fakes' process: one request at a time, each answered in turn. */
class Fakes {
  private constructor(private readonly child: ChildProcess) {}

  static start(): Fakes {
    return new Fakes(fork(join(here, "dispatch-fakes.ts"), [], { execArgv: ["--import", "tsx"], cwd: join(here, ".."), stdio: ["ignore", "inherit", "inherit", "ipc"] }));
  }

  ask<T extends FakesAnswer["op"]>(request: FakesRequest & { op: T }): Promise<Extract<FakesAnswer, { op: T }>> {
    return new Promise((resolve, reject) => {
      const onExit = () => reject(new Error("the fakes' process ended"));
      this.child.once("exit", onExit);
      this.child.once("message", (answer: FakesAnswer | { op: "error"; error: string }) => {
        this.child.off("exit", onExit);
        if (answer.op === "error") reject(new Error(answer.error));
        else resolve(answer as Extract<FakesAnswer, { op: T }>);
      });
      this.child.send(request);
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.disconnect();
    await exited;
  }
}

/**
 * The sender's cost while it runs: wall time, this process's CPU time (the fakes run in their own)
 * and the machine's load, so a figure can be read against how busy the machine was. With
 * BENCH_PROFILE=dir the same stretch is written as a .cpuprofile there (common.ts's profiled).
 */
async function measured<T>(label: string, run: () => Promise<T>): Promise<{ result: T; seconds: number; cpuMs: number; load: [number, number] }> {
  const loadBefore = loadavg()[0]!;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await profiled(`dispatch-${label}`, run);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const loadAfter = loadavg()[0]!;
  return { result, seconds, cpuMs: (cpu.user + cpu.system) / 1000, load: [loadBefore, loadAfter] };
}

const loadText = (load: [number, number]) => `load average ${load[0].toFixed(1)} to ${load[1].toFixed(1)} on ${availableParallelism()} cores`;

async function dispatchTeams(provider: Provider, count: number): Promise<void> {
  const store = await freshStore(provider);
  const fakes = Fakes.start();
  const background = new Background(silentLog);
  try {
    const { url } = await fakes.ask({ op: "teams" });
    const deps: ConversationDeps = { store, log: silentLog, channels: {}, later: background.run, pacer: new Pacer() };
    const teams = createTeams({ config: AUTH_OFF, deps, now: () => NOW });
    deps.channels.teams = teams.channel;
    const conversationOf = (i: number) => `a:bench-chat-${i}`;
    const people = await addPeople(
      store,
      Array.from({ length: count }, (_, i) => {
        const user = { id: `29:bench-user-${i}`, name: `Bench person ${i}` };
        const reference = { user, bot: BOT, conversation: { id: conversationOf(i), conversationType: "personal", tenantId: TENANT }, channelId: "msteams", locale: "en-GB", serviceUrl: url };
        return personRow(i, { teamsUserId: user.id, teamsTenantId: TENANT, teamsConversation: JSON.stringify(reference), preferredPlatform: "teams" });
      }),
    );
    await enqueueAll(deps, people);
    const { result: results, seconds, cpuMs, load } = await measured(`teams-${provider}`, () => dispatchPending(deps, NOW));
    await background.settle();

    const { perConversation, limitViolations, connections } = await fakes.ask({ op: "teamsSent" });
    const sent = people.map((p) => perConversation[(JSON.parse(p.teamsConversation!) as { conversation: { id: string } }).conversation.id] ?? 0);
    const duplicates = sent.reduce((n, c) => n + Math.max(0, c - 1), 0);
    const lost = sent.filter((c) => c === 0).length;
    // The documented limit (50 a second per app per tenant), not the Pacer's own margin below it.
    const allowed = 50;
    const delivered = sent.filter((c) => c > 0).length;
    const rate = delivered / seconds;
    const ratio = rate / allowed;
    console.log(
      `dispatch teams ${provider}: ${count} prompts, ratio ${ratio.toFixed(2)} of allowed rate (${allowed}/s; target at least 0.9${ratio >= 0.9 ? ", met" : ", MISSED"}), duplicates ${duplicates}, lost ${lost} (target 0 and 0), 429s ${limitViolations}` +
        `; ${(cpuMs / count).toFixed(1)} CPU ms a message in the sender's process, ${loadText(load)}` +
        ` (${rate.toFixed(1)}/s over ${seconds.toFixed(1)} s; the fastest the limits allow ${ideal(count, 50, 1).toFixed(1)} s; ${summarise(results)}; ${connections} connections; the fake connector in a process of its own)`,
    );
  } finally {
    await background.settle();
    await fakes.close();
    await store.drop();
  }
}

/**
 * The least time `count` sends can take when at most `limit` fit any `seconds` window, all to
 * different conversations: whole windows at once, the last beginning when the one before it ends.
 */
function ideal(count: number, limit: number, seconds: number): number {
  return Math.floor((count - 1) / limit) * seconds;
}

/**
 * Slack with many channels: one message to each of `count` channels (a digest's reach, or prompts
 * once every DM is known), so the per-channel limit never binds and the workspace's cap for
 * chat.postMessage (the fake's 300 a minute, Slack's "several hundred") sets the pace.
 */
async function dispatchSlack(provider: Provider, count: number): Promise<void> {
  const store = await freshStore(provider);
  const fakes = Fakes.start();
  const background = new Background(silentLog);
  try {
    const channels = Array.from({ length: count }, (_, i) => `C${String(i).padStart(8, "0")}`);
    const fake = await fakes.ask({ op: "slack", channels });
    const deps: ConversationDeps = { store, log: silentLog, channels: {}, later: background.run, pacer: new Pacer() };
    // WebClient's own retry policy, as in production: it waits out a 429's Retry-After and tries again.
    const slack = await createSlack({ config: { botToken: fake.token, signingSecret: "bench-secret", appToken: null, apiUrl: fake.url }, deps, now: () => NOW });
    await slack.start();
    deps.channels.slack = slack.channel;
    for (const [n, address] of channels.entries()) {
      await enqueue(deps, { key: `bench-channel:${address}`, kind: "notice", to: { platform: "slack", address, locale: "en-GB" }, card: (id) => promptCard(id, n + 1) }, NOW);
    }
    const { result: results, seconds, cpuMs, load } = await measured(`slack-${provider}`, () => dispatchPending(deps, NOW));
    await slack.stop();
    await background.settle();

    const { perChannel: sent, limitViolations, refused } = await fakes.ask({ op: "slackSent", channels });
    const duplicates = sent.reduce((n, c) => n + Math.max(0, c - 1), 0);
    const lost = sent.filter((c) => c === 0).length;
    const fastest = ideal(count, 300, 60);
    const ratio = fastest / seconds;
    console.log(
      `dispatch slack ${provider}: ${count} messages to ${count} channels, ratio ${fastest > 0 ? `${ratio.toFixed(2)}` : "n/a"} of allowed rate (the fastest the limits allow, ${fastest} s, over the time taken, ${seconds.toFixed(1)} s; target at least 0.9${fastest > 0 ? (ratio >= 0.9 ? ", met" : ", MISSED") : ""}), ` +
        `duplicates ${duplicates}, lost ${lost} (target 0 and 0), 429s ${limitViolations}` +
        `; ${(cpuMs / count).toFixed(1)} CPU ms a message in the sender's process, ${loadText(load)}` +
        ` (${Object.entries(refused).map(([m, n]) => `${m} ${n}; `).join("")}${(count / seconds).toFixed(1)}/s; the fake's workspace cap 300/min, 1/s per channel; ${summarise(results)}; the fake Web API in a process of its own)`,
    );
  } finally {
    await background.settle();
    await fakes.close();
    await store.drop();
  }
}

export async function benchDispatch(): Promise<void> {
  // BENCH_DISPATCH=teams or slack runs one platform only; BENCH_DB=sqlite or postgresql one database.
  const only = process.env.BENCH_DISPATCH;
  for (const provider of PROVIDERS.filter((p) => !process.env.BENCH_DB || process.env.BENCH_DB === p)) {
    if (only !== "slack") await dispatchTeams(provider, envSize("BENCH_PROMPTS", 2000));
    // Past 300 the workspace cap binds: 600 take at least a minute, the window the cap is counted in.
    if (only !== "teams") await dispatchSlack(provider, envSize("BENCH_SLACK_CHANNELS", 600));
  }
}
