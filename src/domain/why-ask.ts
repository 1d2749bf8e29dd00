import { addDays, daysBetween } from "./london-date.js";
import { CLOSED_STATUSES, type Status } from "./vocabulary.js";

/** Thresholds a plan can tune; the defaults are what councils asked for. */
export interface ChaseSettings {
  /** Ask about actions whose target falls within this many days. */
  dueSoonDays: number;
  /** Ask about actions with no update for this many days. */
  silentDays: number;
}
export const DEFAULT_CHASE_SETTINGS: ChaseSettings = { dueSoonDays: 14, silentDays: 28 };

export type AskReason =
  | { kind: "overdue"; days: number }
  | { kind: "slipping" }
  | { kind: "due_soon"; days: number }
  | { kind: "silent"; days: number };

export interface ActionState {
  status: string | null;
  targetTo: string | null;
  originalTargetTo: string | null;
  snoozedUntil: string | null;
  lastUpdateAt: Date | null;
  createdAt: Date;
}

/**
 * Why an action needs an answer today, or null if it does not. Pure: `today` is the UK calendar
 * day and `now` the instant, both passed in. The most pressing reason wins.
 */
export function whyAsk(action: ActionState, today: string, now: Date, settings: ChaseSettings = DEFAULT_CHASE_SETTINGS): AskReason | null {
  const status = action.status as Status | null;
  if (status && CLOSED_STATUSES.has(status)) return null;
  // Checked changes: the owner said it is done; the verifier is asked, not the owner.
  if (action.status === "awaiting_verification") return null;
  if (action.snoozedUntil && action.snoozedUntil >= today) return null;
  const silentDays = Math.floor((now.getTime() - (action.lastUpdateAt ?? action.createdAt).getTime()) / 86_400_000);
  const silent: AskReason | null = silentDays >= settings.silentDays ? { kind: "silent", days: silentDays } : null;
  // Ongoing work has no deadline to miss; it is only asked about when it goes quiet.
  if (status === "ongoing") return silent;
  if (action.targetTo && action.targetTo < today) return { kind: "overdue", days: daysBetween(action.targetTo, today) };
  const movedLater = Boolean(action.targetTo && action.originalTargetTo && action.targetTo > action.originalTargetTo);
  if (status === "delayed" || movedLater) return { kind: "slipping" };
  if (action.targetTo && action.targetTo <= addDays(today, settings.dueSoonDays)) return { kind: "due_soon", days: daysBetween(today, action.targetTo) };
  return silent;
}
