import { cleanLine } from "./clean-text.js";
import { HEADING_CUES, HEADINGS } from "./heading-vocabulary.js";

/** What a column holds, whatever a given plan calls it. */
export type ColumnRole =
  | "body"
  | "kloeRef"
  | "theme"
  | "recRef"
  | "recommendation"
  | "keyIssues"
  | "action"
  | "actionRef"
  | "owner"
  | "accountable"
  | "target"
  | "originalTarget"
  | "status"
  | "rag"
  | "progress"
  | "impact"
  | "changeControl"
  | "notes";

export const COLUMN_ROLES: readonly ColumnRole[] = [
  "body", "kloeRef", "theme", "recRef", "recommendation", "keyIssues", "action", "actionRef", "owner",
  "accountable", "target", "originalTarget", "status", "rag", "progress", "impact", "changeControl", "notes",
];

/** "Activities" and "activity", "Owners" and "owner" are one heading; "status" and "progress" keep their s. */
function singular(word: string): string {
  if (word.length <= 3) return word;
  if (/ies$/.test(word)) return word.slice(0, -3) + "y";
  if (/(ss|us|is|ics)$/.test(word)) return word;
  if (/s$/.test(word)) return word.slice(0, -1);
  return word;
}

/**
 * A heading folded to compare: lower case, "&" as "and", bracketed asides ("(dd/mm/yy)", "(s)") and
 * punctuation dropped, plurals made singular, single spaces.
 */
export function normaliseHeader(text: string): string {
  return remembered(normalised, text, normaliseAfresh);
}

// Header rows are read again at every page break and every row is tried as one: the same few
// strings are normalised and matched thousands of times, so recent answers are kept.
const normalised = new Map<string, string>();
const roles = new Map<string, ColumnRole | null>();
function remembered<T>(cache: Map<string, T>, key: string, compute: (key: string) => T): T {
  const hit = cache.get(key);
  if (hit !== undefined || cache.has(key)) return hit as T;
  const value = compute(key);
  if (cache.size >= 5000) cache.clear();
  cache.set(key, value);
  return value;
}

function normaliseAfresh(text: string): string {
  return cleanLine(text)
    .toLowerCase()
    .replace(/[‘’']/g, "")
    // "Complete (Y/N)" is a question; other bracketed asides only explain.
    .replace(/\(\s*y\s*\/\s*n\s*\)/g, " y n ")
    .replace(/\([^)]*\)|\[[^\]]*]/g, " ")
    .replace(/&/g, " and ")
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .split(" ")
    .map(singular)
    .join(" ");
}

const ENTRIES = (Object.entries(HEADINGS) as [ColumnRole, string[]][])
  .flatMap(([role, names]) => names.map((name) => ({ role, name: normaliseHeader(name) })))
  .sort((a, b) => b.name.length - a.name.length);
// The first role listing a heading keeps it.
const EXACT = new Map<string, ColumnRole>();
for (const [role, names] of Object.entries(HEADINGS) as [ColumnRole, string[]][]) {
  for (const name of names) if (!EXACT.has(normaliseHeader(name))) EXACT.set(normaliseHeader(name), role);
}

/** Headings that say when something happened, not when it is due: never a target. */
const PAST_DATE = /\bdate (?:raised|opened|identified|added|logged|created|reported|received|closed|completed|updated|issued|of (?:report|meeting|inspection|visit|review|last update))\b|\b(?:last|date last) (?:updated|reviewed)\b|\bactual\b/;

function matchWhole(h: string): ColumnRole | null {
  if (!h) return null;
  const exact = EXACT.get(h);
  if (exact) return exact;
  if (PAST_DATE.test(h)) return null;
  // "Status Update from 2022/23" names a column; "Recommendation 1: improve…" is data.
  const prefix = ENTRIES.find((e) => h.startsWith(e.name + " ") && !/^\d/.test(h.slice(e.name.length + 1)));
  return prefix ? prefix.role : null;
}

/**
 * The role a heading names. Tried in turn: the whole heading in the vocabulary; a known heading it
 * starts with; each side of a "/", "&", "and" or "or" ("Lead / Responsible Officer", "Owner & Due
 * date" goes by its first side); then cue words such as "by whom", "due", "lead" in a short heading.
 */
export function roleOfHeader(text: string): ColumnRole | null {
  return remembered(roles, text, roleAfresh);
}

function roleAfresh(text: string): ColumnRole | null {
  const h = normaliseHeader(text);
  const whole = matchWhole(h);
  if (whole) return whole;
  if (!h || PAST_DATE.test(h)) return null;
  const raw = cleanLine(text).toLowerCase().replace(/\([^)]*\)/g, " ");
  const parts = raw.split(/\s*(?:\/|&|\+|\band\b|\bor\b|\\)\s*/).map(normaliseHeader).filter(Boolean);
  if (parts.length > 1) {
    for (const part of parts) {
      const role = matchWhole(part);
      if (role) return role;
    }
  }
  // Cue words only in a short heading: a long cell mentioning "action" is prose, not a heading.
  // "Recommendation 1: improve…" and "Action 2.1 review" number an item: data, not a heading.
  if (h.split(" ").length > 6 || /^\d/.test(h) || /^[a-z]+ \d+\b/.test(h)) return null;
  for (const [cue, role] of HEADING_CUES) if (cue.test(h)) return role;
  return null;
}

// The first word of every heading in the vocabulary: a cell starting with any other plain word is
// not one, which spares normalising the thousands of data cells each row is tried with.
const FIRST_WORDS = new Set([...EXACT.keys()].map((h) => h.split(" ")[0]!));
const PLAIN_FIRST_WORD = /^\s*([A-Za-z0-9]+)(?![‘’'A-Za-z0-9])/;

// Normalising only drops punctuation, asides and markup: a long cell with none of them is no heading.
const LONGEST_EXACT = Math.max(...[...EXACT.keys()].map((h) => h.length));

function isExactHeader(text: string): boolean {
  if (text.length > LONGEST_EXACT * 2 && !/[(\[<&]/.test(text)) return false;
  const first = PLAIN_FIRST_WORD.exec(text);
  if (first && !FIRST_WORDS.has(singular(first[1]!.toLowerCase()))) return false;
  return EXACT.has(normaliseHeader(text));
}

export type ColumnMap = Partial<Record<ColumnRole, number>>;

/** Data, not a heading: a date, a long sentence. A header row holds neither. */
function looksLikeData(cell: string): boolean {
  const text = cleanLine(cell);
  if (/^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$/.test(text)) return true;
  // Headings carry long bracketed asides ("(where we are not intending to…)"); sentences do not.
  return text.replace(/\([^)]*\)?/g, " ").trim().split(/\s+/).length > 14;
}

/**
 * The column map if the row is a header row: at least two cells name a role, one of them exactly,
 * and they make up most of the row's non-empty cells. The first column naming a role wins it.
 */
export function matchHeaderRow(cells: string[]): ColumnMap | null {
  // Most rows are data: one exact heading is required, so a row without one is refused before the
  // dearer reading of every cell.
  if (!cells.some((c) => c && c.length < 300 && isExactHeader(c))) return null;
  const map: ColumnMap = {};
  let named = 0;
  let filled = 0;
  let data = 0;
  cells.forEach((cell, index) => {
    if (!cell || !cell.trim()) return;
    filled += 1;
    if (looksLikeData(cell)) data += 1;
    const role = roleOfHeader(cell);
    if (!role) return;
    named += 1;
    if (map[role] === undefined) map[role] = index;
  });
  if (named < 2 || named * 2 < filled || data > 0) return null;
  // A header row names what it holds; one without a recommendation or an action is some other table.
  if (map.recommendation === undefined && map.action === undefined) return null;
  return map;
}

/**
 * Every cell's role in a header row, column by column (null where the heading is blank or unknown),
 * for the preview. Unlike matchHeaderRow it keeps repeated roles, so a second "Date" column shows.
 */
export function rolesOfHeaderRow(cells: string[]): (ColumnRole | null)[] {
  return cells.map((cell) => (cell && cell.trim() ? roleOfHeader(cell) : null));
}
