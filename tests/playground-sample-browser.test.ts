import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { resolve } from "node:path";
import pino from "pino";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { playgroundChatRoutes, remakeSample, type PlaygroundSample } from "../src/adapters/web/playground-chat.js";
import { PlaygroundClock } from "../src/adapters/web/playground-clock.js";
import { WebChannel } from "../src/adapters/web/web-channel.js";
import { Background } from "../src/conversation/background.js";
import { startServer } from "../src/web/start-server.js";
import { freshStore, type TestStore } from "./helpers/test-store.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && process.env.CI) throw new Error(`CI needs Chromium at ${CHROMIUM} for the playground test`);
const ARTEFACTS = resolve(__dirname, "../test-artifacts/playground");

describe.skipIf(!haveBrowser)("debug", () => {
  let store: TestStore;
  let server: Server;
  let browser: Browser;
  let base: string;
  beforeAll(async () => {
    mkdirSync(ARTEFACTS, { recursive: true });
    store = await freshStore("sqlite");
    const log = pino({ level: "silent" });
    const background = new Background(log);
    const sample: PlaygroundSample = { clock: new PlaygroundClock(() => new Date("2026-11-25T08:00:00Z")), shiftedDays: null };
    const web = new WebChannel(sample.clock.now);
    const deps = { store, log, channels: { web }, later: background.run, web, locale: "en-GB" as const, now: sample.clock.now, settle: () => background.settle(), sample };
    await remakeSample(deps);
    server = await startServer(0, { store, log, locale: "en-GB", now: sample.clock.now, playgroundRoutes: playgroundChatRoutes(deps) });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
    await store?.drop();
  });
  it("dumps", async () => {
    const page: Page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const logs: string[] = [];
    page.on("console", (m) => logs.push(m.text()));
    page.on("pageerror", (e) => logs.push("ERR " + e.message));
    await page.goto(base);
    await page.waitForSelector("body[data-ready='1']", { timeout: 60_000 });
    try {
    await page.click("#clock-prompt");
    await page.waitForSelector("#log .teams-card", { timeout: 30_000 });
    } finally {
    await page.screenshot({ path: resolve(ARTEFACTS, "debug.png"), fullPage: true });
    writeFileSync(resolve(ARTEFACTS, "debug.html"), await page.content());
    console.log(logs.join("\n"));
    }
  }, 180_000);
});
