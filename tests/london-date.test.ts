/**
 * Calendar days without luxon where the day is plain YYYY-MM-DD (a button press asks for them
 * dozens of times): the same answers as luxon gives, day by day, and luxon's answer for anything else.
 */
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { addDays, daysBetween, londonDate } from "../src/domain/london-date.js";

const luxonAdd = (iso: string, days: number) => DateTime.fromISO(iso, { zone: "UTC" }).plus({ days }).toISODate();
const luxonBetween = (a: string, b: string) => Math.round(DateTime.fromISO(b, { zone: "UTC" }).diff(DateTime.fromISO(a, { zone: "UTC" }), "days").days);

describe("calendar days", () => {
  it("adds and counts days as luxon does, across month ends, leap years and centuries", () => {
    const wrong: string[] = [];
    let checked = 0;
    const offsets = [-1830, -366, -365, -29, -1, 0, 1, 28, 29, 31, 365, 366];
    // Every day around the turns of the centuries (1900 and 2100 are not leap years, 2000 is), every eleventh between.
    const daily = (year: number) => [1899, 1900, 1999, 2000, 2099, 2100].includes(year);
    for (let day = DateTime.fromISO("1899-01-01", { zone: "UTC" }); day.year < 2101; day = day.plus({ days: daily(day.year) ? 1 : 11 })) {
      const iso = day.toISODate()!;
      for (const n of offsets) {
        const expected = luxonAdd(iso, n)!;
        if (addDays(iso, n) !== expected) wrong.push(`${iso} + ${n}: ${addDays(iso, n)}, luxon ${expected}`);
        if (daysBetween(iso, expected) !== n) wrong.push(`${iso} to ${expected}: ${daysBetween(iso, expected)}, not ${n}`);
        checked += 1;
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(50_000);
  });

  it("gives luxon's answer for what is not a plain day", () => {
    for (const bad of ["2021-02-30", "2021-13-01", "2021-2-3", "not a date", "", "0099-01-01", "2021-02-28T10:00"]) {
      expect([bad, addDays(bad, 1)]).toEqual([bad, luxonAdd(bad, 1)]);
      expect([bad, daysBetween(bad, "2021-03-01")]).toEqual([bad, luxonBetween(bad, "2021-03-01")]);
      expect([bad, daysBetween("2021-03-01", bad)]).toEqual([bad, luxonBetween("2021-03-01", bad)]);
    }
    expect(addDays("9999-12-31", 1)).toBe(luxonAdd("9999-12-31", 1));
    expect(addDays("2021-03-01", 0.5)).toBe(luxonAdd("2021-03-01", 0.5));
  });

  it("gives the UK day of each instant, asked in any order and of a Date changed in between", () => {
    const cases: [string, string][] = [
      ["2026-06-30T23:30:00Z", "2026-07-01"], // BST: already the next day in London
      ["2026-12-31T23:30:00Z", "2026-12-31"], // GMT
      ["2026-03-29T00:30:00Z", "2026-03-29"],
      ["2026-10-24T23:00:00Z", "2026-10-25"],
    ];
    for (const [at, day] of [...cases, ...cases.reverse(), ...cases]) expect([at, londonDate(new Date(at))]).toEqual([at, day]);
    const changing = new Date("2026-06-30T22:59:59Z");
    expect(londonDate(changing)).toBe("2026-06-30");
    changing.setTime(Date.parse("2026-06-30T23:00:00Z"));
    expect(londonDate(changing)).toBe("2026-07-01");
  });
});
