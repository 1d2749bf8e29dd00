import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pino from "pino";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPlayground } from "./helpers/playground-server.js";
import { SEEDS, SEED_FILES } from "./helpers/seeds.js";
import { freshStore, type TestStore } from "./helpers/test-store.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// .ci/run installs Debian's chromium; on a machine without it this says so instead of passing.
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && process.env.CI) throw new Error(`CI needs Chromium at ${CHROMIUM} for the playground test`);

describe.skipIf(!haveBrowser)("the playground in a real browser", () => {
  let store: TestStore;
  let close: (() => Promise<void>) | undefined;
  let browser: Browser;
  let base: string;
  const NOW = new Date("2020-12-20T09:30:00Z");

  beforeAll(async () => {
    store = await freshStore("sqlite");
    ({ base, close } = await startPlayground(store, pino({ level: "silent" }), NOW));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await close?.();
    await store?.drop();
  });

  it("imports a plan, maps a role, and answers a card by button and by text", async () => {
    const page = await browser.newPage();
    await page.goto(base);
    await page.setInputFiles("#import input[type=file]", resolve(SEEDS, SEED_FILES.procurement));
    await page.fill("#import input[name=plan]", "Procurement review");
    await page.click("#import button");
    // The preview comes first: every column read by its heading, nothing written yet.
    await page.waitForSelector("#preview-confirm");
    expect(await page.locator("#preview-form select[name=E]").inputValue()).toBe("owner");
    expect(await store.db.plan.count()).toBe(0);
    await page.click("#preview-confirm");
    await page.waitForSelector("text=Procurement review");
    await page.reload();
    await page.selectOption("#roles", "CDAI");
    await page.fill("#map input[name=person]", "Sam Jones");
    await page.click("#map button");
    await page.waitForSelector("#mapped >> text=CDAI → Sam Jones");

    await page.click("#prompt");
    // The card as Microsoft's Adaptive Cards renderer draws it for Teams.
    const item = page.locator("#log .msg.chaser", { hasText: "2.6 ·" }).last().locator(".teams-card .ac-container", { hasText: "2.6 ·" }).last();
    await item.waitFor();
    expect(await item.textContent()).toContain("Due in 11 days");
    await item.locator("button.ac-pushButton", { hasText: "On track" }).click();
    await item.getByText(/^✔ Recorded: on track \(Sam Jones, 20\/12\/2020\)$/).waitFor();

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
    // RAG is shown in words beside the bars, never by colour alone, in Teams' drawing and Slack's.
    for (const way of [".way.teams", ".way.slack"]) expect(await digest.locator(way).textContent()).toMatch(/Red[\s\S]*Amber[\s\S]*Green/);
    // 2.7's delay shows as slippage with its reason, and as a target extension.
    expect(await digest.textContent()).toContain("Target extensions (1)");
    expect(await digest.textContent()).toContain("significant slippage, 90 days (waiting for Cabinet)");

    // A completion the plan verifies, and a file attached in the chat as its evidence.
    await store.db.plan.update({ where: { id: a26.planId }, data: { settings: JSON.stringify({ verifyCompletion: true }) } });
    await page.fill("#text", "2.6 done");
    await page.click("#say button");
    await page.waitForSelector("text=2.6 is now awaiting verification");
    const dir = mkdtempSync(join(tmpdir(), "chaser-evidence-"));
    writeFileSync(join(dir, "signed-off.pdf"), "%PDF-1.4 signed off");
    await page.setInputFiles("#attach", join(dir, "signed-off.pdf"));
    await page.click("#say button");
    await page.waitForSelector("text=Attached signed-off.pdf (1 KB) as evidence for 2.6");
    expect(await store.db.evidenceFile.findMany()).toMatchObject([{ actionId: a26.id, platform: "web", name: "signed-off.pdf", size: 19 }]);
    await page.screenshot({ path: resolve(__dirname, "../test-artifacts/playground-import.png"), fullPage: true });
  }, 180_000);

  it("previews a plan with headings Chaser is unsure of, lets the person correct a column, then imports", async () => {
    const dir = mkdtempSync(join(tmpdir(), "chaser-preview-"));
    const file = join(dir, "fire-tracker.csv");
    writeFileSync(file, [
      "AFI Ref,Area for Improvement,Action,Assigned To,Logged,Finish by,Where are we",
      "AFI 1,The service should improve how it records audits.,Introduce one audit form.,Group Manager Prevention,01/04/2024,31/03/2025,In progress",
      "AFI 2,The service should make sure staff understand the values.,Run values workshops.,Head of People,01/04/2024,30/06/2025,Not started",
      "AFI 3,The service should have a clear plan for its estate.,Agree an estates strategy planned for April 2025.,Director of Corporate Services,01/05/2024,,In progress",
    ].join("\n"));
    const page = await browser.newPage();
    await page.goto(base);
    await page.setInputFiles("#import input[type=file]", file);
    await page.click("#import button");
    await page.waitForSelector("#preview-confirm");
    // The unsure column is marked, with Chaser's guess chosen; the questions and counts are shown.
    expect(await page.locator("tr.unsure td:first-child").allTextContents()).toEqual(["E", "F"]);
    expect(await page.locator("#preview-form select[name=F]").inputValue()).toBe("target");
    expect(await page.locator("#preview-form li").allTextContents()).toEqual(expect.arrayContaining([
      "Found: 3 recommendations, 3 actions, 3 owners, 2 dated targets, 3 statuses.",
      "Open with no target date, never prompted as due: 1 (AFI 3)",
    ]));
    await page.selectOption("#preview-form select[name=E]", "originalTarget");
    await page.check("#preview-form input[name=suggested]");
    await page.click("#preview-confirm");
    await page.waitForSelector("text=fire-tracker.csv");
    const actions = await store.db.action.findMany({ where: { plan: { slug: "fire-tracker" } }, orderBy: { ref: "asc" } });
    expect(actions.map((a) => [a.ref, a.targetTo, a.status])).toEqual([["AFI 1", "2025-03-31", "in_progress"], ["AFI 2", "2025-06-30", "not_started"], ["AFI 3", "2025-04-30", "in_progress"]]);
    const remembered = await store.db.columnMapping.findUniqueOrThrow({ where: { planSlug: "fire-tracker" } });
    expect(JSON.parse(remembered.choices)).toContainEqual({ column: "Logged", role: "originalTarget" });
  }, 180_000);
});
