// Dispatching a day's prompts through the fakes, which enforce the platforms' documented limits:
// the rate achieved against the rate allowed, duplicates, losses and 429s.
import { randomUUID } from "node:crypto";
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
import { startFakeConnector } from "../tests/fakes/fake-bot-connector.js";
import { startFakeSlack } from "../tests/fakes/fake-slack-api.js";
import { freshStore, type TestStore } from "../tests/helpers/test-store.js";
import { DAY_MS, envSize, NOW, silentLog } from "./common.js";
import { dayFromNow } from "./dataset.js";

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

async function dispatchTeams(count: number): Promise<void> {
  const store = await freshStore("sqlite");
  const connector = await startFakeConnector({ limits: true });
  const background = new Background(silentLog);
  try {
    const deps: ConversationDeps = { store, log: silentLog, channels: {}, later: background.run, pacer: new Pacer() };
    const teams = createTeams({ config: AUTH_OFF, deps, now: () => NOW });
    deps.channels.teams = teams.channel;
    const conversationOf = (i: number) => `a:bench-chat-${i}`;
    const people = await addPeople(
      store,
      Array.from({ length: count }, (_, i) => {
        const user = { id: `29:bench-user-${i}`, name: `Bench person ${i}` };
        const reference = { user, bot: BOT, conversation: { id: conversationOf(i), conversationType: "personal", tenantId: TENANT }, channelId: "msteams", locale: "en-GB", serviceUrl: connector.url };
        return personRow(i, { teamsUserId: user.id, teamsTenantId: TENANT, teamsConversation: JSON.stringify(reference), preferredPlatform: "teams" });
      }),
    );
    await enqueueAll(deps, people);
    const t0 = performance.now();
    const results = await dispatchPending(deps, NOW);
    const seconds = (performance.now() - t0) / 1000;
    await background.settle();

    const perConversation = new Map<string, number>();
    for (const a of connector.activities()) perConversation.set(a.conversationId, (perConversation.get(a.conversationId) ?? 0) + 1);
    const sent = people.map((p) => perConversation.get((JSON.parse(p.teamsConversation!) as { conversation: { id: string } }).conversation.id) ?? 0);
    const duplicates = sent.reduce((n, c) => n + Math.max(0, c - 1), 0);
    const lost = sent.filter((c) => c === 0).length;
    // The documented limit (50 a second per app per tenant), not the Pacer's own margin below it.
    const allowed = 50;
    const delivered = sent.filter((c) => c > 0).length;
    const rate = delivered / seconds;
    console.log(
      `dispatch teams: ${count} prompts, ratio ${(rate / allowed).toFixed(2)} of allowed rate (${allowed}/s; target at least 0.9), duplicates ${duplicates}, lost ${lost} (target 0 and 0), 429s ${connector.limitViolations}` +
        ` (${rate.toFixed(1)}/s over ${seconds.toFixed(1)} s; the fastest the limits allow ${ideal(count, 50, 1).toFixed(1)} s; ${summarise(results)})`,
    );
  } finally {
    await background.settle();
    await connector.close();
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
async function dispatchSlack(count: number): Promise<void> {
  const store = await freshStore("sqlite");
  const fake = await startFakeSlack({ limits: true, users: [] });
  const background = new Background(silentLog);
  try {
    const deps: ConversationDeps = { store, log: silentLog, channels: {}, later: background.run, pacer: new Pacer() };
    // WebClient's own retry policy, as in production: it waits out a 429's Retry-After and tries again.
    const slack = await createSlack({ config: { botToken: fake.token, signingSecret: "bench-secret", appToken: null, apiUrl: fake.url }, deps, now: () => NOW });
    await slack.start();
    deps.channels.slack = slack.channel;
    const channels = Array.from({ length: count }, (_, i) => `C${String(i).padStart(8, "0")}`);
    for (const id of channels) fake.addChannel(id, []);
    for (const [n, address] of channels.entries()) {
      await enqueue(deps, { key: `bench-channel:${address}`, kind: "notice", to: { platform: "slack", address, locale: "en-GB" }, card: (id) => promptCard(id, n + 1) }, NOW);
    }
    const t0 = performance.now();
    const results = await dispatchPending(deps, NOW);
    const seconds = (performance.now() - t0) / 1000;
    await slack.stop();
    await background.settle();

    const sent = channels.map((c) => fake.messages(c).length);
    const duplicates = sent.reduce((n, c) => n + Math.max(0, c - 1), 0);
    const lost = sent.filter((c) => c === 0).length;
    const fastest = ideal(count, 300, 60);
    const refused = new Map<string, number>();
    for (const c of fake.calls) if (c.status === 429) refused.set(c.method, (refused.get(c.method) ?? 0) + 1);
    console.log(
      `dispatch slack: ${count} messages to ${count} channels, ratio ${fastest > 0 ? (fastest / seconds).toFixed(2) : "n/a"} of allowed rate (the fastest the limits allow, ${fastest} s, over the time taken, ${seconds.toFixed(1)} s; target at least 0.9), ` +
        `duplicates ${duplicates}, lost ${lost} (target 0 and 0), 429s ${fake.limitViolations}` +
        ` (${[...refused].map(([m, n]) => `${m} ${n}; `).join("")}${(count / seconds).toFixed(1)}/s; the fake's workspace cap 300/min, 1/s per channel; ${summarise(results)})`,
    );
  } finally {
    await background.settle();
    await fake.close();
    await store.drop();
  }
}

export async function benchDispatch(): Promise<void> {
  await dispatchTeams(envSize("BENCH_PROMPTS", 2000));
  // Past 300 the workspace cap binds: 600 take at least a minute, the window the cap is counted in.
  await dispatchSlack(envSize("BENCH_SLACK_CHANNELS", 600));
}
