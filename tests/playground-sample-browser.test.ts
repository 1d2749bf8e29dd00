import { existsSync, mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { resolve } from "node:path";
import pino from "pino";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { playgroundChatRoutes, remakeSample, type PlaygroundSample } from "../src/adapters/web/playground-chat.js";
import { PlaygroundClock } from "../src/adapters/web/playground-clock.js";
import { WebChannel } from "../src/adapters/web/web-channel.js";
import { Background } from "../src/conversation/background.js";
import { SAMPLE_SLUG } from "../src/sample/create-sample.js";
import { startServer } from "../src/web/start-server.js";
import { translator } from "../src/i18n.js";
import { freshStore, type TestStore } from "./helpers/test-store.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// .ci/run installs Debian's chromium; on a machine without it this says so instead of passing.
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && process.env.CI) throw new Error(`CI needs Chromium at ${CHROMIUM} for the playground test`);
/** Screenshots of every step, kept for people to look at (gitignored). */
const ARTEFACTS = resolve(__dirname, "../test-artifacts/playground");
/** Generous: a loaded two-core machine runs Chromium slowly; every wait is for a condition. */
const WAIT = { timeout: 90_000 };
const STEP = 600_000;
// The refusal's opening words; it goes on to name who can.
const NOT_ADMIN = "Only Chaser's admins can do that";

describe.skipIf(!haveBrowser)("the playground's sample in a real browser, in English and in Welsh", () => {
  let store: TestStore;
  let server: Server;
  let browser: Browser;
  let page: Page;
  let base: string;
  const dialogs: string[] = [];
  const scriptErrors: string[] = [];
  let shot = 0;
  const snap = async (name: string) => page.screenshot({ path: resolve(ARTEFACTS, `${String(++shot).padStart(2, "0")}-${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(ARTEFACTS, { recursive: true });
    store = await freshStore("sqlite");
    const log = pino({ level: "silent" });
    const background = new Background(log);
    // The real clock stands still at a Wednesday 08:00 (UK), so the sample reads the same every run.
    const sample: PlaygroundSample = { clock: new PlaygroundClock(() => new Date("2026-11-25T08:00:00Z")), shiftedDays: null };
    const web = new WebChannel(sample.clock.now);
    const deps = { store, log, channels: { web }, later: background.run, web, locale: "en-GB" as const, now: sample.clock.now, settle: () => background.settle(), sample };
    await remakeSample(deps);
    server = await startServer(0, { store, log, locale: "en-GB", now: sample.clock.now, playgroundRoutes: playgroundChatRoutes(deps) });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.setDefaultTimeout(WAIT.timeout);
    page.on("pageerror", (e) => scriptErrors.push(e.message));
    // An alert() is exactly what the playground must never show.
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
    await store?.drop();
  });

  const ready = async (url: string) => {
    await page.goto(url);
    await page.waitForSelector("body[data-ready='1']", WAIT);
  };
  const actionId = async (ref: string) => (await store.db.action.findFirstOrThrow({ where: { key: ref, plan: { slug: SAMPLE_SLUG } } })).id;
  const answers = async (ref: string) => store.db.answer.findMany({ where: { actionId: await actionId(ref) }, orderBy: { createdAt: "asc" } });
  /** The Chaser message in the chat that shows this action. */
  const message = (ref: string): Locator => page.locator("#log .msg.chaser", { hasText: `${ref} ·` }).last();
  /** The action's part of its card as Microsoft's renderer drew it. */
  const teamsItem = (ref: string): Locator => message(ref).locator(".teams-card .ac-container", { hasText: `${ref} ·` }).last();
  const until = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 600; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 150));
    }
    throw new Error("condition not met in time");
  };

  it("opens on the sample, live today, as its officer; the clock's next prompt run brings a prompt drawn by both renderers", async () => {
    await ready(base);
    expect(await page.textContent("#sample-text")).toContain("with its dates moved 2166 days forward so that it was live on Wednesday 25 November 2026, when this sample was made.");
    expect(await page.textContent("#sample-counts")).toBe("Today: 2 overdue, 3 due within a fortnight, 1 slipping, 3 silent (no update for four weeks).");
    expect(await page.locator("#who option").allTextContents()).toEqual(["Sam Jones, officer (CDAI)", "Dana Price, director (CEDR)", "Alex Morgan, admin (Monitoring Officer)", "Someone else…"]);
    await page.click("#hello");
    await page.locator("#log .msg.chaser", { hasText: "Hello Sam Jones" }).waitFor(WAIT);
    // The digest on request, in the person's own chat.
    await page.click("#digest");
    await page.locator("#log .msg.chaser", { hasText: "Weekly digest: Procurement review (sample)" }).waitFor(WAIT);

    await page.click("#clock-prompt");
    await teamsItem("2.6").waitFor(WAIT);
    expect(await page.textContent("#clock-now")).toBe("Playground time: Wednesday 25 November 2026, 09:30.");
    expect(await teamsItem("2.6").textContent()).toContain("Due in 11 days");
    // Slack's drawing of the same card, and the JSON of both a click away.
    const slack = message("2.6").locator(".way.slack");
    expect(await slack.locator(".sk-header").textContent()).toBeTruthy();
    expect(await slack.textContent()).toContain("⚠️ Due in 11 days");
    await message("2.6").locator("details.json > summary").click();
    const json = await message("2.6").locator("details.json pre").allTextContents();
    expect(JSON.parse(json[0]!)).toMatchObject({ type: "AdaptiveCard", version: "1.5" });
    expect(JSON.parse(json[1]!).blocks[0]).toMatchObject({ type: "header" });
    await snap("prompt-en");
  }, STEP);

  it("answers by every button: Teams' On track and Complete, the More… form once, Slack's buttons and modal", async () => {
    await teamsItem("2.6").locator("button.ac-pushButton", { hasText: "On track" }).click();
    await teamsItem("2.6").getByText(/^✔ Recorded: on track \(Sam Jones, 25\/11\/2026\)$/).waitFor(WAIT);

    await teamsItem("7.1").locator("button.ac-pushButton", { hasText: "Complete" }).click();
    await until(async () => (await answers("7.1")).length === 1);
    await teamsItem("7.1").getByText(/Recorded: complete/).waitFor(WAIT);

    // More…: its choice is a real choice; pressed again it closes rather than adding a second form.
    const more = teamsItem("2.7").locator("button.ac-pushButton", { hasText: "More…" });
    await more.click();
    const choice = teamsItem("2.7").locator("select");
    await choice.waitFor(WAIT);
    expect(await choice.locator("option").allTextContents()).toEqual(expect.arrayContaining(["Blocked: what is blocking it", "Snooze until a date", "Not mine"]));
    await more.click();
    await until(async () => (await teamsItem("2.7").locator("select:visible").count()) === 0);
    await more.click();
    expect(await teamsItem("2.7").locator("select").count()).toBe(1);
    await choice.selectOption("blocked");
    await teamsItem("2.7").locator("textarea").fill("waiting for the Cabinet decision");
    await snap("more-form-en");
    // Submitting disables the form: a second press in the same instant sends nothing more.
    await teamsItem("2.7").locator("button.ac-pushButton", { hasText: "Save" }).evaluate((b: HTMLButtonElement) => {
      b.click();
      b.click();
    });
    await teamsItem("2.7").getByText(/Recorded: blocked/).waitFor(WAIT);
    const blocked = await answers("2.7");
    expect(blocked.map((a) => [a.kind, JSON.parse(a.payload).reason])).toEqual([["blocked", "waiting for the Cabinet decision"]]);

    // Slack: a plain button answers at once; a form button opens one modal, sent once.
    const a73 = await actionId("7.3");
    await message("7.3").locator(`.sk-button[data-action-id="chaser.answer.on_track.${a73}"]`).click();
    await until(async () => (await answers("7.3")).length === 1);
    const a5 = await actionId("5");
    await message("5").locator(`.sk-button[data-action-id^="chaser.form."][data-action-id$=".${a5}"]`).click();
    const modal = page.locator("#sk-modal");
    await modal.waitFor(WAIT);
    await modal.locator("select[name=kind]").selectOption("snooze");
    await modal.locator("input[name=date]").fill("2026-12-10");
    await snap("slack-modal-en");
    await modal.locator("button.primary").click();
    await modal.waitFor({ state: "detached", ...WAIT });
    await until(async () => (await answers("5")).some((a) => a.kind === "snooze"));
    expect((await store.db.action.findUniqueOrThrow({ where: { id: a5 } })).snoozedUntil).toBe("2026-12-10");
    await snap("answered-en");
  }, STEP);

  it("answers in words, and says what went wrong in words in the chat, never in an alert", async () => {
    await page.fill("#text", "7.3 delayed to end of March, waiting for Cabinet");
    await page.click("#say button");
    await page.locator("#log .msg.chaser", { hasText: "Recorded for 7.3: delayed" }).waitFor(WAIT);
    // An officer is not an admin: the command is refused, in words.
    await page.fill("#text", "pause");
    await page.click("#say button");
    await page.locator("#log .msg.chaser", { hasText: NOT_ADMIN }).waitFor(WAIT);
    // A request the server cannot read: the person is told so, in the conversation.
    await page.evaluate(() => fetch("/api/chat/Sam%20Jones/say", { method: "POST", headers: { "content-type": "application/json" }, body: "{" }).then(() => undefined));
    await page.evaluate("call('/say', { text: 42 })");
    await page.locator("#log .msg.problem[role=alert]", { hasText: "Chaser could not read that request from the page" }).waitFor(WAIT);
    expect(dialogs).toEqual([]);
    await snap("error-in-words-en");

    // Someone else, by name: a persona of the playground only, welcomed as anyone new is.
    await page.selectOption("#who", "");
    await page.fill("#other-name", "Rhys Evans");
    await page.click("#other button");
    await until(async () => (await page.locator("#log .msg").count()) === 0);
    await page.click("#hello");
    await page.locator("#log .msg.chaser", { hasText: "Hello Rhys Evans" }).waitFor(WAIT);
    expect(await store.db.person.findUniqueOrThrow({ where: { webUserId: "Rhys Evans" } })).toMatchObject({ origin: "playground", email: null });
  }, STEP);

  it("is the admin when chosen: escalations reach them, commands work in chat and in the leadership channel, the digest arrives there", async () => {
    await page.selectOption("#who", "Alex Morgan");
    await page.locator("#log .msg.chaser", { hasText: "comes to you as an admin of its plan" }).waitFor(WAIT);
    await page.fill("#text", "pause");
    await page.click("#say button");
    await page.locator("#log .msg.chaser", { hasText: "Paused: no scheduled prompts" }).waitFor(WAIT);
    await page.click("#clock-prompt");
    await page.locator("#log .msg.problem", { hasText: "The schedule is paused" }).waitFor(WAIT);
    await page.fill("#text", "resume");
    await page.click("#say button");
    await page.locator("#log .msg.chaser", { hasText: "running again: prompts and digests" }).waitFor(WAIT);

    await page.fill("#channel-text", `subscribe ${SAMPLE_SLUG}`);
    await page.click("#channel-say button");
    await page.locator("#channel-log .msg.chaser", { hasText: "This channel will get the weekly digest for Procurement review (sample)" }).waitFor(WAIT);
    expect(await page.locator("#channel-log .msg.person").last().textContent()).toContain("Alex Morgan");

    await page.click("#clock-digest");
    const digest = page.locator("#channel-log .msg.chaser", { hasText: /Weekly digest:/ }).last();
    await digest.waitFor(WAIT);
    expect(await page.textContent("#clock-now")).toBe("Playground time: Monday 30 November 2026, 08:30.");
    // RAG in words in both drawings, never by colour alone.
    for (const way of [".way.teams", ".way.slack"]) expect(await digest.locator(way).textContent()).toMatch(/Red[\s\S]*Amber[\s\S]*Green/);
    await digest.locator('.sk-button[data-action-id="chaser.digest.show_all"]').click();
    await page.locator("#sk-modal", { hasText: "All themes" }).waitFor(WAIT);
    await snap("digest-show-all-en");
    await page.locator("#sk-modal button", { hasText: "Close" }).click();
    await page.locator("#sk-modal").waitFor({ state: "detached", ...WAIT });
    await snap("channel-digest-en");
  }, STEP);

  it("moves a week on: the director is prompted about their own actions", async () => {
    await page.click("#clock-week");
    await page.locator("#clock-now", { hasText: "Monday 7 December 2026" }).waitFor(WAIT);
    await page.selectOption("#who", "Dana Price");
    await message("4.2").waitFor(WAIT);
    expect(await teamsItem("4.2").textContent()).toMatch(/Overdue by \d+ days/);
    await snap("director-en");
  }, STEP);

  it("speaks Welsh to a person who chooses it: the page, the cards and the forms; the channel reads its digest in Welsh", async () => {
    await page.selectOption("#who", "Sam Jones");
    await page.locator("#log .msg.chaser").first().waitFor(WAIT);
    await Promise.all([page.waitForURL(/lang=cy/, WAIT), page.selectOption("#lang", "cy")]);
    await page.waitForSelector("body[data-ready='1']", WAIT);
    expect(await page.textContent("h1")).toBe("Maes chwarae Chaser");
    expect((await store.db.person.findUniqueOrThrow({ where: { webUserId: "Sam Jones" } })).locale).toBe("cy");
    await page.click("#prompt");
    const card = page.locator("#log .msg.chaser", { hasText: "3.3 ·" }).last();
    await card.waitFor(WAIT);
    const a33 = await actionId("3.3");
    await card.locator(`.sk-button[data-action-id="chaser.answer.on_track.${a33}"]`).click();
    await until(async () => (await answers("3.3")).some((a) => a.kind === "on_track"));
    // 2.6 fell overdue yesterday, so it is asked about again.
    const item = page.locator("#log .msg.chaser", { hasText: "2.6 ·" }).last().locator(".teams-card .ac-container", { hasText: "2.6 ·" }).last();
    const more = item.locator("button.ac-pushButton", { hasText: "Mwy…" });
    await more.click();
    await item.locator("select").selectOption("note");
    await item.locator("textarea").fill("Cyfarfod wedi'i drefnu");
    await item.locator("button.ac-pushButton", { hasText: "Cadw" }).click();
    await until(async () => (await answers("2.6")).some((a) => a.kind === "note"));
    await item.getByText(/Cofnodwyd nodyn: Cyfarfod wedi.i drefnu \(Sam Jones, 07\/12\/2026\)/).waitFor(WAIT);
    await snap("prompt-cy");
    await page.evaluate("call('/say', { text: 42 })");
    await page.locator("#log .msg.problem[role=alert]", { hasText: "Ni allai Chaser ddarllen y cais hwnnw" }).waitFor(WAIT);

    await page.selectOption("#channel-lang", "cy");
    await until(async () => (await store.db.digestSubscription.findFirstOrThrow({ where: { address: "#leadership" } })).locale === "cy");
    await page.click("#clock-digest");
    const digest = page.locator("#channel-log .msg.chaser", { hasText: /Crynodeb wythnosol:/ }).last();
    await digest.waitFor(WAIT);
    await snap("channel-digest-cy");
    expect(dialogs).toEqual([]);
  }, STEP);

  it("resets the sample: the same plan, people and clock as on first start", async () => {
    await page.click("#reset");
    await page.locator("#clock-status", { hasText: "Mae'r enghraifft fel newydd" }).waitFor(WAIT);
    expect(await page.textContent("#clock-now")).toBe("Amser y maes chwarae: Dydd Mercher 25 Tachwedd 2026, 08:00.");
    expect(await page.locator("#log .msg").count()).toBe(0);
    expect(await answers("2.7")).toEqual([]);
    expect(await store.db.scheduleRun.count()).toBe(0);
    await snap("reset-cy");
    expect(scriptErrors).toEqual([]);
  }, STEP);
});
