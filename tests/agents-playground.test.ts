/**
 * Chaser in Microsoft 365 Agents Playground (Microsoft's Teams emulator, npm
 * @microsoft/m365agentsplayground), driven in Debian's headless Chromium: the emulator posts real
 * Teams activities to Chaser's /api/messages and renders the cards with Microsoft's renderer.
 * Screenshots go to test-artifacts/agents-playground/ (gitignored). Runs wherever Chromium is
 * installed, unless AGENTS_PLAYGROUND=0 (see README, "Microsoft 365 Agents Playground").
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, openSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { ConfigurationBotFrameworkAuthentication } from "botbuilder";
import pino from "pino";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTeams } from "../src/adapters/teams/create-teams.js";
import { Background } from "../src/conversation/background.js";
import type { ConversationDeps } from "../src/conversation/handle-event.js";
import { importPlan } from "../src/store/import-plan.js";
import { mapRole } from "../src/store/map-role.js";
import { startServer } from "../src/web/start-server.js";
import { parseSeed } from "./helpers/seeds.js";
import { freshStore, type TestStore } from "./helpers/test-store.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const PLAYGROUND = resolve("node_modules/@microsoft/m365agentsplayground/cli.js");
const ARTIFACTS = resolve("test-artifacts/agents-playground");
const NOW = new Date("2020-12-20T09:30:00Z");
const run = existsSync(CHROMIUM) && existsSync(PLAYGROUND) && process.env.AGENTS_PLAYGROUND !== "0";

async function freePort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

describe.skipIf(!run)("Chaser in Microsoft 365 Agents Playground", () => {
  let store: TestStore;
  let server: Server;
  let playground: ChildProcess;
  let browser: Browser;
  let page: Page;
  let background: Background;
  let shot = 0;
  const snap = async (name: string) => page.screenshot({ path: join(ARTIFACTS, `${String(++shot).padStart(2, "0")}-${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    store = await freshStore("sqlite");
    await importPlan(store, await parseSeed("procurement"), { sourceDocument: "procurement.tsv", via: "cli", actorLabel: "test", now: new Date("2020-12-01T09:00:00Z") });
    const log = pino({ level: "silent" });
    background = new Background(log);
    const channels: ConversationDeps["channels"] = {};
    const deps: ConversationDeps = { store, log, channels, later: background.run };
    const teams = createTeams({ config: { appId: "", appPassword: null, appType: "MultiTenant", tenantId: null }, deps, now: () => NOW, auth: new ConfigurationBotFrameworkAuthentication({}) });
    channels.teams = teams.channel;
    server = await startServer(0, { store, log, locale: "en-GB", now: () => NOW, routes: teams.routes });
    const chaser = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
    const port = await freePort();
    // No browser of its own (it would spawn xdg-open and exit), its log in the artefacts, no telemetry.
    playground = spawn(process.execPath, [PLAYGROUND, "-e", chaser, "-c", "msteams", "-p", String(port), "--dt"], {
      env: { ...process.env, TEAMSAPPTESTER_BROWSER: "none", M365_AGENTS_PLAYGROUND_LOGFILE: join(ARTIFACTS, "playground.log") },
      // Its stderr goes to a file: a pipe nobody reads fills up and stalls the emulator.
      stdio: ["ignore", "pipe", openSync(join(ARTIFACTS, "playground.stderr"), "w")],
    });
    await new Promise<void>((resolveStarted, reject) => {
      playground.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("Listening on") && resolveStarted());
      playground.on("exit", (code) => reject(new Error(`Agents Playground exited with ${code}`)));
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    // Offline, its web fonts (res-1.cdn.office.net) fail at once and it falls back to local fonts.
    await page.goto(`http://127.0.0.1:${port}/`, { waitUntil: "commit" });
    // Map the person the emulator plays to CDAI once Teams' install events have introduced them.
    await page.getByText(/I'm Chaser/).first().waitFor({ timeout: 60_000 });
    // Identity is never a display name: the admin maps the role by the email the person is known by.
    const person = await store.db.person.update({ where: { id: (await store.db.person.findFirstOrThrow()).id }, data: { email: "emulator.user@example.gov.uk" } });
    await mapRole(store.db, { role: "CDAI", personName: person.name, email: person.email, via: "cli", actorLabel: "test" });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    playground?.kill();
    await background?.settle();
    await new Promise((r) => server?.close(r));
    await store?.drop();
  });

  const send = async (text: string) => {
    const box = page.getByRole("textbox").last();
    await box.fill(text);
    await box.press("Enter");
  };

  it("install and welcome, 'my actions', a button, free text", async () => {
    await snap("welcome");
    expect(await page.getByText(/I'm Chaser/).count()).toBe(1);

    await send("my actions");
    await page.getByText("Your open actions").first().waitFor({ timeout: 30_000 });
    await snap("my-actions");

    await page.getByRole("button", { name: "On track" }).first().click();
    await page.getByText(/Recorded: on track/).first().waitFor({ timeout: 30_000 });
    await snap("on-track-pressed");
    expect(await store.db.answer.count()).toBe(1);

    await send("2.7 done");
    await page.getByText(/Recorded for 2\.7: complete/).first().waitFor({ timeout: 30_000 });
    await snap("free-text");

    await send("2.7 done");
    await page.getByText(/was already recorded as complete/).first().waitFor({ timeout: 30_000 });
    await snap("already-complete");
  }, 180_000);
});
