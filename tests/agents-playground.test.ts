/**
 * An officer's day and a director's Monday in Microsoft 365 Agents Playground (Microsoft's Teams
 * emulator, npm @microsoft/m365agentsplayground), driven in Debian's headless Chromium: the emulator
 * posts real Teams activities to Chaser's /api/messages, takes Chaser's proactive sends on its own
 * connector, and renders every card with Microsoft's renderer. At each step what the emulator shows
 * is read back and compared with the card drawn afresh from the store. Chaser's clock is the test's
 * and the real prompt and digest runs (the scheduler's tick) are run at the times a day would.
 * Screenshots go to test-artifacts/agents-playground/ (gitignored). Runs wherever Chromium is
 * installed, unless AGENTS_PLAYGROUND=0 (see README, "Microsoft 365 Agents Playground").
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, openSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { ConfigurationBotFrameworkAuthentication } from "botbuilder";
import pino from "pino";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTeams } from "../src/adapters/teams/create-teams.js";
import type { DigestCard, PromptCard } from "../src/conversation/card.js";
import { Background } from "../src/conversation/background.js";
import type { ConversationDeps } from "../src/conversation/handle-event.js";
import { messageCard } from "../src/conversation/message-card.js";
import { tick } from "../src/schedule/scheduler.js";
import { importPlan } from "../src/store/import-plan.js";
import { mapRole } from "../src/store/map-role.js";
import { startServer } from "../src/web/start-server.js";
import { parseSeed } from "./helpers/seeds.js";
import { freshStore, type TestStore } from "./helpers/test-store.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const PLAYGROUND = resolve("node_modules/@microsoft/m365agentsplayground/cli.js");
const ARTIFACTS = resolve("test-artifacts/agents-playground");
const run = existsSync(CHROMIUM) && existsSync(PLAYGROUND) && process.env.AGENTS_PLAYGROUND !== "0";

// Sunday 20 December 2020 the app is installed; Monday 21st brings the digest (08:30) and the
// prompts (09:30); Monday 28th is a bank holiday, so the next week's run is Tuesday 29th.
const SUNDAY = new Date("2020-12-20T09:30:00Z");
const MONDAY_DIGEST = new Date("2020-12-21T08:31:00Z");
const MONDAY_PROMPTS = new Date("2020-12-21T09:31:00Z");
const MONDAY_LATER = new Date("2020-12-21T10:15:00Z");
const WEEK_LATER = new Date("2020-12-29T09:31:00Z");
/** Generous: the machine running this may be busy; every wait is for a condition, never a sleep. */
const WAIT = { timeout: 60_000 };

async function freePort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** What a person reads: whitespace as one space, so the renderer's line breaks do not matter. */
const words = (text: string) => text.replace(/\s+/g, " ").trim();
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe.skipIf(!run)("an officer's day and a director's Monday in Microsoft 365 Agents Playground", () => {
  let store: TestStore;
  let server: Server;
  let playground: ChildProcess;
  let browser: Browser;
  let page: Page;
  let background: Background;
  let deps: ConversationDeps;
  let clock = SUNDAY;
  let shot = 0;
  /** The emulator as the person sees it, scrolled to `element` when given (the window is tall enough for a card). */
  const snap = async (name: string, element?: Locator) => {
    await element?.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, `${String(++shot).padStart(2, "0")}-${name}.png`) });
  };

  beforeAll(async () => {
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    store = await freshStore("sqlite");
    await importPlan(store, await parseSeed("procurement"), { sourceDocument: "procurement.tsv", via: "cli", actorLabel: "test", now: new Date("2020-12-01T09:00:00Z") });
    const log = pino({ level: "silent" });
    background = new Background(log);
    const channels: ConversationDeps["channels"] = {};
    deps = { store, log, channels, later: background.run };
    const now = () => clock;
    const teams = createTeams({ config: { appId: "", appPassword: null, appType: "MultiTenant", tenantId: null }, deps, now, auth: new ConfigurationBotFrameworkAuthentication({}) });
    channels.teams = teams.channel;
    server = await startServer(0, { store, log, locale: "en-GB", now, routes: teams.routes });
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
    page = await browser.newPage({ viewport: { width: 1280, height: 2200 } });
    // Offline, its web fonts (res-1.cdn.office.net) fail at once and it falls back to local fonts.
    await page.goto(`http://127.0.0.1:${port}/`, { waitUntil: "commit" });
    await page.getByText(/I'm Chaser/).first().waitFor(WAIT);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    playground?.kill();
    await background?.settle();
    await new Promise((r) => server?.close(r));
    await store?.drop();
  });

  const open = async (conversation: RegExp) => {
    await page.getByRole("treeitem", { name: conversation }).click();
    await page.getByRole("textbox").last().waitFor(WAIT);
  };
  /** Types into the compose box; in a group chat or channel Chaser hears only an @mention. */
  const send = async (text: string, options: { mention?: boolean } = {}) => {
    const box = page.getByRole("textbox").last();
    await box.click();
    if (options.mention) {
      await box.pressSequentially("@Test");
      await page.getByText("Test Bot", { exact: true }).last().click();
      await box.pressSequentially(` ${text}`);
    } else {
      await box.fill(text);
    }
    await box.press("Enter");
  };
  const cards = (text: string | RegExp) => page.locator(".ac-adaptiveCard").filter({ hasText: text });
  /** One action's part of a card: the container whose text starts with its heading. */
  const itemOf = (card: Locator, ref: string) => card.locator(".ac-container").filter({ hasText: new RegExp(`^\\s*${escape(ref)} · `) });
  const action = (key: string) => store.db.action.findFirstOrThrow({ where: { key } });
  const latest = (kind: string) => store.db.chatMessage.findFirstOrThrow({ where: { kind }, orderBy: { createdAt: "desc" } });
  const stepTo = async (at: Date) => {
    clock = at;
    const report = await tick(deps, at);
    await background.settle();
    return report;
  };

  /**
   * The card the emulator shows against the card drawn afresh from the store at this moment:
   * every part (header, each action's facts, reason, recorded line, buttons, footer) is there and
   * nothing else is: an answered or finished action has no buttons, and no stale count is left.
   */
  async function expectReadsTrue(shown: Locator, messageId: string) {
    const truth = (await messageCard(store.db, messageId, clock)) as PromptCard;
    const text = words(await shown.innerText());
    // The header, counted straight from the store: the actions on a prompt not answered since it was sent.
    const sent = await store.db.chatMessage.findUniqueOrThrow({ where: { id: messageId } });
    if (sent.kind === "prompt") {
      const answered = new Set((await store.db.answer.findMany({ where: { createdAt: { gte: sent.createdAt } } })).map((a) => a.actionId));
      const waiting = (JSON.parse(sent.actionIds) as string[]).filter((id) => !answered.has(id)).length;
      if (waiting > 0) expect(text).toContain(waiting === 1 ? "1 action needs an answer." : `${waiting} actions need an answer.`);
    }
    for (const part of [truth.title, truth.intro, ...(truth.footer ? truth.footer.split("\n\n") : [])]) expect(text).toContain(words(part));
    for (const item of truth.items) {
      const ref = item.heading.split(" · ")[0]!;
      const part = itemOf(shown, ref);
      const seen = words(await part.innerText());
      expect(seen.startsWith(words(item.heading)), `${ref}: ${seen}`).toBe(true);
      for (const fact of item.facts) expect(seen, `${ref} ${fact.label}`).toContain(words(`${fact.label} ${fact.value}`));
      if (item.reason) expect(seen).toContain(item.reason);
      if (item.recorded) expect(seen).toContain(words(`✔ ${item.recorded}`));
      else expect(seen).not.toContain("✔");
      const labels = await part.getByRole("button").allInnerTexts();
      expect(labels.map(words), ref).toEqual(item.buttons.map((b) => b.label));
    }
    expect(await shown.locator(".ac-container").filter({ hasText: /^\s*[\w.]+ · / }).count()).toBeGreaterThanOrEqual(truth.items.length);
  }

  it("Sunday: installed, the welcome arrives once, and 'my actions' lists what the store holds", async () => {
    await snap("welcome");
    expect(await page.getByText(/I'm Chaser/).count()).toBe(1);
    // The emulator's person, known by the email Teams vouches for (identity is never a display name),
    // is mapped to CDAI by an admin and is an admin too, to subscribe a channel later.
    const person = await store.db.person.findFirstOrThrow({ where: { teamsUserId: { not: null } } });
    expect(person.email).toBe("alexw@example.com");
    await store.db.person.update({ where: { id: person.id }, data: { isAdmin: true } });
    await mapRole(store.db, { role: "CDAI", personName: person.name, email: person.email, via: "cli", actorLabel: "test" });

    await send("my actions");
    const list = cards("Your open actions").last();
    await list.waitFor(WAIT);
    await expectReadsTrue(list, (await latest("reply")).id);
    await snap("my-actions", list);
  }, 180_000);

  it("Sunday: an admin subscribes the Announcements channel by @mentioning Chaser there", async () => {
    await open(/Announcements/);
    await send("subscribe procurement", { mention: true });
    await page.getByText("This channel will get the weekly digest for procurement.tsv, on Mondays at 08:30. It will come in English.").waitFor(WAIT);
    expect(await store.db.digestSubscription.findMany()).toMatchObject([{ platform: "teams" }]);
    await snap("subscribed");
  }, 180_000);

  it("Monday 08:30: the digest is a new post in the channel, not a reply in the subscribe thread, and reads as the store does", async () => {
    const report = await stepTo(MONDAY_DIGEST);
    expect(report.digests).toEqual({ claimed: true, digests: 1 });
    const posts = page.locator(".fui-Card[role=group]");
    const digestPost = posts.filter({ hasText: "Weekly digest: procurement.tsv" });
    await digestPost.first().waitFor(WAIT);
    expect(await digestPost.count()).toBe(1);
    // A post of its own: the subscribe thread does not hold it, nor does it hold the thread.
    expect(await posts.filter({ hasText: "This channel will get the weekly digest" }).filter({ hasText: "Weekly digest: procurement.tsv" }).count()).toBe(0);
    const sent = await latest("digest");
    const subscribed = JSON.parse((await store.db.digestSubscription.findFirstOrThrow()).address) as { conversation: { id: string } };
    expect(subscribed.conversation.id).toContain(";messageid=");
    expect(sent.messageRef).not.toBe(subscribed.conversation.id.split(";messageid=")[1]);

    const card = JSON.parse(sent.card!) as DigestCard;
    const text = words(await digestPost.innerText());
    for (const part of [card.title, card.subtitle, card.note, card.chart.title, card.trendText, ...card.sections.flatMap((s) => [s.heading, s.summary])]) {
      if (part) expect(text).toContain(words(part));
    }
    // Its figures are the store's: every action of the plan, and those still open.
    const plan = await store.db.plan.findFirstOrThrow();
    const all = await store.db.action.count({ where: { planId: plan.id } });
    const openCount = await store.db.action.count({ where: { planId: plan.id, OR: [{ status: null }, { status: { notIn: ["complete", "cancelled"] } }] } });
    expect(text).toContain(`${all} actions, ${openCount} open`);
    // RAG in words beside the chart, never by colour alone.
    for (const rag of ["Red", "Amber", "Green"]) expect(text).toMatch(new RegExp(`${rag}:? \\d`));
    await snap("digest-post");
  }, 180_000);

  it("Monday 09:30: the prompt run's card reads true, and after each button and the More… form it still does", async () => {
    await open(/Personal Chat/);
    const report = await stepTo(MONDAY_PROMPTS);
    expect(report.prompts?.prompts).toBe(1);
    const prompt = cards("Your actions need an update").last();
    await prompt.waitFor(WAIT);
    const messageId = (await latest("prompt")).id;
    await expectReadsTrue(prompt, messageId);
    await snap("prompt", prompt);
    clock = MONDAY_LATER;

    // On track.
    await itemOf(prompt, "2.7").getByRole("button", { name: "On track" }).click();
    await itemOf(prompt, "2.7").getByText(/Recorded: on track/).waitFor(WAIT);
    expect(await store.db.answer.findFirst({ where: { actionId: (await action("2.7")).id } })).toMatchObject({ kind: "on_track", via: "chat:teams" });
    await expectReadsTrue(prompt, messageId);
    await snap("on-track", prompt);

    // Complete: no "days overdue" left on a finished action.
    await itemOf(prompt, "5").getByRole("button", { name: "Complete" }).click();
    await itemOf(prompt, "5").getByText(/Recorded: complete/).waitFor(WAIT);
    expect(await action("5")).toMatchObject({ status: "complete" });
    expect(await itemOf(prompt, "5").innerText()).not.toMatch(/overdue/);
    await expectReadsTrue(prompt, messageId);
    await snap("complete", prompt);

    // More…: delayed, with a new date and a reason.
    const delayed = itemOf(prompt, "2.6");
    await delayed.getByRole("button", { name: "More…" }).click();
    await delayed.getByPlaceholder("Select a date...").waitFor(WAIT);
    await snap("more-form", prompt);
    await delayed.getByPlaceholder("Select a date...").fill("2021-03-31");
    await delayed.getByPlaceholder("Select a date...").press("Tab");
    await delayed.locator("textarea").fill("waiting for Cabinet");
    await delayed.getByRole("button", { name: "Save" }).click();
    await itemOf(prompt, "2.6").getByText(/Recorded: delayed to 31\/03\/2021: waiting for Cabinet/).waitFor(WAIT);
    expect(await action("2.6")).toMatchObject({ status: "delayed", statusText: "waiting for Cabinet", targetTo: "2021-03-31", originalTargetTo: "2020-12-31" });
    await expectReadsTrue(prompt, messageId);
    expect(words(await itemOf(prompt, "2.6").innerText())).toContain("Status Delayed");
    await snap("delayed", prompt);

    // More…: another answer chosen in the form (blocked, with what blocks it).
    const blocked = itemOf(prompt, "3.3");
    await blocked.getByRole("button", { name: "More…" }).click();
    await blocked.getByRole("combobox").first().click();
    await page.getByRole("option", { name: "Blocked: what is blocking it" }).click();
    await blocked.locator("textarea").fill("no budget");
    await blocked.getByRole("button", { name: "Save" }).click();
    await itemOf(prompt, "3.3").getByText(/Recorded: blocked: no budget/).waitFor(WAIT);
    expect(await action("3.3")).toMatchObject({ status: "blocked", statusText: "no budget", rag: "red" });
    await expectReadsTrue(prompt, messageId);
    await snap("blocked", prompt);
    // Every answer updated the one card in place.
    expect(await cards("Your actions need an update").count()).toBe(1);
  }, 240_000);

  it("Monday: answers in words are understood, and the card updates in place", async () => {
    const prompt = cards("Your actions need an update").last();
    const messageId = (await latest("prompt")).id;
    await send("7.1 on track");
    await page.getByText("Recorded for 7.1: on track.").waitFor(WAIT);
    await itemOf(prompt, "7.1").getByText(/Recorded: on track/).waitFor(WAIT);
    await expectReadsTrue(prompt, messageId);

    await send("5 done");
    await page.getByText(/^5 ".*" was already recorded as complete on 21\/12\/2020, so nothing was recorded\./).waitFor(WAIT);
    expect(await store.db.answer.count({ where: { actionId: (await action("5")).id } })).toBe(1);
    expect(await cards("Your actions need an update").count()).toBe(1);
    await snap("in-words");
  }, 180_000);

  it("Monday: 'my actions' in the group chat gets a short pointer there; the list goes to the 1:1 chat", async () => {
    await open(/Group Chat/);
    await send("my actions", { mention: true });
    await page.getByText("Alex Wilber, I've sent your actions to our 1:1 chat: a list of someone's actions is only shown there.").waitFor(WAIT);
    expect(await cards("Your open actions").count()).toBe(0);
    await snap("group-pointer");
    await open(/Personal Chat/);
    await cards("Your open actions").nth(1).waitFor(WAIT);
  }, 180_000);

  it("a week later (Tuesday, after the bank holiday): another digest post, and a second prompt that reads true", async () => {
    const report = await stepTo(WEEK_LATER);
    expect(report.digests).toEqual({ claimed: true, digests: 1 });
    expect(report.prompts?.prompts).toBe(1);
    const prompts = cards("Your actions need an update");
    await prompts.nth(1).waitFor(WAIT);
    const second = prompts.last();
    const message = await latest("prompt");
    await expectReadsTrue(second, message.id);
    // Finished actions are not asked about again; the delay answered a week ago is chased once
    // the cadence has passed, and says where it stands.
    const refs = (await messageCard(store.db, message.id, clock))!.items.map((i) => i.heading.split(" · ")[0]);
    expect(refs).not.toContain("5");
    expect(words(await itemOf(second, "2.6").innerText())).toContain("31/03/2021, in 92 days (was 31/12/2020)");
    await snap("second-prompt", second);

    await open(/Announcements/);
    const digestPosts = page.locator(".fui-Card[role=group]").filter({ hasText: "Weekly digest: procurement.tsv" });
    await digestPosts.nth(1).waitFor(WAIT);
    expect(await digestPosts.count()).toBe(2);
    expect(await digestPosts.filter({ hasText: "compared with the digest of 21 December 2020" }).count()).toBe(1);
    await snap("second-digest");
  }, 240_000);
});
