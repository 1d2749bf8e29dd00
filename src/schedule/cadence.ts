import { addDays, daysBetween } from "../domain/london-date.js";
import type { AskReason } from "../domain/why-ask.js";
import type { ScheduleSettings } from "./schedule-settings.js";
import { DEFAULT_TIME_ZONE, localDate } from "./zoned.js";

/**
 * How often one action is asked about and when it is escalated. Pure: `now` and the zone are
 * passed in. Days are local calendar days, not multiples of 24 hours, so a prompt sent at 09:31
 * one Monday does not hold back the next Monday's 09:30 run, whatever the clocks did in between.
 */

export interface CadenceInput {
  /** When the action was last asked about (prompt or escalation), or null if never. */
  lastPromptedAt: Date | null;
  /**
   * When the reason to ask last changed (it fell overdue, its target moved, its status changed),
   * or null. Not the owner's own answer to the prompt.
   */
  lastStateChangeAt: Date | null;
  /**
   * When the owner last answered about the action, however (a button, words, another card), or
   * null. A fresh answer satisfies the cadence as a prompt does: nobody is asked again minutes
   * after answering ("delayed to 31 March" has just moved the target; asking again says nothing new).
   */
  lastAnsweredAt?: Date | null;
  cadenceDays: number;
  now: Date;
  timeZone?: string;
}

/**
 * Ask about the action again? Yes if never asked nor answered, if its state changed after the last
 * prompt or answer, or once `cadenceDays` local calendar days have passed since the later of them.
 */
export function shouldPromptAgain({ lastPromptedAt, lastStateChangeAt, lastAnsweredAt = null, cadenceDays, now, timeZone = DEFAULT_TIME_ZONE }: CadenceInput): boolean {
  const lastContact = [lastPromptedAt, lastAnsweredAt].filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0];
  if (!lastContact) return true;
  if (lastStateChangeAt && lastStateChangeAt > lastContact) return true;
  return daysBetween(localDate(lastContact, timeZone), localDate(now, timeZone)) >= cadenceDays;
}

/**
 * When the reason to ask last changed, so a change is asked about even inside the cadence: the day
 * an action fell overdue, or the last status a re-import brought. The scan's query does the same
 * (src/store/scan-due-actions.ts); tests/scan-due-actions.test.ts holds the two together.
 */
export function stateChangedAt(action: { reason: AskReason; targetTo: string | null; statusSource: string; statusUpdatedAt: Date | null }): Date | null {
  const changes: Date[] = [];
  if (action.reason.kind === "overdue" && action.targetTo) changes.push(new Date(`${addDays(action.targetTo, 1)}T00:00:00Z`));
  if (action.statusSource === "import" && action.statusUpdatedAt) changes.push(action.statusUpdatedAt);
  return changes.length > 0 ? new Date(Math.max(...changes.map((d) => d.getTime()))) : null;
}

export type Escalation = { why: "overdue" | "unanswered" };

export interface EscalationInput {
  /** whyAsk's answer for the action today; null means nothing to chase, so nothing to escalate. */
  reason: AskReason | null;
  /** Prompts about the action since its owner last answered. */
  unansweredPrompts: number;
  settings: Pick<ScheduleSettings, "escalateAfterDaysOverdue" | "escalateAfterUnansweredPrompts">;
}

/**
 * Should the action go to the owner's manager (or the plan admin)? When it is overdue by more than
 * escalateAfterDaysOverdue days, or escalateAfterUnansweredPrompts prompts have gone unanswered.
 * Overdue wins when both hold, being the more pressing reason.
 */
export function needsEscalation({ reason, unansweredPrompts, settings }: EscalationInput): Escalation | null {
  if (!reason) return null;
  if (reason.kind === "overdue" && reason.days > settings.escalateAfterDaysOverdue) return { why: "overdue" };
  if (unansweredPrompts >= settings.escalateAfterUnansweredPrompts) return { why: "unanswered" };
  return null;
}

/** The number of the cadence period holding `now`: local calendar days since 1970-01-01, divided. */
export function cadencePeriod(now: Date, cadenceDays: number, timeZone: string = DEFAULT_TIME_ZONE): number {
  if (!Number.isInteger(cadenceDays) || cadenceDays < 1) throw new RangeError(`cadenceDays must be a whole number of at least 1, not ${cadenceDays}`);
  return Math.floor(daysBetween("1970-01-01", localDate(now, timeZone)) / cadenceDays);
}

/**
 * escalation:ACTION:PERIOD, one per action per cadence period; record it with the escalation
 * (ChatMessage.key is unique) so a second attempt in the same period sends nothing. Periods are
 * fixed blocks counted from 1970-01-01 (a Thursday; with 7 days they run Thursday to Wednesday),
 * so two escalations can fall on consecutive days either side of a boundary, never two in a block.
 */
export function escalationKey(actionId: string, now: Date, cadenceDays: number, timeZone: string = DEFAULT_TIME_ZONE): string {
  return `escalation:${actionId}:${cadencePeriod(now, cadenceDays, timeZone)}`;
}
