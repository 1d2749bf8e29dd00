import type { Locale } from "../i18n.js";

/*
 * Dates and day names in the reader's language, from the ICU data Node carries ("21 Rhagfyr 2020",
 * "Dydd Llun"); tests/locales.test.ts fails if a Node built without Welsh data is used. Numeric
 * dates (21/12/2020) need no words and stay as ukDate writes them.
 */

const formats = new Map<string, Intl.DateTimeFormat>();

function format(locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}:${JSON.stringify(options)}`;
  let found = formats.get(key);
  if (!found) {
    // A calendar day is the same day everywhere: read and written in UTC, it never shifts.
    found = new Intl.DateTimeFormat(locale, { ...options, timeZone: "UTC" });
    formats.set(key, found);
  }
  return found;
}

const noon = (isoDate: string) => new Date(`${isoDate}T12:00:00Z`);

/** "21 December 2020", "21 Rhagfyr 2020". */
export function longDate(isoDate: string, locale: Locale): string {
  return format(locale, { day: "numeric", month: "long", year: "numeric" }).format(noon(isoDate));
}

/** "Monday", "Dydd Llun": the day of the week of an ISO date. */
export function dayName(isoDate: string, locale: Locale): string {
  return format(locale, { weekday: "long" }).format(noon(isoDate));
}
