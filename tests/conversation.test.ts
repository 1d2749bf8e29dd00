import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebChannel } from "../src/adapters/web/web-channel.js";
import type { AnswerPayload, Card, ClaimPayload, PromptCard } from "../src/conversation/card.js";
import { handleEvent, type ConversationDeps, type InboundEvent } from "../src/conversation/handle-event.js";
import { sendPrompt } from "../src/conversation/send-prompt.js";
import { importPlan } from "../src/store/import-plan.js";
import { mapRole } from "../src/store/map-role.js";
import { parseSeed } from "./helpers/seeds.js";
import { freshStore, PROVIDERS, type TestStore } from "./helpers/test-store.js";

// 20 December 2020: item 2's activities (31/12/20) are due within 14 days, 4.2 (30/11/20) is overdue.
const NOW = new Date("2020-12-20T09:30:00Z");

describe.each(PROVIDERS)("conversations in the core (%s)", (provider) => {
  let store: TestStore;
  let web: WebChannel;
  let deps: ConversationDeps;
  let pending: Promise<unknown>[];

  const user = (name: string, locale?: string) => ({ platform: "web" as const, userId: name, ...(locale ? { locale } : {}) });
  const settle = async () => {
    while (pending.length > 0) await Promise.all(pending.splice(0));
  };
  const say = (name: string, text: string, deliveryId = `${name}:${text}`) =>
    handleEvent(deps, { type: "text", user: user(name), deliveryId, text }, NOW);
  const press = (name: string, answer: AnswerPayload | ClaimPayload, inputs: Record<string, string> = {}) =>
    handleEvent(deps, { type: "answer", user: user(name), deliveryId: "d", payload: answer, inputs, inline: false } satisfies InboundEvent, NOW);
  const promptFor = (name: string) => web.messages(name).find((m) => m.card?.type === "prompt")!;
  const button = (card: Card, ref: string, kind: string) => {
    const item = (card as PromptCard).items.find((i) => i.heading.startsWith(`${ref} ·`))!;
    return item.buttons.find((b) => b.answer.k === kind)!.answer;
  };
  const action = (key: string) => store.db.action.findFirstOrThrow({ where: { key } });
  const historyCount = () => store.db.history.count({ where: { via: "chat:web" } });

  beforeEach(async () => {
    store = await freshStore(provider);
    web = new WebChannel(() => NOW);
    pending = [];
    deps = { store, log: pino({ level: "silent" }), channels: { web }, later: (task) => void pending.push(task()) };
    await importPlan(store, await parseSeed("procurement"), { sourceDocument: "procurement.tsv", via: "cli", actorLabel: "test", now: new Date("2020-12-01T09:00:00Z") });
    await handleEvent(deps, { type: "contact", user: user("Sam Jones"), address: { platform: "web", address: "Sam Jones" } }, NOW);
    await handleEvent(deps, { type: "contact", user: user("Mo Khan"), address: { platform: "web", address: "Mo Khan" } }, NOW);
    await mapRole(store.db, { role: "CDAI", personName: "Sam Jones", via: "cli", actorLabel: "test", playground: true });
    await mapRole(store.db, { role: "Monitoring Officer", personName: "Mo Khan", via: "cli", actorLabel: "test", playground: true });
  });
  afterEach(async () => {
    await settle();
    await store.drop();
  });

  it("sends one prompt listing every action that needs an answer, saying why, once a day", async () => {
    const first = await sendPrompt(deps, (await store.db.person.findFirstOrThrow({ where: { name: "Sam Jones" } })).id, NOW);
    expect(first.status).toBe("sent");
    const card = promptFor("Sam Jones").card as PromptCard;
    // 7.3 is delayed, so slipping; 3.3 (4/01/21) is not yet within 14 days.
    expect(card.items.map((i) => i.heading.split(" · ")[0])).toEqual(["2.6", "2.7", "5", "7.1", "7.3"]);
    const item = card.items[0]!;
    expect(item.reason).toBe("Due in 11 days");
    expect(item.facts).toContainEqual({ label: "Target", value: "31/12/2020, in 11 days" });
    expect(item.facts).toContainEqual({ label: "Owner", value: "CDAI" });
    expect(item.buttons.map((b) => [b.label, b.answer.k, b.form?.fields.map((f) => f.id) ?? null])).toEqual([
      ["On track", "on_track", null],
      ["Complete", "complete", null],
      ["More…", "note", ["kind", "date", "text"]],
    ]);
    expect(card.items.find((i) => i.heading.startsWith("5 ·"))!.reason).toBe("Overdue by 20 days");

    const again = await sendPrompt(deps, (await store.db.person.findFirstOrThrow({ where: { name: "Sam Jones" } })).id, NOW);
    expect(again.status).toBe("duplicate");
    expect(web.messages("Sam Jones").filter((m) => m.card?.type === "prompt")).toHaveLength(1);
  });

  it("records a button answer with its history, updates the card in place, and ignores a second press", async () => {
    const sam = await store.db.person.findFirstOrThrow({ where: { name: "Sam Jones" } });
    await sendPrompt(deps, sam.id, NOW);
    const message = promptFor("Sam Jones");
    const complete = button(message.card!, "2.6", "note");

    const outcome = await press("Sam Jones", complete, { kind: "complete", text: "Head of Procurement started" });
    expect(outcome.reply).toBeNull();
    const pressed = outcome.pressed as PromptCard;
    expect(pressed.items.find((i) => i.actionId === complete.a)!.recorded).toBe("Recorded: complete (Sam Jones, 20/12/2020)");
    expect(pressed.items.find((i) => i.actionId === complete.a)!.buttons).toEqual([]);

    expect(await action("2.6")).toMatchObject({ status: "complete", statusSource: "chat", progress: "Head of Procurement started" });
    const history = await store.db.history.findFirstOrThrow({ where: { actionId: complete.a, via: "chat:web" } });
    expect(history).toMatchObject({ actorPersonId: sam.id, actorLabel: "Sam Jones" });
    expect(JSON.parse(history.before!)).toMatchObject({ status: "in_progress" });
    expect(JSON.parse(history.after!)).toMatchObject({ status: "complete" });

    await settle();
    const updated = web.messages("Sam Jones").find((m) => m.id === message.id)!;
    expect(updated.updatedAt).not.toBeNull();
    expect((updated.card as PromptCard).items.find((i) => i.actionId === complete.a)!.recorded).toMatch(/^Recorded: complete/);

    const second = await press("Sam Jones", complete, { kind: "complete", text: "Head of Procurement started" });
    expect(second.reply).toMatchObject({ type: "notice", text: "That was already recorded for 2.6; nothing new was recorded." });
    expect(await historyCount()).toBe(1);
  });

  it("records a delay as a new target with its reason, keeping the original", async () => {
    await sendPrompt(deps, (await store.db.person.findFirstOrThrow({ where: { name: "Sam Jones" } })).id, NOW);
    const more = button(promptFor("Sam Jones").card!, "2.7", "note");
    await press("Sam Jones", more, { kind: "delayed", date: "2021-03-31", text: "Waiting for Cabinet" });
    expect(await action("2.7")).toMatchObject({
      status: "delayed",
      statusText: "Waiting for Cabinet",
      targetTo: "2021-03-31",
      targetText: "31/03/2021",
      originalTargetTo: "2020-12-31",
      rag: "amber",
    });
  });

  it.each([
    [{ kind: "delayed", date: "2020-12-01", text: "late" }, "01/12/2020 is not in the future. Choose a later date. Nothing was recorded."],
    [{ kind: "delayed", date: "31 March", text: "late" }, "\"31 March\" is not a date. Use the date picker, or write e.g. 31/03/2027. Nothing was recorded."],
    [{ kind: "delayed", date: "2021-03-31" }, "A delay needs a reason. Nothing was recorded."],
    [{ kind: "delayed", text: "late" }, "A delay needs a new target date. Nothing was recorded."],
    [{ kind: "delayed", date: "2021-03-31", text: "x".repeat(1001) }, "The reason is too long: 1000 characters at most. Nothing was recorded."],
  ])("refuses a bad delay %j with a clear answer and records nothing", async (inputs, message) => {
    await sendPrompt(deps, (await store.db.person.findFirstOrThrow({ where: { name: "Sam Jones" } })).id, NOW);
    const outcome = await press("Sam Jones", button(promptFor("Sam Jones").card!, "2.7", "note"), inputs);
    expect(outcome.reply).toEqual({ type: "notice", text: message });
    expect(await action("2.7")).toMatchObject({ status: "in_progress", targetTo: "2020-12-31" });
    expect(await historyCount()).toBe(0);
  });

  it("tells a stranger who owns the action, and records nothing", async () => {
    await sendPrompt(deps, (await store.db.person.findFirstOrThrow({ where: { name: "Sam Jones" } })).id, NOW);
    const outcome = await press("Mo Khan", button(promptFor("Sam Jones").card!, "2.6", "complete"));
    expect(outcome.reply).toEqual({
      type: "notice",
      text: "Only the owner of 2.6, their delegate or a plan admin can update it, so nothing was recorded. It belongs to CDAI (Sam Jones).",
    });
    expect(await action("2.6")).toMatchObject({ status: "in_progress" });
    expect(await store.db.answer.count()).toBe(0);
  });

  it("lets a delegate answer for the person they cover", async () => {
    const [sam, mo] = await Promise.all(["Sam Jones", "Mo Khan"].map((name) => store.db.person.findFirstOrThrow({ where: { name } })));
    await store.db.delegation.create({ data: { principalId: sam!.id, delegateId: mo!.id, until: "2020-12-31" } });
    await sendPrompt(deps, sam!.id, NOW);
    await press("Mo Khan", button(promptFor("Sam Jones").card!, "2.6", "on_track"));
    expect(await action("2.6")).toMatchObject({ status: "in_progress", rag: "green", statusSource: "chat" });
  });

  it("says a card is stale when the action was completed since, and records nothing", async () => {
    await sendPrompt(deps, (await store.db.person.findFirstOrThrow({ where: { name: "Sam Jones" } })).id, NOW);
    const card = promptFor("Sam Jones").card!;
    await say("Sam Jones", "2.6 done");
    const outcome = await press("Sam Jones", button(card, "2.6", "note"), { kind: "blocked", text: "no budget" });
    expect(outcome.reply).toEqual({ type: "notice", text: "2.6 is already Complete, so nothing was recorded. The card now shows where it stands." });
    expect(await action("2.6")).toMatchObject({ status: "complete" });
  });

  it("refuses a forged or malformed button payload", async () => {
    for (const payload of [{ v: 2 }, "nonsense", { v: 1, m: null, a: "x", k: "explode" }, null]) {
      const outcome = await handleEvent(deps, { type: "answer", user: user("Sam Jones"), deliveryId: "d", payload, inputs: {}, inline: false }, NOW);
      expect(outcome.reply).toMatchObject({ type: "notice", text: expect.stringMatching(/^That button is not one I recognise/) });
    }
    const unknown = await press("Sam Jones", { v: 1, m: null, a: "no-such-action", k: "complete" });
    expect(unknown.reply).toEqual({ type: "notice", text: "That action no longer exists, so nothing was recorded." });
    expect(await store.db.answer.count()).toBe(0);
  });

  it("records a free-text answer that names its action, once per delivery", async () => {
    const reply = await say("Sam Jones", "2.7 done", "delivery-1");
    expect(reply.reply).toEqual({ type: "notice", text: "Recorded for 2.7: complete. Thank you!" });
    expect(await action("2.7")).toMatchObject({ status: "complete", statusSource: "chat" });
    const repeat = await say("Sam Jones", "2.7 done", "delivery-1");
    expect(repeat.reply).toEqual({ type: "notice", text: "That was already recorded for 2.7; nothing new was recorded." });
    expect(await historyCount()).toBe(1);
  });

  it("records a delay given in words, with date and reason", async () => {
    await say("Sam Jones", "2.7 delayed to end of March, waiting for Cabinet");
    expect(await action("2.7")).toMatchObject({ status: "delayed", targetTo: "2021-03-31", statusText: "waiting for Cabinet", originalTargetTo: "2020-12-31" });
  });

  it("asks which action rather than guessing, and records only the choice", async () => {
    const outcome = await say("Sam Jones", "on track");
    const card = outcome.reply!;
    expect(card.type).toBe("choose");
    if (card.type !== "choose") return;
    expect(card.text).toBe("Which action is that for? Nothing is recorded until you choose.");
    expect(card.options.map((o) => o.label.split(":")[0])).toContain("2.6");
    expect(await historyCount()).toBe(0);
    const option = card.options.find((o) => o.label.startsWith("2.6:"))!;
    await press("Sam Jones", option.answer);
    expect(await action("2.6")).toMatchObject({ rag: "green", statusSource: "chat" });
    expect(await historyCount()).toBe(1);
  });

  it("asks for the missing date and reason of a delay instead of recording half of it", async () => {
    const outcome = await say("Sam Jones", "2.7 is delayed");
    expect(outcome.reply).toMatchObject({ type: "prompt", intro: expect.stringMatching(/^To record a delay I need a new date and a reason/) });
    expect(await historyCount()).toBe(0);
  });

  it("does not record what it did not understand, or text too long to be an update", async () => {
    expect((await say("Sam Jones", "hello there")).reply).toMatchObject({ text: expect.stringMatching(/^Sorry, I didn't understand that/) });
    expect((await say("Sam Jones", `2.6 done ${"x".repeat(2100)}`)).reply).toMatchObject({ text: expect.stringMatching(/too long/) });
    expect((await say("Sam Jones", "R9 done")).reply).toEqual({ type: "notice", text: "I can't find an action R9. Say \"my actions\" to see yours." });
    expect(await historyCount()).toBe(0);
  });

  it("tells someone naming another person's action who owns it", async () => {
    const outcome = await say("Mo Khan", "2.6 done");
    expect(outcome.reply).toMatchObject({ text: expect.stringMatching(/It belongs to CDAI \(Sam Jones\)\.$/) });
    expect(await action("2.6")).toMatchObject({ status: "in_progress" });
  });

  it("sends a 'not mine' to the plan's admins to reassign", async () => {
    const admin = await store.db.person.create({ data: { name: "Alex Admin", webUserId: "Alex Admin", origin: "playground", isAdmin: true } });
    const outcome = await say("Mo Khan", "4.1 is not mine, ask Legal");
    expect(outcome.reply).toEqual({ type: "notice", text: "Thanks: I've asked the plan's admins to reassign 4.1." });
    await settle();
    expect((await action("4.1")).reassignRequestedAt).not.toBeNull();
    const told = web.messages(admin.name);
    expect(told).toHaveLength(1);
    expect(told[0]!.card).toMatchObject({ type: "notice", text: expect.stringContaining("Mo Khan says 4.1") });
  });

  it("lists a person's actions on request, in Welsh for a Welsh speaker", async () => {
    await handleEvent(deps, { type: "contact", user: user("Sam Jones", "cy-GB"), address: { platform: "web", address: "Sam Jones" } }, NOW);
    const outcome = await say("Sam Jones", "fy nghamau");
    expect(outcome.reply).toMatchObject({ type: "prompt", title: "Eich camau gweithredu agored", intro: "Mae gennych 6 cham gweithredu agored." });
    const card = outcome.reply as PromptCard;
    expect(card.items[0]!.buttons[0]!.label).toBe("Ar y trywydd iawn");
  });

  it("shows the least recently updated actions first, so answering moves the list along", async () => {
    await say("Sam Jones", "2.6 on track");
    const outcome = await say("Sam Jones", "my actions");
    const card = outcome.reply as PromptCard;
    expect(card.items.map((i) => i.heading.split(" · ")[0])).toEqual(["2.7", "3.3", "5", "7.1", "7.3", "2.6"]);
  });

  it("welcomes a person once, however often the platform says they arrived", async () => {
    const again = await handleEvent(deps, { type: "contact", user: user("Sam Jones"), address: { platform: "web", address: "Sam Jones" } }, NOW);
    expect(again.reply).toBeNull();
    const newcomer = await handleEvent(deps, { type: "contact", user: user("Nia Evans"), address: { platform: "web", address: "Nia Evans" } }, NOW);
    expect(newcomer.reply).toMatchObject({ type: "notice", text: expect.stringMatching(/^Hello Nia Evans\. I'm Chaser/) });
  });
});

describe("a person an admin named before they ever spoke to Chaser", () => {
  it("is bound to a Teams user of that name only once an admin confirms, and is marked unreachable when they leave", async () => {
    const store = await freshStore("sqlite");
    try {
      const web = new WebChannel(() => NOW);
      const admin = await store.db.person.create({ data: { name: "Alex Admin", webUserId: "Alex Admin", origin: "playground", isAdmin: true } });
      const pending: Promise<unknown>[] = [];
      const deps: ConversationDeps = { store, log: pino({ level: "silent" }), channels: { web }, later: (task) => void pending.push(task()) };
      const settle = async () => {
        while (pending.length > 0) await Promise.all(pending.splice(0));
      };
      await importPlan(store, await parseSeed("procurement"), { sourceDocument: "p.tsv", via: "cli", actorLabel: "test", now: NOW });
      await mapRole(store.db, { role: "CDAI", personName: "Sam Jones", via: "cli", actorLabel: "test" });
      const named = await store.db.person.findFirstOrThrow({ where: { name: "Sam Jones" } });
      await handleEvent(deps, { type: "contact", user: { platform: "teams", userId: "29:sam", name: "Sam Jones" }, address: { platform: "teams", address: "{}" } }, NOW);
      await settle();
      // The name alone binds nothing: a second record, with none of the named person's roles.
      const newcomer = await store.db.person.findUniqueOrThrow({ where: { teamsUserId: "29:sam" }, include: { assignments: true } });
      expect(newcomer.id).not.toBe(named.id);
      expect(newcomer.assignments).toEqual([]);
      expect((await say(deps, "29:sam", "my actions")).reply).toMatchObject({ type: "notice", text: expect.stringMatching(/^You have no open actions/) });

      const asked = web.messages(admin.name).map((m) => m.card!);
      expect(asked).toHaveLength(1);
      expect(asked[0]).toMatchObject({ type: "choose", text: expect.stringContaining("Someone new on Teams calls themselves Sam Jones (Teams 29:sam)") });
      const [confirm] = (asked[0] as Extract<Card, { type: "choose" }>).options;
      // The newcomer cannot confirm themselves.
      expect((await handleEvent(deps, { type: "answer", user: { platform: "teams", userId: "29:sam" }, deliveryId: "x", payload: confirm!.answer, inputs: {}, inline: false }, NOW)).reply).toMatchObject({ text: expect.stringMatching(/^Only Chaser's admins/) });
      const confirmed = await handleEvent(deps, { type: "answer", user: { platform: "web", userId: admin.name }, deliveryId: "y", payload: confirm!.answer, inputs: {}, inline: false }, NOW);
      expect(confirmed.reply).toMatchObject({ text: "Done: Sam Jones is now recognised in chat, with everything that was set up for them." });
      await settle();
      expect(await store.db.person.count({ where: { name: "Sam Jones" } })).toBe(1);
      const sam = await store.db.person.findUniqueOrThrow({ where: { teamsUserId: "29:sam" }, include: { assignments: true } });
      expect(sam.assignments).toHaveLength(1);
      expect(await store.db.history.findFirst({ where: { entity: "person-binding", entityId: sam.id, after: { contains: "admin-confirmed" } } })).not.toBeNull();

      await handleEvent(deps, { type: "gone", user: { platform: "teams", userId: "29:sam", name: "Sam Jones" } }, NOW);
      expect((await store.db.person.findFirstOrThrow({ where: { name: "Sam Jones" } })).unreachableAt).toEqual(NOW);
      expect(web.messages(admin.name).map((m) => (m.card as { text: string }).text).at(-1)).toBe(
        "Sam Jones cannot be reached on teams: they have blocked or removed Chaser, so their prompts are not being delivered. Ask them to add Chaser again, or map their roles to someone else.",
      );
    } finally {
      await store.drop();
    }
  });
});

function say(deps: ConversationDeps, userId: string, text: string) {
  return handleEvent(deps, { type: "text", user: { platform: "teams", userId }, deliveryId: `${userId}:${text}`, text }, NOW);
}
