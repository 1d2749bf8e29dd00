import { addDays, londonDate, ukDate } from "../domain/london-date.js";
import type { Via } from "../domain/vocabulary.js";
import type { Store } from "../store/open-store.js";
import { recordAnswer as storeAnswer, type PressedMessage, type RecordedAnswer, type Redraw } from "../store/record-answer.js";
import type { CardAction } from "../store/card-action.js";
import type { EvidenceFileInput } from "../store/evidence-files.js";
import type { HeldAnswer } from "../store/hold-answer.js";
import type { AnswerFields } from "../domain/answer-change.js";

export interface AnswerInput extends AnswerFields {
  personId: string;
  actionId: string;
  /** A file sent in chat as the evidence of a "complete". */
  evidenceFile?: EvidenceFileInput | null;
  /** The platform's delivery id, or the button's token: the same key records nothing new. */
  key: string;
  /** The Chaser message whose card was answered, if any. */
  messageId: string | null;
  via: Via;
  actorLabel: string;
  now: Date;
}

/** What the store recorded, or an answer refused before it reached the store. */
export type AnswerResult = RecordedAnswer | { outcome: "invalid"; code: string; params: Record<string, string | number> };

export const MAX_TEXT = 1000;
/** A snooze or a new target further out than this is almost certainly a typo. */
const MAX_DAYS_AHEAD = 5 * 366;

/** Checks what an answer carries before anything is touched; returns an error code or null. */
export function checkAnswer(input: Pick<AnswerInput, "kind" | "date" | "reason" | "note" | "evidence">, today: string): { code: string; params: Record<string, string | number> } | null {
  for (const [field, value] of Object.entries({ reason: input.reason, note: input.note, evidence: input.evidence })) {
    if (value && value.length > MAX_TEXT) return { code: "answer.text_too_long", params: { field, max: MAX_TEXT } };
  }
  const needsDate = input.kind === "delayed" || input.kind === "snooze";
  if (needsDate) {
    if (!input.date) return { code: input.kind === "delayed" ? "answer.delay_needs_date" : "answer.snooze_needs_date", params: {} };
    if (!isIsoDate(input.date)) return { code: "answer.not_a_date", params: { text: input.date.slice(0, 40) } };
    if (input.date <= today) return { code: "answer.date_not_future", params: { date: ukDate(input.date) } };
    if (input.date > addDays(today, MAX_DAYS_AHEAD)) return { code: "answer.date_too_far", params: { date: ukDate(input.date) } };
  }
  if ((input.kind === "delayed" || input.kind === "blocked") && !input.reason?.trim()) return { code: `answer.${input.kind}_needs_reason`, params: {} };
  if (input.kind === "note" && !input.note?.trim()) return { code: "answer.note_needs_text", params: {} };
  return null;
}

function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/**
 * Records one answer: checks what it carries, then hands it to the store, which checks the person
 * may answer for the action and that the card is not stale, and writes the action's new state, the
 * answer and a history entry (and the pressed card, drawn again by `redraw`) in one transaction.
 * A key seen before records nothing and says so.
 */
export async function recordAnswer(store: Store, input: AnswerInput, redraw?: Redraw): Promise<AnswerResult> {
  const today = londonDate(input.now);
  const invalid = checkAnswer(input, today);
  if (invalid) return { outcome: "invalid", ...invalid };
  return storeAnswer(store, { ...input, today }, redraw);
}
