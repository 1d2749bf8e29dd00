import Holidays from "date-holidays";
import type { HolidayRegion, ScheduleSettings } from "./schedule-settings.js";
import { calendarDay, weekdayOf } from "./zoned.js";

/**
 * UK bank holidays from date-holidays' bundled data (no network). England and Wales share one
 * calendar. Only public and bank holidays count: observances such as Mother's Day do not, and
 * substitute days (Boxing Day on a Saturday → the Monday after) do.
 */
const STATE: Record<HolidayRegion, string> = {
  "england-and-wales": "ENG",
  scotland: "SCT",
  "northern-ireland": "NIR",
};

/** region → year → the year's holidays as ISO days. Deterministic, so memoising keeps it pure. */
const cache = new Map<HolidayRegion, Map<number, ReadonlySet<string>>>();

/** The bank holidays of one region and year, as YYYY-MM-DD. */
export function bankHolidays(year: number, region: HolidayRegion): ReadonlySet<string> {
  let byYear = cache.get(region);
  if (!byYear) cache.set(region, (byYear = new Map()));
  let days = byYear.get(year);
  if (!days) {
    const calendar = new Holidays("GB", STATE[region]);
    days = new Set(
      (calendar.getHolidays(year) || [])
        .filter((h) => h.type === "public" || h.type === "bank")
        .map((h) => h.date.slice(0, 10)),
    );
    byYear.set(year, days);
  }
  return days;
}

/** Is the ISO day a bank (or public) holiday in the region? */
export function isBankHoliday(isoDate: string, region: HolidayRegion): boolean {
  return bankHolidays(calendarDay(isoDate).year, region).has(isoDate);
}

/** Is the ISO day one of the settings' working days and not a bank holiday? */
export function isWorkingDay(isoDate: string, settings: Pick<ScheduleSettings, "workingDays" | "holidayRegion">): boolean {
  return settings.workingDays.includes(weekdayOf(isoDate)) && !isBankHoliday(isoDate, settings.holidayRegion);
}
