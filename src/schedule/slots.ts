import { addDays } from "../domain/london-date.js";
import { inQuietHours, type ScheduleSettings } from "./schedule-settings.js";
import { isWorkingDay } from "./uk-calendar.js";
import { WEEKDAYS, atLocalTime, dayInWeek, isoWeekOf, localDate, minutesOf, zoned } from "./zoned.js";

/**
 * When scheduled work is due. Everything here is pure: `now` and the settings (with their time
 * zone) are passed in, and the answer is the same whenever it is asked.
 *
 * How a scheduler uses it: wake often (cronExpressions: at the exact times and every few minutes),
 * ask dueSlots(now) — or promptSlot/digestSlot and canSendAt — and claim each slot by its key
 * (ScheduleRun.key) before doing the work. A slot stays due from its time until the end of its
 * local day, so a wake-up missed during a restart is caught up the same day, and the key (one per
 * local day, or per ISO week for the digest) makes a second wake-up, a second process or a clock
 * change that repeats an hour harmless. A slot not run by the end of its day is skipped, not run
 * late the next day (the next day has its own).
 */

export interface PromptSlot {
  kind: "prompt";
  /** prompt:YYYY-MM-DD, the local calendar day. */
  key: string;
  /** The local calendar day the prompts are for. */
  date: string;
  /** When the slot opened: promptTime on `date` in the settings' time zone. */
  at: Date;
}

export interface DigestSlot {
  kind: "digest";
  /** digest:YYYY-Www, the ISO week of the digest day (not of the day it ran on, if that moved). */
  key: string;
  week: string;
  /** The local calendar day the digest runs: the digest day, or the next working day. */
  date: string;
  at: Date;
}

export type Slot = PromptSlot | DigestSlot;

type Zoned = Pick<ScheduleSettings, "timeZone">;
type Calendar = Pick<ScheduleSettings, "workingDays" | "holidayRegion">;
export type PromptSlotSettings = Calendar & Zoned & Pick<ScheduleSettings, "promptTime" | "paused">;
export type DigestSlotSettings = Calendar & Zoned & Pick<ScheduleSettings, "digestDay" | "digestTime" | "paused">;
export type QuietHoursSettings = Zoned & Pick<ScheduleSettings, "quietHours">;

/** How far ahead to look for a working day; far beyond any run of UK bank holidays. */
const HORIZON_DAYS = 400;

/** The prompt slot to run at `now`: today's, once promptTime has passed on a working day. */
export function promptSlot(now: Date, settings: PromptSlotSettings): PromptSlot | null {
  if (settings.paused) return null;
  const date = localDate(now, settings.timeZone);
  if (!isWorkingDay(date, settings)) return null;
  const at = atLocalTime(date, settings.promptTime, settings.timeZone);
  return now >= at ? { kind: "prompt", key: `prompt:${date}`, date, at } : null;
}

/** When the next prompt slot opens (strictly after `now`), or null while paused. */
export function nextPromptAt(now: Date, settings: PromptSlotSettings): Date | null {
  if (settings.paused) return null;
  const today = localDate(now, settings.timeZone);
  for (let i = 0; i <= HORIZON_DAYS; i++) {
    const date = addDays(today, i);
    if (!isWorkingDay(date, settings)) continue;
    const at = atLocalTime(date, settings.promptTime, settings.timeZone);
    if (at > now) return at;
  }
  return null;
}

/**
 * The day the digest of the ISO week holding `isoDate` runs: the week's digest day, or when that
 * is not a working day (a bank holiday Monday) the next working day, even if that falls in the
 * following week. The digest keeps the key of its own week either way.
 */
export function digestRunDay(isoDate: string, settings: Calendar & Pick<ScheduleSettings, "digestDay">): string | null {
  const digestDay = dayInWeek(isoDate, settings.digestDay);
  for (let i = 0; i <= HORIZON_DAYS; i++) {
    const date = addDays(digestDay, i);
    if (isWorkingDay(date, settings)) return date;
  }
  return null;
}

/** The digest slot to run at `now`: on the week's digest run day, once digestTime has passed. */
export function digestSlot(now: Date, settings: DigestSlotSettings): DigestSlot | null {
  if (settings.paused) return null;
  const today = localDate(now, settings.timeZone);
  // This week's digest, or an earlier week's pushed into this one by bank holidays. Were two
  // weeks' digests ever to land on one day, the later week's covers both.
  for (const weeksAgo of [0, 1, 2]) {
    const weekOf = addDays(today, -7 * weeksAgo);
    if (digestRunDay(weekOf, settings) !== today) continue;
    const at = atLocalTime(today, settings.digestTime, settings.timeZone);
    if (now < at) return null;
    const week = isoWeekOf(dayInWeek(weekOf, settings.digestDay));
    return { kind: "digest", key: `digest:${week}`, week, date: today, at };
  }
  return null;
}

/** When the next digest slot opens (strictly after `now`), or null while paused. */
export function nextDigestAt(now: Date, settings: DigestSlotSettings): Date | null {
  if (settings.paused) return null;
  const today = localDate(now, settings.timeZone);
  // Run days never go backwards from one week to the next, so the first one after now is next.
  for (let week = -2; week <= HORIZON_DAYS / 7; week++) {
    const runDay = digestRunDay(addDays(today, 7 * week), settings);
    if (!runDay) return null;
    const at = atLocalTime(runDay, settings.digestTime, settings.timeZone);
    if (at > now) return at;
  }
  return null;
}

/** May Chaser message people at `now`? Not inside quiet hours (local wall-clock time). */
export function canSendAt(now: Date, settings: QuietHoursSettings): boolean {
  return !inQuietHours(zoned(now, settings.timeZone).toFormat("HH:mm"), settings.quietHours);
}

/** `now` if sending is allowed now, else the end of the quiet window it is in. */
export function nextSendAt(now: Date, settings: QuietHoursSettings): Date {
  if (canSendAt(now, settings)) return new Date(now.getTime());
  const { start, end } = settings.quietHours;
  const today = localDate(now, settings.timeZone);
  const local = zoned(now, settings.timeZone);
  const minutes = local.hour * 60 + local.minute;
  // In the evening part of a window that wraps midnight, it ends tomorrow.
  const endsTomorrow = minutesOf(start) > minutesOf(end) && minutes >= minutesOf(start);
  return atLocalTime(endsTomorrow ? addDays(today, 1) : today, end, settings.timeZone);
}

/** The slots to run at `now`, digest first: none inside quiet hours, so none is claimed unsent. */
export function dueSlots(now: Date, settings: PromptSlotSettings & DigestSlotSettings & QuietHoursSettings): Slot[] {
  if (!canSendAt(now, settings)) return [];
  return [digestSlot(now, settings), promptSlot(now, settings)].filter((slot): slot is Slot => slot !== null);
}

export interface CronJob {
  name: "prompt" | "digest" | "catch-up";
  /** A five-field node-cron expression, read in `timezone`. */
  expression: string;
  timezone: string;
}

/** How often the scheduler checks for due slots between the exact times. */
export const CATCH_UP_MINUTES = 5;

/**
 * node-cron expressions that wake the scheduler: at promptTime and digestTime on the working days
 * (cron cannot know bank holidays, and the digest may move to another working day, so these only
 * wake the scheduler, which asks dueSlots what is due), and every CATCH_UP_MINUTES so slots missed
 * while the process was down run on restart the same day. node-cron reads the times in `timezone`,
 * so 09:30 stays 09:30 local across the clock changes; the slot keys make a repeated wake-up
 * harmless. Pausing changes nothing here: a paused plan simply has no slots.
 */
export function cronExpressions(settings: Zoned & Pick<ScheduleSettings, "promptTime" | "digestTime" | "workingDays">): CronJob[] {
  const days = [...new Set(settings.workingDays.map((day) => (WEEKDAYS.indexOf(day) + 1) % 7))].sort((a, b) => a - b).join(",");
  const at = (hhmm: string) => `${minutesOf(hhmm) % 60} ${Math.floor(minutesOf(hhmm) / 60)} * * ${days}`;
  return [
    { name: "prompt", expression: at(settings.promptTime), timezone: settings.timeZone },
    { name: "digest", expression: at(settings.digestTime), timezone: settings.timeZone },
    { name: "catch-up", expression: `*/${CATCH_UP_MINUTES} * * * *`, timezone: settings.timeZone },
  ];
}
