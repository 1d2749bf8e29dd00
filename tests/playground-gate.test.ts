/**
 * The playground is a local tool: on a loopback HOST it is open; on any other address it is off
 * unless CHASER_PLAYGROUND_SECRET is set, and then every playground request needs the secret.
 * The server here really listens on 0.0.0.0 with the configuration loadConfig gives for it.
 */
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isLoopback } from "../src/config/is-loopback.js";
import { ConfigError, loadConfig, type PlaygroundAccess } from "../src/config/load-config.js";
import { SESSION_COOKIE } from "../src/web/playground-gate.js";
import { SEEDS, SEED_FILES } from "./helpers/seeds.js";
import { startPlayground } from "./helpers/playground-server.js";
import { freshStore, type TestStore } from "./helpers/test-store.js";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

const SECRET = "correct horse battery staple 42";
const NOW = new Date("2020-12-20T09:30:00Z");
const log = pino({ level: "silent" });

/** Every playground request there is, with a body where it takes one. */
const PLAYGROUND: { method: string; path: string; body?: string }[] = [
  { method: "GET", path: "/" },
  { method: "GET", path: "/api/plans" },
  { method: "GET", path: "/api/plans/procurement/actions" },
  { method: "POST", path: "/api/import?file=procurement.tsv", body: readFileSync(resolve(SEEDS, SEED_FILES.procurement), "utf8") },
  { method: "GET", path: "/api/chat/Sam%20Jones" },
  { method: "POST", path: "/api/chat/Sam%20Jones/hello", body: "{}" },
  { method: "POST", path: "/api/chat/Sam%20Jones/say", body: JSON.stringify({ text: "pause" }) },
  { method: "POST", path: "/api/chat/Sam%20Jones/press", body: JSON.stringify({ answer: { v: 1, m: null, a: "x", k: "on_track" } }) },
  { method: "POST", path: "/api/chat/Sam%20Jones/prompt", body: "{}" },
  { method: "POST", path: "/api/chat/Sam%20Jones/digest", body: "{}" },
  { method: "GET", path: "/api/roles" },
  { method: "POST", path: "/api/roles/map", body: JSON.stringify({ role: "CDAI", person: "Sam Jones" }) },
  { method: "POST", path: "/playground/sign-in", body: "secret=guess" },
  { method: "GET", path: "/no/such/page" },
];

const serve = (store: TestStore, access: PlaygroundAccess, host: string, connected?: { teams: boolean; slack: boolean }) => startPlayground(store, log, NOW, { access, host, connected });

/** What was stored: nothing may change through a refused request. */
const stored = async (store: TestStore) => ({
  plans: await store.db.plan.count(),
  people: await store.db.person.count(),
  history: await store.db.history.count(),
  settings: await store.db.appSetting.count(),
  subscriptions: await store.db.digestSubscription.count(),
});

describe("configuration decides who may use the playground", () => {
  it("is open on a loopback HOST, off elsewhere, and needs the secret wherever one is set", () => {
    expect(loadConfig({}).playground).toEqual({ mode: "open" });
    for (const host of ["127.0.0.1", "127.0.1.1", "localhost", "::1", "[::1]"]) expect(loadConfig({ HOST: host }).playground, host).toEqual({ mode: "open" });
    for (const host of ["0.0.0.0", "::", "192.168.1.10", "chaser.example.gov.uk", "10.0.0.127"]) expect(loadConfig({ HOST: host }).playground, host).toEqual({ mode: "off" });
    expect(loadConfig({ HOST: "0.0.0.0", CHASER_PLAYGROUND_SECRET: SECRET }).playground).toEqual({ mode: "secret", secret: SECRET });
    expect(loadConfig({ CHASER_PLAYGROUND_SECRET: SECRET }).playground).toEqual({ mode: "secret", secret: SECRET });
    expect(isLoopback("127.evil.example")).toBe(false);
  });

  it("refuses a secret too short to be one, naming the variable", () => {
    expect(() => loadConfig({ CHASER_PLAYGROUND_SECRET: "hunter2" })).toThrow(ConfigError);
    expect(() => loadConfig({ CHASER_PLAYGROUND_SECRET: "hunter2" })).toThrow(/CHASER_PLAYGROUND_SECRET: at least 16 characters/);
  });
});

describe("the playground on a non-loopback address", () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await freshStore("sqlite");
  });
  afterAll(async () => {
    await store?.drop();
  });

  it("without the secret, refuses every playground route and changes nothing; health checks still answer", async () => {
    const config = loadConfig({ HOST: "0.0.0.0" });
    const { base, close } = await serve(store, config.playground, config.host);
    try {
      const before = await stored(store);
      for (const r of PLAYGROUND) {
        const res = await fetch(base + r.path, { method: r.method, ...(r.body ? { body: r.body } : {}) });
        expect(res.status, `${r.method} ${r.path}`).toBe(403);
        expect(await res.json(), `${r.method} ${r.path}`).toMatchObject({ error: "playground_off", message: expect.stringContaining("CHASER_PLAYGROUND_SECRET") });
      }
      expect(await stored(store)).toEqual(before);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
    } finally {
      await close();
    }
  });

  it("with the secret, accepts a playground request only with it: a bearer token, or the cookie the sign-in form sets", async () => {
    const config = loadConfig({ HOST: "0.0.0.0", CHASER_PLAYGROUND_SECRET: SECRET });
    const { base, close } = await serve(store, config.playground, config.host, { teams: false, slack: true });
    try {
      const before = await stored(store);
      for (const r of PLAYGROUND) {
        for (const headers of [{}, { authorization: "Bearer wrong-secret-wrong-secret" }, { cookie: `${SESSION_COOKIE}=forged` }] as Record<string, string>[]) {
          const res = await fetch(base + r.path, { method: r.method, headers, redirect: "manual", ...(r.body ? { body: r.body } : {}) });
          expect(res.status, `${r.method} ${r.path} ${JSON.stringify(headers)}`).toBe(401);
        }
      }
      expect(await stored(store)).toEqual(before);
      // The page without a session is the sign-in form, not the playground.
      const form = await (await fetch(`${base}/`)).text();
      expect(form).toContain('action="/playground/sign-in"');
      expect(form).toContain('type="password"');
      expect(form).not.toContain("/api/chat/");

      // Scripts: the secret as a bearer token.
      const bearer = { authorization: `Bearer ${SECRET}` };
      const imported = await fetch(`${base}/api/import?file=procurement.tsv`, { method: "POST", headers: bearer, body: readFileSync(resolve(SEEDS, SEED_FILES.procurement), "utf8") });
      expect(imported.status).toBe(200);
      expect(await store.db.plan.count()).toBe(1);

      // Browsers: the sign-in form. A wrong secret is told so; the right one sets an HttpOnly cookie.
      const wrong = await fetch(`${base}/playground/sign-in`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "secret=nope", redirect: "manual" });
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get("set-cookie")).toBeNull();
      expect(await wrong.text()).toContain("That is not the secret");
      const right = await fetch(`${base}/playground/sign-in`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ secret: SECRET }).toString(), redirect: "manual" });
      expect(right.status).toBe(303);
      expect(right.headers.get("location")).toBe("/");
      const cookie = right.headers.get("set-cookie") ?? "";
      expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]+;`));
      expect(cookie).toContain("HttpOnly");
      expect(cookie).toContain("SameSite=Strict");
      // The cookie is derived from the secret, never the secret itself.
      expect(cookie).not.toContain(encodeURIComponent(SECRET).slice(0, 10));
      const session = { cookie: cookie.split(";")[0]! };
      const page = await fetch(`${base}/`, { headers: session });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain("/api/chat/");
      // Said plainly: this Chaser is connected to a real platform.
      expect(html).toContain("Connected to Slack: real people use this Chaser.");
      const chat = await fetch(`${base}/api/chat/Sam%20Jones/hello`, { method: "POST", headers: session, body: "{}" });
      expect(chat.status).toBe(200);
    } finally {
      await close();
    }
  });
});

describe("the playground on a loopback address", () => {
  it("is open, and says when it is not connected to Teams or Slack", async () => {
    const store = await freshStore("sqlite");
    const config = loadConfig({ HOST: "127.0.0.1" });
    const { base, close } = await serve(store, config.playground, config.host);
    try {
      const page = await fetch(`${base}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("Not connected to Teams or Slack");
      expect((await fetch(`${base}/api/plans`)).status).toBe(200);
    } finally {
      await close();
      await store.drop();
    }
  });
});
