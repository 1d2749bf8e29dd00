import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebChannel } from "../src/adapters/web/web-channel.js";
import { handleEvent, type ConversationDeps } from "../src/conversation/handle-event.js";
import { Tenancy } from "../src/conversation/tenancy.js";
import { importPlan } from "../src/store/import-plan.js";
import { mapRole } from "../src/store/map-role.js";
import { decideClaim, findOrNamePerson, identifyChatUser, listClaims, openClaims, playgroundPersona, type ChatIdentity } from "../src/store/people.js";
import { parseSeed } from "./helpers/seeds.js";
import { freshStore, PROVIDERS, type TestStore } from "./helpers/test-store.js";

const NOW = new Date("2020-12-20T09:30:00Z");
const slackUser = (userId: string, name: string): ChatIdentity => ({ platform: "slack", userId, tenantId: "T0FAKE", name, locale: null });
const teamsUser = (userId: string, name: string): ChatIdentity => ({ platform: "teams", userId, tenantId: "tenant-1", name, locale: null, teamsConversation: `{"user":"${userId}"}` });
const vouched = (email: string | null) => async () => email;

describe.each(PROVIDERS)("people and how they are bound (%s)", (provider) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await freshStore(provider);
  });
  afterEach(async () => {
    await store.drop();
  });
  const bindings = (personId: string) => store.db.history.findMany({ where: { entity: "person-binding", entityId: personId } });

  it("finds a known chat user by their platform id alone, asking for no email", async () => {
    const first = await identifyChatUser(store, slackUser("U1", "Sam Jones"), vouched("sam@example.gov.uk"), NOW);
    expect(first.boundBy).toBe("new");
    let asked = false;
    const again = await identifyChatUser(store, slackUser("U1", "Sam J"), async () => ((asked = true), "other@example.gov.uk"), NOW);
    expect(again).toMatchObject({ boundBy: "id", person: { id: first.person.id, name: "Sam J", email: "sam@example.gov.uk" } });
    expect(asked).toBe(false);
    expect(await bindings(first.person.id)).toHaveLength(1);
  });

  it("binds a new chat user to the person an admin named by the email the platform vouches for, with its history", async () => {
    const { person: named } = await findOrNamePerson(store.db, "Samantha Jones", "sam@example.gov.uk");
    const teams = await identifyChatUser(store, teamsUser("29:sam", "Sam Jones"), vouched("SAM@example.gov.uk"), NOW);
    expect(teams).toMatchObject({ boundBy: "email", person: { id: named.id, name: "Samantha Jones", teamsUserId: "29:sam", teamsTenantId: "tenant-1", teamsConversation: '{"user":"29:sam"}' } });
    const slack = await identifyChatUser(store, slackUser("U1", "Sam"), vouched("sam@example.gov.uk"), NOW);
    expect(slack).toMatchObject({ boundBy: "email", person: { id: named.id, slackUserId: "U1" } });
    const history = await bindings(named.id);
    expect(history.map((h) => JSON.parse(h.after!))).toEqual([
      expect.objectContaining({ platform: "teams", userId: "29:sam", by: "email" }),
      expect.objectContaining({ platform: "slack", userId: "U1", by: "email" }),
    ]);
  });

  it("never binds by display name, nor moves an email already bound to another id on the platform", async () => {
    const { person: named } = await findOrNamePerson(store.db, "Nia Admin", null);
    const stranger = await identifyChatUser(store, slackUser("U2", "Nia Admin"), vouched(null), NOW);
    expect(stranger.boundBy).toBe("new");
    expect(stranger.person.id).not.toBe(named.id);
    expect(stranger.person.origin).toBe("slack");
    const first = await identifyChatUser(store, slackUser("U3", "Mo"), vouched("mo@example.gov.uk"), NOW);
    const second = await identifyChatUser(store, slackUser("U4", "Mo too"), vouched("mo@example.gov.uk"), NOW);
    expect(second.person.id).not.toBe(first.person.id);
    expect(second.person.email).toBeNull();
  });

  it("looks up people by name for admins only among those admins named", async () => {
    const chat = await identifyChatUser(store, slackUser("U5", "Rhys Admin"), vouched(null), NOW);
    const named = await findOrNamePerson(store.db, "Rhys Admin", null);
    expect(named.created).toBe(true);
    expect(named.person.id).not.toBe(chat.person.id);
    expect((await findOrNamePerson(store.db, "Rhys Admin", null)).person.id).toBe(named.person.id);
  });

  it("opens a claim when an admin names someone a chat user is already called, and confirming it folds the named record into the chat user's", async () => {
    await importPlan(store, await parseSeed("procurement"), { sourceDocument: "p.tsv", via: "cli", actorLabel: "test", now: NOW });
    const chat = await identifyChatUser(store, teamsUser("29:rhys", "Rhys Evans"), vouched(null), NOW);
    const mapped = await mapRole(store.db, { role: "CDAI", personName: "Rhys Evans", via: "cli", actorLabel: "test" });
    expect(mapped.claims).toBe(1);
    const named = await store.db.person.findFirstOrThrow({ where: { name: "Rhys Evans", origin: "admin" } });
    await store.db.person.update({ where: { id: named.id }, data: { isAdmin: true } });
    const [claim] = await listClaims(store.db, { status: "pending" });
    expect(claim).toMatchObject({ person: { id: named.id }, claimant: { id: chat.person.id, userId: "29:rhys", tenantId: "tenant-1" } });
    // Nothing is bound until decided.
    expect(await store.db.roleAssignment.count({ where: { personId: chat.person.id } })).toBe(0);

    const decided = await decideClaim(store.db, claim!.id, true, { personId: null, label: "cli", via: "cli" }, NOW);
    expect(decided).toMatchObject({ outcome: "confirmed", person: { id: chat.person.id, name: "Rhys Evans", isAdmin: true, origin: "admin", teamsUserId: "29:rhys" } });
    expect(await store.db.person.findUnique({ where: { id: named.id } })).toBeNull();
    expect(await store.db.roleAssignment.count({ where: { personId: chat.person.id } })).toBe(1);
    expect(await decideClaim(store.db, claim!.id, false, { personId: null, label: "cli", via: "cli" }, NOW)).toEqual({ outcome: "already", status: "confirmed" });
    expect((await bindings(chat.person.id)).map((h) => JSON.parse(h.after!).by)).toEqual(["new", "admin-confirmed"]);
  });

  it("rejects a claim without binding anything, and a claim on someone since bound is stale", async () => {
    const { person: named } = await findOrNamePerson(store.db, "Ali Khan", null);
    const a = await identifyChatUser(store, slackUser("U6", "Ali Khan"), vouched(null), NOW);
    const b = await identifyChatUser(store, teamsUser("29:ali", "Ali Khan"), vouched(null), NOW);
    const [claimA, claimB] = [...(await openClaims(store.db, a.person, [named], NOW)), ...(await openClaims(store.db, b.person, [named], NOW))];
    expect(await openClaims(store.db, a.person, [named], NOW)).toEqual([]);
    expect(await decideClaim(store.db, claimA!, false, { personId: null, label: "cli", via: "cli" }, NOW)).toEqual({ outcome: "rejected" });
    expect(await store.db.person.findUniqueOrThrow({ where: { id: named.id } })).toMatchObject({ slackUserId: null, teamsUserId: null });
    await store.db.person.update({ where: { id: named.id }, data: { email: "ali@example.gov.uk" } });
    expect(await decideClaim(store.db, claimB!, true, { personId: null, label: "cli", via: "cli" }, NOW)).toEqual({ outcome: "stale" });
    expect(await store.db.history.count({ where: { entity: "person-claim" } })).toBe(4);
  });

  it("keeps playground personas apart from real people, whatever their names", async () => {
    const { person: real } = await findOrNamePerson(store.db, "Nia Admin", "nia@example.gov.uk");
    await store.db.person.update({ where: { id: real.id }, data: { isAdmin: true } });
    const persona = await playgroundPersona(store.db, "Nia Admin", null);
    expect(persona.id).not.toBe(real.id);
    expect(persona).toMatchObject({ origin: "playground", webUserId: "Nia Admin", email: null, isAdmin: false, teamsUserId: null, slackUserId: null });
    expect((await playgroundPersona(store.db, "Nia Admin", "cy")).id).toBe(persona.id);
  });
});

describe.each(PROVIDERS)("answers from several owners (%s)", (provider) => {
  let store: TestStore;
  let deps: ConversationDeps;
  beforeEach(async () => {
    store = await freshStore(provider);
    deps = { store, log: pino({ level: "silent" }), channels: { web: new WebChannel(() => NOW) }, later: () => undefined, tenancy: new Tenancy({ teamsTenants: [], anyTeamsTenant: false, slackTeams: [] }) };
    await importPlan(store, await parseSeed("procurement"), { sourceDocument: "p.tsv", via: "cli", actorLabel: "test", now: new Date("2020-12-01T09:00:00Z") });
    for (const name of ["Sam Jones", "Jo Cover"]) await mapRole(store.db, { role: "CDAI", personName: name, via: "cli", actorLabel: "test", playground: true });
  });
  afterEach(async () => {
    await store.drop();
  });

  it("records a second owner's identical answer as theirs, not as a repeat", async () => {
    const { id } = await store.db.action.findFirstOrThrow({ where: { key: "2.6" } });
    const payload = { v: 1, m: null, a: id, k: "note", r: "Met the supplier" };
    const press = (name: string) => handleEvent(deps, { type: "answer", user: { platform: "web", userId: name }, deliveryId: "web", payload, inputs: {}, inline: false }, NOW);
    expect((await press("Sam Jones")).reply).toMatchObject({ text: expect.stringMatching(/^Recorded/) });
    expect((await press("Jo Cover")).reply).toMatchObject({ text: expect.stringMatching(/^Recorded/) });
    expect((await press("Jo Cover")).reply).toMatchObject({ text: expect.stringMatching(/already recorded/) });
    const answers = await store.db.answer.findMany({ where: { actionId: id }, include: { person: true } });
    expect(answers.map((a) => a.person.name).sort()).toEqual(["Jo Cover", "Sam Jones"]);
  });

  it("refuses Teams tenants and Slack workspaces not allowed, before anyone is looked up or stored", async () => {
    const before = await store.db.person.count();
    const teams = await handleEvent(deps, { type: "text", user: { platform: "teams", userId: "29:x", tenantId: "other-tenant", name: "Sam Jones" }, deliveryId: "1", text: "pause" }, NOW);
    const slack = await handleEvent(deps, { type: "text", user: { platform: "slack", userId: "U9", name: "Sam Jones" }, deliveryId: "2", text: "pause" }, NOW);
    expect(teams.reply).toMatchObject({ text: expect.stringMatching(/^Chaser is not available to your organisation/) });
    expect(slack.reply).toMatchObject({ text: expect.stringMatching(/^Chaser is not available to your organisation/) });
    expect(await store.db.person.count()).toBe(before);
    deps.tenancy = new Tenancy({ teamsTenants: ["Other-Tenant"], anyTeamsTenant: false, slackTeams: [] });
    const allowed = await handleEvent(deps, { type: "text", user: { platform: "teams", userId: "29:x", tenantId: "other-tenant", name: "Sam Jones" }, deliveryId: "3", text: "help" }, NOW);
    expect(allowed.reply).toMatchObject({ text: expect.stringMatching(/^I chase/) });
  });
});
