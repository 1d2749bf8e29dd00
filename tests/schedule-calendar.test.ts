import { describe, expect, it } from "vitest";
import type { HolidayRegion, ScheduleSettings } from "../src/schedule/schedule-settings.js";
import { isBankHoliday, isWorkingDay } from "../src/schedule/uk-calendar.js";

type Row = [date: string, what: string, englandAndWales: boolean, scotland: boolean, northernIreland: boolean];

describe("UK bank holidays, by region (date-holidays' offline data)", () => {
  it.each<Row>([
    ["2026-01-01", "New Year's Day", true, true, true],
    ["2026-01-02", "2 January (Scotland only)", false, true, false],
    ["2026-03-15", "Mother's Day: an observance, not a holiday", false, false, false],
    ["2026-03-17", "St Patrick's Day (Northern Ireland)", false, false, true],
    ["2026-04-03", "Good Friday", true, true, true],
    ["2026-04-05", "Easter Sunday: an observance", false, false, false],
    ["2026-04-06", "Easter Monday (not in Scotland)", true, false, true],
    ["2026-05-04", "Early May bank holiday", true, true, true],
    ["2026-05-25", "Spring bank holiday", true, true, true],
    ["2026-07-13", "Battle of the Boyne substitute (12 July is a Sunday)", false, false, true],
    ["2026-08-03", "Summer bank holiday in Scotland", false, true, false],
    ["2026-08-31", "Summer bank holiday in England, Wales and NI", true, false, true],
    ["2026-11-30", "St Andrew's Day (a Monday in 2026)", false, true, false],
    ["2025-12-01", "St Andrew's Day substitute (30 Nov 2025 is a Sunday)", false, true, false],
    ["2026-12-25", "Christmas Day", true, true, true],
    ["2026-12-26", "Boxing Day, a Saturday", true, true, true],
    ["2026-12-28", "Boxing Day substitute", true, true, true],
    ["2027-12-27", "Christmas Day substitute (25 Dec 2027 is a Saturday)", true, true, true],
    ["2027-12-28", "Boxing Day substitute (26 Dec 2027 is a Sunday)", true, true, true],
    ["2023-05-08", "the Coronation: a one-off bank holiday", true, true, true],
    ["2026-11-24", "a normal Tuesday", false, false, false],
    ["2026-11-28", "a Saturday is not a bank holiday", false, false, false],
  ])("%s %s", (date, _, englandAndWales, scotland, northernIreland) => {
    const regions: HolidayRegion[] = ["england-and-wales", "scotland", "northern-ireland"];
    expect(regions.map((r) => isBankHoliday(date, r))).toEqual([englandAndWales, scotland, northernIreland]);
  });

  it("rejects what is not an ISO date rather than answering false", () => {
    expect(() => isBankHoliday("25/12/2026", "england-and-wales")).toThrow(/Not an ISO calendar date/);
    expect(() => isBankHoliday("2026-02-30", "england-and-wales")).toThrow(/Not an ISO calendar date/);
  });
});

describe("working days", () => {
  const weekdays: Pick<ScheduleSettings, "workingDays" | "holidayRegion"> = {
    workingDays: ["mon", "tue", "wed", "thu", "fri"],
    holidayRegion: "england-and-wales",
  };
  const scotland = { ...weekdays, holidayRegion: "scotland" as const };
  const monWed = { ...weekdays, workingDays: ["mon" as const, "wed" as const] };
  const everyDay = { ...weekdays, workingDays: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as ScheduleSettings["workingDays"] };

  it.each<[string, string, Pick<ScheduleSettings, "workingDays" | "holidayRegion">, boolean]>([
    ["a normal Tuesday", "2026-11-24", weekdays, true],
    ["a normal Monday", "2026-11-23", weekdays, true],
    ["a Saturday", "2026-11-28", weekdays, false],
    ["a Sunday", "2026-11-29", weekdays, false],
    ["Easter Monday in England and Wales", "2026-04-06", weekdays, false],
    ["Easter Monday in Scotland", "2026-04-06", scotland, true],
    ["Scottish summer bank holiday, in England", "2026-08-03", weekdays, true],
    ["Scottish summer bank holiday, in Scotland", "2026-08-03", scotland, false],
    ["Spring bank holiday Monday", "2026-05-25", weekdays, false],
    ["the Tuesday after it", "2026-05-26", weekdays, true],
    ["Boxing Day substitute Monday", "2026-12-28", weekdays, false],
    ["St Andrew's Day in Scotland", "2026-11-30", scotland, false],
    ["a Tuesday, when only Monday and Wednesday are worked", "2026-11-24", monWed, false],
    ["a Wednesday, when only Monday and Wednesday are worked", "2026-11-25", monWed, true],
    ["a Saturday, when every day is worked", "2026-11-28", everyDay, true],
    ["Boxing Day on a Saturday, when every day is worked", "2026-12-26", everyDay, false],
  ])("%s (%s)", (_, date, settings, expected) => {
    expect(isWorkingDay(date, settings)).toBe(expected);
  });
});
