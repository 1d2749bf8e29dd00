import { DateTime } from "luxon";

/** Instants in a named IANA zone, for the schedule. Pure: every function is given `now`. */

export const DEFAULT_TIME_ZONE = "Europe/London";

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** `now` on the wall clock of `zone`. */
export function zoned(now: Date, zone: string): DateTime<true> {
  const local = DateTime.fromJSDate(now, { zone });
  if (!local.isValid) throw new RangeError(`Cannot place ${String(now)} in time zone ${zone}: ${local.invalidExplanation ?? local.invalidReason}`);
  return local;
}

/** The calendar day (YYYY-MM-DD) it is in `zone` at `now`. */
export function localDate(now: Date, zone: string = DEFAULT_TIME_ZONE): string {
  return zoned(now, zone).toISODate();
}

/** The ISO day as a luxon date at midnight UTC: for calendar arithmetic only, never for instants. */
export function calendarDay(isoDate: string): DateTime<true> {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(isoDate) ? DateTime.fromISO(isoDate, { zone: "UTC" }) : null;
  if (!day?.isValid) throw new RangeError(`Not an ISO calendar date (YYYY-MM-DD): ${isoDate}`);
  return day;
}

/** mon…sun for an ISO day. */
export function weekdayOf(isoDate: string): Weekday {
  return WEEKDAYS[calendarDay(isoDate).weekday - 1]!;
}

/** "09:30" → 570. The format is checked by the settings schema. */
export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(":");
  return Number(h) * 60 + Number(m);
}

/**
 * The instant the wall clock in `zone` shows `hhmm` on `isoDate`. A time skipped by a clock change
 * (01:30 on the day BST starts) moves forward by the hour skipped (02:30 BST); a time that
 * happens twice (01:30 on the day BST ends) is the second of the two (01:30 GMT), as luxon does.
 */
export function atLocalTime(isoDate: string, hhmm: string, zone: string): Date {
  const { year, month, day } = calendarDay(isoDate);
  const minutes = minutesOf(hhmm);
  const at = DateTime.fromObject({ year, month, day, hour: Math.floor(minutes / 60), minute: minutes % 60 }, { zone });
  if (!at.isValid) throw new RangeError(`Cannot place ${isoDate} ${hhmm} in time zone ${zone}`);
  return at.toJSDate();
}

/** The ISO week (2026-W48) that an ISO day falls in; the week-year can differ from the calendar year. */
export function isoWeekOf(isoDate: string): string {
  return calendarDay(isoDate).toFormat("kkkk-'W'WW");
}

/** The ISO day of `weekday` in the ISO week holding `isoDate`. */
export function dayInWeek(isoDate: string, weekday: Weekday): string {
  const day = calendarDay(isoDate);
  return day.plus({ days: WEEKDAYS.indexOf(weekday) + 1 - day.weekday }).toISODate();
}
