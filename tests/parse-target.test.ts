import { describe, expect, it } from "vitest";
import { isDateless, parseTarget } from "../src/domain/parse-target.js";
import { Target } from "../src/domain/target.js";

type Row = [text: string, from: string | null, to: string | null, ongoing: boolean];

function expectTarget(text: string, from: string | null, to: string | null, ongoing: boolean, today?: string): void {
  const result = parseTarget(text, today ? { today } : undefined);
  expect(result).toEqual({ text: text.trim(), from, to, ongoing });
  expect(Target.safeParse(result).success).toBe(true);
}

describe("parseTarget: exact dates", () => {
  it.each<Row>([
    ["31/12/20", "2020-12-31", "2020-12-31", false],
    ["4/01/21", "2021-01-04", "2021-01-04", false],
    ["01/04/21", "2021-04-01", "2021-04-01", false],
    ["21/10/20", "2020-10-21", "2020-10-21", false],
    ["30/11/20", "2020-11-30", "2020-11-30", false],
    ["1/2/24", "2024-02-01", "2024-02-01", false],
    ["31/12/2020", "2020-12-31", "2020-12-31", false],
    ["31.12.20", "2020-12-31", "2020-12-31", false],
    ["31-12-20", "2020-12-31", "2020-12-31", false],
    ["2021-03-31", "2021-03-31", "2021-03-31", false],
    ["31 March 2021", "2021-03-31", "2021-03-31", false],
    ["31st March 2021", "2021-03-31", "2021-03-31", false],
    ["1st of April 2022", "2022-04-01", "2022-04-01", false],
    ["2nd Feb 2023", "2023-02-02", "2023-02-02", false],
    ["31-Mar-21", "2021-03-31", "2021-03-31", false],
    ["March 31, 2021", "2021-03-31", "2021-03-31", false],
    ["29/02/24", "2024-02-29", "2024-02-29", false],
    ["end of March 2021", "2021-03-31", "2021-03-31", false],
    ["By the end of February 2024", "2024-02-29", "2024-02-29", false],
    ["  31/12/20  ", "2020-12-31", "2020-12-31", false],
  ])("%j → %s..%s", expectTarget);
});

describe("parseTarget: months, years and parts of them", () => {
  it.each<Row>([
    ["March 2021", "2021-03-01", "2021-03-31", false],
    ["Mar 2021", "2021-03-01", "2021-03-31", false],
    ["Mar-21", "2021-03-01", "2021-03-31", false],
    ["Mar 21", "2021-03-01", "2021-03-31", false],
    ["March '21", "2021-03-01", "2021-03-31", false],
    // Seed 003 writes "November 22" for November 2022.
    ["November 22", "2022-11-01", "2022-11-30", false],
    ["Meeting booked for November 22 to commence", "2022-11-01", "2022-11-30", false],
    ["beginning of November/December 22", "2022-11-01", "2022-12-31", false],
    ["May 21", "2021-05-01", "2021-05-31", false],
    // Without today, a month and two digits is always month and year.
    ["March 31", "2031-03-01", "2031-03-31", false],
    ["Sept 2022", "2022-09-01", "2022-09-30", false],
    ["Sept. 2022", "2022-09-01", "2022-09-30", false],
    ["Nov 2023", "2023-11-01", "2023-11-30", false],
    ["December 2014", "2014-12-01", "2014-12-31", false],
    ["February 2024", "2024-02-01", "2024-02-29", false],
    ["April 2015", "2015-04-01", "2015-04-30", false],
    ["03/2021", "2021-03-01", "2021-03-31", false],
    ["2015", "2015-01-01", "2015-12-31", false],
    ["2015-2017", "2015-01-01", "2017-12-31", false],
    ["Feb-March 2021", "2021-02-01", "2021-03-31", false],
    ["August – December 2022", "2022-08-01", "2022-12-31", false],
    ["June/July 2021", "2021-06-01", "2021-07-31", false],
    ["November to February 2023", "2022-11-01", "2023-02-28", false],
    ["Sep 2022 - Mar 2023", "2022-09-01", "2023-03-31", false],
    ["Mawrth 2021", "2021-03-01", "2021-03-31", false],
    ["early March 2021", "2021-03-01", "2021-03-10", false],
    ["mid March 2021", "2021-03-11", "2021-03-20", false],
    ["late March 2021", "2021-03-21", "2021-03-31", false],
  ])("%j → %s..%s", expectTarget);
});

describe("parseTarget: several dates in one cell", () => {
  it.each<Row>([
    ["31/12/20 31/12/20 31/12/20", "2020-12-31", "2020-12-31", false],
    ["31/12/20 31/12/20", "2020-12-31", "2020-12-31", false],
    ["31/12/20 01/04/21", "2020-12-31", "2021-04-01", false],
    ["01/04/21 31/12/20", "2020-12-31", "2021-04-01", false],
    ["31/12/20\n4/01/21", "2020-12-31", "2021-01-04", false],
    ["March 2021 and 30/06/21", "2021-03-01", "2021-06-30", false],
    [
      "Review of constitution – taking place Feb-March 2021: members consultation under way (Feb) and report scheduled for March 2021 Full Council",
      "2021-02-01",
      "2021-03-31",
      false,
    ],
    // An invalid date among valid ones is skipped.
    ["31/02/21 31/12/20", "2020-12-31", "2020-12-31", false],
  ])("%j → %s..%s", expectTarget);
});

describe("parseTarget: fuzzy phrases and seasons", () => {
  it.each<Row>([
    ["Early 2015", "2015-01-01", "2015-04-30", false],
    ["Mid 2023", "2023-05-01", "2023-08-31", false],
    ["mid-2023", "2023-05-01", "2023-08-31", false],
    ["Middle of 2023", "2023-05-01", "2023-08-31", false],
    ["Late 2015", "2015-09-01", "2015-12-31", false],
    // Decision: "End of <year>" is December only (a deadline), "Late <year>" is September–December.
    ["End of 2015", "2015-12-01", "2015-12-31", false],
    ["By the end of 2015", "2015-12-01", "2015-12-31", false],
    ["Start of 2016", "2016-01-01", "2016-01-31", false],
    ["First half of 2024", "2024-01-01", "2024-06-30", false],
    ["H2 2024", "2024-07-01", "2024-12-31", false],
    ["Early 15", "2015-01-01", "2015-04-30", false],
    ["Spring 2015", "2015-03-01", "2015-05-31", false],
    ["Summer 2014", "2014-06-01", "2014-08-31", false],
    ["Autumn 2014", "2014-09-01", "2014-11-30", false],
    ["Fall 2014", "2014-09-01", "2014-11-30", false],
    ["Winter 2014", "2014-12-01", "2015-02-28", false],
    ["Winter 2015", "2015-12-01", "2016-02-29", false],
    ["Winter 2014/15", "2014-12-01", "2015-02-28", false],
    ["Autumn 14", "2014-09-01", "2014-11-30", false],
    ["Autumn 2022", "2022-09-01", "2022-11-30", false],
    ["late summer 2014", "2014-08-01", "2014-08-31", false],
    ["early autumn 2014", "2014-09-01", "2014-09-30", false],
    ["Spring/Summer 2015", "2015-03-01", "2015-08-31", false],
    ["Starting Summer 2014", "2014-06-01", "2014-08-31", false],
  ])("%j → %s..%s", expectTarget);
});

describe("parseTarget: ongoing", () => {
  it.each<Row>([
    ["Ongoing", null, null, true],
    ["ongoing", null, null, true],
    ["On going", null, null, true],
    ["On-going", null, null, true],
    ["Continuous", null, null, true],
    ["BAU", null, null, true],
    ["Business as usual", null, null, true],
    ["Quarterly", null, null, true],
    ["April 2015 and ongoing", "2015-04-01", "2015-04-30", true],
    ["Ongoing from Autumn 14", "2014-09-01", "2014-11-30", true],
    ["Ongoing from summer 14", "2014-06-01", "2014-08-31", true],
    ["2024 onwards", "2024-01-01", "2024-12-31", true],
  ])("%j → %s..%s ongoing=%s", expectTarget);
});

describe("parseTarget: quarters and financial years", () => {
  it.each<Row>([
    ["Q1 2023/24", "2023-04-01", "2023-06-30", false],
    ["Q2 2023/24", "2023-07-01", "2023-09-30", false],
    ["Q3 2023/24", "2023-10-01", "2023-12-31", false],
    ["Q4 2023/24", "2024-01-01", "2024-03-31", false],
    ["Q3 23/24", "2023-10-01", "2023-12-31", false],
    ["Q4 2023-24", "2024-01-01", "2024-03-31", false],
    ["Quarter 2 2024/25", "2024-07-01", "2024-09-30", false],
    ["2023/24 Q3", "2023-10-01", "2023-12-31", false],
    ["Q1 2024", "2024-01-01", "2024-03-31", false],
    ["Q4 2024", "2024-10-01", "2024-12-31", false],
    ["2021/22", "2021-04-01", "2022-03-31", false],
    ["2021-22", "2021-04-01", "2022-03-31", false],
    ["2021/2022", "2021-04-01", "2022-03-31", false],
    ["21/22 financial year", "2021-04-01", "2022-03-31", false],
    ["FY2021/22", "2021-04-01", "2022-03-31", false],
    ["during the 21/22 financial year", "2021-04-01", "2022-03-31", false],
    // Consecutive years read as a financial year, not as December 2011.
    ["2011-12", "2011-04-01", "2012-03-31", false],
    // "FY24" is 2023/24 in some councils and 2024/25 in others: no date.
    ["FY24", null, null, false],
  ])("%j → %s..%s", expectTarget);
});

describe("parseTarget: unrecognised and invalid", () => {
  it.each<Row>([
    ["TBC", null, null, false],
    ["When funding allows", null, null, false],
    ["N/A", null, null, false],
    ["Complete", null, null, false],
    ["31/02/21", null, null, false],
    ["45/13/20", null, null, false],
    ["29/02/23", null, null, false],
    ["31 February 2021", null, null, false],
    ["2021-02-30", null, null, false],
    ["13/2021", null, null, false],
    // Without today, phrases without a year give no dates.
    ["end of March", null, null, false],
    ["March", null, null, false],
    ["31 March", null, null, false],
    ["Summer", null, null, false],
    // "may" the verb is not a month.
    ["We may review this", null, null, false],
  ])("%j → no dates", expectTarget);

  it.each(["", "   ", "\n\t"])("empty %j → null", (text) => {
    expect(parseTarget(text)).toBeNull();
  });
});

describe("parseTarget: phrases without a year, with today", () => {
  type TodayRow = [text: string, today: string, from: string | null, to: string | null, ongoing: boolean];
  it.each<TodayRow>([
    // "end of <month>": the month's last day, the next on or after today.
    ["end of March", "2024-03-15", "2024-03-31", "2024-03-31", false],
    ["end of March", "2024-03-31", "2024-03-31", "2024-03-31", false],
    ["end of March", "2024-04-01", "2025-03-31", "2025-03-31", false],
    ["by end of March", "2024-01-10", "2024-03-31", "2024-03-31", false],
    ["End of February", "2024-01-10", "2024-02-29", "2024-02-29", false],
    // "<month>": the month that has not ended before today.
    ["March", "2024-03-15", "2024-03-01", "2024-03-31", false],
    ["March", "2024-04-01", "2025-03-01", "2025-03-31", false],
    ["Jan", "2024-03-15", "2025-01-01", "2025-01-31", false],
    ["May", "2024-03-15", "2024-05-01", "2024-05-31", false],
    ["December", "2022-10-01", "2022-12-01", "2022-12-31", false],
    // "<day> <month>": that day, on or after today.
    ["31 March", "2024-03-15", "2024-03-31", "2024-03-31", false],
    ["31st March", "2024-03-15", "2024-03-31", "2024-03-31", false],
    ["15 March", "2024-03-15", "2024-03-15", "2024-03-15", false],
    ["14 March", "2024-03-15", "2025-03-14", "2025-03-14", false],
    // With today, a two-digit "year" more than five years ahead is a day instead.
    ["March 31", "2024-03-15", "2024-03-31", "2024-03-31", false],
    ["November 22", "2022-10-01", "2022-11-01", "2022-11-30", false],
    ["March 29", "2024-03-15", "2029-03-01", "2029-03-31", false],
    ["29 February", "2024-03-15", "2028-02-29", "2028-02-29", false],
    ["31 February", "2024-03-15", null, null, false],
    // Seasons without a year.
    ["Summer", "2024-03-15", "2024-06-01", "2024-08-31", false],
    ["Winter", "2024-01-10", "2023-12-01", "2024-02-29", false],
    ["Winter", "2024-03-15", "2024-12-01", "2025-02-28", false],
    ["next month", "2024-12-15", "2025-01-01", "2025-01-31", false],
    ["Ongoing from March", "2024-03-15", "2024-03-01", "2024-03-31", true],
    // A year in the text wins over today.
    ["March 2021", "2024-03-15", "2021-03-01", "2021-03-31", false],
    ["TBC", "2024-03-15", null, null, false],
  ])("%j (today %s) → %s..%s", (text, today, from, to, ongoing) => {
    expectTarget(text, from, to, ongoing, today);
  });

  it("rejects a today that is not an ISO date", () => {
    expect(() => parseTarget("March", { today: "15/03/2024" })).toThrow(RangeError);
    expect(() => parseTarget("March", { today: "2024-02-30" })).toThrow(RangeError);
  });
});

describe("parseTarget: Welsh phrases", () => {
  type TodayRow = [text: string, today: string | undefined, from: string | null, to: string | null];
  it.each<TodayRow>([
    // Without a year, read against today like their English equivalents.
    ["diwedd mis Mawrth", "2026-11-22", "2027-03-31", "2027-03-31"],
    // Soft mutation after "tan"/"erbyn": "ddiwedd", "fis".
    ["ddiwedd mis Mawrth", "2026-11-22", "2027-03-31", "2027-03-31"],
    ["tan ddiwedd mis Mawrth", "2026-11-22", "2027-03-31", "2027-03-31"],
    ["erbyn diwedd mis Mawrth", "2026-11-22", "2027-03-31", "2027-03-31"],
    ["diwedd Mawrth", "2026-03-10", "2026-03-31", "2026-03-31"],
    ["31 Mawrth", "2026-11-22", "2027-03-31", "2027-03-31"],
    ["mis Ebrill", "2026-11-22", "2027-04-01", "2027-04-30"],
    ["ym mis Ebrill", "2026-11-22", "2027-04-01", "2027-04-30"],
    ["dechrau mis Mai", "2026-11-22", "2027-05-01", "2027-05-01"],
    ["canol mis Medi", "2026-11-22", "2027-09-11", "2027-09-20"],
    ["ganol mis Medi", "2026-11-22", "2027-09-11", "2027-09-20"],
    ["tan Fedi", "2026-11-22", "2027-09-01", "2027-09-30"],
    ["mis nesaf", "2026-11-22", "2026-12-01", "2026-12-31"],
    ["diwedd y mis", "2026-11-22", "2026-11-30", "2026-11-30"],
    ["diwedd y flwyddyn ariannol", "2026-11-22", "2027-03-31", "2027-03-31"],
    // With a year, no today needed.
    ["diwedd mis Mawrth 2027", undefined, "2027-03-31", "2027-03-31"],
    ["mis Ebrill 2027", undefined, "2027-04-01", "2027-04-30"],
    ["dechrau 2027", undefined, "2027-01-01", "2027-01-31"],
    ["diwedd 2027", undefined, "2027-12-01", "2027-12-31"],
    // Without a year or today, still no dates.
    ["diwedd mis Mawrth", undefined, null, null],
  ])("%j (today %s) → %s..%s", (text, today, from, to) => {
    expectTarget(text, from, to, false, today);
  });
});

describe("isDateless", () => {
  it.each<[text: string, dateless: boolean]>([
    ["Ongoing", true],
    ["TBC", true],
    ["31/12/20", false],
    ["April 2015 and ongoing", false],
  ])("%j → %s", (text, dateless) => {
    const target = parseTarget(text);
    expect(target).not.toBeNull();
    expect(isDateless(target!)).toBe(dateless);
  });
});
