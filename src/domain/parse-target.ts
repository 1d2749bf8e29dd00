import type { Target } from "./target.js";

/**
 * Turns a target cell as a plan writes it ("31/12/20", "Early 2015", "Q3 2023/24", "April 2015 and
 * ongoing") into the date range it means. UK conventions throughout: day before month, two-digit
 * years in the 2000s (below 70), financial years from 1 April.
 *
 * Several dates in one cell give one range from the earliest to the latest. Text that names no
 * date keeps `from`/`to` null ("TBC", "When funding allows", "Ongoing"); the caller decides
 * whether to warn. Pure: no clock is read, `options.today` stands in for it.
 */
export interface ParseTargetOptions {
  /** ISO date (YYYY-MM-DD) that phrases without a year ("end of March", "Summer") are read against. */
  today?: string;
}

interface Range {
  from: string;
  to: string;
}

interface Ymd {
  y: number;
  m: number; // 1-12
  d: number;
}

// --------------------------------------------------------------------------------------------
// Calendar helpers

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function iso(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, "0")}-${pad(m)}-${pad(d)}`;
}

function isValidDay(y: number, m: number, d: number): boolean {
  return y >= 1900 && y <= 2199 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** Month `m` of year `y`, where m may run past 12 or below 1 (13 = January next year). */
function norm(y: number, m: number): { y: number; m: number } {
  const zero = m - 1;
  return { y: y + Math.floor(zero / 12), m: (((zero % 12) + 12) % 12) + 1 };
}

function monthsRange(y: number, m1: number, m2: number): Range {
  const a = norm(y, m1);
  const b = norm(y, m2);
  return { from: iso(a.y, a.m, 1), to: iso(b.y, b.m, daysInMonth(b.y, b.m)) };
}

function dayRange(y: number, m: number, d1: number, d2: number): Range {
  return { from: iso(y, m, d1), to: iso(y, m, d2) };
}

function day(y: number, m: number, d: number): Range | null {
  return isValidDay(y, m, d) ? { from: iso(y, m, d), to: iso(y, m, d) } : null;
}

/** True for an ISO date (YYYY-MM-DD) in the years parseTarget reads (1900–2199): the `today` it accepts. */
export function isReadableDay(s: string): boolean {
  return parseIso(s) !== null;
}

function parseIso(s: string): Ymd | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const ymd = { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
  return isValidDay(ymd.y, ymd.m, ymd.d) ? ymd : null;
}

/** "21" → 2021, "98" → 1998, "2021" → 2021. */
function fullYear(text: string): number {
  const digits = text.replace(/^'/, "");
  const n = Number(digits);
  if (digits.length === 4) return n;
  return n < 70 ? 2000 + n : 1900 + n;
}

/** True when the second year follows the first ("2021/22", "21/22", "2021/2022"). */
function consecutive(a: string, b: string): boolean {
  const first = fullYear(a);
  if (b.length === 4) return Number(b) === first + 1;
  return Number(b) === (first + 1) % 100;
}

// --------------------------------------------------------------------------------------------
// Vocabulary

const MONTH_NUMBERS: Record<string, number> = {
  january: 1, jan: 1, february: 2, feb: 2, march: 3, mar: 3, april: 4, apr: 4, may: 5,
  june: 6, jun: 6, july: 7, jul: 7, august: 8, aug: 8, september: 9, sept: 9, sep: 9,
  october: 10, oct: 10, november: 11, nov: 11, december: 12, dec: 12,
  // Welsh, for Welsh councils' plans.
  ionawr: 1, chwefror: 2, mawrth: 3, ebrill: 4, mai: 5, mehefin: 6, gorffennaf: 7, awst: 8,
  medi: 9, hydref: 10, tachwedd: 11, rhagfyr: 12,
  // Welsh months after a mutating word ("i Fawrth", "tan Fedi").
  fawrth: 3, fai: 5, fehefin: 6, orffennaf: 7, fedi: 9, dachwedd: 11, ragfyr: 12,
};

/** True when `word` names a month in English or Welsh ("March", "Mar.", "Sept", "Mawrth", "Fedi"). */
export function isMonthName(word: string): boolean {
  return Object.hasOwn(MONTH_NUMBERS, word.toLowerCase().replace(/\.$/, ""));
}

// Longest names first so "sept" wins over "sep" and "march" over "mar".
const MONTH_NAMES = Object.keys(MONTH_NUMBERS).sort((a, b) => b.length - a.length);
/** One capture group: the month name. Followed by an optional dot ("Sept."). */
const MON = `(${MONTH_NAMES.join("|")})(?![a-z])\\.?`;
/** One capture group: a 4- or 2-digit year, optionally with an apostrophe ("'21"). */
const YR = `'?(\\d{4}|\\d{2})(?!\\d)`;

const SEASONS = ["spring", "summer", "autumn", "winter"] as const;
type Season = (typeof SEASONS)[number];
/** First month of each season (meteorological: winter is December to February). */
const SEASON_START: Record<Season, number> = { spring: 3, summer: 6, autumn: 9, winter: 12 };
const SEASON = `(spring|summer|autumn|fall|winter)`;

function season(name: string): Season {
  return name === "fall" ? "autumn" : (name as Season);
}

function monthNumber(name: string): number {
  return MONTH_NUMBERS[name] ?? 0;
}

/** Part of a season: "early summer" is June, "late summer" August. */
function seasonRange(name: string, year: number, modifier?: string): Range {
  const start = SEASON_START[season(name)];
  if (modifier === "early") return monthsRange(year, start, start);
  if (modifier === "mid") return monthsRange(year, start + 1, start + 1);
  if (modifier === "late") return monthsRange(year, start + 2, start + 2);
  return monthsRange(year, start, start + 2);
}

/** Part of a month: early 1–10, mid 11–20, late 21–end, end of = last day, start of = first day. */
function monthPartRange(modifier: string, y: number, m: number): Range {
  const last = daysInMonth(y, m);
  switch (modifier) {
    case "early":
      return dayRange(y, m, 1, 10);
    case "mid":
    case "middle of":
      return dayRange(y, m, 11, 20);
    case "late":
      return dayRange(y, m, 21, last);
    case "end of":
      return dayRange(y, m, last, last);
    default: // beginning of, start of
      return dayRange(y, m, 1, 1);
  }
}

/** Part of a year. "End of 2015" is December, "start of 2015" January. */
function yearPartRange(modifier: string, y: number): Range {
  switch (modifier) {
    case "early":
      return monthsRange(y, 1, 4);
    case "mid":
    case "middle of":
      return monthsRange(y, 5, 8);
    case "late":
      return monthsRange(y, 9, 12);
    case "end of":
      return monthsRange(y, 12, 12);
    case "beginning of":
    case "start of":
      return monthsRange(y, 1, 1);
    case "first half of":
    case "1st half of":
    case "h1":
      return monthsRange(y, 1, 6);
    default: // second half of, 2nd half of, h2
      return monthsRange(y, 7, 12);
  }
}

/** Quarter of the UK financial year starting 1 April of `fyStart`: Q1 Apr–Jun … Q4 Jan–Mar. */
function financialQuarter(fyStart: number, q: number): Range {
  const first = 4 + (q - 1) * 3;
  return monthsRange(fyStart, first, first + 2);
}

const ONGOING_RE =
  /\b(?:on[\s-]?going|continuous(?:ly)?|continual(?:ly)?|bau|business as usual|onwards?|rolling|parhaus|annually|quarterly|monthly|fortnightly|weekly)\b/g;

// --------------------------------------------------------------------------------------------
// Welsh phrases, rewritten to the English ones the matchers below read. Both the radical and the
// soft-mutated forms are accepted ("diwedd"/"ddiwedd", "mis"/"fis", "canol"/"ganol").

const WELSH_MONTH = `(?=(?:${MONTH_NAMES.join("|")})(?![a-z]))`;
const WELSH_PHRASES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(?:dd|d)iwedd y flwyddyn ariannol\b/g, "end of the financial year"],
  [/\b(?:dd|d)iwedd y flwyddyn\b/g, "end of the year"],
  [/\b(?:dd|d)iwedd y mis\b/g, "end of the month"],
  [/\b(?:y )?(?:mis|fis) (?:nesaf|nesa)\b/g, "next month"],
  [/\b(?:y mis hwn|y mis yma|mis yma)\b/g, "this month"],
  [new RegExp(`\\b(?:dd|d)iwedd (?:(?:mis|fis) )?${WELSH_MONTH}`, "g"), "end of "],
  [new RegExp(`\\b(?:dd|d)echrau (?:(?:mis|fis) )?${WELSH_MONTH}`, "g"), "beginning of "],
  [new RegExp(`\\b(?:c|g)anol (?:(?:mis|fis) )?${WELSH_MONTH}`, "g"), "mid "],
  [new RegExp(`\\b(?:ym )?(?:mis|fis) ${WELSH_MONTH}`, "g"), ""],
  [/\b(?:dd|d)iwedd (?=\d{4}\b)/g, "end of "],
  [/\b(?:dd|d)echrau (?=\d{4}\b)/g, "beginning of "],
  [/\berbyn\b/g, "by"],
  [/\b(?:tan|hyd at|hyd)\b/g, "until"],
  [/\byn ystod\b/g, "during"],
];

function fromWelsh(s: string): string {
  return WELSH_PHRASES.reduce((text, [re, english]) => text.replace(re, english), s);
}

// --------------------------------------------------------------------------------------------
// Dated phrases: each matcher consumes what it matched so later, looser matchers do not see it.

interface Work {
  s: string;
  ranges: Range[];
}

/**
 * Runs `re` over the working text. `read` gives a range to keep, null to consume the match
 * without a date (an invalid date such as 31/02/21), or undefined to leave the text for others.
 */
function take(work: Work, re: RegExp, read: (g: string[]) => Range | null | undefined): void {
  work.s = work.s.replace(re, (match: string, ...rest: unknown[]) => {
    const groups = rest.slice(0, -2).map((g) => (typeof g === "string" ? g : ""));
    const range = read(groups);
    if (range === undefined) return match;
    if (range) work.ranges.push(range);
    return " ".repeat(match.length);
  });
}

const PART_OF_MONTH = `(early|mid|middle of|late|end of|beginning of|start of)`;
const PART_OF_YEAR = `(early|mid|middle of|late|end of|beginning of|start of|first half of|second half of|1st half of|2nd half of|h1|h2)`;

function datedRanges(s: string, today: Ymd | null): Work {
  const work: Work = { s, ranges: [] };

  // 2021-03-31
  take(work, /\b(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)/g, ([y, m, d]) => day(Number(y), Number(m), Number(d)));

  // 31/12/20, 4/01/21, 31/12/2020, 31.12.20, 31-12-20
  take(work, /(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?!\d)(?![/.-]\d)/g, ([d, , m, y]) =>
    day(fullYear(y!), Number(m), Number(d)),
  );

  // Q3 2023/24, Q3 23/24, Quarter 3 FY2023-24 → financial-year quarter
  take(
    work,
    /\b(?:q|quarter\s*)([1-4])[\s,-]*(?:of\s+)?(?:fy\s*)?(\d{4}|\d{2})\s*[/-]\s*(\d{4}|\d{2})(?!\d)/g,
    ([q, a, b]) => (consecutive(a!, b!) ? financialQuarter(fullYear(a!), Number(q)) : undefined),
  );
  // 2023/24 Q3
  take(
    work,
    /\b(?:fy\s*)?(\d{4}|\d{2})\s*[/-]\s*(\d{4}|\d{2})[\s,-]*(?:q|quarter\s*)([1-4])\b/g,
    ([a, b, q]) => (consecutive(a!, b!) ? financialQuarter(fullYear(a!), Number(q)) : undefined),
  );
  // Q1 2024 → calendar quarter
  take(work, /\b(?:q|quarter\s*)([1-4])[\s,-]*(?:of\s+)?(\d{4})(?!\d)/g, ([q, y]) => {
    const first = (Number(q) - 1) * 3 + 1;
    return monthsRange(Number(y), first, first + 2);
  });

  // end of March 2021, early March 2021
  take(work, new RegExp(`\\b${PART_OF_MONTH}[\\s-]+(?:the\\s+)?(?:month\\s+of\\s+)?${MON}[\\s,-]*${YR}`, "g"), ([p, mon, y]) =>
    monthPartRange(p!, fullYear(y!), monthNumber(mon!)),
  );

  // 31 March 2021, 31st of March 2021, 31-Mar-21
  take(work, new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?[\\s-]*(?:of\\s+)?${MON}[\\s,-]*${YR}`, "g"), ([d, mon, y]) =>
    day(fullYear(y!), monthNumber(mon!), Number(d)),
  );
  // March 31, 2021 / March 31st 2021
  take(work, new RegExp(`\\b${MON}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})(?!\\d)`, "g"), ([mon, d, y]) =>
    day(Number(y), monthNumber(mon!), Number(d)),
  );

  // Feb-March 2021, August – December 2022, June/July 2021
  take(
    work,
    new RegExp(`\\b${MON}\\s*(?:-|/|to|until|till|&|and)\\s*${MON}[\\s,-]*${YR}`, "g"),
    ([a, b, y]) => {
      const year = fullYear(y!);
      const m1 = monthNumber(a!);
      const m2 = monthNumber(b!);
      return m1 <= m2 ? monthsRange(year, m1, m2) : monthsRange(year - 1, m1, m2 + 12);
    },
  );

  // Spring/Summer 2015
  take(
    work,
    new RegExp(`\\b${SEASON}\\s*(?:-|/|to|and|&)\\s*${SEASON}[\\s,-]*(?:of\\s+)?${YR}`, "g"),
    ([a, b, y]) => {
      const year = fullYear(y!);
      const first = seasonRange(a!, year);
      const second = seasonRange(b!, year);
      // "Winter/Spring 2015": the winter that runs into 2015.
      const firstStart = SEASON_START[season(a!)] > SEASON_START[season(b!)] ? seasonRange(a!, year - 1) : first;
      return { from: firstStart.from, to: second.to };
    },
  );

  // Autumn 2014, Autumn 14, late summer 2014, Winter 2014/15
  take(
    work,
    new RegExp(`\\b(?:(early|mid|late)[\\s-]+)?${SEASON}[\\s,-]*(?:of\\s+)?${YR}(?:\\s*[/-]\\s*(?:\\d{4}|\\d{2})(?!\\d))?`, "g"),
    ([mod, name, y]) => seasonRange(name!, fullYear(y!), mod || undefined),
  );

  // Early 2015, Mid 2023, mid-2023, Late 2015, End of 2015, H1 2024 (not "end of 2015/16")
  take(
    work,
    new RegExp(`\\b${PART_OF_YEAR}[\\s-]*(?:the\\s+)?(?:year\\s+)?(?:of\\s+)?${YR}(?!\\s*[/-]\\s*\\d)`, "g"),
    ([p, y]) => yearPartRange(p!, fullYear(y!)),
  );

  // March 2021, Mar 2021, Mar-21, Sept 2022, March '21 (not "March 2021/22")
  // "November 22" is November 2022 in UK plans. With `today` known, "March 31" read as a year
  // more than five years ahead is left for the day-and-month reading instead.
  take(work, new RegExp(`\\b${MON}([\\s,'-]*)${YR}(?!st|nd|rd|th)(?!\\s*[/-]\\s*\\d)`, "g"), ([mon, sep, y]) => {
    if (y!.length === 2 && !/['-]/.test(sep!) && today && fullYear(y!) > today.y + 5) return undefined;
    const m = monthNumber(mon!);
    return monthsRange(fullYear(y!), m, m);
  });

  // 03/2021
  take(work, /(?<![\d/.-])(\d{1,2})[/.-](\d{4})(?![\d/.-])/g, ([m, y]) => {
    const month = Number(m);
    return month >= 1 && month <= 12 ? monthsRange(Number(y), month, month) : null;
  });

  // 2021/22, 2021-22, 21/22 financial year, FY2021/22
  take(work, /\b(?:fy\s*)?(\d{4}|\d{2})\s*[/-]\s*(\d{4}|\d{2})(?![\d/])/g, ([a, b]) =>
    consecutive(a!, b!) ? monthsRange(fullYear(a!), 4, 15) : undefined,
  );

  // FY24 alone: whether that is 2023/24 or 2024/25 differs between councils, so no date.
  take(work, /\bfy\s*'?(\d{4}|\d{2})(?!\d)/g, () => null);

  // 2021-03
  take(work, /\b(\d{4})-(\d{2})(?![\d/-])/g, ([y, m]) => {
    const month = Number(m);
    return month >= 1 && month <= 12 ? monthsRange(Number(y), month, month) : undefined;
  });

  // 2015
  take(work, /(?<![\d£$€.,])\b((?:19|20)\d{2})\b(?![.,]\d)/g, ([y]) => monthsRange(Number(y), 1, 12));

  return work;
}

// --------------------------------------------------------------------------------------------
// Phrases without a year, read against `today`

const FILLER_RE =
  /^(?:and|from|starting(?: from)?|start(?:ing)?|commencing|by|before|in|during|until|till|due(?: by)?|target(?: date)?|no later than|for|to|complete by|the)\s+/;

function yearless(text: string, today: Ymd): Range | null {
  let t = text.replace(ONGOING_RE, " ").replace(/[.,:;()]/g, " ").replace(/\s+/g, " ").trim();
  for (let prev = ""; prev !== t; ) {
    prev = t;
    t = t.replace(FILLER_RE, "").replace(/\s+(?:and|from)$/, "").trim();
  }
  const todayIso = iso(today.y, today.m, today.d);
  /** The first of last year's, this year's, next year's range that has not ended before today. */
  const nextFrom = (build: (year: number) => Range | null): Range | null => {
    for (const y of [today.y - 1, today.y, today.y + 1]) {
      const r = build(y);
      if (r && r.to >= todayIso) return r;
    }
    return null;
  };
  let m: RegExpExecArray | null;
  if ((m = new RegExp(`^(?:${PART_OF_MONTH}\\s+)?(?:the\\s+)?${MON}$`).exec(t))) {
    const [, part, mon] = m;
    const month = monthNumber(mon!);
    // A bare month last year is never "on or after today"; start from this year.
    return nextFrom((y) => (y < today.y ? null : part ? monthPartRange(part, y, month) : monthsRange(y, month, month)));
  }
  if ((m = new RegExp(`^(\\d{1,2})(?:st|nd|rd|th)?\\s*(?:of\\s+)?${MON}$`).exec(t)) ||
      (m = new RegExp(`^${MON}\\s+(\\d{1,2})(?:st|nd|rd|th)?$`).exec(t))) {
    const dayText = /^\d/.test(m[1]!) ? m[1]! : m[2]!;
    const mon = /^\d/.test(m[1]!) ? m[2]! : m[1]!;
    const month = monthNumber(mon);
    const d = Number(dayText);
    // 29 February waits for a leap year; 31 February never comes.
    for (let y = today.y; y <= today.y + 8; y++) {
      const r = day(y, month, d);
      if (r && r.to >= todayIso) return r;
    }
    return null;
  }
  if ((m = new RegExp(`^(?:(early|mid|late)\\s+)?${SEASON}$`).exec(t))) {
    const [, mod, name] = m;
    return nextFrom((y) => seasonRange(name!, y, mod || undefined));
  }
  if (/^(?:this|the) month$/.test(t)) return monthsRange(today.y, today.m, today.m);
  if (/^next month$/.test(t)) return monthsRange(today.y, today.m + 1, today.m + 1);
  if (/^end of (?:the |this )?month$/.test(t)) return monthPartRange("end of", today.y, today.m);
  if (/^end of (?:the |this )?(?:calendar )?year$/.test(t)) return day(today.y, 12, 31);
  if (/^(?:end of (?:the |this )?financial year|financial year end|year end)$/.test(t)) {
    return nextFrom((y) => day(y, 3, 31));
  }
  return null;
}

// --------------------------------------------------------------------------------------------

/**
 * The date range a target cell means. Null for empty text; otherwise a Target whose `text` is the
 * input trimmed. Unrecognised text gives null dates with `ongoing` false.
 */
export function parseTarget(text: string, options: ParseTargetOptions = {}): Target | null {
  const written = text.trim();
  if (written === "") return null;
  let today: Ymd | null = null;
  if (options.today !== undefined) {
    today = parseIso(options.today);
    if (!today) throw new RangeError(`parseTarget: today must be an ISO date (YYYY-MM-DD), got "${options.today}"`);
  }

  const normalised = fromWelsh(
    written
      .toLowerCase()
      .replace(/[\u2010-\u2015\u2212]/g, "-")
      .replace(/[\u2018\u2019`]/g, "'")
      .replace(/\s+/g, " "),
  );
  const ongoing = new RegExp(ONGOING_RE.source).test(normalised);

  let ranges = datedRanges(normalised, today).ranges;
  if (ranges.length === 0 && today) {
    const r = yearless(normalised, today);
    if (r) ranges = [r];
  }
  if (ranges.length === 0) return { text: written, from: null, to: null, ongoing };

  let from = ranges[0]!.from;
  let to = ranges[0]!.to;
  for (const r of ranges) {
    if (r.from < from) from = r.from;
    if (r.to > to) to = r.to;
  }
  return { text: written, from, to, ongoing };
}

/** True when the target names no date at all ("Ongoing", "TBC"). */
export function isDateless(target: Target): boolean {
  return target.from === null && target.to === null;
}
