import { createHash, randomUUID } from "node:crypto";
import type { TFunction } from "i18next";
import { londonDate, ukDate } from "../domain/london-date.js";
import { refSpellings } from "../domain/ref-spellings.js";
import { normaliseRef, parseReply, type ParsedReply, type ReplyIntent } from "../domain/parse-reply.js";
import type { Via } from "../domain/vocabulary.js";
import { deliverySeen, identifyChatUser, playgroundPersona, findByPlatformId, recordDelivery, type Person } from "../store/people.js";
import { pickLocale, translator, type Locale } from "../i18n.js";
import { buildPromptCard, MAX_CARD_ITEMS } from "./build-card.js";
import { AnswerInputs, AnswerPayload, ClaimPayload, type AnswerKind, type Card } from "./card.js";
import { ChatUser, type ChatAddress, type Platform } from "./chat-user.js";
import { deliver, reportUnreachable, updateMessage, type Deliverer } from "./deliver.js";
import { findPersonActions, type CardAction } from "../store/find-person-actions.js";
import { actionsByRef, answerByKey, claimWelcome, forgetPlatform, latestCardShowing, peopleInRoles, planAdminsOrAdmins } from "../store/conversation.js";
import { recordReply } from "../store/outbox.js";
import { answerClaim, checkNamesakes, refuseTenant } from "./trust.js";
import type { Tenancy } from "./tenancy.js";
import { badInput, executeCommand } from "../commands/execute-command.js";
import { parseChatCommand } from "../commands/parse-chat-command.js";
import type { Command } from "../commands/command.js";
import { fileReceived, ImportPayload, importPressed, type ChatFile } from "./import-from-chat.js";
import { cardEntries, messageCard, redrawPressed } from "./message-card.js";
import { recordAnswer, type AnswerInput, type AnswerResult } from "./record-answer.js";
import { askDeciders, DecisionPayload, decisionPressed, heldNotice, reasonGiven } from "./decide-request.js";
import { fileAnswered, type FileAnswer } from "./offer-export.js";
import { evidenceForWaiting, readEvidence } from "./evidence-from-chat.js";
import type { EvidenceFileInput } from "../store/evidence-files.js";

/**
 * The person's email as the platform vouches for it (Teams: the roster's email or UPN), asked only
 * when Chaser does not know their platform id. Slack's comes with the user, in ChatUser.email.
 */
export type VouchEmail = () => Promise<string | undefined>;

/** What a channel adapter hands the core: the platform's event, converted, nothing decided. */
export type InboundEvent =
  | { type: "contact"; user: ChatUser; address: ChatAddress; vouchEmail?: VouchEmail }
  /**
   * `room`: the channel or group chat it was said in, when it was not a 1:1 chat. `command`: said
   * through the platform's command (Slack's /chaser), where nothing after it asks for the list.
   * `retry`: the platform says it is sending this again (Slack's retry headers).
   */
  | { type: "text"; user: ChatUser; address?: ChatAddress; room?: ChatAddress; deliveryId: string; text: string; command?: boolean; retry?: boolean; vouchEmail?: VouchEmail }
  | { type: "answer"; user: ChatUser; address?: ChatAddress; deliveryId: string; payload: unknown; inputs: unknown; inline: boolean; vouchEmail?: VouchEmail }
  | { type: "list"; user: ChatUser; address?: ChatAddress; vouchEmail?: VouchEmail }
  | { type: "help"; user: ChatUser; address?: ChatAddress; vouchEmail?: VouchEmail }
  /**
   * A file sent in a 1:1 chat: evidence of a completion, or an admin's plan to import. `text`: the
   * words sent with it ("R3 done"), when there were any.
   */
  | { type: "file"; user: ChatUser; address?: ChatAddress; deliveryId: string; file: ChatFile; text?: string; vouchEmail?: VouchEmail }
  /** The person's answer to a file Chaser offered them (Teams' file consent card): accepted or declined. */
  | ({ type: "file_answer"; user: ChatUser; address?: ChatAddress; deliveryId: string; vouchEmail?: VouchEmail } & FileAnswer)
  /** The person removed or blocked the bot: stop sending, tell the admins. */
  | { type: "gone"; user: ChatUser };

export interface Outcome {
  /** The pressed card as it should now look, for platforms that answer a press with a card. */
  pressed: Card | null;
  /** A card to show the person straight away (platforms that reply in the same turn). */
  reply: Card | null;
  /**
   * Set when nothing could be stored (the database was unreachable): `reply` tells the person, in
   * their language, that nothing was saved and to try again. Platforms show it without replacing
   * the card that was pressed, so its buttons stay there to press again.
   */
  notSaved?: true;
  /**
   * Set when `reply` goes beside the card that was pressed, which stays as it was: nothing was
   * saved, or the press was refused (a button Chaser cannot read, an answer or decision that is
   * not the person's to give) and there is no redrawn card to show instead.
   */
  keepCard?: true;
}

export interface ConversationDeps extends Deliverer {
  /** Runs work the person need not wait for (updating other cards, telling admins). */
  later: (task: () => Promise<unknown>) => void;
  /** Which Teams tenants and Slack workspaces are served; without it every one is (tests, playground only). */
  tenancy?: Tenancy;
  /** The language of someone new whose platform reports none (CHASER_LOCALE); English without it. */
  defaultLocale?: Locale;
}

/** Free text longer than this is not a status update; it is refused with a clear answer. */
export const MAX_TEXT_REPLY = 2000;

/**
 * The one entry point for everything people say or press in chat, on any platform. Adapters
 * convert the platform's event into an InboundEvent and show the Outcome; the rest happens here.
 */
export async function handleEvent(deps: ConversationDeps, event: InboundEvent, now: Date): Promise<Outcome> {
  // Adapters convert, but the core still checks what it is given.
  const user = ChatUser.safeParse(event.user);
  if (!user.success) return { pressed: null, reply: null };
  try {
    return await handleChecked(deps, event, user.data, now);
  } catch (error) {
    // Every answer is one transaction, and nothing after its commit throws (see handleAnswer), so
    // reaching here means nothing was recorded. The person is told so, rather than left believing
    // they answered; a platform's own retry of the same delivery is then answered afresh.
    deps.log.error({ err: error, type: event.type, platform: user.data.platform }, "could not handle a chat event; the person is told nothing was saved");
    // Installs and removals are the platform's news, not the person's words: failing them lets
    // the platform deliver them again, and there is nothing the person could retry.
    if (event.type === "gone" || event.type === "contact") throw error;
    return notSaved(user.data.locale);
  }
}

/** What the person is told when Chaser could not store (or read) what they sent. */
export function notSaved(locale: string | null | undefined): Outcome {
  return { pressed: null, reply: { type: "notice", text: translator(pickLocale(locale))("unavailable.not_saved") }, notSaved: true, keepCard: true };
}

async function handleChecked(deps: ConversationDeps, event: InboundEvent, chatUser: ChatUser, now: Date): Promise<Outcome> {
  const { db } = deps.store;
  const user = { data: chatUser };
  const verdict = deps.tenancy?.check(user.data.platform, user.data.tenantId) ?? { allowed: true };
  if (!verdict.allowed) return refuseTenant(deps, user.data, verdict.reason, now);
  if (event.type === "gone") {
    await personGone(deps, user.data, now);
    return { pressed: null, reply: null };
  }
  const person = await identify(deps, user.data, event, now);
  const outcome = await handleFor(deps, person, event, now);
  // Remembered once handled, so a redelivery is answered once (handleText), whichever process gets it.
  if (event.type === "text" || event.type === "file" || event.type === "file_answer") await recordDelivery(db, deliveryKey(event), now);
  return outcome;
}

function deliveryKey(event: Extract<InboundEvent, { type: "text" | "file" | "file_answer" }>): string {
  return `${event.user.platform}:${event.deliveryId}`;
}

/**
 * Who is speaking. A playground name is a playground persona, never a real person. A Teams or
 * Slack user is who their platform id says, or whom a vouched email names; someone new is a new
 * person, and the admins hear of anyone who shares a name they should not be taken for.
 */
async function identify(deps: ConversationDeps, user: ChatUser, event: Exclude<InboundEvent, { type: "gone" }>, now: Date): Promise<Person> {
  const { db } = deps.store;
  if (user.platform === "web") return playgroundPersona(db, user.userId, user.locale ? pickLocale(user.locale) : null, now, deps.defaultLocale);
  const address = event.address;
  const { person, boundBy } = await identifyChatUser(
    deps.store,
    {
      platform: user.platform,
      userId: user.userId,
      tenantId: user.tenantId ?? null,
      name: user.name ?? null,
      locale: user.locale ? pickLocale(user.locale) : null,
      ...(deps.defaultLocale ? { defaultLocale: deps.defaultLocale } : {}),
      teamsConversation: user.platform === "teams" && address?.platform === "teams" ? address.address : null,
    },
    async () => user.email ?? (await event.vouchEmail?.()) ?? null,
    now,
  );
  if (boundBy === "new") deps.later(() => checkNamesakes(deps, person, now));
  return person;
}

async function handleFor(deps: ConversationDeps, person: Person, event: Exclude<InboundEvent, { type: "gone" }>, now: Date): Promise<Outcome> {
  const { db } = deps.store;
  const t = translator(pickLocale(person.locale));
  const via = `chat:${event.user.platform}` as Via;
  const none: Outcome = { pressed: null, reply: null };
  switch (event.type) {
    case "contact": {
      // Platforms repeat install and app-home events, and Teams sends two for one installation a few
      // milliseconds apart: whichever claims the welcome carries it, and every adapter shows the
      // reply of every contact event, so the one welcome is never the one dropped.
      const first = await claimWelcome(db, person.id, now);
      return { pressed: null, reply: first ? { type: "notice", text: t("chat.welcome", { name: person.name }) } : null };
    }
    case "help":
      return { pressed: null, reply: { type: "notice", text: helpText(t) } };
    case "list":
      return { pressed: null, reply: await listCard(deps, person, t, now) };
    case "text":
      return { ...none, reply: await handleText(deps, person, t, via, event, now) };
    case "file":
      // A file the platform delivers again (Slack retries) gets one answer, not two.
      if (await deliverySeen(db, deliveryKey(event))) return none;
      return { ...none, reply: await fileSent(deps, person, t, via, event, now) };
    case "file_answer":
      // Teams sending the same answer again gets no second file, nor a refusal of it.
      if (await deliverySeen(db, deliveryKey(event))) return none;
      return { ...none, reply: await fileAnswered(deps, person, t, event.user.platform, event, now) };
    case "answer": {
      const imported = carries(event.payload, "imp") ? ImportPayload.safeParse(event.payload) : null;
      if (imported?.success) return { ...none, reply: await importPressed(deps, person, t, via, imported.data, now) };
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
  const claim = carries(event.payload, "c") ? ClaimPayload.safeParse(event.payload) : null;
  if (claim?.success) return { pressed: null, reply: { type: "notice", text: await answerClaim(deps, person, t, via, claim.data, now) } };
  // Checked changes: an Approve, Reject, Accept or Send back on a request card.
  const decision = carries(event.payload, "q") ? DecisionPayload.safeParse(event.payload) : null;
  if (decision?.success) return decisionPressed(deps, person, t, via, decision.data, event.inline, now);
  const payload = AnswerPayload.safeParse(event.payload);
  const inputs = AnswerInputs.safeParse(event.inputs ?? {});
  if (!payload.success || !inputs.success) return { pressed: null, reply: { type: "notice", text: t("answer.bad_button") }, keepCard: true };
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
  // The same button pressed twice by the same person with the same inputs is the same answer; the
  // same press by a second owner is theirs, and is recorded.
  const token = createHash("sha256").update(JSON.stringify([person.id, p.m, p.a, answer])).digest("base64url").slice(0, 32);
  const result = await recordAnswer(
    deps.store,
    { personId: person.id, actionId: p.a, ...answer, key: `button:${token}`, messageId: p.m, via, actorLabel: person.name, now },
    p.m ? redrawPressed : undefined,
  );
  const reply = result.outcome === "forbidden" ? { type: "notice" as const, text: await ownedBy(deps, t, result.action) } : resultNotice(t, result, p.a, kind);
  // The card drawn again with the answer and stored with it; otherwise drawn from the store. Once
  // recorded, a failure to redraw the card must not read as "not saved": the words say it was.
  const fast = result.outcome === "recorded" && result.card ? (JSON.parse(result.card) as Card) : null;
  const pressed = fast ?? (p.m ? await messageCard(deps.store.db, p.m, now).catch((error: unknown) => {
    deps.log.warn({ err: error, messageId: p.m }, "answer recorded, but the card could not be redrawn");
    return null;
  }) : null);
  if (result.outcome === "recorded") afterRecorded(deps, person, result.action, kind, answer, p.m, now);
  if (result.outcome === "recorded" && result.held) deps.later(() => askDeciders(deps, result.held!, now));
  if (pressed && p.m && (!event.inline || !fast)) deps.later(() => updateMessage(deps, p.m!, pressed, { show: !event.inline, store: !fast }));
  // A press that recorded something speaks through the updated card; anything else needs words.
  // A held answer (checked changes) is not what the card shows: the owner is told it waits.
  return { pressed, reply: result.outcome === "recorded" && pressed && !result.held ? null : reply, ...(result.outcome === "forbidden" && !pressed ? { keepCard: true as const } : {}) };
}

/**
 * A file sent in chat. With words saying an action is complete ("R3 done"), it is that answer's
 * evidence; without, the evidence of the completion waiting for some; otherwise, from an admin, a
 * plan to import (the preview path).
 */
async function fileSent(deps: ConversationDeps, person: Person, t: TFunction, via: Via, event: Extract<InboundEvent, { type: "file" }>, now: Date): Promise<Card> {
  const text = event.text?.trim().slice(0, MAX_TEXT_REPLY) ?? "";
  const parsed = text ? parseReply(text, { today: londonDate(now) }) : null;
  if (parsed?.intent?.kind === "complete") {
    const key = `file:${event.user.platform}:${event.deliveryId}`;
    return (await answerInWords(deps, person, t, via, parsed, text, key, now, false, { file: event.file, platform: event.user.platform })) ?? { type: "notice", text: t("chat.not_understood") };
  }
  return (await evidenceForWaiting(deps, person, t, via, event.user.platform, event.file, now)) ?? fileReceived(deps, person, t, via, event.file, now);
}

/**
 * Whether a button's payload has the field that marks its kind (an import's `imp`, a claim's `c`, a
 * decision's `q`): each schema is tried only on its own kind, as a failed parse costs more than a
 * press's answer needs (zod builds the whole error).
 */
function carries(payload: unknown, field: string): boolean {
  return typeof payload === "object" && payload !== null && field in payload;
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
  if (!text) return event.command ? listCard(deps, person, t, now) : null;
  // A platform redelivering the same message must not record it, or answer it, differently.
  const key = `text:${event.user.platform}:${event.deliveryId}`;
  const seen = await answerByKey(deps.store.db, key);
  const handled = await deliverySeen(deps.store.db, deliveryKey(event));
  // A platform's own retry of something already answered (Slack resends what it thinks was missed)
  // gets no second answer; any other repeat of an answer is told it was already recorded.
  if ((handled || seen) && event.retry) {
    deps.log.info({ platform: event.user.platform, deliveryId: event.deliveryId }, "skipped a retried message already handled");
    return null;
  }
  if (seen) return { type: "notice", text: t("answer.duplicate", { ref: seen.ref }) };
  if (handled) return null;
  if (text.length > MAX_TEXT_REPLY) return { type: "notice", text: t("chat.too_long", { max: MAX_TEXT_REPLY }) };
  const command = parseChatCommand(text, event.user.platform);
  const run = async (c: Command) => {
    const result = await executeCommand(deps, c, { person, label: person.name, via, locale: pickLocale(person.locale), room: event.room ?? null, now });
    return { result, card: result.outcome === "done" && result.card ? result.card : ({ type: "notice", text: result.text } as Card) };
  };
  // Choosing a language is never an answer nor a reason, even while one is asked for.
  if (command.kind === "command" && command.command.kind === "people.language") return (await run(command.command)).card;
  // Checked changes: the reason a decider was asked for after pressing Reject or Send back.
  const reason = event.room ? null : await reasonGiven(deps, person, t, via, text, now);
  if (reason) return reason;
  const today = londonDate(now);
  const parsed = parseReply(text, { today });
  const intent = parsed.intent;
  let usage: string | null = command.kind === "bad" ? badInput(t, command.code, command.topic, command.params).text : null;
  if (command.kind === "command") {
    const { result, card } = await run(command.command);
    // Words that did not make a command ("schedule agreed, 2.7 done") but read as an answer are one: bad input changed nothing.
    if (result.outcome !== "bad_input" || command.explicit || (!intent && !parsed.statusWords)) return card;
    usage = null;
  }
  // A command's word with the rest not fitting: the usage, unless it reads as an answer.
  if (usage && (command.explicit || (!intent && !parsed.statusWords))) return { type: "notice", text: usage };
  if (intent?.kind === "help") return { type: "notice", text: helpText(t) };
  // A list of someone's actions is for them alone: in a group chat or channel, a pointer.
  if (event.room && intent?.kind === "my_actions") return roomPointer(deps, person, t, now);
  if (intent?.kind === "my_actions") return listCard(deps, person, t, now);
  const card = await answerInWords(deps, person, t, via, parsed, text, key, now, Boolean(event.room));
  if (event.room && card && card.type !== "notice") return roomPointer(deps, person, t, now);
  return card;
}

function helpText(t: TFunction): string {
  return `${t("chat.help")}\n${t("language.help_line")}`;
}

/**
 * Free text read as an answer: recorded when it is clear, asked back (with buttons) when not. With
 * a file (sent with "R3 done"), the file is the completion's evidence; a button cannot carry a file,
 * so what is unclear is asked back in words, and the file is read only once the action is known.
 */
async function answerInWords(deps: ConversationDeps, person: Person, t: TFunction, via: Via, parsed: ParsedReply, text: string, key: string, now: Date, inRoom: boolean, sent?: { file: ChatFile; platform: Platform }): Promise<Card | null> {
  const file = sent?.file;
  // A list asked back in a group chat or channel is not shown there (the caller points to the 1:1), so none is recorded.
  const askBack = async (candidates: CardAction[], question: string): Promise<Card> =>
    inRoom ? { type: "choose", text: question, options: [] } : withQuestion(await listFor(deps, person, t, candidates, now), question);
  const today = londonDate(now);
  const intent = parsed.intent;
  // Status words that did not agree ("nearly done", "done but delayed"): nothing is recorded, and
  // the actions meant come back with their buttons so the person can say which it is.
  if (!intent && !parsed.statusWords) return { type: "notice", text: t("chat.not_understood") };
  if (intent?.kind === "help" || intent?.kind === "my_actions") return null;

  const mine = await findPersonActions(deps.store.db, person.id, today);
  let candidates = mine;
  if (parsed.ref) {
    const wanted = normaliseRef(parsed.ref);
    candidates = matchRef(mine, wanted);
    if (candidates.length === 0) {
      // An action of theirs that is already closed: said plainly, not "only the owner can".
      const closed = matchRef(await findPersonActions(deps.store.db, person.id, today, { closed: true }), wanted);
      if (closed.length > 0 && intent?.kind !== "note") return alreadyClosed(t, closed[0]!);
      candidates = closed;
    }
    if (candidates.length === 0) return notMineOrUnknown(deps, t, parsed.ref, wanted, intent?.kind === "not_mine" ? "officer.not_yours" : "answer.forbidden");
  }
  if (candidates.length === 0) return { type: "notice", text: t("card.list.none") };
  if (!intent) return askBack(candidates, t("officer.unsure", { text: clip(text, 80) }));

  const answer = answerFromIntent(intent);
  const needsMore = missingDetail(answer);
  if (file && (candidates.length > 1 || !parsed.confident)) {
    const example = candidates[0]!.ref ?? candidates[0]!.key;
    return { type: "notice", text: t("evidence.which_action", { file: file.name, refs: candidates.slice(0, 10).map((a) => a.ref ?? a.key).join(", "), ref: example }) };
  }
  if (candidates.length > 1 || !parsed.confident || needsMore) {
    // Ask rather than guess: one button per action that could be meant, carrying what was said.
    const question = needsMore ? t(`chat.needs.${needsMore}`) : !parsed.confident ? t("chat.confirm") : t("chat.which_action");
    if (needsMore) return askBack(candidates, question);
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
  let evidenceFile: EvidenceFileInput | null = null;
  if (sent) {
    // Someone else's, closed or unknown actions were answered above, before anything was downloaded.
    const read = await readEvidence(t, sent.platform, sent.file, action.ref ?? action.key);
    if ("refusal" in read) return read.refusal;
    evidenceFile = read.file;
  }
  const result = await recordAnswer(deps.store, {
    personId: person.id,
    actionId: action.id,
    ...answer,
    evidenceFile,
    key,
    messageId: null,
    via,
    actorLabel: person.name,
    now,
  });
  if (result.outcome === "recorded") afterRecorded(deps, person, result.action, answer.kind, answer, null, now);
  if (result.outcome === "recorded" && result.held) deps.later(() => askDeciders(deps, result.held!, now));
  if (result.outcome === "forbidden") return { type: "notice", text: await ownedBy(deps, t, result.action) };
  if (result.outcome === "stale") return alreadyClosed(t, result.action);
  return resultNotice(t, result, action.id, answer.kind, evidenceFile);
}

/** Actions whose ref, key or recommendation's ref is the one named ("R6" finds "R 6."). */
function matchRef(actions: CardAction[], wanted: string): CardAction[] {
  const own = actions.filter((a) => [a.ref, a.key].some((r) => r && normaliseRef(r) === wanted));
  // "R6 done" names the recommendation when that is the ref people know.
  return own.length > 0 ? own : actions.filter((a) => a.recommendation.ref && normaliseRef(a.recommendation.ref) === wanted);
}

function alreadyClosed(t: TFunction, action: CardAction): Card {
  const when = action.completedAt ? ukDate(londonDate(action.completedAt)) : null;
  return {
    type: "notice",
    text: t(when ? "officer.already_closed_on" : "officer.already_closed", { ref: action.ref ?? action.key, title: clip(action.title, 80), status: t(`status.${action.status}`).toLowerCase(), date: when }),
  };
}

/**
 * Said in a group chat or channel: the person's actions go to their 1:1 chat with Chaser, where
 * only they see them, and the room gets a short pointer.
 */
async function roomPointer(deps: ConversationDeps, person: Person, t: TFunction, now: Date): Promise<Card> {
  const actions = await findPersonActions(deps.store.db, person.id, londonDate(now));
  if (actions.length === 0) return { type: "notice", text: t("officer.room_pointer_none", { name: person.name }) };
  const entries = await cardEntries(deps.store.db, t, actions, null, now);
  const sent = await deliver(deps, {
    key: `list:${person.id}:${randomUUID()}`,
    kind: "reply",
    to: { person },
    actionIds: actions.slice(0, MAX_CARD_ITEMS).map((a) => a.id),
    card: (messageId) => buildPromptCard({ t, messageId, entries, today: londonDate(now), now, purpose: "list" }),
  }, now).catch((error: unknown) => {
    deps.log.warn({ err: error }, "could not send a person's actions to their 1:1 chat");
    return null;
  });
  const delivered = sent !== null && (sent.status === "sent" || sent.status === "duplicate" || sent.status === "retrying");
  return { type: "notice", text: t(delivered ? "officer.room_pointer_sent" : "officer.room_pointer", { name: person.name }) };
}

function withQuestion(card: Card, question: string): Card {
  return card.type === "prompt" ? { ...card, intro: question } : card;
}

/** A card listing actions, recorded as a message so its buttons carry an id and it can be updated in place. */
async function listFor(deps: ConversationDeps, person: Person, t: TFunction, actions: CardAction[], now: Date): Promise<Card> {
  // Sent by the adapter in the same turn; replySent records where it went.
  const id = randomUUID();
  const card = buildPromptCard({ t, messageId: id, entries: await cardEntries(deps.store.db, t, actions, null, now), today: londonDate(now), now, purpose: "list" });
  await recordReply(deps.store.db, person, { id, key: `reply:${person.id}:${randomUUID()}`, actionIds: actions.slice(0, MAX_CARD_ITEMS).map((a) => a.id), card: JSON.stringify(card) }, now);
  return card;
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

async function notMineOrUnknown(deps: ConversationDeps, t: TFunction, ref: string, wanted: string, saying: "answer.forbidden" | "officer.not_yours"): Promise<Card> {
  // Plans write the same ref several ways ("R6", "R 6", "R6."): every way is looked up.
  const written = refSpellings(ref);
  const others = await actionsByRef(deps.store.db, written);
  const match = matchRef(others, wanted)[0];
  if (!match) return { type: "notice", text: t("chat.unknown_ref", { ref }) };
  return { type: "notice", text: await ownedBy(deps, t, match, saying) };
}

async function ownedBy(deps: ConversationDeps, t: TFunction, action: CardAction, saying: "answer.forbidden" | "officer.not_yours" = "answer.forbidden"): Promise<string> {
  const roleIds = action.owners.filter((o) => o.kind === "responsible").map((o) => o.roleId);
  const people = await peopleInRoles(deps.store.db, roleIds);
  const owners = action.owners
    .filter((o) => o.kind === "responsible")
    .map((o) => {
      const names = people.get(o.roleId) ?? [];
      return names.length > 0 ? `${o.role.name} (${names.join(", ")})` : o.role.name;
    });
  return t(saying, { ref: action.ref ?? action.key, owners: owners.join("; ") || t("card.none") });
}

function resultNotice(t: TFunction, result: AnswerResult, actionId: string, kind: AnswerKind, file?: EvidenceFileInput | null): Card {
  switch (result.outcome) {
    case "recorded":
      if (result.held) return heldNotice(t, result.held, result.action, file ?? undefined);
      if (file) return { type: "notice", text: t("answer.recorded.complete_with_file", { ref: result.action.ref ?? result.action.key, file: file.name }) };
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
    const latest = await latestCardShowing(deps.store, person.id, action.id, pressedMessageId);
    if (latest) {
      const card = await messageCard(db, latest, now);
      if (card) await updateMessage(deps, latest, card);
    }
    if (kind === "not_mine") await tellAdmins(deps, person, action, answer.note ?? null, now);
  });
}

async function tellAdmins(deps: ConversationDeps, person: Person, action: CardAction, note: string | null, now: Date): Promise<void> {
  const admins = await planAdminsOrAdmins(deps.store.db, action.planId);
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
  const gone = await forgetPlatform(deps.store.db, user.platform, user.userId, now);
  if (gone && !gone.stillReachable) await reportUnreachable(deps, gone.person, user.platform, now);
}
