import { createHash, randomUUID } from "node:crypto";
import type { TFunction } from "i18next";
import { londonDate } from "../domain/london-date.js";
import { normaliseRef, parseReply, type ReplyIntent } from "../domain/parse-reply.js";
import type { Via } from "../domain/vocabulary.js";
import type { Person } from "../generated/sqlite/client.js";
import { pickLocale, translator } from "../i18n.js";
import { buildPromptCard, MAX_CARD_ITEMS } from "./build-card.js";
import { AnswerInputs, AnswerPayload, type AnswerKind, type Card } from "./card.js";
import { ChatUser, type ChatAddress } from "./chat-user.js";
import { deliver, reportUnreachable, updateMessage, type Deliverer } from "./deliver.js";
import { ACTION_CARD_INCLUDE, findPersonActions, type CardAction } from "./find-person-actions.js";
import { identifyPerson } from "./identify-person.js";
import { parseAdminCommand, runAdminCommand } from "./admin-command.js";
import { fileReceived, ImportPayload, importPressed, type ChatFile } from "./import-from-chat.js";
import { cardEntries, messageCard } from "./message-card.js";
import { recordAnswer, type AnswerInput, type AnswerResult } from "./record-answer.js";

/** What a channel adapter hands the core: the platform's event, converted, nothing decided. */
export type InboundEvent =
  | { type: "contact"; user: ChatUser; address: ChatAddress }
  /** `room`: the channel or group chat it was said in, when it was not a 1:1 chat. */
  | { type: "text"; user: ChatUser; address?: ChatAddress; room?: ChatAddress; deliveryId: string; text: string }
  | { type: "answer"; user: ChatUser; address?: ChatAddress; deliveryId: string; payload: unknown; inputs: unknown; inline: boolean }
  | { type: "list"; user: ChatUser; address?: ChatAddress }
  | { type: "help"; user: ChatUser; address?: ChatAddress }
  /** A file sent in a 1:1 chat (an admin importing a plan). */
  | { type: "file"; user: ChatUser; address?: ChatAddress; deliveryId: string; file: ChatFile }
  /** The person removed or blocked the bot: stop sending, tell the admins. */
  | { type: "gone"; user: ChatUser };

export interface Outcome {
  /** The pressed card as it should now look, for platforms that answer a press with a card. */
  pressed: Card | null;
  /** A card to show the person straight away (platforms that reply in the same turn). */
  reply: Card | null;
}

export interface ConversationDeps extends Deliverer {
  /** Runs work the person need not wait for (updating other cards, telling admins). */
  later: (task: () => Promise<unknown>) => void;
}

/** Free text longer than this is not a status update; it is refused with a clear answer. */
export const MAX_TEXT_REPLY = 2000;

/**
 * The one entry point for everything people say or press in chat, on any platform. Adapters
 * convert the platform's event into an InboundEvent and show the Outcome; the rest happens here.
 */
export async function handleEvent(deps: ConversationDeps, event: InboundEvent, now: Date): Promise<Outcome> {
  const { db } = deps.store;
  // Adapters convert, but the core still checks what it is given.
  const user = ChatUser.safeParse(event.user);
  if (!user.success) return { pressed: null, reply: null };
  if (event.type === "gone") {
    await personGone(deps, user.data, now);
    return { pressed: null, reply: null };
  }
  const person = await identifyPerson(db, user.data, "address" in event ? event.address : undefined);
  const t = translator(pickLocale(person.locale));
  const via = `chat:${event.user.platform}` as Via;
  const none: Outcome = { pressed: null, reply: null };
  switch (event.type) {
    case "contact": {
      // Platforms repeat install and app-home events; a person is welcomed once.
      const first = await db.person.updateMany({ where: { id: person.id, welcomedAt: null }, data: { welcomedAt: now } });
      return { pressed: null, reply: first.count === 1 ? { type: "notice", text: t("chat.welcome", { name: person.name }) } : null };
    }
    case "help":
      return { pressed: null, reply: { type: "notice", text: t("chat.help") } };
    case "list":
      return { pressed: null, reply: await listCard(deps, person, t, now) };
    case "text":
      return { ...none, reply: await handleText(deps, person, t, via, event, now) };
    case "file":
      return { ...none, reply: await fileReceived(deps, person, t, event.file, now) };
    case "answer": {
      const imported = ImportPayload.safeParse(event.payload);
      if (imported.success) return { ...none, reply: await importPressed(deps, person, t, via, imported.data, now) };
      return handleAnswer(deps, person, t, via, event, now);
    }
  }
}

async function listCard(deps: ConversationDeps, person: Person, t: TFunction, now: Date): Promise<Card> {
  const actions = await findPersonActions(deps.store.db, person.id, londonDate(now));
  if (actions.length === 0) return { type: "notice", text: t("card.list.none") };
  return listFor(deps, person, t, actions, now);
}

async function handleAnswer(
  deps: ConversationDeps,
  person: Person,
  t: TFunction,
  via: Via,
  event: Extract<InboundEvent, { type: "answer" }>,
  now: Date,
): Promise<Outcome> {
  const payload = AnswerPayload.safeParse(event.payload);
  const inputs = AnswerInputs.safeParse(event.inputs ?? {});
  if (!payload.success || !inputs.success) return { pressed: null, reply: { type: "notice", text: t("answer.bad_button") } };
  const p = payload.data;
  const i = inputs.data;
  // The "More…" form names the answer in its choice and gives one text for whatever it needs.
  const kind = i.kind ?? p.k;
  const text = nonEmpty(i.text);
  const textIsReason = kind === "delayed" || kind === "blocked";
  const textIsUrl = kind === "complete" && text !== undefined && /^https?:\/\/\S+$/.test(text);
  const answer = {
    kind,
    date: nonEmpty(i.date) ?? p.d ?? null,
    reason: nonEmpty(i.reason) ?? (textIsReason ? text : undefined) ?? (kind !== "note" ? p.r : undefined) ?? null,
    note: nonEmpty(i.note) ?? (!textIsReason && !textIsUrl ? text : undefined) ?? (kind === "note" || kind === "complete" || kind === "not_mine" ? p.r : undefined) ?? null,
    evidence: nonEmpty(i.evidence) ?? (textIsUrl ? text : undefined) ?? null,
  };
  // The same button pressed twice with the same inputs is the same answer.
  const token = createHash("sha256").update(JSON.stringify([p.m, p.a, answer])).digest("base64url").slice(0, 32);
  const result = await recordAnswer(deps.store.db, {
    personId: person.id,
    actionId: p.a,
    ...answer,
    key: `button:${token}`,
    messageId: p.m,
    via,
    actorLabel: person.name,
    now,
  });
  const reply = result.outcome === "forbidden" ? { type: "notice" as const, text: await ownedBy(deps, t, result.action) } : resultNotice(t, result, p.a, kind);
  const pressed = p.m ? await messageCard(deps.store.db, p.m, now) : null;
  if (result.outcome === "recorded") afterRecorded(deps, person, result.action, kind, answer, p.m, now);
  if (pressed && !event.inline && p.m) deps.later(() => updateMessage(deps, p.m!, pressed));
  // A press that recorded something speaks through the updated card; anything else needs words.
  return { pressed, reply: result.outcome === "recorded" && pressed ? null : reply };
}

function nonEmpty(text: string | undefined): string | undefined {
  return text?.trim() ? text.trim() : undefined;
}

async function handleText(
  deps: ConversationDeps,
  person: Person,
  t: TFunction,
  via: Via,
  event: Extract<InboundEvent, { type: "text" }>,
  now: Date,
): Promise<Card | null> {
  const text = event.text.trim();
  if (!text) return null;
  // A platform redelivering the same message must not record it, or answer it, differently.
  const key = `text:${event.user.platform}:${event.deliveryId}`;
  const seen = await deps.store.db.answer.findUnique({ where: { key }, include: { action: true } });
  if (seen) return { type: "notice", text: t("answer.duplicate", { ref: seen.action.ref ?? seen.action.key }) };
  if (text.length > MAX_TEXT_REPLY) return { type: "notice", text: t("chat.too_long", { max: MAX_TEXT_REPLY }) };
  const command = parseAdminCommand(text);
  if (command) return { type: "notice", text: await runAdminCommand(deps.store.db, t, person, command, event.room, via as "chat:teams" | "chat:slack" | "chat:web") };
  const today = londonDate(now);
  const parsed = parseReply(text, { today });
  const intent = parsed.intent;
  if (!intent) return { type: "notice", text: t("chat.not_understood") };
  if (intent.kind === "help") return { type: "notice", text: t("chat.help") };
  if (intent.kind === "my_actions") return listCard(deps, person, t, now);

  const mine = await findPersonActions(deps.store.db, person.id, today);
  let candidates = mine;
  if (parsed.ref) {
    const wanted = normaliseRef(parsed.ref);
    candidates = mine.filter((a) => [a.ref, a.key].some((r) => r && normaliseRef(r) === wanted));
    // "R6 done" names the recommendation when that is the ref people know.
    if (candidates.length === 0) candidates = mine.filter((a) => a.recommendation.ref && normaliseRef(a.recommendation.ref) === wanted);
    if (candidates.length === 0) return notMineOrUnknown(deps, t, parsed.ref, wanted);
  }
  if (candidates.length === 0) return { type: "notice", text: t("card.list.none") };

  const answer = answerFromIntent(intent);
  const needsMore = missingDetail(answer);
  if (candidates.length > 1 || !parsed.confident || needsMore) {
    // Ask rather than guess: one button per action that could be meant, carrying what was said.
    const question = needsMore ? t(`chat.needs.${needsMore}`) : !parsed.confident ? t("chat.confirm") : t("chat.which_action");
    if (needsMore) return withQuestion(await listFor(deps, person, t, candidates, now), question);
    return {
      type: "choose",
      text: question,
      options: candidates.slice(0, 20).map((a) => ({
        label: t("chat.option", { ref: a.ref ?? a.key, answer: t(`card.button.${answer.kind}`).replace(/…$/, ""), title: clip(a.title, 60) }),
        answer: { v: 1 as const, m: null, a: a.id, k: answer.kind, ...(answer.date ? { d: answer.date } : {}), ...((answer.reason ?? answer.note) ? { r: (answer.reason ?? answer.note)!.slice(0, 1000) } : {}) },
      })),
    };
  }

  const action = candidates[0]!;
  const result = await recordAnswer(deps.store.db, {
    personId: person.id,
    actionId: action.id,
    ...answer,
    key,
    messageId: null,
    via,
    actorLabel: person.name,
    now,
  });
  if (result.outcome === "recorded") afterRecorded(deps, person, result.action, answer.kind, answer, null, now);
  if (result.outcome === "forbidden") return { type: "notice", text: await ownedBy(deps, t, result.action) };
  return resultNotice(t, result, action.id, answer.kind);
}

function withQuestion(card: Card, question: string): Card {
  return card.type === "prompt" ? { ...card, intro: question } : card;
}

/** A card listing actions, recorded as a message so its buttons carry an id and it can be updated in place. */
async function listFor(deps: ConversationDeps, person: Person, t: TFunction, actions: CardAction[], now: Date): Promise<Card> {
  const message = await deps.store.db.chatMessage.create({
    data: {
      key: `reply:${person.id}:${randomUUID()}`,
      kind: "reply",
      personId: person.id,
      platform: person.preferredPlatform ?? "web",
      address: "",
      actionIds: JSON.stringify(actions.slice(0, MAX_CARD_ITEMS).map((a) => a.id)),
      locale: person.locale,
      // Sent by the adapter in the same turn; replySent records where it went.
      status: "replying",
      createdAt: now,
    },
  });
  return buildPromptCard({ t, messageId: message.id, entries: await cardEntries(deps.store.db, t, actions, message.id, now), today: londonDate(now), now, purpose: "list" });
}

type AnswerFields = Pick<AnswerInput, "kind" | "date" | "reason" | "note" | "evidence">;

function answerFromIntent(intent: Exclude<ReplyIntent, { kind: "help" } | { kind: "my_actions" }>): AnswerFields {
  switch (intent.kind) {
    case "on_track":
      return { kind: "on_track" };
    case "complete":
      return { kind: "complete", note: intent.note, evidence: intent.evidenceUrl };
    case "delayed":
      return { kind: "delayed", date: intent.newTarget?.to ?? null, reason: intent.reason };
    case "blocked":
      return { kind: "blocked", reason: intent.reason };
    case "note":
      return { kind: "note", note: intent.text };
    case "snooze":
      return { kind: "snooze", date: intent.until?.to ?? intent.until?.from ?? null };
    case "not_mine":
      return { kind: "not_mine", note: intent.note };
  }
}

/** What a free-text answer still lacks before it can be recorded, if anything. */
function missingDetail(a: AnswerFields): string | null {
  if (a.kind === "delayed" && (!a.date || !a.reason)) return "delayed";
  if (a.kind === "blocked" && !a.reason) return "blocked";
  if (a.kind === "snooze" && !a.date) return "snooze";
  return null;
}

async function notMineOrUnknown(deps: ConversationDeps, t: TFunction, ref: string, wanted: string): Promise<Card> {
  const others = await deps.store.db.action.findMany({ where: { OR: [{ ref }, { key: ref }] }, include: ACTION_CARD_INCLUDE, take: 5 });
  const match = others.find((a) => normaliseRef(a.ref ?? a.key) === wanted);
  if (!match) return { type: "notice", text: t("chat.unknown_ref", { ref }) };
  return { type: "notice", text: await ownedBy(deps, t, match) };
}

async function ownedBy(deps: ConversationDeps, t: TFunction, action: CardAction): Promise<string> {
  const roleIds = action.owners.filter((o) => o.kind === "responsible").map((o) => o.roleId);
  const people = await deps.store.db.roleAssignment.findMany({ where: { roleId: { in: roleIds } }, include: { person: true, role: true } });
  const owners = action.owners
    .filter((o) => o.kind === "responsible")
    .map((o) => {
      const names = people.filter((p) => p.roleId === o.roleId).map((p) => p.person.name);
      return names.length > 0 ? `${o.role.name} (${names.join(", ")})` : o.role.name;
    });
  return t("answer.forbidden", { ref: action.ref ?? action.key, owners: owners.join("; ") || t("card.none") });
}

function resultNotice(t: TFunction, result: AnswerResult, actionId: string, kind: AnswerKind): Card {
  switch (result.outcome) {
    case "recorded":
      return { type: "notice", text: t(`answer.recorded.${kind}`, { ref: result.action.ref ?? result.action.key, title: clip(result.action.title, 80) }) };
    case "duplicate":
      return { type: "notice", text: t("answer.duplicate", { ref: result.action.ref ?? result.action.key }) };
    case "stale":
      return { type: "notice", text: t("answer.stale", { ref: result.action.ref ?? result.action.key, status: t(`status.${result.action.status}`) }) };
    case "forbidden":
      return { type: "notice", text: t("answer.forbidden_short", { ref: result.action.ref ?? result.action.key }) };
    case "not_found":
      return { type: "notice", text: t("answer.not_found", { id: actionId }) };
    case "invalid":
      return { type: "notice", text: t(result.code, result.params) };
  }
}

/**
 * After an answer is stored: the person's latest prompt showing the action is brought up to date,
 * and a "not mine" goes to the plan's admins to reassign. Neither keeps the person waiting.
 */
function afterRecorded(deps: ConversationDeps, person: Person, action: CardAction, kind: AnswerKind, answer: AnswerFields, pressedMessageId: string | null, now: Date): void {
  deps.later(async () => {
    const { db } = deps.store;
    const prompts = await db.chatMessage.findMany({
      where: { personId: person.id, kind: { in: ["prompt", "reply"] }, status: "sent", NOT: pressedMessageId ? { id: pressedMessageId } : undefined },
      orderBy: { createdAt: "desc" },
      take: 5,
    });
    const latest = prompts.find((m) => (JSON.parse(m.actionIds) as string[]).includes(action.id));
    if (latest) {
      const card = await messageCard(db, latest.id, now);
      if (card) await updateMessage(deps, latest.id, card);
    }
    if (kind === "not_mine") await tellAdmins(deps, person, action, answer.note ?? null, now);
  });
}

async function tellAdmins(deps: ConversationDeps, person: Person, action: CardAction, note: string | null, now: Date): Promise<void> {
  const { db } = deps.store;
  const planAdmins = await db.planAdmin.findMany({ where: { planId: action.planId }, include: { person: true } });
  const admins = planAdmins.length > 0 ? planAdmins.map((a) => a.person) : await db.person.findMany({ where: { isAdmin: true } });
  for (const admin of admins) {
    const t = translator(pickLocale(admin.locale));
    await deliver(deps, {
      key: `not-mine:${action.id}:${person.id}:${londonDate(now)}:${admin.id}`,
      kind: "notice",
      to: { person: admin },
      actionIds: [action.id],
      card: () => ({ type: "notice", text: t("chat.not_mine_admin", { who: person.name, ref: action.ref ?? action.key, title: clip(action.title, 80), plan: action.plan.title, note: note ?? "" }) }),
    }, now);
  }
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * The person removed or blocked the bot on one platform: that platform's address is forgotten, and
 * if Chaser has no other way to reach them they are marked unreachable and the admins are told.
 * Someone Chaser never knew is not created just to be marked gone.
 */
async function personGone(deps: ConversationDeps, user: ChatUser, now: Date): Promise<void> {
  const { db } = deps.store;
  const where = user.platform === "teams" ? { teamsUserId: user.userId } : user.platform === "slack" ? { slackUserId: user.userId } : { name: user.userId };
  const known = await db.person.findFirst({ where });
  if (!known) return;
  const forget = user.platform === "teams" ? { teamsConversation: null } : user.platform === "slack" ? { slackChannelId: null } : {};
  const stillReachable = user.platform === "teams" ? Boolean(known.slackUserId) : user.platform === "slack" ? Boolean(known.teamsConversation) : false;
  const person = await db.person.update({
    where: { id: known.id },
    data: { ...forget, ...(stillReachable ? { preferredPlatform: user.platform === "teams" ? "slack" : "teams" } : { unreachableAt: now }) },
  });
  if (!stillReachable) await reportUnreachable(deps, person, user.platform, now);
}
