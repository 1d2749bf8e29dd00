import { DateTime } from "luxon";

export const ZONE = "Europe/London";

/** The calendar day it is in the UK at `now`, as YYYY-MM-DD: targets are UK calendar days. */
export function londonDate(now: Date): string {
  return DateTime.fromJSDate(now, { zone: ZONE }).toISODate()!;
}

/** ISO day `days` after `isoDate` (negative for before). */
export function addDays(isoDate: string, days: number): string {
  return DateTime.fromISO(isoDate, { zone: "UTC" }).plus({ days }).toISODate()!;
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  return Math.round(DateTime.fromISO(b, { zone: "UTC" }).diff(DateTime.fromISO(a, { zone: "UTC" }), "days").days);
}

/** UK style for people: 31/03/2021. */
export function ukDate(isoDate: string): string {
  const [y, m, d] = isoDate.split("-");
  return `${d}/${m}/${y}`;
}

/** A moment as UK people write it, on the London clock: 20/12/2020 09:30. */
export function ukDateTime(when: Date): string {
  return DateTime.fromJSDate(when, { zone: ZONE }).toFormat("dd/LL/yyyy HH:mm");
}
