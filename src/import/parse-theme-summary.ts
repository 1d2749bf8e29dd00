import { translator, type Locale } from "../i18n.js";
import { cleanLine } from "./clean-text.js";
import type { Row } from "./row.js";
import type { ImportWarning, ParsedAction, ParsedPlan, ParsedRecommendation } from "./parsed-plan.js";
import type { Rag, Status } from "../domain/vocabulary.js";
import type { Target } from "../domain/target.js";
import { parseTarget } from "../domain/parse-target.js";
import { normaliseStatus } from "../domain/normalise-status.js";

/*
 * Parser for a seed-003-style "Improvement Plan Theme Progress Summary": one theme per table row
 * group (Theme | Summary | Achievements this period | Key Milestones), cells in HTML, the header
 * repeated at every page break and a theme's cells continued on rows whose Theme cell is empty.
 * Each theme becomes a recommendation; each Key Milestone list item becomes an action.
 */

/** RAG counts of a theme's main actions as its summary states them; null where it does not say. */
export interface ThemeRagCounts {
  red: number | null;
  amber: number | null;
  green: number | null;
  total: number | null;
}

/** Sub-action counts a theme summary states ("4 sub-actions have or will experience medium slippage"). */
export interface ThemeSubActionCounts {
  onTrack: number | null;
  mediumSlippage: number | null;
  significantSlippage: number | null;
  completedThisMonth: number | null;
  notYetDue: number | null;
}

/** A theme as a recommendation, with the summary's parts kept apart as extra fields. */
export interface ThemeRecommendation extends ParsedRecommendation {
  /** The whole Summary cell, reassembled across rows and page breaks. */
  summary: string;
  /** The whole "Achievements this period" cell, reassembled the same way. */
  achievements: string;
  /** The header of the achievements column as written, e.g. "Achievements this period (Aug-Oct)". */
  achievementsLabel: string;
  ragCounts: ThemeRagCounts;
  subActions: ThemeSubActionCounts;
}

export interface ThemeSummaryPlan extends ParsedPlan {
  kind: "theme-summary";
  recommendations: ThemeRecommendation[];
}

export interface ParseThemeSummaryOptions {
  locale?: Locale;
  /** Title to use; when null/absent the file's "## …" title line is used. */
  title?: string | null;
  /**
   * The date the summary was written (YYYY-MM-DD), used to give yearless months ("On track for
   * November Cabinet") a year. Defaults to the first day of the month the title names.
   */
  documentDate?: string;
}

// ---------------------------------------------------------------------------------------------
// Header

const HEADER_THEME = /^themes?\b/i;
const HEADER_SUMMARY = /\bsummary\b/i;
const HEADER_ACHIEVEMENTS = /\bachievements?\b/i;
const HEADER_MILESTONES = /\bmilestones?\b/i;

/** True for a header like seed 003's: "Theme" first, a (Key) Milestones column, and Summary/Achievements. */
export function isThemeSummaryHeader(cells: string[]): boolean {
  // Every row of every plan is asked this: the first cell decides most of them, so only it is cleaned first.
  if (cells.length === 0 || !cells[0] || cells[0].length > 200) return false;
  const first = cleanLine(cells[0]);
  if (!HEADER_THEME.test(first) || first.length > 20) return false;
  const rest = cells.slice(1).map((c) => cleanLine(c));
  const has = (re: RegExp): boolean => rest.some((n) => n.length <= 60 && re.test(n));
  return has(HEADER_MILESTONES) && (has(HEADER_SUMMARY) || has(HEADER_ACHIEVEMENTS));
}

interface Columns {
  theme: number;
  summary: number | null;
  achievements: number | null;
  milestones: number | null;
  achievementsLabel: string;
}

const DEFAULT_COLUMNS: Columns = {
  theme: 0,
  summary: 1,
  achievements: 2,
  milestones: 3,
  achievementsLabel: "Achievements this period",
};

function columnsFromHeader(cells: string[]): Columns {
  const names = cells.map((c) => cleanLine(c));
  const find = (re: RegExp): number | null => {
    const i = names.findIndex((n, idx) => idx > 0 && re.test(n));
    return i < 0 ? null : i;
  };
  const achievements = find(HEADER_ACHIEVEMENTS);
  return {
    theme: 0,
    summary: find(HEADER_SUMMARY),
    achievements,
    milestones: find(HEADER_MILESTONES),
    achievementsLabel: achievements === null ? DEFAULT_COLUMNS.achievementsLabel : (names[achievements] ?? ""),
  };
}

// ---------------------------------------------------------------------------------------------
// Cells as blocks: paragraphs and list items

interface Block {
  kind: "para" | "item";
  /** List nesting depth of an item (0 = top-level list). */
  depth: number;
  html: string;
  /** Plain text, bullet glyph removed. */
  text: string;
  /** Wholly bold: a heading or label, never a continuation. */
  bold: boolean;
  line: number;
}

// PDF extraction keeps the bullet glyph of each list level even where a page break loses the
// nesting: "○" marks the second level and "▪" the third.
const GLYPH_DEPTH: Record<string, number> = { "\u25CB": 1, "\u25E6": 1, "\u25AA": 2, "\u25A0": 2, "\uF0A7": 2 };

function glyphDepth(html: string): number {
  const lead = html.replace(/<[^>]*>/g, "").trim().charAt(0);
  return GLYPH_DEPTH[lead] ?? 0;
}

function cleanFragment(html: string): string {
  // Wrapped so that fragments without tags still get their entities decoded.
  return cleanLine(`<div>${html}</div>`);
}

function stripBullet(text: string): string {
  return text.replace(/^(?:[•]\s*)+/, "").trim();
}

function isWhollyBold(html: string, text: string): boolean {
  if (!/<(b|strong)\b/i.test(html)) return false;
  const outside = cleanFragment(html.replace(/<(b|strong)\b[^>]*>[\s\S]*?<\/\1>/gi, ""));
  return stripBullet(outside).replace(/[\s:.]/g, "") === "" && text.length > 0;
}

const TAG = /<(\/?)([a-z][a-z0-9]*)\b[^>]*>/gi;

/** Splits a cell's HTML into paragraphs and list items, in order. */
function cellBlocks(raw: string, line: number): Block[] {
  const blocks: Block[] = [];
  let depth = 0;
  let cur: { kind: "para" | "item"; depth: number; html: string } | null = null;
  const flush = (): void => {
    if (cur) {
      const text = stripBullet(cleanFragment(cur.html));
      if (text) {
        const depth = cur.kind === "item" ? Math.max(cur.depth, glyphDepth(cur.html)) : cur.depth;
        blocks.push({ kind: cur.kind, depth, html: cur.html.trim(), text, bold: isWhollyBold(cur.html, text), line });
      }
    }
    cur = null;
  };
  const append = (s: string): void => {
    if (!cur) {
      if (!s.trim()) return;
      cur = { kind: "para", depth, html: "" };
    }
    cur.html += s;
  };
  let last = 0;
  for (const m of raw.matchAll(TAG)) {
    append(raw.slice(last, m.index));
    last = m.index + m[0].length;
    const closing = m[1] === "/";
    const name = (m[2] ?? "").toLowerCase();
    if (name === "p" || name === "div" || name === "h1" || name === "h2" || name === "h3" || name === "h4") {
      flush();
      if (!closing) cur = { kind: "para", depth, html: "" };
    } else if (name === "ul" || name === "ol") {
      flush();
      depth = closing ? Math.max(0, depth - 1) : depth + 1;
    } else if (name === "li") {
      flush();
      if (!closing) cur = { kind: "item", depth: Math.max(0, depth - 1), html: "" };
    } else if (name === "br") {
      append(" ");
    } else {
      append(m[0]);
    }
  }
  append(raw.slice(last));
  flush();
  return blocks;
}

const ENDS_SENTENCE = /[.!?:;]["'’”)]*$/;

/**
 * Whether `next`, the first block of a cell on the row after a page break, continues `prev`, the
 * last block of the same column before the break (a list item or paragraph cut by the page).
 */
function continuesAcrossBreak(prev: Block, next: Block): boolean {
  if (prev.bold || next.bold) return false;
  if (ENDS_SENTENCE.test(prev.text)) return false;
  if (/^[a-z]/.test(next.text)) return true;
  if (/[-–—]$/.test(prev.text)) return true;
  return next.kind === "para" && prev.kind === "item" && !/:$/.test(next.text);
}

function joinBlocks(prev: Block, next: Block): void {
  const glue = /\p{L}-$/u.test(prev.text) && /^[a-z]/.test(next.text) ? "" : " ";
  prev.text = `${prev.text}${glue}${next.text}`;
  prev.html = `${prev.html}${glue}${next.html}`;
}

function renderBlocks(blocks: Block[]): string {
  return blocks.map((b) => (b.kind === "item" ? `${"  ".repeat(b.depth)}• ${b.text}` : b.text)).join("\n");
}

// ---------------------------------------------------------------------------------------------
// Dates

const MONTH_NAMES = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];
const MONTH = "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
const YEAR = "(?:(?:19|20)\\d{2}|'?\\d{2})";

const RANGE_RE = new RegExp(`\\b(${MONTH})\\.?\\s*[-–—]\\s*(${MONTH})\\.?\\s+(${YEAR})\\b`, "gi");
const PERIOD_RE = /\b(early|mid|late|end of|spring|summer|autumn|winter|q[1-4])[\s-]+((?:19|20)\d{2})\b/gi;
const MONTH_YEAR_RE = new RegExp(`\\b(${MONTH})\\.?\\s+(${YEAR})\\b`, "gi");
// Yearless months only when capitalised, so the verb "may" is not a date.
const BARE_MONTH_RE =
  /\b(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b\.?/g;

interface DatePhrase {
  text: string;
  index: number;
  /** Fallback meaning when parseTarget gives no dates; null from/to when it cannot be known. */
  from: string | null;
  to: string | null;
}

function monthIndex(name: string): number {
  const key = name.toLowerCase().slice(0, 3);
  return MONTH_NAMES.findIndex((m) => m.startsWith(key));
}

function fullYear(y: string): number {
  const digits = y.replace(/^'/, "");
  const n = Number(digits);
  return digits.length === 2 ? 2000 + n : n;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

function monthStart(year: number, month0: number): string {
  const y = year + Math.floor(month0 / 12);
  const m = ((month0 % 12) + 12) % 12;
  return `${y}-${pad(m + 1)}-01`;
}

function monthEnd(year: number, month0: number): string {
  const y = year + Math.floor(month0 / 12);
  const m = ((month0 % 12) + 12) % 12;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return `${y}-${pad(m + 1)}-${pad(last)}`;
}

const PERIOD_MONTHS: Record<string, [number, number]> = {
  early: [0, 3],
  mid: [4, 7],
  late: [8, 11],
  "end of": [9, 11],
  spring: [2, 4],
  summer: [5, 7],
  autumn: [8, 10],
  winter: [11, 13],
  q1: [0, 2],
  q2: [3, 5],
  q3: [6, 8],
  q4: [9, 11],
};

/** All date phrases in `text`, earliest first (longest first at the same place). */
function datePhrases(text: string, docDate: string | null): DatePhrase[] {
  const found: DatePhrase[] = [];
  for (const m of text.matchAll(RANGE_RE)) {
    const a = monthIndex(m[1] ?? "");
    const b = monthIndex(m[2] ?? "");
    const year = fullYear(m[3] ?? "");
    const startYear = a > b ? year - 1 : year;
    found.push({ text: m[0], index: m.index, from: monthStart(startYear, a), to: monthEnd(year, b) });
  }
  for (const m of text.matchAll(PERIOD_RE)) {
    const span = PERIOD_MONTHS[(m[1] ?? "").toLowerCase().replace(/\s+/g, " ")];
    const year = Number(m[2]);
    found.push({
      text: m[0],
      index: m.index,
      from: span ? monthStart(year, span[0]) : null,
      to: span ? monthEnd(year, span[1]) : null,
    });
  }
  for (const m of text.matchAll(MONTH_YEAR_RE)) {
    const month = monthIndex(m[1] ?? "");
    const year = fullYear(m[2] ?? "");
    found.push({ text: m[0], index: m.index, from: monthStart(year, month), to: monthEnd(year, month) });
  }
  for (const m of text.matchAll(BARE_MONTH_RE)) {
    const month = monthIndex(m[1] ?? "");
    let from: string | null = null;
    let to: string | null = null;
    if (docDate) {
      const docYear = Number(docDate.slice(0, 4));
      const docMonth = Number(docDate.slice(5, 7)) - 1;
      const year = month >= docMonth ? docYear : docYear + 1;
      from = monthStart(year, month);
      to = monthEnd(year, month);
    }
    found.push({ text: m[0].replace(/\.$/, ""), index: m.index, from, to });
  }
  return found.sort((x, y) => x.index - y.index || y.text.length - x.text.length);
}

function firstDatePhrase(text: string, docDate: string | null): DatePhrase | null {
  return datePhrases(text, docDate)[0] ?? null;
}

/** True when `text` is nothing but a date ("Mid 2023", "August – December 2022"). */
function isDateOnly(text: string, docDate: string | null): boolean {
  const t = text.trim().replace(/[.,;]+$/, "");
  const p = firstDatePhrase(t, docDate);
  return p !== null && p.index === 0 && p.text.length === t.length;
}

function targetFrom(phrase: DatePhrase, docDate: string | null): Target {
  const parsed = parseTarget(phrase.text, docDate ? { today: docDate } : undefined);
  if (parsed && (parsed.from !== null || parsed.to !== null)) return parsed;
  return { text: phrase.text, from: phrase.from, to: phrase.to, ongoing: parsed?.ongoing ?? false };
}

function documentDateFrom(title: string | null): string | null {
  if (!title) return null;
  const m = new RegExp(`\\b(${MONTH})\\s+((?:19|20)\\d{2})\\b`, "i").exec(title);
  if (!m) return null;
  return monthStart(Number(m[2]), monthIndex(m[1] ?? ""));
}

// ---------------------------------------------------------------------------------------------
// Milestones

const STATUS_LIKE =
  /^(?:on track|in progress|commenced|completed?\b|approved|on hold|delay|due\b|scheduled|date tbc|tbc\b|from\b|ongoing|not (?:yet )?(?:started|due)|slipp|started|underway|awaiting|pending|target)/i;

/** Status from the words a milestone gives beside it, by the summary's own vocabulary. */
export function milestoneStatus(text: string): { status: Status | null; rag: Rag | null } {
  const t = text.toLowerCase();
  if (/\bon track\b/.test(t)) return { status: "in_progress", rag: "green" };
  if (/\bon hold\b/.test(t)) return { status: "on_hold", rag: null };
  if (/\b(?:delay(?:ed|s)?|slippage|slipped|slipping|behind schedule)\b/.test(t)) return { status: "delayed", rag: null };
  const done = /\b(?:complete|completed|approved|achieved)\b/.test(t);
  const stillGoing = /\b(?:being|underway|in progress|ongoing|not yet|due|to be)\b/.test(t);
  if (done && !stillGoing) return { status: "complete", rag: null };
  if (/\b(?:in progress|underway|commenced|started|being)\b/.test(t)) return { status: "in_progress", rag: null };
  if (done) return { status: "in_progress", rag: null };
  return { status: null, rag: null };
}

// A status/date separator: " - ", " – ", or a dash glued to the word before it ("agreed- ").
const SEPARATOR = /\s+[-–—]+\s+|(?<=[\p{L}\p{N})'’.])[-–—]+\s+/gu;
const TRAILING_SEPARATOR = /[\s\-–—:]+$/u;

interface MilestoneParts {
  title: string;
  statusText: string | null;
  dateText: string | null;
}

function splitMilestone(block: Block, docDate: string | null): MilestoneParts {
  let head = block.text;
  let emph: string | null = null;
  const html = block.html.trim();
  const m = /<(b|strong|i|em|a)\b[^>]*>((?:(?!<\/?\1\b)[\s\S])*)<\/\1>\s*$/i.exec(html);
  if (m) {
    const emphText = cleanFragment(m[2] ?? "");
    const before = stripBullet(cleanFragment(html.slice(0, m.index)));
    const separated = TRAILING_SEPARATOR.test(before) && /[-–—:]\s*$/.test(before);
    if (before && emphText && (separated || STATUS_LIKE.test(emphText) || isDateOnly(emphText, docDate))) {
      head = before;
      emph = emphText;
    }
  }
  head = head.replace(TRAILING_SEPARATOR, "");

  // Separators inside a month range ("August – December 2022") are not separators.
  const protectedSpans = [...head.matchAll(RANGE_RE)].map((r) => [r.index, r.index + r[0].length] as const);
  const cuts = [...head.matchAll(SEPARATOR)]
    .filter((s) => !protectedSpans.some(([a, b]) => s.index >= a && s.index < b))
    .map((s) => ({ start: s.index, end: s.index + s[0].length }));

  const statusParts: string[] = [];
  const dateParts: string[] = [];
  let title = head;
  for (let i = cuts.length - 1; i >= 0; i--) {
    const cut = cuts[i]!;
    const seg = title.slice(cut.end).trim();
    const before = title.slice(0, cut.start).trim();
    if (!before) break;
    if (STATUS_LIKE.test(seg) && emph === null) statusParts.unshift(seg);
    else if (isDateOnly(seg, docDate)) dateParts.unshift(seg);
    else break;
    title = before.replace(TRAILING_SEPARATOR, "");
  }
  const statusText = emph ?? (statusParts.length > 0 ? statusParts.join(" - ") : dateParts.length > 0 ? dateParts.join(" - ") : null);
  return { title: title || block.text, statusText, dateText: dateParts.length > 0 ? dateParts.join(" ") : null };
}

function milestoneActions(themeBlocks: Block[], docDate: string | null): ParsedAction[] {
  const actions: ParsedAction[] = [];
  let section: string | null = null;
  for (const block of themeBlocks) {
    // A short paragraph ending in a colon is a section label ("Complete:").
    if (block.kind === "para" && /:$/.test(block.text) && block.text.length <= 40) {
      section = block.text.replace(/:$/, "").trim();
      continue;
    }
    const parts = splitMilestone(block, docDate);
    const sectionStatus = section ? milestoneStatus(section) : null;
    let status: Status | null = null;
    let rag: Rag | null = null;
    if (sectionStatus && sectionStatus.status) {
      ({ status, rag } = sectionStatus);
    } else if (parts.statusText) {
      ({ status, rag } = milestoneStatus(parts.statusText));
      if (status === null && firstDatePhrase(parts.statusText, docDate) === null) {
        const normalised = normaliseStatus(parts.statusText);
        if (normalised.status) ({ status, rag } = normalised);
      }
    }
    const phrase =
      (parts.statusText ? firstDatePhrase(parts.statusText, docDate) : null) ??
      (parts.dateText ? firstDatePhrase(parts.dateText, docDate) : null);
    actions.push({
      ref: `M${actions.length + 1}`,
      refGenerated: true,
      title: parts.title,
      detail: null,
      owners: [],
      accountable: [],
      target: phrase ? targetFrom(phrase, docDate) : null,
      status,
      statusText: parts.statusText ?? (sectionStatus?.status ? section : null),
      rag,
      progress: null,
      impact: null,
      crossRefs: [],
      line: block.line,
    });
  }
  return actions;
}

// ---------------------------------------------------------------------------------------------
// Counts stated in the summary

const NUMBER_WORDS: Record<string, number> = {
  zero: 0,
  no: 0,
  none: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
};
const NUM = `(\\d+|${Object.keys(NUMBER_WORDS).join("|")})`;

function toNumber(word: string | undefined): number | null {
  if (word === undefined) return null;
  if (/^\d+$/.test(word)) return Number(word);
  return NUMBER_WORDS[word.toLowerCase()] ?? null;
}

/**
 * RAG counts of a theme's main actions: "Of the 11 main actions there are … 4 with a green risk
 * rating". Only the first statement per colour counts; "Of the 4 main actions with an amber risk
 * rating:" introduces a breakdown and is not a count.
 */
export function themeRagCounts(summaryText: string): ThemeRagCounts {
  const text = summaryText.replace(/\s+/g, " ");
  const counts: ThemeRagCounts = { red: null, amber: null, green: null, total: null };
  const ragRe = new RegExp(`\\b${NUM}\\s+(?:main\\s+)?actions?\\s+(?:areas?\\s+)?(?:with|rated)\\s+(?:an?\\s+)?(red|amber|green)\\b`, "gi");
  for (const m of text.matchAll(ragRe)) {
    if (/\bof the\s*$/i.test(text.slice(Math.max(0, m.index - 8), m.index))) continue;
    if (/sub[-\s]$/i.test(text.slice(Math.max(0, m.index - 4), m.index))) continue;
    const colour = (m[2] ?? "").toLowerCase() as "red" | "amber" | "green";
    if (counts[colour] === null) counts[colour] = toNumber(m[1]);
  }
  const totalRe = new RegExp(`\\bof the\\s+${NUM}\\s+main\\s+actions?(?:\\s+areas?)?\\b(?!\\s+(?:with|rated)\\b)`, "gi");
  const total = totalRe.exec(text);
  if (total) counts.total = toNumber(total[1]);
  return counts;
}

/** Sub-action counts a theme summary states (first statement of each kind). */
export function themeSubActionCounts(summaryText: string): ThemeSubActionCounts {
  const text = summaryText.replace(/\s+/g, " ");
  const sub = `${NUM}\\s+(?:live\\s+)?sub[-\\s]actions?`;
  const first = (re: string): number | null => toNumber(new RegExp(`\\b${re}`, "i").exec(text)?.[1]);
  return {
    onTrack: first(`${sub}[^.;:]*?\\bare on track`),
    mediumSlippage: first(`${sub}\\s+(?:has|have)(?: or will)? experience(?:d)? medium slippage`),
    significantSlippage: first(`${sub}\\s+(?:has|have)(?: or will)? experience(?:d)? significant slippage`),
    completedThisMonth: first(`${sub}\\s+(?:has|have|is|are)\\s+(?:been\\s+)?(?:marked\\s+)?(?:completed?|closed) this month`),
    notYetDue: first(`${sub}\\s+(?:is|are)\\s+not\\s+(?:yet\\s+)?due`),
  };
}

// ---------------------------------------------------------------------------------------------
// The table

interface ThemeAcc {
  name: string;
  line: number;
  summary: Block[];
  achievements: Block[];
  milestones: Block[];
}

function snippet(text: string): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length > 80 ? `${t.slice(0, 77)}…` : t;
}

function summaryStatement(blocks: Block[]): string {
  const i = blocks.findIndex((b) => /^summary statement\b/i.test(b.text));
  if (i >= 0) {
    const rest = blocks[i]!.text.replace(/^summary statement\s*:?\s*/i, "").trim();
    if (rest) return rest;
    const next = blocks[i + 1];
    if (next) return next.text;
  }
  return (blocks.find((b) => !b.bold) ?? blocks[0])?.text ?? "";
}

/** Parses a seed-003-style theme progress summary (all rows of the file, headers and blanks included). */
export function parseThemeSummary(rows: Row[], options: ParseThemeSummaryOptions = {}): ThemeSummaryPlan {
  const t = translator(options.locale ?? "en-GB");
  const warnings: ImportWarning[] = [];
  let fileTitle: string | null = null;
  let columns: Columns | null = null;
  let afterBreak = false;
  const themes: ThemeAcc[] = [];

  for (const row of rows) {
    const cells = row.cells;
    const nonEmpty = cells.filter((c) => c.trim() !== "");
    if (nonEmpty.length === 0) continue;

    if (cells.length === 1) {
      const text = cleanLine(cells[0]);
      if (/^#+\s*/.test(text)) {
        const heading = text.replace(/^#+\s*/, "").trim();
        if (fileTitle === null && heading) fileTitle = heading;
        else warnings.push({ line: row.line, message: t("import.heading_outside_table", { text: snippet(heading) }) });
      } else if (/^[-=_|\s]+$/.test(text)) {
        continue;
      } else if (text) {
        warnings.push({ line: row.line, message: t("import.note_outside_table", { text: snippet(text) }) });
      }
      continue;
    }

    if (isThemeSummaryHeader(cells)) {
      columns ??= columnsFromHeader(cells);
      afterBreak = true;
      continue;
    }

    const cols = columns ?? DEFAULT_COLUMNS;
    const used = new Set([cols.theme, cols.summary, cols.achievements, cols.milestones].filter((c): c is number => c !== null));
    cells.forEach((cell, idx) => {
      if (!used.has(idx) && cleanLine(cell)) {
        warnings.push({ line: row.line, message: t("import.cell_unknown_column", { column: idx + 1, text: snippet(cleanLine(cell)) }) });
      }
    });

    const themeName = cleanLine(cells[cols.theme]);
    const isStart = themeName !== "";
    let theme: ThemeAcc | undefined;
    if (isStart) {
      theme = { name: themeName, line: row.line, summary: [], achievements: [], milestones: [] };
      themes.push(theme);
    } else {
      theme = themes[themes.length - 1];
      if (!theme) {
        const text = nonEmpty.map((c) => cleanLine(c)).join(" | ");
        warnings.push({ line: row.line, message: t("import.continuation_before_theme", { text: snippet(text) }) });
        afterBreak = false;
        continue;
      }
    }

    const addCell = (index: number | null, into: Block[]): void => {
      if (index === null) return;
      const blocks = cellBlocks(cells[index] ?? "", row.line);
      const prev = into[into.length - 1];
      const first = blocks[0];
      if (!isStart && afterBreak && prev && first && continuesAcrossBreak(prev, first)) {
        joinBlocks(prev, first);
        blocks.shift();
      }
      into.push(...blocks);
    };
    addCell(cols.summary, theme.summary);
    addCell(cols.achievements, theme.achievements);
    addCell(cols.milestones, theme.milestones);
    afterBreak = false;
  }

  const title = options.title ?? fileTitle ?? null;
  const docDate = options.documentDate ?? documentDateFrom(title) ?? documentDateFrom(fileTitle);
  const achievementsLabel = (columns ?? DEFAULT_COLUMNS).achievementsLabel;

  const recommendations: ThemeRecommendation[] = themes.map((theme, index) => {
    const summary = renderBlocks(theme.summary);
    const achievements = renderBlocks(theme.achievements);
    const detailParts = [summary, achievements ? `${achievementsLabel}:\n${achievements}` : ""].filter((p) => p !== "");
    if (theme.milestones.length === 0) {
      warnings.push({ line: theme.line, message: t("import.theme_without_milestones", { theme: theme.name }) });
    }
    return {
      ref: null,
      text: summaryStatement(theme.summary) || theme.name,
      theme: theme.name,
      body: null,
      detail: detailParts.length > 0 ? detailParts.join("\n\n") : null,
      actions: milestoneActions(theme.milestones, docDate).map((a, n) => ({ ...a, ref: `T${index + 1}.M${n + 1}` })),
      line: theme.line,
      summary,
      achievements,
      achievementsLabel,
      ragCounts: themeRagCounts(summary),
      subActions: themeSubActionCounts(summary),
    };
  });

  return { title, kind: "theme-summary", recommendations, roles: [], warnings };
}
