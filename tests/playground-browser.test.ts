import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { resolve } from "node:path";
import pino from "pino";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { playgroundChatRoutes } from "../src/adapters/web/playground-chat.js";
import { WebChannel } from "../src/adapters/web/web-channel.js";
import { Background } from "../src/conversation/background.js";
import { startServer } from "../src/web/start-server.js";
import { SEEDS, SEED_FILES } from "./helpers/seeds.js";
import { freshStore, type TestStore } from "./helpers/test-store.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// .ci/run installs Debian's chromium; on a machine without it this says so instead of passing.
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && process.env.CI) throw new Error(`CI needs Chromium at ${CHROMIUM} for the playground test`);

describe.skipIf(!haveBrowser)("the playground in a real browser", () => {
  let store: TestStore;
  let server: Server;
  let browser: Browser;
  let base: string;
  const now = () => new Date("2020-12-20T09:30:00Z");

  beforeAll(async () => {
    store = await freshStore("sqlite");
    const log = pino({ level: "silent" });
    const background = new Background(log);
    const web = new WebChannel(now);
    const deps = { store, log, channels: { web }, later: background.run };
    const routes = playgroundChatRoutes({ ...deps, web, locale: "en-GB", now, settle: () => background.settle() });
    server = await startServer(0, { store, log, locale: "en-GB", now, routes });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
    await store?.drop();
  });

  it("imports a plan, maps a role, and answers a card by button and by text", async () => {
    const page = await browser.newPage();
    await page.goto(base);
    await page.setInputFiles("#import input[type=file]", resolve(SEEDS, SEED_FILES.procurement));
    await page.fill("#import input[name=plan]", "Procurement review");
    await page.click("#import button");
    await page.waitForSelector("text=Procurement review");
    await page.reload();
    await page.selectOption("#roles", "CDAI");
    await page.fill("#map input[name=person]", "Sam Jones");
    await page.click("#map button");
    await page.waitForSelector("#mapped >> text=CDAI → Sam Jones");

    await page.click("#prompt");
    const item = page.locator(".item", { hasText: "2.6 ·" }).first();
    await item.waitFor();
    expect(await item.locator(".reason").textContent()).toBe("Due in 11 days");
    await item.locator("button", { hasText: "On track" }).click();
    await page.locator(".item", { hasText: "2.6 ·" }).locator(".recorded").first().waitFor();
    expect(await page.locator(".item", { hasText: "2.6 ·" }).first().locator(".recorded").textContent()).toMatch(/^✔ Recorded: on track \(Sam Jones, 20\/12\/2020\)$/);

    await page.fill("#text", "2.7 delayed to end of March, waiting for Cabinet");
    await page.click("#say button");
    await page.waitForSelector("text=Recorded for 2.7: delayed");

    const a26 = await store.db.action.findFirstOrThrow({ where: { key: "2.6" } });
    const a27 = await store.db.action.findFirstOrThrow({ where: { key: "2.7" } });
    expect(a26).toMatchObject({ rag: "green", statusSource: "chat" });
    expect(a27).toMatchObject({ status: "delayed", targetTo: "2021-03-31", originalTargetTo: "2020-12-31" });

    await page.click("#digest");
    await page.waitForSelector("text=Weekly digest: Procurement review");
    const digest = page.locator(".msg", { hasText: "Weekly digest: Procurement review" });
    // RAG is shown in words beside the bars, never by colour alone.
    expect(await digest.locator("dt").allTextContents()).toEqual(expect.arrayContaining(["Amber", "Green", "No RAG rating"]));
    expect(await digest.textContent()).toContain("Newly slipped (1)");
    await page.screenshot({ path: resolve(__dirname, "../data/playground.png"), fullPage: true });
  }, 60_000);
});
