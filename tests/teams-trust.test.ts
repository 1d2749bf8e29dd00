/**
 * Who may speak to Chaser on Teams, end to end through botbuilder on loopback: the roster vouches
 * for emails, a display name binds nothing, other tenants are refused, forged tokens record nothing
 * and are answered without botbuilder's internal error text.
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { ConfigurationBotFrameworkAuthentication } from "botbuilder";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTeams, type BotFrameworkAuthentication } from "../src/adapters/teams/create-teams.js";
import type { TeamsConfig } from "../src/config/load-config.js";
import { Background } from "../src/conversation/background.js";
import type { ConversationDeps } from "../src/conversation/handle-event.js";
import { Tenancy } from "../src/conversation/tenancy.js";
import { SCHEDULE_SETTING } from "../src/schedule/scheduler.js";
import { findOrNamePerson } from "../src/store/people.js";
import { startServer } from "../src/web/start-server.js";
import { createSigningKey, credentialsFactory, forgetCachedBotTokens, startFakeBotFrameworkAuth, type FakeBotFrameworkAuth } from "./fakes/bot-framework-auth.js";
import { startFakeConnector, type FakeConnector, type TeamsMember } from "./fakes/fake-bot-connector.js";
import { freshStore, PROVIDERS, type TestStore } from "./helpers/test-store.js";

const NOW = new Date("2020-12-20T09:30:00Z");
const TENANT = "11111111-2222-4333-8444-555555555555";
const OTHER_TENANT = "99999999-8888-4777-8666-555555555555";
const BOT = { id: "28:chaser-bot", name: "Chaser" };
const ALICE: TeamsMember = { id: "29:alice", name: "Alice Admin", email: "alice.admin@example.gov.uk", userPrincipalName: "alice.admin@example.gov.uk", tenantId: TENANT };
/** Same tenant, Alice's display name, their own email. */
const MALLORY: TeamsMember = { id: "29:mallory", name: "Alice Admin", email: "mallory@example.gov.uk", userPrincipalName: "mallory@example.gov.uk", tenantId: TENANT };
/** Another tenant, Alice's display name and even her email as a UPN there. */
const OSCAR: TeamsMember = { id: "29:oscar", name: "Alice Admin", userPrincipalName: "alice.admin@example.gov.uk", tenantId: OTHER_TENANT };
const AUTH_OFF: TeamsConfig = { appId: "", appPassword: null, appType: "MultiTenant", tenantId: null };
const silent = pino({ level: "silent" });
type Json = Record<string, any>;

interface Rig {
  store: TestStore;
  connector: FakeConnector;
  background: Background;
  url: string;
  close(): Promise<void>;
}

async function startRig(provider: (typeof PROVIDERS)[number], options: { config?: TeamsConfig; connector?: Parameters<typeof startFakeConnector>[0]; auth?: (connector: FakeConnector) => BotFrameworkAuthentication } = {}): Promise<Rig> {
  const store = await freshStore(provider);
  const connector = await startFakeConnector({ members: [ALICE, MALLORY, OSCAR], ...options.connector });
  const background = new Background(silent);
  const channels: ConversationDeps["channels"] = {};
  const deps: ConversationDeps = { store, log: silent, channels, later: background.run, tenancy: new Tenancy({ teamsTenants: [TENANT], anyTeamsTenant: false, slackTeams: [] }) };
  const auth = options.auth?.(connector);
  const teams = createTeams({ config: options.config ?? AUTH_OFF, deps, now: () => NOW, ...(auth ? { auth } : {}) });
  channels.teams = teams.channel;
  const server: Server = await startServer(0, { store, log: silent, locale: "en-GB", now: () => NOW, routes: teams.routes });
  return {
    store,
    connector,
    background,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`,
    async close() {
      await background.settle();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await connector.close();
      await store.drop();
    },
  };
}

let sequence = 0;
const chatWith = (member: TeamsMember) => `a:chat-${member.id}`;
function activity(rig: Rig, member: TeamsMember, fields: Json): Json {
  const tenant = member.tenantId ?? TENANT;
  return {
    type: "message",
    id: `activity-${++sequence}`,
    channelId: "msteams",
    serviceUrl: rig.connector.url,
    timestamp: NOW.toISOString(),
    locale: "en-GB",
    from: { id: member.id, name: member.name },
    recipient: BOT,
    conversation: { id: chatWith(member), conversationType: "personal", tenantId: tenant },
    channelData: { tenant: { id: tenant } },
    ...fields,
  };
}
async function post(rig: Rig, body: unknown, token?: string): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const response = await fetch(rig.url, { method: "POST", headers, body: JSON.stringify(body) });
  return { status: response.status, text: await response.text() };
}
const install = (rig: Rig, member: TeamsMember) => post(rig, activity(rig, member, { type: "conversationUpdate", membersAdded: [{ id: member.id }] }));
const say = (rig: Rig, member: TeamsMember, text: string) => post(rig, activity(rig, member, { text }));
const wordsTo = (rig: Rig, member: TeamsMember): string =>
  rig.connector
    .activities(chatWith(member))
    .map((a) => JSON.stringify(a.activity.attachments ?? a.activity.text ?? ""))
    .join("\n");
const paused = async (rig: Rig) => JSON.parse((await rig.store.db.appSetting.findUnique({ where: { key: SCHEDULE_SETTING } }))?.value ?? "{}").paused ?? false;

describe.each(PROVIDERS)("who may speak to Chaser on Teams (%s)", (provider) => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig(provider);
    const { person } = await findOrNamePerson(rig.store.db, "Alice Admin", ALICE.email!);
    await rig.store.db.person.update({ where: { id: person.id }, data: { isAdmin: true } });
    expect((await install(rig, ALICE)).status).toBe(200);
    await rig.background.settle();
  });
  afterEach(async () => {
    await rig.close();
  });

  it("binds Alice by the email the roster vouches for (GET members), with its history", async () => {
    const alice = await rig.store.db.person.findUniqueOrThrow({ where: { email: ALICE.email! } });
    expect(alice).toMatchObject({ teamsUserId: ALICE.id, teamsTenantId: TENANT, isAdmin: true });
    expect(rig.connector.requests.some((r) => r.method === "GET" && r.path.includes(`/members/${encodeURIComponent(ALICE.id)}`))).toBe(true);
    expect(await rig.store.db.history.count({ where: { entity: "person-binding", entityId: alice.id } })).toBe(1);
  });

  it("does not take someone in the same tenant with Alice's display name for her: refused, nothing changed, Alice told", async () => {
    const before = await rig.store.db.person.findUniqueOrThrow({ where: { teamsUserId: ALICE.id } });
    expect((await install(rig, MALLORY)).status).toBe(200);
    expect((await say(rig, MALLORY, "pause")).status).toBe(200);
    expect((await say(rig, MALLORY, "map CDAI to mallory@example.gov.uk")).status).toBe(200);
    await rig.background.settle();
    expect(await paused(rig)).toBe(false);
    expect(await rig.store.db.person.findUniqueOrThrow({ where: { teamsUserId: ALICE.id } })).toEqual(before);
    expect(await rig.store.db.person.findUniqueOrThrow({ where: { teamsUserId: MALLORY.id } })).toMatchObject({ name: "Alice Admin", email: MALLORY.email, isAdmin: false });
    expect(wordsTo(rig, MALLORY)).toContain("Only Chaser's admins can do that");
    expect(wordsTo(rig, ALICE)).toContain(`Someone new on Teams calls themselves Alice Admin (Teams ${MALLORY.id} (tenant ${TENANT}), ${MALLORY.email})`);
  });

  it("refuses someone from another tenant, even with Alice's name and email, stores nothing of them, and tells Alice", async () => {
    expect((await install(rig, OSCAR)).status).toBe(200);
    expect((await say(rig, OSCAR, "pause")).status).toBe(200);
    await rig.background.settle();
    expect(await paused(rig)).toBe(false);
    expect(await rig.store.db.person.findUnique({ where: { teamsUserId: OSCAR.id } })).toBeNull();
    expect(await rig.store.db.person.count()).toBe(1);
    expect(wordsTo(rig, OSCAR)).toContain("Chaser is not available to your organisation.");
    expect(wordsTo(rig, ALICE)).toContain(`an organisation it does not serve (${OTHER_TENANT})`);
  });
});

describe.each(PROVIDERS)("forged Teams tokens (%s)", (provider) => {
  const APP_ID = "11111111-2222-3333-4444-555555555555";
  const PASSWORD = "fake-secret";
  let rig: Rig;
  let auth: FakeBotFrameworkAuth;
  beforeEach(async () => {
    forgetCachedBotTokens();
    auth = await startFakeBotFrameworkAuth();
    rig = await startRig(provider, {
      config: { appId: APP_ID, appPassword: PASSWORD, appType: "MultiTenant", tenantId: null, tenants: [TENANT] },
      connector: { requireToken: "fake", appCredentials: { appId: APP_ID, password: PASSWORD } },
      auth: (connector) => new ConfigurationBotFrameworkAuthentication(auth.authConfiguration(APP_ID, PASSWORD, connector.loginUrl()), credentialsFactory(APP_ID, PASSWORD, connector.loginUrl())),
    });
    vi.spyOn(console, "error").mockImplementation(() => undefined);
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await rig.close();
    await auth.close();
    forgetCachedBotTokens();
  });

  it("accepts none of 200 forged tokens, records nothing, and answers each with a bare code", async () => {
    const sign = (o: Partial<Parameters<FakeBotFrameworkAuth["signChannelToken"]>[0]> = {}) => auth.signChannelToken({ appId: APP_ID, serviceUrl: rig.connector.url, ...o });
    const strangerKey = createSigningKey();
    const forgedUnderKid = createSigningKey(auth.key.kid);
    const forgeries: (() => string | undefined)[] = [
      () => undefined,
      () => "not-a-jwt",
      () => sign({ expiresInSeconds: -600 }),
      () => sign({ appId: "someone-else" }),
      () => sign({ serviceUrl: "https://smba.trafficmanager.net/uk/" }),
      () => sign({ issuer: "https://evil.example" }),
      () => sign({ key: strangerKey }),
      () => sign({ key: forgedUnderKid }),
    ];
    const bodies = new Set<string>();
    for (let start = 0; start < 200; start += 20) {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, j) => {
          const i = start + j;
          const body = i % 2 === 0 ? activity(rig, ALICE, { text: "pause" }) : activity(rig, ALICE, { type: "conversationUpdate", membersAdded: [{ id: ALICE.id }] });
          return post(rig, body, forgeries[i % forgeries.length]!());
        }),
      );
      for (const r of results) {
        expect(r.status).toBe(401);
        bodies.add(r.text);
      }
    }
    // botbuilder's own words ("Unauthorized: …", stack details) never reach the caller.
    expect([...bodies]).toEqual(['{"error":"unauthorized"}']);
    await rig.background.settle();
    expect(await rig.store.db.person.count()).toBe(0);
    expect(await rig.store.db.history.count()).toBe(0);
    expect(await paused(rig)).toBe(false);
    expect(rig.connector.activities()).toEqual([]);
  });
});
