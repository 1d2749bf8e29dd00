/**
 * Every card tells the truth (issue 13), in the core through the playground's channel: a card drawn
 * again after answers shows the store as it stands, in every part and in both renderers; what an
 * officer says in words is answered truly; escalations are grouped and never go back to who was
 * asked; lists of someone's actions stay in their 1:1 chat.
 */
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebChannel } from "../src/adapters/web/web-channel.js";
import { renderAdaptiveCard } from "../src/cards/render-adaptive-card.js";
import { renderBlockKit } from "../src/cards/render-block-kit.js";
import type { AnswerPayload, Card, ChooseCard, DigestCard, NoticeCard, PromptCard } from "../src/conversation/card.js";
import { findPersonActions } from "../src/store/find-person-actions.js";
import { handleEvent, type ConversationDeps } from "../src/conversation/handle-event.js";
import { messageCard } from "../src/conversation/message-card.js";
import { sendPrompt } from "../src/conversation/send-prompt.js";
import { ukDate } from "../src/domain/london-date.js";
import { whyAsk } from "../src/domain/why-ask.js";
import { tick } from "../src/schedule/scheduler.js";
import { importPlan } from "../src/store/import-plan.js";
import { mapRole } from "../src/store/map-role.js";
import { translator } from "../src/i18n.js";
import { parseSeed } from "./helpers/seeds.js";
import { freshStore, PROVIDERS, type TestStore } from "./helpers/test-store.js";

// 20 December 2020: CDAI (Sam) has 2.6, 2.7, 5, 7.1, 7.3 to answer; 2.3 is already complete.
const NOW = new Date("2020-12-20T09:30:00Z");
const LATER = new Date("2020-12-20T09:40:00Z");

type Json = Record<string, any>;

describe.each(PROVIDERS)("every card tells the truth (%s)", (provider) => {
  let store: TestStore;
  let web: WebChannel;
  let deps: ConversationDeps;
  let pending: Promise<unknown>[];

  const user = (name: string, locale?: string) => ({ platform: "web" as const, userId: name, ...(locale ? { locale } : {}) });
  const settle = async () => {
    while (pending.length > 0) await Promise.all(pending.splice(0));
  };
  const say = (name: string, text: string, options: { room?: string; at?: Date; locale?: string } = {}) =>
    handleEvent(
      deps,
      { type: "text", user: user(name, options.locale), deliveryId: `${name}:${text}:${options.room ?? ""}`, text, ...(options.room ? { room: { platform: "web" as const, address: options.room } } : {}) },
      options.at ?? NOW,
    );
  const press = (name: string, answer: AnswerPayload, inputs: Record<string, string> = {}, at = NOW) =>
    handleEvent(deps, { type: "answer", user: user(name), deliveryId: `press:${JSON.stringify(answer)}:${JSON.stringify(inputs)}`, payload: answer, inputs, inline: true }, at);
  const person = (name: string) => store.db.person.findFirstOrThrow({ where: { name } });
  const action = (key: string) => store.db.action.findFirstOrThrow({ where: { key } });
  const itemOf = (card: PromptCard, ref: string) => card.items.find((i) => i.heading.startsWith(`${ref} ·`))!;
  const fact = (card: PromptCard, ref: string, label: string) => itemOf(card, ref).facts.find((f) => f.label === label)?.value;
  const buttonOf = (card: PromptCard, ref: string, kind: string) => itemOf(card, ref).buttons.find((b) => b.answer.k === kind)!.answer;
  const textOf = (card: Card | null) => (card as NoticeCard | null)?.text ?? "";

  beforeEach(async () => {
    store = await freshStore(provider);
    web = new WebChannel(() => NOW);
    pending = [];
    deps = { store, log: pino({ level: "silent" }), channels: { web }, later: (task) => void pending.push(task()) };
    await importPlan(store, await parseSeed("procurement"), { sourceDocument: "procurement.tsv", via: "cli", actorLabel: "test", now: new Date("2020-12-01T09:00:00Z") });
    for (const name of ["Sam Jones", "Mo Khan"]) await handleEvent(deps, { type: "contact", user: user(name), address: { platform: "web", address: name } }, NOW);
    await mapRole(store.db, { role: "CDAI", personName: "Sam Jones", via: "cli", actorLabel: "test", playground: true });
    await mapRole(store.db, { role: "Monitoring Officer", personName: "Mo Khan", via: "cli", actorLabel: "test", playground: true });
  });
  afterEach(async () => {
    await settle();
    await store.drop();
  });

  /**
   * Every visible part of a prompt card against the store: header count, each item's status, RAG,
   * target (no "overdue" once closed), reason, recorded line and buttons, and the footer's count.
   */
  async function expectTrue(card: PromptCard, personName: string, at: Date) {
    const today = at.toISOString().slice(0, 10);
    const sam = await person(personName);
    const open = await store.db.action.findMany({ where: { owners: { some: { role: { assignments: { some: { personId: sam.id } } } } }, OR: [{ status: null }, { status: { notIn: ["complete", "cancelled"] } }] } });
    const message = await store.db.chatMessage.findUniqueOrThrow({ where: { id: card.messageId! } });
    const onCard = JSON.parse(message.actionIds) as string[];
    const answeredSince = new Set((await store.db.answer.findMany({ where: { createdAt: { gte: message.createdAt } } })).map((a) => a.actionId));
    const t = translator("en-GB");
    for (const item of card.items) {
      const stored = await store.db.action.findUniqueOrThrow({ where: { id: item.actionId } });
      const closed = stored.status === "complete" || stored.status === "cancelled";
      const status = item.facts.find((f) => f.label === "Status")?.value;
      expect(status, item.heading).toBe(stored.status ? t(`status.${stored.status}`) : undefined);
      expect(item.facts.find((f) => f.label === "RAG rating")?.value).toBe(stored.rag ? t(`rag.${stored.rag}`) : undefined);
      const target = item.facts.find((f) => f.label === "Target")!.value;
      if (stored.targetTo) expect(target).toContain(ukDate(stored.targetTo));
      if (closed) {
        expect(target).not.toMatch(/overdue|in \d+ day|due today/);
        expect(item.reason).toBeNull();
        expect(item.buttons).toEqual([]);
      } else if (stored.targetTo && stored.targetTo < today) {
        expect(target).toMatch(/overdue/);
      }
      const latest = await store.db.answer.findFirst({ where: { actionId: item.actionId, createdAt: { gte: message.createdAt } }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
      if (latest) {
        expect(item.recorded).toMatch(new RegExp(`^(Recorded|Snoozed|Sent)`));
        // The recorded line and the status say the same thing.
        const words: Record<string, string> = { on_track: "on track", complete: "complete", delayed: "delayed", blocked: "blocked" };
        if (words[latest.kind]) expect(item.recorded).toContain(words[latest.kind]);
        if (latest.kind === "delayed") expect(status).toBe("Delayed");
        if (latest.kind === "on_track") expect(status).toBe("In progress");
        expect(item.buttons).toEqual([]);
      } else {
        expect(item.recorded).toBeNull();
      }
    }
    const counted = message.kind === "prompt" ? open.filter((a) => !answeredSince.has(a.id) && whyAsk(a, today, at) !== null) : open;
    const waitingOnCard = message.kind === "prompt" ? counted.filter((a) => onCard.includes(a.id)) : counted;
    const hidden = counted.filter((a) => !onCard.includes(a.id)).length;
    if (message.kind === "list") expect(card.intro).toBe(open.length > 0 ? `You have ${open.length} open action${open.length === 1 ? "" : "s"}.` : "You have no open actions: nothing needs an answer.");
    else if (waitingOnCard.length + hidden === 0) expect(card.intro).toBe("Every action on this card has an answer: thank you.");
    if (hidden > 0) expect(card.footer).toContain(`${hidden} more action`);
    else expect(card.footer ?? "").not.toMatch(/more action/);

    // The same in both renderers: what Teams and Slack show is this view model, part for part.
    const adaptive = JSON.stringify(renderAdaptiveCard(card));
    const blocks = JSON.stringify(renderBlockKit(card));
    for (const text of [card.intro, ...(card.footer ? card.footer.split("\n\n") : []), ...card.items.flatMap((i) => [i.heading, i.recorded, ...i.facts.map((f) => f.value)])]) {
      if (!text) continue;
      const json = JSON.stringify(text).slice(1, -1);
      expect(adaptive, text).toContain(json);
      expect(blocks, text).toContain(JSON.stringify(text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")).slice(1, -1).slice(0, 60));
    }
    expect(adaptive).not.toContain('"color":"Good"');
  }

  it("a prompt drawn again after answers by button and in words shows the store, in every part", async () => {
    const sam = await person("Sam Jones");
    await sendPrompt(deps, sam.id, NOW);
    const sent = web.messages("Sam Jones").find((m) => m.card?.type === "prompt")!.card as PromptCard;
    await expectTrue(sent, "Sam Jones", NOW);
    expect(sent.intro).toBe("5 actions need an answer.");

    // On track by button, then a delay in words for the same action: the card shows the delay.
    await press("Sam Jones", buttonOf(sent, "2.6", "on_track"));
    await say("Sam Jones", "2.6 delayed to 31 March 2021, waiting for Cabinet", { at: LATER });
    await settle();
    const after = (await messageCard(store.db, sent.messageId!, LATER))!;
    expect(fact(after, "2.6", "Status")).toBe("Delayed");
    expect(itemOf(after, "2.6").recorded).toMatch(/^Recorded: delayed to 31\/03\/2021: waiting for Cabinet/);
    await expectTrue(after, "Sam Jones", LATER);
    // The card in the chat was replaced by the same, up to date.
    expect(web.messages("Sam Jones").find((m) => m.card?.type === "prompt")!.card).toEqual(after);

    // Complete by button: no "N days overdue" for a finished action; the header counts what is left.
    await press("Sam Jones", buttonOf(sent, "5", "complete"), {}, LATER);
    const done = (await messageCard(store.db, sent.messageId!, LATER))!;
    expect(fact(done, "5", "Target")).toBe("30/11/2020");
    expect(done.intro).toBe("3 actions need an answer.");
    await expectTrue(done, "Sam Jones", LATER);

    for (const ref of ["2.7", "7.1", "7.3"]) await press("Sam Jones", buttonOf(sent, ref, "on_track"), {}, LATER);
    const all = (await messageCard(store.db, sent.messageId!, LATER))!;
    expect(all.intro).toBe("Every action on this card has an answer: thank you.");
    await expectTrue(all, "Sam Jones", LATER);
  });

  it("an officer's day and a director's Monday in the playground read true at every step", async () => {
    // As the playground runs it: its channel, the core's events, and the real schedule's tick.
    const MONDAY_DIGEST = new Date("2020-12-21T08:31:00Z");
    const MONDAY_PROMPTS = new Date("2020-12-21T09:31:00Z");
    const MONDAY_LATER = new Date("2020-12-21T10:15:00Z");
    const WEEK_LATER = new Date("2020-12-29T09:31:00Z"); // Monday 28th is a bank holiday
    const stepTo = async (at: Date) => {
      const report = await tick(deps, at);
      await settle();
      return report;
    };
    const answer = async (ref: string, kind: string, inputs: Record<string, string> = {}) => {
      const card = shown();
      await handleEvent(deps, { type: "answer", user: user("Sam Jones"), address: { platform: "web", address: "Sam Jones" }, deliveryId: `${ref}:${kind}`, payload: buttonOf(card, ref, kind), inputs, inline: false }, MONDAY_LATER);
      await settle();
    };
    const prompts = () => web.messages("Sam Jones").filter((m) => m.card?.type === "prompt" && m.card.title === "Your actions need an update");
    const shown = () => prompts().at(-1)!.card as PromptCard;
    /** The card in the chat is the card drawn afresh from the store, and every part of it is true. */
    const readsTrue = async (at: Date) => {
      const card = shown();
      expect(card).toEqual(await messageCard(store.db, card.messageId!, at));
      await expectTrue(card, "Sam Jones", at);
      return card;
    };

    // Sunday: Sam was welcomed on first contact (beforeEach), and is not welcomed again; Sam, an
    // admin, subscribes a room.
    expect((await person("Sam Jones")).welcomedAt).toEqual(NOW);
    const again = await handleEvent(deps, { type: "contact", user: user("Sam Jones"), address: { platform: "web", address: "Sam Jones" } }, NOW);
    expect(textOf(again.reply)).not.toMatch(/^Hello/);
    await store.db.person.update({ where: { id: (await person("Sam Jones")).id }, data: { isAdmin: true } });
    expect(textOf((await say("Sam Jones", "subscribe procurement", { room: "Leadership" })).reply)).toBe("This channel will get the weekly digest for procurement.tsv, on Mondays at 08:30. It will come in English.");

    // Monday 08:30: the digest is a new message in the room, as the store has it.
    expect((await stepTo(MONDAY_DIGEST)).digests).toEqual({ claimed: true, digests: 1 });
    const digests = () => web.messages("Leadership").filter((m) => m.card?.type === "digest");
    expect(digests()).toHaveLength(1);
    const sent = await store.db.chatMessage.findFirstOrThrow({ where: { kind: "digest" } });
    expect(digests()[0]!.card).toEqual(JSON.parse(sent.card!));
    const plan = await store.db.plan.findFirstOrThrow();
    const all = await store.db.action.count({ where: { planId: plan.id } });
    const open = await store.db.action.count({ where: { planId: plan.id, OR: [{ status: null }, { status: { notIn: ["complete", "cancelled"] } }] } });
    expect((digests()[0]!.card as DigestCard).subtitle).toContain(`${all} actions, ${open} open`);
    // A status cell that only names the status is not given as the reason for slipping.
    const monday = digests()[0]!.card as DigestCard;
    expect(JSON.stringify(monday)).not.toMatch(/because (?:In progress|Delayed|Not started)\.|\((?:In progress|Delayed)\)/);
    expect(monday.sections.map((sec) => sec.summary).join(" ")).toMatch(/the most serious is (?:4\.2|5) /);

    // Monday 09:30: the prompt; each button, the More… form and words; one card, updated in place.
    expect((await stepTo(MONDAY_PROMPTS)).prompts?.prompts).toBe(2); // Sam's, and Mo's
    expect((await readsTrue(MONDAY_PROMPTS)).intro).toMatch(/^\d+ actions need an answer\.$/);
    await answer("2.7", "on_track");
    expect(itemOf(await readsTrue(MONDAY_LATER), "2.7").recorded).toMatch(/^Recorded: on track/);
    await answer("5", "complete");
    expect(fact(await readsTrue(MONDAY_LATER), "5", "Target")).toBe("30/11/2020");
    await answer("2.6", "note", { kind: "delayed", date: "2021-03-31", text: "waiting for Cabinet" });
    expect(await action("2.6")).toMatchObject({ status: "delayed", targetTo: "2021-03-31", statusText: "waiting for Cabinet" });
    expect(fact(await readsTrue(MONDAY_LATER), "2.6", "Status")).toBe("Delayed");
    await answer("3.3", "note", { kind: "blocked", text: "no budget" });
    expect(itemOf(await readsTrue(MONDAY_LATER), "3.3").recorded).toMatch(/^Recorded: blocked: no budget/);
    expect(textOf((await say("Sam Jones", "7.1 on track", { at: MONDAY_LATER })).reply)).toBe("Recorded for 7.1: on track.");
    await settle();
    expect(itemOf(await readsTrue(MONDAY_LATER), "7.1").recorded).toMatch(/^Recorded: on track/);
    expect(prompts()).toHaveLength(1);

    // A week later: another digest, a new message; a second prompt that reads true.
    const week = await stepTo(WEEK_LATER);
    expect(week.digests).toEqual({ claimed: true, digests: 1 });
    expect(digests()).toHaveLength(2);
    const weekly = digests()[1]!.card as DigestCard;
    expect(weekly.subtitle).toContain("compared with the digest of 21 December 2020");
    // The delay reads as an extension: ref and title, from → to, and the reason.
    const extensions = [...weekly.sections, ...weekly.detail].flatMap((sec) => sec.lines).find((l) => l.label.startsWith("Target extensions"))!;
    expect(extensions.items).toContain("2.6 A new permanent Head of Procurement and Contract Management starts in March. (CDAI): 31/12/2020 → 31/03/2021 (waiting for Cabinet)");
    expect(prompts()).toHaveLength(2);
    const second = await readsTrue(WEEK_LATER);
    expect(second.items.map((i) => i.heading.split(" · ")[0])).not.toContain("5");
    expect(fact(second, "2.6", "Target")).toBe("31/03/2021, in 92 days (was 31/12/2020)");
  });

  it("a choose card offers the person's open actions as the store has them, before and after an answer", async () => {
    const sam = await person("Sam Jones");
    const expectTrueChoice = async (card: Card | null, kind: string) => {
      const choose = card as ChooseCard;
      expect(choose.type).toBe("choose");
      expect(choose.text).toBe("Which action is that for? Nothing is recorded until you choose.");
      const open = await findPersonActions(store.db, sam.id, "2020-12-20");
      expect(choose.options.map((o) => (o.answer as AnswerPayload).a)).toEqual(open.map((a) => a.id));
      for (const [i, o] of choose.options.entries()) {
        expect(o.label.startsWith(`${open[i]!.ref ?? open[i]!.key}: ${kind} (`)).toBe(true);
        expect((o.answer as AnswerPayload).k).toBe(kind === "Complete" ? "complete" : "on_track");
      }
      return choose;
    };
    const first = await expectTrueChoice((await say("Sam Jones", "done")).reply, "Complete");
    const five = first.options.find((o) => o.label.startsWith("5:"))!.answer as AnswerPayload;
    await press("Sam Jones", five);
    expect(await action("5")).toMatchObject({ status: "complete" });
    // Asked again: the finished action is no longer offered.
    const again = await expectTrueChoice((await handleEvent(deps, { type: "text", user: user("Sam Jones"), deliveryId: "done-again", text: "done" }, NOW)).reply, "Complete");
    expect(again.options.map((o) => o.label.split(":")[0])).not.toContain("5");
    expect(again.options).toHaveLength(first.options.length - 1);
  });

  it("a list card keeps its 'N more actions' footer and its header counts the open actions now", async () => {
    // Six is the most a card shows: give Sam a seventh open action.
    await store.db.action.update({ where: { id: (await action("2.5")).id }, data: { status: "in_progress" } });
    await store.db.action.update({ where: { id: (await action("3.4")).id }, data: { status: "in_progress" } });
    const { reply } = await say("Sam Jones", "my actions");
    const list = reply as PromptCard;
    expect(list.intro).toBe("You have 8 open actions.");
    expect(list.footer).toContain("2 more actions are not shown here");
    await expectTrue(list, "Sam Jones", NOW);
    const pressed = await press("Sam Jones", buttonOf(list, list.items[0]!.heading.split(" · ")[0]!, "complete"));
    const again = pressed.pressed as PromptCard;
    expect(again.intro).toBe("You have 7 open actions.");
    expect(again.footer).toContain("2 more actions are not shown here");
    await expectTrue(again, "Sam Jones", NOW);
  });

  it("'2.3 done' for an action the person owns that is already complete says so, and records nothing", async () => {
    const before = await store.db.answer.count();
    expect(textOf((await say("Sam Jones", "2.3 done", { locale: "en-GB" })).reply)).toMatch(/^2\.3 ".*" is already complete, so nothing was recorded\./);
    expect(textOf((await say("Sam Jones", "2.3 wedi'i wneud", { locale: "cy" })).reply)).toMatch(/^Mae 2\.3 ".*" eisoes yn wedi'i gwblhau, felly ni chofnodwyd dim\./);
    expect(await store.db.answer.count()).toBe(before);
    // Completed in chat: the date it was recorded is given.
    await say("Sam Jones", "2.7 done", { locale: "en-GB" });
    expect(textOf((await say("Sam Jones", "2.7 complete", { at: LATER, locale: "en-GB" })).reply)).toMatch(/^2\.7 ".*" was already recorded as complete on 20\/12\/2020, so nothing was recorded\./);
  });

  it.each([
    ["nearly done", "en-GB", /^I'm not sure what "nearly done" should record, so nothing was recorded\./],
    ["done but delayed", "en-GB", /^I'm not sure what "done but delayed" should record/],
    ["2.6 nearly done", "en-GB", /^I'm not sure what "2\.6 nearly done" should record/],
    ["bron wedi gorffen", "cy", /^Dydw i ddim yn siŵr beth ddylai "bron wedi gorffen" ei gofnodi/],
    ["heb ei wneud", "cy", /^Dydw i ddim yn siŵr beth ddylai "heb ei wneud" ei gofnodi/],
    ["wedi'i wneud ond wedi'i oedi", "cy", /^Dydw i ddim yn siŵr beth ddylai "wedi'i wneud ond wedi'i oedi" ei gofnodi/],
  ])("'%s' (%s) is asked back with the actions' buttons, not 'Sorry, I didn't understand'", async (text, locale, intro) => {
    const { reply } = await say("Sam Jones", text, { locale });
    expect(reply?.type).toBe("prompt");
    const card = reply as PromptCard;
    expect(card.intro).toMatch(intro);
    expect(card.items.length).toBeGreaterThan(0);
    if (text.startsWith("2.6")) expect(card.items.map((i) => i.heading.split(" · ")[0])).toEqual(["2.6"]);
    expect(card.items[0]!.buttons.map((b) => b.answer.k)).toEqual(["on_track", "complete", "note"]);
    expect(await store.db.answer.count()).toBe(0);
  });

  it.each([
    ["snooze 2.6", "en-GB", "Until when? Use More… below and choose Snooze"],
    ["2.6 delayed", "en-GB", "Use More… below and choose Delayed"],
    ["2.6 blocked", "en-GB", "Use More… below and choose Blocked"],
    ["atgoffa fi am 2.6", "cy", "Tan pryd? Defnyddiwch Mwy… isod a dewis Gohirio"],
  ])("'%s' (%s) points to the button the card really has", async (text, locale, question) => {
    const { reply } = await say("Sam Jones", text, { locale });
    const card = reply as PromptCard;
    expect(card.intro).toContain(question);
    // The More… form offers the answer the words point to.
    const more = card.items[0]!.buttons.find((b) => b.form)!;
    expect(more.label).toBe(locale === "cy" ? "Mwy…" : "More…");
  });

  it.each([
    ["snooze 2.6 until 1 March", "en-GB", "2.6 is snoozed: I'll ask again then."],
    ["atgoffa fi am 2.6 tan 1 Mawrth", "cy", "Mae 2.6 wedi'i ohirio: byddaf yn gofyn eto bryd hynny."],
  ])("'%s' (%s) snoozes 2.6 until the date said, with no button to find", async (text, locale, told) => {
    expect(textOf((await say("Sam Jones", text, { locale })).reply)).toBe(told);
    const answer = await store.db.answer.findFirstOrThrow({ where: { actionId: (await action("2.6")).id } });
    expect(answer).toMatchObject({ kind: "snooze" });
    expect(JSON.parse(answer.payload)).toMatchObject({ date: "2021-03-01" });
  });

  it.each([
    ["2.6 delayed to 31 March 2021, waiting for Cabinet", "en-GB", "Status", "Delayed", /^Recorded: delayed to 31\/03\/2021: waiting for Cabinet/],
    ["2.6 wedi'i oedi tan 31 Mawrth 2021, aros am y Cabinet", "cy", "Statws", "Wedi'i oedi", /^Cofnodwyd: .*31\/03\/2021: aros am y Cabinet/],
  ])("'%s' (%s) after On track: the card shows the delay, status and recorded line alike", async (text, locale, statusLabel, status, recorded) => {
    await handleEvent(deps, { type: "contact", user: user("Sam Jones", locale), address: { platform: "web", address: "Sam Jones" } }, NOW);
    await store.db.person.update({ where: { id: (await person("Sam Jones")).id }, data: { locale } });
    await sendPrompt(deps, (await person("Sam Jones")).id, NOW);
    const sent = web.messages("Sam Jones").find((m) => m.card?.type === "prompt")!.card as PromptCard;
    await press("Sam Jones", buttonOf(sent, "2.6", "on_track"));
    await say("Sam Jones", text, { at: LATER, locale });
    await settle();
    const after = (await messageCard(store.db, sent.messageId!, LATER))!;
    expect(fact(after, "2.6", statusLabel)).toBe(status);
    expect(itemOf(after, "2.6").recorded).toMatch(recorded);
    expect(web.messages("Sam Jones").find((m) => m.card?.type === "prompt")!.card).toEqual(after);
  });

  it.each([
    ["my actions", "en-GB", "Sam Jones, I've sent your actions to our 1:1 chat: a list of someone's actions is only shown there."],
    ["fy ngweithredoedd", "cy", "Sam Jones, rwyf wedi anfon eich camau gweithredu i'n sgwrs 1:1: dim ond yno y dangosir rhestr camau gweithredu rhywun."],
  ])("'%s' (%s) in a room gets the pointer in the person's language, and the room sees no list", async (text, locale, pointer) => {
    expect(textOf((await say("Sam Jones", text, { room: "Leadership", locale })).reply)).toBe(pointer);
    expect(web.messages("Leadership")).toEqual([]);
  });

  it.each([
    ["R6 is not mine", "en-GB"],
    ["nid fi sy'n gyfrifol am R6", "cy"],
  ])("'%s' (%s) finds the action where the plan writes 'R 6'", async (text, locale) => {
    // Mo owns an action the plan refers to as "R 6".
    await store.db.action.update({ where: { id: (await action("4.1")).id }, data: { ref: "R 6" } });
    const reply = await say("Mo Khan", text, { locale });
    expect(textOf(reply.reply)).toMatch(locale === "cy" ? /R 6/ : /^Thanks: I've asked the plan's admins to reassign R 6\./);
    expect(await store.db.answer.findFirst({ where: { actionId: (await action("4.1")).id } })).toMatchObject({ kind: "not_mine" });
    // Sam, who does not own it, is told whose it is rather than "I can't find an action R6".
    const sam = await say("Sam Jones", text, { locale });
    expect(textOf(sam.reply)).toMatch(locale === "cy" ? /^Wedi nodi: nid yw R 6 yn un o'ch rhai chi.*Monitoring Officer \(Mo Khan\)/ : /^Noted: R 6 is not one of yours.*Monitoring Officer \(Mo Khan\)/);
  });

  it("'my actions' in a group chat or channel gets a short pointer there; the list goes to the 1:1 chat", async () => {
    const { reply } = await say("Sam Jones", "my actions", { room: "Leadership" });
    expect(reply).toEqual({ type: "notice", text: "Sam Jones, I've sent your actions to our 1:1 chat: a list of someone's actions is only shown there." });
    expect(web.messages("Leadership")).toEqual([]);
    const list = web.messages("Sam Jones").find((m) => m.card?.type === "prompt")!.card as PromptCard;
    expect(list.title).toBe("Your open actions");
    expect(list.items.map((i) => i.heading.split(" · ")[0])).toContain("2.6");
    // Its buttons work: it is recorded as a message and updated in place.
    const pressed = await press("Sam Jones", buttonOf(list, "2.6", "on_track"));
    expect(itemOf(pressed.pressed as PromptCard, "2.6").recorded).toMatch(/^Recorded: on track/);
    // Ask-backs that would list actions are not shown in the room either.
    const unsure = await say("Sam Jones", "nearly done", { room: "Leadership" });
    expect(unsure.reply?.type).toBe("notice");
    expect(textOf(unsure.reply)).not.toContain("2.6");
  });

  it("the welcome is given once to whichever of two racing install events claims it", async () => {
    // As Teams sends them: installationUpdate and conversationUpdate for one new person, together.
    const alice = { platform: "teams" as const, userId: "29:alice", tenantId: "tenant-1", name: "Alice Owner" };
    const address = { platform: "teams" as const, address: JSON.stringify({ conversation: { id: "a:chat-alice" } }) };
    const events = await Promise.all([handleEvent(deps, { type: "contact", user: alice, address }, NOW), handleEvent(deps, { type: "contact", user: alice, address }, NOW)]);
    const welcomes = events.map((e) => textOf(e.reply)).filter((t) => t.startsWith("Hello Alice Owner"));
    expect(welcomes).toHaveLength(1);
    expect(await store.db.person.count({ where: { name: "Alice Owner" } })).toBe(1);
  });
});

describe.each(PROVIDERS)("the schedule after answers (%s)", (provider) => {
  let store: TestStore;
  let web: WebChannel;
  let deps: ConversationDeps;
  const at = (iso: string) => new Date(iso);
  const prompts = (name: string) => web.messages(name).filter((m) => m.card?.type === "prompt");
  const notices = (name: string) => web.messages(name).filter((m) => m.card?.type === "notice").map((m) => (m.card as NoticeCard).text);

  beforeEach(async () => {
    store = await freshStore(provider);
    web = new WebChannel();
    deps = { store, log: pino({ level: "silent" }), channels: { web }, later: (task) => void task() };
    await importPlan(store, await parseSeed("procurement"), { sourceDocument: "procurement.tsv", via: "cli", actorLabel: "test", now: at("2020-12-01T09:00:00Z") });
    for (const name of ["Sam Jones", "Mo Khan", "Dee Director", "Pat Planadmin"]) {
      await handleEvent(deps, { type: "contact", user: { platform: "web", userId: name }, address: { platform: "web", address: name } }, at("2020-12-01T09:00:00Z"));
    }
    await mapRole(store.db, { role: "CDAI", personName: "Sam Jones", via: "cli", actorLabel: "test", playground: true });
    await mapRole(store.db, { role: "Monitoring Officer", personName: "Mo Khan", via: "cli", actorLabel: "test", playground: true });
  });
  afterEach(async () => store.drop());

  it("does not ask again about an action just answered with a new target", async () => {
    const sam = await store.db.person.findFirstOrThrow({ where: { name: "Sam Jones" } });
    // Sam answers 2.6 and 2.7 from a list, minutes before the first prompt run.
    await handleEvent(deps, { type: "text", user: { platform: "web", userId: "Sam Jones" }, deliveryId: "a", text: "2.6 delayed to 31 March 2021, waiting for Cabinet" }, at("2020-12-21T09:20:00Z"));
    await handleEvent(deps, { type: "text", user: { platform: "web", userId: "Sam Jones" }, deliveryId: "b", text: "2.7 on track" }, at("2020-12-21T09:21:00Z"));
    expect(await store.db.answer.count({ where: { personId: sam.id } })).toBe(2);
    await tick(deps, at("2020-12-21T09:30:00Z"));
    const refs = (prompts("Sam Jones")[0]!.card as PromptCard).items.map((i) => i.heading.split(" · ")[0]);
    expect(refs).not.toContain("2.6");
    expect(refs).not.toContain("2.7");
    expect(refs).toContain("5");
  });

  it("escalates once per run per person, listing the actions, never to who was asked, and plainly to the plan's admins when nobody is mapped", async () => {
    const plan = await store.db.plan.findFirstOrThrow();
    const director = await store.db.ownerRole.create({ data: { name: "Director of Governance" } });
    const cdai = await store.db.ownerRole.findUniqueOrThrow({ where: { name: "CDAI" } });
    await store.db.roleAssignment.create({ data: { roleId: director.id, personId: (await store.db.person.findFirstOrThrow({ where: { name: "Dee Director" } })).id } });
    // 4.2 and 5 are 21 days overdue. Dee is accountable for 4.2 and 5; Sam (CDAI) is accountable for 5 as well.
    for (const key of ["4.2", "5"]) {
      const a = await store.db.action.findFirstOrThrow({ where: { key } });
      await store.db.actionOwner.create({ data: { actionId: a.id, roleId: director.id, kind: "accountable", position: 9 } });
    }
    const seven = await store.db.action.findFirstOrThrow({ where: { key: "7.1" } });
    await store.db.action.update({ where: { id: seven.id }, data: { targetTo: "2020-11-01", targetFrom: "2020-11-01" } });
    await store.db.actionOwner.create({ data: { actionId: seven.id, roleId: cdai.id, kind: "accountable", position: 9 } });
    const pat = await store.db.person.findFirstOrThrow({ where: { name: "Pat Planadmin" } });
    await store.db.planAdmin.create({ data: { planId: plan.id, personId: pat.id } });

    await tick(deps, at("2020-12-21T09:30:00Z"));
    const dee = notices("Dee Director").filter((t) => t.includes("following up"));
    expect(dee).toHaveLength(1);
    expect(dee[0]!.split("\n")[0]).toBe("You are accountable for these 2 actions, and they need following up:");
    expect(dee[0]!.split("\n").slice(1).map((l) => l.split(" ")[1])).toEqual(["4.2", "5"]);
    expect(dee[0]).toContain("Asked Mo Khan (21/12/2020).");
    // 7.1: Sam owns it and is its only accountable person: it goes to the plan's admin, said plainly.
    const patCard = notices("Pat Planadmin").filter((t) => t.includes("following up"));
    expect(patCard).toHaveLength(1);
    expect(patCard[0]).toMatch(/^This action needs following up, and it comes to you as an admin of its plan:\n• 7\.1 /);
    expect(patCard[0]).toContain("The person accountable for it is the one who was asked.");
    // Never to the person asked about their own actions.
    expect(notices("Sam Jones").filter((t) => t.includes("following up"))).toEqual([]);
    expect(notices("Mo Khan").filter((t) => t.includes("following up"))).toEqual([]);
    // Not again within the cadence.
    await tick(deps, at("2020-12-22T09:30:00Z"));
    expect(notices("Dee Director").filter((t) => t.includes("following up"))).toHaveLength(1);
  });

  it("the escalation card renders each action on its own line in Teams and Slack", async () => {
    const card: NoticeCard = { type: "notice", text: "Intro:\n• 4.2 one\n• 5 two" };
    const adaptive = renderAdaptiveCard(card) as Json;
    expect(adaptive.body.map((b: Json) => b.text)).toEqual(["Intro:", "• 4.2 one", "• 5 two"]);
    expect(renderBlockKit(card).blocks[0]).toMatchObject({ text: { text: "Intro:\n• 4.2 one\n• 5 two" } });
  });
});

describe("words and looks", () => {
  it("help keeps its line breaks in Teams: one TextBlock a line", () => {
    for (const locale of ["en-GB", "cy"] as const) {
      const text = translator(locale)("chat.help");
      const card = renderAdaptiveCard({ type: "notice", text }) as Json;
      expect(card.body.map((b: Json) => b.text)).toEqual(text.split("\n"));
      expect(card.body.length).toBeGreaterThan(5);
    }
  });

  it("a digest's 'and N more' is a paragraph of its own, not part of the last bullet", () => {
    const card = renderAdaptiveCard({
      type: "digest",
      title: "T",
      subtitle: "S",
      note: null,
      chart: { title: "C", slices: [] },
      themeChart: null,
      trendChart: null,
      trendText: "",
      sections: [{ heading: "H", summary: "s", ragLine: "", bars: [], lines: [{ label: "Overdue (4)", items: ["a", "b"], more: "and 2 more" }] }],
      detail: [],
      showAllLabel: "all",
      footer: null,
    });
    expect(JSON.stringify(card)).toContain(JSON.stringify("- a\n- b\n\nand 2 more").slice(1, -1));
  });
});
