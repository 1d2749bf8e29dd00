import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../src/cli.js";
import { openStore } from "../src/store/open-store.js";
import { SEEDS, SEED_FILES } from "./helpers/seeds.js";

describe("admin commands", () => {
  let dir: string;
  let out: string[];
  let err: string[];
  const run = (...argv: string[]) =>
    runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), now: () => new Date("2020-12-21T10:00:00Z"), env: { DATABASE_URL: `file:${join(dir, "chaser.db")}` } });
  const db = async () => openStore({ provider: "sqlite", file: join(dir, "chaser.db") }, { migrate: false });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "chaser-admin-"));
    out = [];
    err = [];
    expect(await run("import", resolve(SEEDS, SEED_FILES.procurement), "--plan", "Procurement review")).toBe(0);
    out = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("changes the schedule, refusing settings that are not valid and keeping the old ones", async () => {
    expect(await run("settings", "promptTime=09:00", "holidayRegion=scotland", "--json")).toBe(0);
    expect(JSON.parse(out.join("\n"))).toMatchObject({ promptTime: "09:00", holidayRegion: "scotland", digestTime: "08:30" });
    expect(await run("settings", "promptTime=25:00")).toBe(1);
    expect(err.at(-1)).toMatch(/^Those settings are not valid: promptTime: must be a 24-hour time/);
    out = [];
    expect(await run("settings")).toBe(0);
    expect(out.join("\n")).toMatch(/^Schedule of Chaser \(every plan\):\npromptTime: 09:00\n/);
    expect(await run("settings", "--plan", "procurement-review", "dueSoonDays=21")).toBe(0);
    const store = await db();
    expect(JSON.parse((await store.db.plan.findFirstOrThrow()).settings)).toEqual({ dueSoonDays: 21 });
    expect(await store.db.history.count({ where: { entity: "settings" } })).toBe(2);
    await store.close();
  });

  it("lists and decides claims: someone named without an email is bound to a chat user only when an admin confirms", async () => {
    let store = await db();
    const chat = await store.db.person.create({ data: { name: "Nia Admin", slackUserId: "U0NIA", slackTeamId: "T0FAKE", origin: "slack" } });
    await store.close();
    expect(await run("admin", "Nia Admin")).toBe(0);
    expect(out).toEqual(["Nia Admin is now an admin of Chaser.\n1 chat user(s) already called Nia Admin may be them: see npx chaser claim."]);
    out = [];
    expect(await run("claim")).toBe(0);
    const [row] = out;
    const id = row!.split(/\s+/)[0]!;
    expect(row).toBe(`${id}  waiting  Nia Admin ← Nia Admin on slack (U0NIA, T0FAKE)`);
    store = await db();
    expect(await store.db.person.findUniqueOrThrow({ where: { id: chat.id } })).toMatchObject({ isAdmin: false });
    await store.close();
    expect(await run("claim", id, "--confirm", "--reject")).toBe(2);
    expect(await run("claim", "nope", "--confirm")).toBe(1);
    expect(await run("claim", id, "--confirm")).toBe(0);
    store = await db();
    expect(await store.db.person.findUniqueOrThrow({ where: { id: chat.id } })).toMatchObject({ isAdmin: true, slackUserId: "U0NIA", origin: "admin" });
    expect(await store.db.person.count({ where: { name: "Nia Admin" } })).toBe(1);
    expect(await store.db.history.count({ where: { entity: { in: ["person-claim", "person-binding"] } } })).toBe(3);
    await store.close();
    expect(await run("claim", id, "--reject")).toBe(1);
    out = [];
    expect(await run("claim")).toBe(0);
    expect(out).toEqual(["No requests are waiting to be confirmed."]);
  });

  it("pauses and resumes the schedule", async () => {
    expect(await run("pause")).toBe(0);
    const store = await db();
    expect(JSON.parse((await store.db.appSetting.findUniqueOrThrow({ where: { key: "schedule" } })).value)).toEqual({ paused: true });
    expect(await run("resume")).toBe(0);
    expect(JSON.parse((await store.db.appSetting.findUniqueOrThrow({ where: { key: "schedule" } })).value)).toEqual({ paused: false });
    await store.close();
  });

  it("subscribes a channel to a plan's digest, once, and refuses unknown plans and platforms", async () => {
    expect(await run("subscribe", "--plan", "procurement-review", "--platform", "slack", "--address", "C0123", "--name", "#leadership")).toBe(0);
    expect(out.at(-1)).toBe("This channel will get the weekly digest for Procurement review, on Mondays at 08:30. It will come in English.");
    expect(await run("subscribe", "--plan", "procurement-review", "--platform", "slack", "--address", "C0123", "--locale", "cy")).toBe(0);
    expect(await run("subscribe", "--plan", "nope", "--platform", "slack", "--address", "C0123")).toBe(1);
    expect(await run("subscribe", "--plan", "procurement-review", "--platform", "email", "--address", "x")).toBe(2);
    const store = await db();
    expect(await store.db.digestSubscription.findMany()).toMatchObject([{ platform: "slack", address: "C0123", locale: "cy" }]);
    await store.close();
  });

  it("makes admins and sets cover", async () => {
    expect(await run("admin", "Alex Admin", "--email", "alex@example.gov.uk")).toBe(0);
    expect(await run("admin", "Pat Planner", "--plan", "procurement-review")).toBe(0);
    expect(await run("delegate", "Alex Admin", "--to", "Pat Planner", "--until", "2021-01-31")).toBe(0);
    expect(out.at(-1)).toBe("Pat Planner now covers for Alex Admin until 31/01/2021.");
    expect(await run("delegate", "Nobody", "--to", "Pat Planner")).toBe(1);
    expect(await run("delegate", "Alex Admin", "--to", "Pat Planner", "--until", "next week")).toBe(2);
    const store = await db();
    expect(await store.db.person.findFirstOrThrow({ where: { name: "Alex Admin" } })).toMatchObject({ isAdmin: true, email: "alex@example.gov.uk" });
    expect(await store.db.planAdmin.count()).toBe(1);
    expect(await store.db.delegation.findMany()).toMatchObject([{ until: "2021-01-31" }]);
    await store.close();
  });

  it("lists what is waiting or failed in the outbox", async () => {
    expect(await run("outbox")).toBe(0);
    expect(out.at(-1)).toBe("Every message has been delivered.");
    const store = await db();
    await store.db.chatMessage.create({ data: { key: "prompt:x", kind: "prompt", platform: "slack", address: "U1", status: "failed", attempts: 5, lastError: "ratelimited" } });
    await store.close();
    expect(await run("outbox", "--failed", "--json")).toBe(0);
    expect(JSON.parse(out.at(-1)!)).toMatchObject({ messages: [{ key: "prompt:x", status: "failed", attempts: 5, lastError: "ratelimited" }], unreachable: [] });
  });
});
