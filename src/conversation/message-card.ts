import type { TFunction } from "i18next";
import { londonDate, ukDate } from "../domain/london-date.js";
import { whyAsk } from "../domain/why-ask.js";
import { translator, pickLocale } from "../i18n.js";
import type { Db } from "../store/open-store.js";
import { buildPromptCard, type CardEntry } from "./build-card.js";
import type { PromptCard } from "./card.js";
import { ACTION_CARD_INCLUDE, type CardAction } from "./find-person-actions.js";

/** "Recorded: delayed to 31/03/2027 (Sam Jones, 22/11/2026)". */
export function describeAnswer(t: TFunction, answer: { kind: string; payload: string; createdAt: Date; person: { name: string } }): string {
  const payload = JSON.parse(answer.payload) as { date?: string; reason?: string; note?: string };
  return t(`card.recorded.${answer.kind}`, {
    who: answer.person.name,
    when: ukDate(londonDate(answer.createdAt)),
    date: payload.date ? ukDate(payload.date) : "",
    reason: payload.reason ?? payload.note ?? "",
  });
}

/** Entries for a card: each action with why it is asked and what this message recorded for it. */
export async function cardEntries(db: Db, t: TFunction, actions: CardAction[], messageId: string | null, now: Date): Promise<CardEntry[]> {
  const today = londonDate(now);
  const answers = messageId
    ? await db.answer.findMany({ where: { messageId }, include: { person: { select: { name: true } } }, orderBy: { createdAt: "asc" } })
    : [];
  const latest = new Map(answers.map((a) => [a.actionId, a]));
  return actions.map((action) => {
    const answer = latest.get(action.id);
    return { action, reason: whyAsk(action, today, now), recorded: answer ? describeAnswer(t, answer) : null };
  });
}

/**
 * The card of a message Chaser sent, as it should look now: the same actions, with what was
 * recorded from it. Used to update a card in place after an answer.
 */
export async function messageCard(db: Db, messageId: string, now: Date): Promise<PromptCard | null> {
  const message = await db.chatMessage.findUnique({ where: { id: messageId } });
  if (!message || (message.kind !== "prompt" && message.kind !== "reply")) return null;
  const ids = JSON.parse(message.actionIds) as string[];
  if (ids.length === 0) return null;
  const found = await db.action.findMany({ where: { id: { in: ids } }, include: ACTION_CARD_INCLUDE });
  const actions = ids.map((id) => found.find((a) => a.id === id)).filter((a): a is CardAction => Boolean(a));
  const t = translator(pickLocale(message.locale));
  return buildPromptCard({
    t,
    messageId,
    entries: await cardEntries(db, t, actions, messageId, now),
    today: londonDate(now),
    now,
    purpose: message.kind === "prompt" ? "prompt" : "list",
  });
}
