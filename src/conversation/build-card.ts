import type { TFunction } from "i18next";
import { addDays, daysBetween, ukDate } from "../domain/london-date.js";
import type { AskReason } from "../domain/why-ask.js";
import { CLOSED_STATUSES, type Status } from "../domain/vocabulary.js";
import type { AnswerKind, AnswerPayload, CardButton, CardForm, CardItem, PromptCard } from "./card.js";
import type { CardAction } from "../store/card-action.js";
import { MAX_TEXT } from "./record-answer.js";

export interface CardEntry {
  action: CardAction;
  reason: AskReason | null;
  /** What this card recorded for the action, already in words. */
  recorded: string | null;
}

export interface PromptCardInput {
  t: TFunction;
  /** The Chaser message the card belongs to, carried by its buttons. */
  messageId: string | null;
  entries: CardEntry[];
  today: string;
  now: Date;
  /** "prompt" when Chaser is chasing, "list" when the person asked for their actions. */
  purpose: "prompt" | "list";
  /**
   * What the header and footer count, read from the store when the card is drawn again: `total`
   * actions still open (a list) or still waiting for an answer (a prompt), `hidden` of them not on
   * this card. Without it both are counted from `entries`, as when the card is first built.
   */
  counts?: { total: number; hidden: number };
}

/** One press each; every other answer goes through the one "More…" form, to keep cards small. */
const QUICK: AnswerKind[] = ["on_track", "complete"];
const MORE_KINDS: AnswerKind[] = ["delayed", "blocked", "note", "snooze", "not_mine", "complete"];
/** The answer a "More…" button carries; the form's choice says which answer it really is. */
export const MORE_KIND: AnswerKind = "note";

/** A card stays readable, and within Slack's 13,000 characters of blocks and Teams' 28 KB, at this many actions. */
export const MAX_CARD_ITEMS = 6;

/** One card for all of a person's actions that need an answer. Pure. */
export function buildPromptCard(input: PromptCardInput): PromptCard {
  const shown = input.entries.slice(0, MAX_CARD_ITEMS);
  const counts = input.counts ?? { total: input.entries.length, hidden: input.entries.length - shown.length };
  return assemblePromptCard(input.t, input.purpose, input.messageId, shown.map((entry) => buildItem(entry, input)), counts);
}

/** A card around its items: the header and footer say what is left, from the counts given. Pure. */
export function assemblePromptCard(t: TFunction, purpose: "prompt" | "list", messageId: string | null, items: CardItem[], counts: { total: number; hidden: number }): PromptCard {
  const { total, hidden } = counts;
  // An item has buttons exactly when it has no answer yet and is not closed.
  const waiting = items.filter((i) => !i.recorded && i.buttons.length > 0).length;
  const footer = [waiting > 0 ? t("card.footer") : "", hidden > 0 ? t("card.more", { count: hidden }) : ""].filter(Boolean).join("\n\n");
  const intro =
    total > 0
      ? t(purpose === "prompt" ? "card.prompt.intro" : "card.list.intro", { count: total })
      : t(purpose === "prompt" ? "officer.all_answered" : "card.list.none");
  return {
    type: "prompt",
    messageId,
    title: t(purpose === "prompt" ? "card.prompt.title" : "card.list.title"),
    intro,
    items,
    footer: footer || null,
    counts: { total, hidden },
  };
}

/** One action's part of a card. Pure. */
export function buildCardItem(entry: CardEntry, input: Pick<PromptCardInput, "t" | "messageId" | "today" | "now">): CardItem {
  return buildItem(entry, input);
}

function buildItem({ action, reason, recorded }: CardEntry, input: Pick<PromptCardInput, "t" | "messageId" | "today" | "now">): CardItem {
  const { t } = input;
  const owners = action.owners.filter((o) => o.kind === "responsible").map((o) => o.role.name);
  const facts = [
    { label: t("card.fact.plan"), value: action.plan.title },
    ...(action.recommendation.ref ? [{ label: t("card.fact.recommendation"), value: action.recommendation.ref }] : []),
    { label: t("card.fact.owner"), value: owners.join(", ") || t("card.none") },
    { label: t("card.fact.target"), value: targetText(action, input) },
    { label: t("card.fact.last_update"), value: lastUpdateText(action, input) },
    ...(action.rag ? [{ label: t("card.fact.rag"), value: t(`rag.${action.rag}`) }] : []),
    ...(action.status ? [{ label: t("card.fact.status"), value: t(`status.${action.status}`) }] : []),
  ];
  const closed = isClosed(action);
  return {
    actionId: action.id,
    heading: `${action.ref ?? action.key} · ${action.title}`,
    facts,
    reason: reason ? reasonText(reason, t) : null,
    recorded,
    buttons: recorded || closed ? [] : [...QUICK.map((kind) => button(kind, action.id, input, false)), button(MORE_KIND, action.id, input, true)],
  };
}

function button(kind: AnswerKind, actionId: string, input: Pick<PromptCardInput, "t" | "messageId" | "today">, more: boolean): CardButton {
  const { t } = input;
  const answer: AnswerPayload = { v: 1, m: input.messageId, a: actionId, k: kind };
  return {
    label: more ? t("card.button.more") : t(`card.button.${kind}`),
    style: kind === "complete" && !more ? "positive" : "default",
    answer,
    form: more ? formFor(kind, input.t, input.today) : null,
  };
}

/**
 * The form behind "More…": which answer, a date (for a delay or a snooze) and a few words (the
 * reason, note or evidence). The core checks what each answer needs, so the form stays one shape.
 */
export function formFor(kind: AnswerKind, t: TFunction, today: string): CardForm {
  return {
    title: t("card.form.more.title"),
    submitLabel: t("card.form.submit"),
    fields: [
      { kind: "choice", id: "kind", label: t("card.form.more.kind"), required: true, options: MORE_KINDS.map((value) => ({ value, label: t(`card.form.more.choice.${value}`) })), initial: kind === MORE_KIND ? "delayed" : kind },
      { kind: "date", id: "date", label: t("card.form.more.date"), required: false, min: addDays(today, 1) },
      { kind: "text", id: "text", label: t("card.form.more.text"), required: false, maxLength: MAX_TEXT, multiline: true },
    ],
  };
}

export function reasonText(reason: AskReason, t: TFunction): string {
  switch (reason.kind) {
    case "overdue":
      return t("card.reason.overdue", { count: reason.days });
    case "due_soon":
      return reason.days === 0 ? t("card.reason.due_today") : t("card.reason.due_soon", { count: reason.days });
    case "slipping":
      return t("card.reason.slipping");
    case "silent":
      return t("card.reason.silent", { count: Math.floor(reason.days / 7) });
  }
}

function isClosed(action: Pick<CardAction, "status">): boolean {
  return Boolean(action.status && CLOSED_STATUSES.has(action.status as Status));
}

function targetText(action: CardAction, { t, today }: Pick<PromptCardInput, "t" | "today">): string {
  if (!action.targetTo) return action.targetOngoing ? t("card.target.ongoing") : (action.targetText ?? t("card.target.none"));
  const written = action.targetFrom === action.targetTo ? ukDate(action.targetTo) : `${action.targetText} (${t("card.target.by", { date: ukDate(action.targetTo) })})`;
  // A finished action is not late or due: its target is history.
  if (isClosed(action)) return written;
  const days = daysBetween(today, action.targetTo);
  const when = days < 0 ? t("card.target.late", { count: -days }) : days === 0 ? t("card.target.today") : t("card.target.in", { count: days });
  const moved = action.originalTargetTo && action.originalTargetTo !== action.targetTo ? ` ${t("card.target.was", { date: ukDate(action.originalTargetTo) })}` : "";
  return `${written}, ${when}${moved}`;
}

function lastUpdateText(action: CardAction, { t, now }: Pick<PromptCardInput, "t" | "now">): string {
  const at = action.lastUpdateAt ?? action.createdAt;
  const days = Math.floor((now.getTime() - at.getTime()) / 86_400_000);
  const age = days <= 0 ? t("card.age.today") : days < 14 ? t("card.age.days", { count: days }) : t("card.age.weeks", { count: Math.floor(days / 7) });
  const what = action.progress ? `: ${action.progress.length > 140 ? `${action.progress.slice(0, 137)}…` : action.progress}` : "";
  return `${age}${what}`;
}
