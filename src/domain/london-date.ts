import { DateTime } from "luxon";

export const ZONE = "Europe/London";

let last: { at: number; day: string } = { at: Number.NaN, day: "" };

/**
 * The calendar day it is in the UK at `now`, as YYYY-MM-DD: targets are UK calendar days. The last
 * answer is kept: a button press or a card asks it of the same instant many times over.
 */
export function londonDate(now: Date): string {
  const at = now.getTime();
  if (at === last.at) return last.day;
  const day = DateTime.fromJSDate(now, { zone: ZONE }).toISODate()!;
  last = { at, day };
  return day;
}

/** A plain YYYY-MM-DD day, which the arithmetic below can do without luxon. */
const PLAIN_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Milliseconds of a real YYYY-MM-DD day at UTC midnight; null for anything else (left to luxon, as before). */
function utcDay(isoDate: string): number | null {
  const m = PLAIN_DAY.exec(isoDate);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const at = Date.UTC(y, mo - 1, d);
  // Date.UTC rolls 2021-02-30 over into March, and takes years below 100 as 19xx: neither is a plain day.
  const back = new Date(at);
  return y >= 100 && back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? at : null;
}

/** ISO day `days` after `isoDate` (negative for before). */
export function addDays(isoDate: string, days: number): string {
  const at = utcDay(isoDate);
  if (at !== null && Number.isInteger(days)) {
    const day = new Date(at + days * DAY_MS).toISOString();
    if (day.length === 24) return day.slice(0, 10);
  }
  return DateTime.fromISO(isoDate, { zone: "UTC" }).plus({ days }).toISODate()!;
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  const from = utcDay(a);
  const to = utcDay(b);
  if (from !== null && to !== null) return Math.round((to - from) / DAY_MS);
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
