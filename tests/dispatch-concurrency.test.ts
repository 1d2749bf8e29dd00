import { ConfigurationBotFrameworkAuthentication } from "botbuilder";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createSlack } from "../src/adapters/slack/create-slack.js";
import { createTeams } from "../src/adapters/teams/create-teams.js";
import type { Card } from "../src/conversation/card.js";
import type { ChatChannel } from "../src/conversation/chat-channel.js";
import { dispatchPending, enqueue, type Deliverer } from "../src/conversation/deliver.js";
import { Pacer } from "../src/conversation/pacer.js";
import { credentialsFactory, forgetCachedBotTokens, startFakeBotFrameworkAuth } from "./fakes/bot-framework-auth.js";
import { startFakeConnector } from "./fakes/fake-bot-connector.js";
import { startFakeSlack, type FakeSlack } from "./fakes/fake-slack-api.js";
import { SlidingWindows } from "./fakes/rate-window.js";
import { freshStore, type TestStore } from "./helpers/test-store.js";

const T0 = new Date("2026-11-23T09:30:00Z");
const log = pino({ level: "silent" });

describe("sending several at once", () => {
  let store: TestStore | undefined;
  let fake: FakeSlack | undefined;
  afterEach(async () => {
    await fake?.close();
    await store?.drop();
    fake = undefined;
    store = undefined;
  });

  it("sends concurrently across chats but never past a chat's or the app's limit, each chat in order, nothing twice or lost", async () => {
    store = await freshStore("sqlite");
    // One made-up clock for the Pacer and the platform's windows, moved on only when every sender
    // is waiting for it: what is checked is the order of sends in time, not how fast this machine is.
    let now = 0;
    const sleepers: { at: number; wake: () => void }[] = [];
    let moving = false;
    const advance = () => {
      moving = false;
      sleepers.sort((a, b) => a.at - b.at);
      if (sleepers.length === 0) return;
      now = Math.max(now, sleepers[0]!.at);
      while (sleepers.length > 0 && sleepers[0]!.at <= now) sleepers.shift()!.wake();
    };
    const clock = {
      now: () => now,
      sleep: (ms: number) =>
        new Promise<void>((wake) => {
          sleepers.push({ at: now + ms, wake });
          if (!moving) {
            moving = true;
            setImmediate(advance);
          }
        }),
    };
    // The fake connector's windows (7 a second a chat, 8 in two, 50 a second the app), checked at every send.
    const windows = new SlidingWindows(() => now);
    let refused = 0;
    let inFlight = 0;
    let mostInFlight = 0;
    const inFlightPer = new Map<string, number>();
    let mostInOneChat = 0;
    const received: { address: string; text: string }[] = [];
    const teams: ChatChannel = {
      platform: "teams",
      send: async (address: string, card: Card) => {
        if (windows.take(`chat:${address}`, [{ limit: 7, windowMs: 1000 }, { limit: 8, windowMs: 2000 }]) > 0) refused += 1;
        if (windows.take("app", [{ limit: 50, windowMs: 1000 }]) > 0) refused += 1;
        inFlight += 1;
        inFlightPer.set(address, (inFlightPer.get(address) ?? 0) + 1);
        mostInFlight = Math.max(mostInFlight, inFlight);
        mostInOneChat = Math.max(mostInOneChat, inFlightPer.get(address)!);
        // A round trip: the next send to this chat must not start before this one has answered.
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        inFlightPer.set(address, inFlightPer.get(address)! - 1);
        received.push({ address, text: card.type === "notice" ? card.text : "" });
        return { messageRef: `ref-${received.length}` };
      },
      update: async () => undefined,
    };
    const deps: Deliverer = { store, log, channels: { teams }, pacer: new Pacer(undefined, clock) };
    // Three busy chats with twelve messages each, and sixty chats with one.
    const expected: { address: string; text: string }[] = [];
    for (let i = 0; i < 12; i++) for (const chat of ["busy-a", "busy-b", "busy-c"]) expected.push({ address: chat, text: `${chat} ${i}` });
    for (let i = 0; i < 60; i++) expected.push({ address: `quiet-${i}`, text: `quiet ${i}` });
    for (const [n, m] of expected.entries()) {
      await enqueue(deps, { key: `k${n}`, kind: "notice", to: { platform: "teams", address: m.address, locale: "en-GB" }, card: () => ({ type: "notice", text: m.text }) }, new Date(T0.getTime() + n));
    }
    const results = await dispatchPending(deps, new Date(T0.getTime() + 1000));
    expect(results.map((r) => r.status)).toEqual(expected.map(() => "sent"));
    expect(refused).toBe(0);
    expect(mostInOneChat).toBe(1);
    expect(mostInFlight).toBeGreaterThan(1);
    expect([...received].sort((a, b) => a.text.localeCompare(b.text))).toEqual([...expected].sort((a, b) => a.text.localeCompare(b.text)));
    // Each chat hears its messages in the order they were recorded.
    for (const chat of ["busy-a", "busy-b", "busy-c"]) expect(received.filter((m) => m.address === chat).map((m) => m.text)).toEqual(expected.filter((m) => m.address === chat).map((m) => m.text));
    expect(await store.db.chatMessage.count({ where: { status: "sent" } })).toBe(expected.length);
  }, 60_000);

  it("keeps a Slack user's DM on the person, so a restarted process posts there without conversations.open", async () => {
    store = await freshStore("sqlite");
    fake = await startFakeSlack({ users: [{ id: "U0SAM", realName: "Sam Jones" }] });
    const sam = await store.db.person.create({ data: { name: "Sam Jones", slackUserId: "U0SAM", preferredPlatform: "slack" } });
    const start = async () => {
      const deps: Deliverer & { later: (task: () => Promise<unknown>) => void } = { store: store!, log, channels: {}, pacer: new Pacer(), later: (task) => void task() };
      const slack = await createSlack({ config: { botToken: fake!.token, signingSecret: "secret", appToken: null, apiUrl: fake!.url }, deps, clientOptions: { retryConfig: { retries: 0 } } });
      deps.channels.slack = slack.channel;
      return deps;
    };
    const opens = () => fake!.calls.filter((c) => c.method === "conversations.open").length;

    const first = await start();
    await enqueue(first, { key: "day-1", kind: "prompt", to: { person: sam }, card: () => ({ type: "notice", text: "day one" }) }, T0);
    expect(await dispatchPending(first, T0)).toMatchObject([{ status: "sent" }]);
    const dm = fake.dmChannelFor("U0SAM");
    expect(dm).toMatch(/^D/);
    expect(opens()).toBe(1);
    expect((await store.db.person.findUniqueOrThrow({ where: { id: sam.id } })).slackChannelId).toBe(dm);

    // A new process: nothing in memory, the DM read with the message it sends.
    const restarted = await start();
    const fresh = await store.db.person.findUniqueOrThrow({ where: { id: sam.id } });
    await enqueue(restarted, { key: "day-2", kind: "prompt", to: { person: fresh }, card: () => ({ type: "notice", text: "day two" }) }, T0);
    expect(await dispatchPending(restarted, T0)).toMatchObject([{ status: "sent" }]);
    expect(opens()).toBe(1);
    const posts = fake.calls.filter((c) => c.method === "chat.postMessage");
    expect(posts.map((c) => c.args.channel)).toEqual([dm, dm]);
    expect(fake.messages(dm!).map((m) => m.text)).toEqual(["day one", "day two"]);
  }, 60_000);

  it("sends Teams prompts through one connector client, made once and with one token, not one per message", async () => {
    store = await freshStore("sqlite");
    const APP_ID = "11111111-2222-3333-4444-555555555555";
    const PASSWORD = "fake-secret";
    forgetCachedBotTokens();
    const auth = await startFakeBotFrameworkAuth();
    const connector = await startFakeConnector({ requireToken: "fake", appCredentials: { appId: APP_ID, password: PASSWORD } });
    try {
      // botbuilder's real authentication, counting the clients it is asked to make.
      const real = new ConfigurationBotFrameworkAuthentication(auth.authConfiguration(APP_ID, PASSWORD, connector.loginUrl()), credentialsFactory(APP_ID, PASSWORD, connector.loginUrl()));
      const made = { connectors: 0, tokenClients: 0 };
      const counting = new Proxy(real, {
        get(target, property) {
          if (property === "createConnectorFactory")
            return (claims: Parameters<typeof real.createConnectorFactory>[0]) => {
              const factory = target.createConnectorFactory(claims);
              return { create: (serviceUrl: string, audience?: string) => ((made.connectors += 1), factory.create(serviceUrl, audience)) };
            };
          if (property === "createUserTokenClient") return (claims: Parameters<typeof real.createUserTokenClient>[0]) => ((made.tokenClients += 1), target.createUserTokenClient(claims));
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
      const deps: Deliverer = { store, log, channels: {}, pacer: new Pacer() };
      const teams = createTeams({
        config: { appId: APP_ID, appPassword: PASSWORD, appType: "MultiTenant", tenantId: null },
        deps: { ...deps, later: (task) => void task() } as Parameters<typeof createTeams>[0]["deps"],
        auth: counting,
      });
      deps.channels.teams = teams.channel;
      const address = (i: number) =>
        JSON.stringify({ user: { id: `29:person-${i}` }, bot: { id: `28:${APP_ID}`, name: "Chaser" }, conversation: { id: `a:chat-${i}`, conversationType: "personal", tenantId: "tenant" }, channelId: "msteams", serviceUrl: connector.url });
      for (let i = 0; i < 20; i++) {
        await enqueue(deps, { key: `prompt-${i}`, kind: "notice", to: { platform: "teams", address: address(i), locale: "en-GB" }, card: () => ({ type: "notice", text: `hello ${i}` }) }, T0);
      }
      const results = await dispatchPending(deps, T0);
      expect(results.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => "sent"));
      expect(new Set(connector.activities().map((a) => a.conversationId)).size).toBe(20);
      // CloudAdapter asks for both on every send; they are made once and reused.
      expect(made).toEqual({ connectors: 1, tokenClients: 1 });
      expect(connector.tokenRequests.filter((r) => r.status === 200)).toHaveLength(1);
    } finally {
      await connector.close();
      await auth.close();
      forgetCachedBotTokens();
    }
  }, 60_000);
});
