import type { TFunction } from "i18next";
import { londonDate, ukDate } from "../domain/london-date.js";
import { whyAsk } from "../domain/why-ask.js";
import { translator, pickLocale } from "../i18n.js";
import type { Db } from "../store/open-store.js";
import { answersSince, sentCard } from "../store/conversation.js";
import { assemblePromptCard, buildCardItem, buildPromptCard, type CardEntry } from "./build-card.js";
import type { Card, PromptCard } from "./card.js";
import { CLOSED_STATUSES, type Status } from "../domain/vocabulary.js";
import type { AnswerToRecord, PressedMessage } from "../store/record-answer.js";
import { inChunks } from "../store/in-chunks.js";
import { ACTION_CARD_INCLUDE, findPersonActions, type CardAction } from "../store/find-person-actions.js";

/** "Recorded: delayed to 31/03/2027 (Sam Jones, 22/11/2026)". */
export function describeAnswer(t: TFunction, answer: { kind: string; payload: string; createdAt: Date; person: { name: string } }): string {
  const payload = JSON.parse(answer.payload) as { date?: string; reason?: string; note?: string; held?: boolean };
  // A held answer (checked changes) waits for a decision: the card must not read as if it took effect.
  return t(payload.held ? `checked.recorded.${answer.kind}` : `card.recorded.${answer.kind}`, {
    who: answer.person.name,
    when: ukDate(londonDate(answer.createdAt)),
    date: payload.date ? ukDate(payload.date) : "",
    reason: payload.reason ?? payload.note ?? "",
  });
}

/**
 * Entries for a card: each action with why it is asked today and the latest answer given for it
 * since `since` (the card's own sending), however it was given: by this card's buttons, another
 * card or in words. A card drawn again so always shows the answer that made the action's status.
 */
export async function cardEntries(db: Db, t: TFunction, actions: CardAction[], since: Date | null, now: Date): Promise<CardEntry[]> {
  const today = londonDate(now);
  const answers = since ? await answersSince(db, actions.map((a) => a.id), since) : [];
  const latest = new Map(answers.map((a) => [a.actionId, a]));
  return actions.map((action) => {
    const answer = latest.get(action.id);
    return { action, reason: whyAsk(action, today, now), recorded: answer ? describeAnswer(t, answer) : null };
  });
}

/**
 * The card of a message Chaser sent, drawn again from the store as it stands now: the same
 * actions in their current state, the answers given since it was sent, and the header and footer
 * counted afresh from the person's open actions. Nothing is carried over from the card as first
 * drawn, so an updated card cannot keep a stale part.
 */
export async function messageCard(db: Db, messageId: string, now: Date): Promise<PromptCard | null> {
  const sent = await sentCard(db, messageId);
  if (!sent || (sent.message.kind !== "prompt" && sent.message.kind !== "reply")) return null;
  const { message, actions } = sent;
  const ids = message.actionIds;
  if (ids.length === 0) return null;
  const today = londonDate(now);
  const t = translator(pickLocale(message.locale));
  const purpose = message.kind === "prompt" ? "prompt" : "list";
  const entries = await cardEntries(db, t, actions, message.createdAt, now);
  const counts = message.personId ? await currentCounts(db, message.personId, new Set(ids), message.createdAt, purpose, today, now) : undefined;
  return buildPromptCard({ t, messageId, entries, today, now, purpose, ...(counts ? { counts } : {}) });
}

/**
 * The header's and footer's numbers now: a list counts the person's open actions; a prompt those
 * that still need an answer (a reason to ask, and no answer since the prompt was sent).
 */
async function currentCounts(db: Db, personId: string, onCard: Set<string>, since: Date, purpose: "prompt" | "list", today: string, now: Date): Promise<{ total: number; hidden: number }> {
  const open = await findPersonActions(db, personId, today);
  let counted = open;
  if (purpose === "prompt") {
    const answered = new Set((await answersSince(db, open.map((a) => a.id), since)).map((a) => a.actionId));
    counted = open.filter((a) => !answered.has(a.id) && whyAsk(a, today, now) !== null);
  }
  return { total: counted.length, hidden: counted.filter((a) => !onCard.has(a.id)).length };
}

/**
 * The pressed card after an answer, drawn from the answer just written and the card as last
 * stored, without reading anything: the answered item is drawn afresh, the others stay as they
 * were, and the header's count goes down when the action no longer counts (a prompt's, once it
 * has an answer; a list's, once it is closed). Null when the stored card cannot be drawn so (none
 * stored, or one stored before cards kept their counts): the card is then drawn from the store.
 */
export function redrawPressed(action: CardAction, message: PressedMessage, answer: Pick<AnswerToRecord, "kind" | "date" | "reason" | "note" | "actorLabel" | "now">): string | null {
  if (!message.card || (message.kind !== "prompt" && message.kind !== "reply")) return null;
  const card = JSON.parse(message.card) as Card;
  if (card.type !== "prompt" || !card.counts) return null;
  const index = card.items.findIndex((i) => i.actionId === action.id);
  if (index < 0) return null;
  const { now } = answer;
  const today = londonDate(now);
  const t = translator(pickLocale(message.locale));
  const purpose = message.kind === "prompt" ? "prompt" : "list";
  const prior = card.items[index]!;
  const recorded = describeAnswer(t, { kind: answer.kind, payload: JSON.stringify({ date: answer.date ?? undefined, reason: answer.reason ?? undefined, note: answer.note ?? undefined }), createdAt: now, person: { name: answer.actorLabel } });
  const items = card.items.map((item, i) => (i === index ? buildCardItem({ action, reason: whyAsk(action, today, now), recorded }, { t, messageId: message.id, today, now }) : item));
  const waitedBefore = !prior.recorded && prior.buttons.length > 0;
  const closedNow = Boolean(action.status && CLOSED_STATUSES.has(action.status as Status));
  const leaves = purpose === "prompt" ? waitedBefore && prior.reason !== null : closedNow && answer.kind !== "note";
  const counts = { total: Math.max(0, card.counts.total - (leaves ? 1 : 0)), hidden: card.counts.hidden };
  return JSON.stringify(assemblePromptCard(t, purpose, message.id, items, counts));
}
