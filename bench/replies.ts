// Reply handling through the real HTTP endpoints: a signed Teams card action (Action.Execute invoke)
// and a signed Slack button press, fired open-loop at a fixed rate, from request to committed answer.
// This process is Chaser alone; the fakes and the people pressing run in bench/replies-child.ts, so
// the CPU this process spends is Chaser's.
import { fork, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { dirname, join } from "node:path";
import { Writable } from "node:stream";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ConfigurationBotFrameworkAuthentication } from "botbuilder";
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
import { credentialsFactory } from "../tests/fakes/bot-framework-auth.js";
import { freshStore, PROVIDERS, type Provider, type TestStore } from "../tests/helpers/test-store.js";
import { DAY_MS, envSize, ms, NOW, percentile, profiled, sleep } from "./common.js";
import { dayFromNow } from "./dataset.js";
import { BOT, TENANT } from "./dispatch.js";
import type { ChildRequest, PressResult, Press as ChildPress, SlackUpdate, Started } from "./replies-child.js";

const SECRET = "bench-signing-secret";
const APP_ID = "11111111-2222-3333-4444-555555555555";
const PASSWORD = "bench-app-password";
const RATE = 100;
const PEOPLE = 100;
/** As many actions as a prompt card shows, so every answer shows on the card it was pressed on. */
const PER_CARD = 6;
/** Presses sent one at a time before anything is measured, each on an action of its own. */
const WARMUP = 20;
/** Presses then sent one at a time and measured, each waited for to the end (the card updated, all work done). */
const ALONE = 50;
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
          // BENCH_TROUBLE=1 prints each in full, with its stack.
          if (process.env.BENCH_TROUBLE) process.stderr.write(String(chunk) + "\n");
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

/** Talks to bench/replies-child.ts: the fakes, and the people pressing, in a process of their own. */
class Child {
  private readonly child: ChildProcess;
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor() {
    this.child = fork(join(dirname(fileURLToPath(import.meta.url)), "replies-child.ts"), [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    this.child.on("message", (m: { id: number; value?: unknown; error?: string }) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.error !== undefined) w?.reject(new Error(`replies child: ${m.error}`));
      else w?.resolve(m.value);
    });
    this.child.once("exit", (code) => {
      for (const w of this.waiting.values()) w.reject(new Error(`replies child exited (${code})`));
      this.waiting.clear();
    });
  }

  ask(request: Extract<ChildRequest, { op: "start" }>): Promise<Started>;
  ask(request: Extract<ChildRequest, { op: "one" }>): Promise<PressResult>;
  ask(request: Extract<ChildRequest, { op: "fire" }>): Promise<{ results: PressResult[]; startAt: number; callsFrom: number }>;
  ask(request: Extract<ChildRequest, { op: "updates" }>): Promise<SlackUpdate[]>;
  ask(request: Extract<ChildRequest, { op: "close" }>): Promise<null>;
  ask(request: ChildRequest): Promise<unknown> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ ...request, id });
    });
  }
}

/** Requests answered a second over the run: from the first scheduled send to the last answer. */
const served = (results: PressResult[]) => (results.length * 1000) / Math.max(...results.map((r, i) => i * (1000 / RATE) + r.ms));

/** CPU time (user and system, every thread) this process spent since `from`, ms. */
function cpuSince(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1000;
}

const load = () => os.loadavg()[0]!.toFixed(1);

/** Clock ticks a second in /proc (USER_HZ, 100 on Linux). */
const TICKS = 100;

/**
 * CPU the PostgreSQL server spent on this store's connections, ms so far, by backend process (read
 * from /proc: the server runs on this machine in the bench). Null where that cannot be read.
 */
async function serverCpu(rig: Rig): Promise<Map<number, number> | null> {
  if (rig.store.provider !== "postgresql") return null;
  try {
    const pids = await rig.store.db.$queryRawUnsafe<{ pid: number }[]>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`);
    const cpu = new Map<number, number>();
    for (const { pid } of pids) {
      // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      cpu.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS);
    }
    return cpu;
  } catch {
    return null;
  }
}

/** ", PostgreSQL's server 2.1 ms" for the CPU its backends spent a press since `from`, or nothing. */
async function serverCpuSince(rig: Rig, from: Map<number, number> | null, presses: number): Promise<string> {
  const now = await serverCpu(rig);
  if (!from || !now) return "";
  let ms = 0;
  for (const [pid, at] of now) ms += at - (from.get(pid) ?? 0);
  return `, PostgreSQL's server ${(ms / presses).toFixed(1)} ms`;
}

interface Rig {
  store: TestStore;
  /** SQL statements run so far, by anyone in the process. */
  queries: { n: number; shown: string[] | null };
  child: Child;
  connectorUrl: string;
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
  const queries = { n: 0, shown: null as string[] | null };
  const store = await freshStore(provider, {
    onQuery: (sql) => {
      queries.n += 1;
      queries.shown?.push(sql.replace(/\s+/g, " ").slice(0, 200));
    },
  });
  const child = new Child();
  const slackUser = (i: number) => `U${String(i).padStart(7, "0")}`;
  const fakes = await child.ask({
    op: "start",
    appId: APP_ID,
    password: PASSWORD,
    slackSecret: SECRET,
    slackUsers: Array.from({ length: PEOPLE }, (_, i) => ({ id: slackUser(i), realName: `Slack person ${i}`, locale: "en-GB" })),
  });
  const trouble = new Trouble();
  const background = new Background(trouble.log);
  const deps: ConversationDeps = { store, log: trouble.log, channels: {}, later: background.run, pacer: NO_LIMITS };
  // Teams as in production: every activity's token checked against the channel's published keys.
  const auth = new ConfigurationBotFrameworkAuthentication(fakes.auth, credentialsFactory(APP_ID, PASSWORD, fakes.loginUrl));
  const teams = createTeams({ config: { appId: APP_ID, appPassword: PASSWORD, appType: "MultiTenant", tenantId: null }, auth, deps, now: () => NOW });
  const slack = await createSlack({ config: { botToken: fakes.slack.token, signingSecret: SECRET, appToken: null, apiUrl: fakes.slack.url }, deps, now: () => NOW });
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
      const reference = { user: teamsUser, bot: BOT, conversation: { id: `a:bench-chat-${i}`, conversationType: "personal", tenantId: TENANT }, channelId: "msteams", locale: "en-GB", serviceUrl: fakes.connectorUrl };
      rows.people.push({
        id: personId,
        name: platform === "teams" ? teamsUser.name : `Slack person ${i}`,
        locale: "en-GB",
        isAdmin: false,
        teamsUserId: platform === "teams" ? teamsUser.id : null,
        teamsTenantId: platform === "teams" ? TENANT : null,
        teamsConversation: platform === "teams" ? JSON.stringify(reference) : null,
        slackUserId: platform === "slack" ? slackUser(i) : null,
        slackTeamId: platform === "slack" ? fakes.slack.teamId : null,
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
    child,
    connectorUrl: fakes.connectorUrl,
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
      await child.ask({ op: "close" });
      await store.drop();
    },
  };
}

const onTrack = (p: Press): AnswerPayload => ({ v: 1, m: p.messageId, a: p.actionId, k: "on_track" });

/** What a run measured, for its line. */
interface Figures {
  latencies: number[];
  failed: number;
  presses: number;
  recorded: number;
  statements: number;
  cpuMs: number;
  /** ", PostgreSQL's server … ms" (its CPU a press at 100 a second), or "". */
  serverCpu: string;
  aloneMs: number[];
  aloneCpuMs: number;
  served: number;
  loadBefore: string;
  eventLoop: string;
  extra: string;
}

function report(platform: string, provider: Provider, f: Figures): void {
  console.log(
    `replies ${platform} ${provider}: p50 ${ms(percentile(f.latencies, 50))} ms, p99 ${ms(percentile(f.latencies, 99))} ms (target under 50) at ${RATE} a second, ` +
      `${f.failed} failed (target 0); CPU a press ${f.cpuMs.toFixed(1)} ms at ${RATE} a second and ${f.aloneCpuMs.toFixed(1)} ms one at a time (Chaser's process alone)${f.serverCpu}; ` +
      `one at a time p50 ${ms(percentile(f.aloneMs, 50))} ms; ${f.statements.toFixed(1)} SQL statements a press ` +
      `(${f.presses} presses${f.recorded !== f.presses ? `, ${f.recorded} answers recorded` : ""}; served ${f.served.toFixed(0)} a second${f.eventLoop}${f.extra}; load average ${f.loadBefore} before, ${load()} after)`,
  );
}

/** Presses sent one at a time, each waited for until all its work is done; their latencies and the CPU each took. */
async function alone(rig: Rig, presses: ChildPress[], settle: () => Promise<void>): Promise<{ ms: number[]; cpuMs: number }> {
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  for (const [i, press] of presses.entries()) {
    // BENCH_SQL=1 prints the statements one press runs, the last of the run.
    if (process.env.BENCH_SQL && i === presses.length - 1) rig.queries.shown = [];
    const r = await rig.child.ask({ op: "one", url: press.kind === "teams" ? `${rig.url}/api/messages` : `${rig.url}/slack/events`, press });
    await settle();
    if (r.matched) times.push(r.ms);
  }
  if (rig.queries.shown) console.log(`${presses[0]!.kind}: ${rig.queries.shown.length} statements\n  ${rig.queries.shown.join("\n  ")}`);
  rig.queries.shown = null;
  return { ms: times, cpuMs: cpuSince(cpu0) / presses.length };
}

async function teamsRun(rig: Rig, provider: Provider): Promise<void> {
  const people = new Map((await rig.store.db.person.findMany({ where: { teamsUserId: { not: null } } })).map((p) => [p.id, p]));
  const presses: ChildPress[] = rig.teams.map((press, i) => {
    const person = people.get(press.personId)!;
    const reference = JSON.parse(person.teamsConversation!) as { user: { id: string; name: string }; conversation: Record<string, unknown> };
    const activity = {
      type: "invoke",
      name: "adaptiveCard/action",
      id: `bench-invoke-${i}`,
      channelId: "msteams",
      serviceUrl: rig.connectorUrl,
      timestamp: NOW.toISOString(),
      locale: "en-GB",
      from: reference.user,
      recipient: BOT,
      conversation: reference.conversation,
      channelData: { tenant: { id: TENANT } },
      value: { action: { type: "Action.Execute", verb: "chaser.answer", data: onTrack(press) }, trigger: "manual" },
    };
    return { kind: "teams", body: JSON.stringify(activity), expect: "Recorded: on track" };
  });
  const settle = () => rig.background.settle();
  await alone(rig, presses.slice(0, WARMUP), settle);
  const single = await profiled(`replies-teams-${provider}-alone`, () => alone(rig, presses.slice(WARMUP, WARMUP + ALONE), settle));
  const measured = presses.slice(WARMUP + ALONE);
  const run = await measuredRun(rig, `replies-teams-${provider}`, `${rig.url}/api/messages`, measured, settle);
  const recorded = (await rig.store.db.answer.count({ where: { via: "chat:teams" } })) - WARMUP - ALONE;
  report("teams", provider, {
    ...run,
    latencies: run.results.filter((r) => r.matched).map((r) => r.ms),
    failed: run.results.filter((r) => !r.matched).length,
    recorded,
    aloneMs: single.ms,
    aloneCpuMs: single.cpuMs,
    served: served(run.results),
    extra: run.trouble,
  });
}

/** What the run at 100 a second measured the same way on either platform. */
interface Run {
  results: PressResult[];
  startAt: number;
  callsFrom: number;
  presses: number;
  statements: number;
  cpuMs: number;
  serverCpu: string;
  loadBefore: string;
  eventLoop: string;
  trouble: string;
}

/**
 * Fires `presses` at 100 a second and waits for all their work: the CPU, statements and server CPU
 * a press, and how late the event loop ran (a press waits that long before it is even read).
 */
async function measuredRun(rig: Rig, name: string, url: string, presses: ChildPress[], settle: () => Promise<void>): Promise<Run> {
  rig.trouble.take();
  rig.trouble.capture();
  const loadBefore = load();
  const server0 = await serverCpu(rig);
  const q0 = rig.queries.n;
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const cpu0 = process.cpuUsage();
  const fired = await profiled(name, async () => {
    const f = await rig.child.ask({ op: "fire", url, presses, rate: RATE });
    await settle();
    return f;
  });
  const cpuMs = cpuSince(cpu0) / fired.results.length;
  delay.disable();
  const statements = (rig.queries.n - q0) / fired.results.length;
  const serverCpuMs = await serverCpuSince(rig, server0, fired.results.length);
  const lag = (p: number) => (delay.percentile(p) / 1e6).toFixed(0);
  return {
    ...fired,
    presses: fired.results.length,
    statements,
    cpuMs,
    serverCpu: serverCpuMs,
    loadBefore,
    eventLoop: `; event loop late p99 ${lag(99)} ms, at most ${(delay.max / 1e6).toFixed(0)} ms`,
    trouble: rig.trouble.take(),
  };
}

async function slackRun(rig: Rig, provider: Provider): Promise<void> {
  const [people, messages] = await Promise.all([
    rig.store.db.person.findMany({ where: { slackUserId: { not: null } } }),
    rig.store.db.chatMessage.findMany({ where: { platform: "slack", kind: "prompt" } }),
  ]);
  const userOf = new Map(people.map((p) => [p.id, p.slackUserId!]));
  const refOf = new Map(messages.map((m) => [m.id, JSON.parse(m.messageRef!) as { channel: string; ts: string }]));
  const presses: ChildPress[] = rig.slackPresses.map((press) => {
    const ref = refOf.get(press.messageId)!;
    return { kind: "slack", userId: userOf.get(press.personId)!, channel: ref.channel, ts: ref.ts, actionId: press.actionId, buttonId: `${ANSWER_ACTION}.on_track.${press.actionId}`, value: JSON.stringify(onTrack(press)) };
  });
  // One at a time: press, and the time until the chat.update showing it answered reaches the fake.
  const settle = async () => {
    await rig.slack.settle();
    await rig.background.settle();
  };
  await alone(rig, presses.slice(0, WARMUP), settle);
  const single = await profiled(`replies-slack-${provider}-alone`, () => alone(rig, presses.slice(WARMUP, WARMUP + ALONE), settle));
  const measured = rig.slackPresses.slice(WARMUP + ALONE);
  const run = await measuredRun(rig, `replies-slack-${provider}`, `${rig.url}/slack/events`, presses.slice(WARMUP + ALONE), settle);
  const { results, startAt, callsFrom } = run;

  // Bolt acknowledges at once; the answer is the chat.update showing the action recorded. Each
  // press is answered by the first update of its message, arriving after the press, that shows it
  // recorded (its buttons gone): the moment the person sees it, whichever press's update that was.
  const interval = 1000 / RATE;
  const pressIndex = new Map(measured.map((p, i) => [p.actionId, i]));
  const actionsOn = new Map(messages.map((m) => [`${refOf.get(m.id)!.channel}|${refOf.get(m.id)!.ts}`, JSON.parse(m.actionIds) as string[]]));
  const answeredAt = new Map<string, number>();
  for (const update of await rig.child.ask({ op: "updates", since: callsFrom })) {
    if (!update.ok) continue;
    for (const actionId of actionsOn.get(`${update.channel}|${update.ts}`) ?? []) {
      const i = pressIndex.get(actionId);
      if (i === undefined || update.withButtons.includes(`actions.${actionId}`) || answeredAt.has(actionId)) continue;
      if (update.at >= startAt + i * interval) answeredAt.set(actionId, update.at - (startAt + i * interval));
    }
  }
  const recorded = (await rig.store.db.answer.count({ where: { via: "chat:slack" } })) - WARMUP - ALONE;
  const acks = results.filter((r) => r.status === 200).map((r) => r.ms);
  report("slack", provider, {
    ...run,
    latencies: [...answeredAt.values()],
    failed: results.filter((r, i) => r.status !== 200 || !answeredAt.has(measured[i]!.actionId)).length,
    recorded,
    aloneMs: single.ms,
    aloneCpuMs: single.cpuMs,
    served: served(results.map((r, i) => ({ ...r, ms: answeredAt.get(measured[i]!.actionId) ?? r.ms }))),
    extra: `; latency until chat.update reaches the fake; Bolt's ack p50 ${ms(percentile(acks, 50))} ms${run.trouble}`,
  });
}

export async function benchReplies(): Promise<void> {
  // BENCH_REPLIES: presses measured at 100 a second on each platform (after 70 sent one at a time).
  const count = envSize("BENCH_REPLIES", 1000);
  // BENCH_DB=postgresql (or sqlite) measures one database only.
  for (const provider of PROVIDERS.filter((p) => !process.env.BENCH_DB || process.env.BENCH_DB === p)) {
    const rig = await startRig(provider, count + WARMUP + ALONE);
    try {
      await teamsRun(rig, provider);
      await sleep(200);
      await slackRun(rig, provider);
    } finally {
      await rig.close();
    }
  }
}
