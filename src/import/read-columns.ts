import { ChaserError } from "../domain/chaser-error.js";
import { cleanLine } from "./clean-text.js";
import { inferColumns, looksLikeHeadingRow, type Confidence } from "./infer-columns.js";
import { COLUMN_ROLES, matchHeaderRow, normaliseHeader, roleOfHeader, type ColumnMap, type ColumnRole } from "./match-columns.js";
import type { Row } from "./row.js";

/** Where a column's role came from, most trusted first. */
export type RoleSource = "mapping" | "remembered" | "heading" | "content";

export interface ColumnReading {
  /** Spreadsheet-style letter ("C"), how people name a column with no heading. */
  column: string;
  index: number;
  heading: string;
  role: ColumnRole | null;
  source: RoleSource | null;
  confidence: Confidence;
  /** A few of its cells, to show in the preview. */
  samples: string[];
}

/** A column a person is asked about before anything is written. */
export interface ColumnQuestion {
  column: string;
  heading: string;
  /** Chaser's best guess, or null when it would leave the column out. */
  guess: ColumnRole | null;
  reason: "unsure" | "unused" | "no_header" | "duplicate";
}

/** A role given to a column by a person: by its heading, its letter or its number. */
export interface ColumnChoice {
  column: string;
  role: ColumnRole | null;
}

export interface TableReading {
  /** Line of the header row, or null for a table with none. */
  headerLine: number | null;
  columns: ColumnReading[];
  questions: ColumnQuestion[];
  /** For parseActionTable. */
  headerOf: (cells: string[]) => ColumnMap | null;
  initial?: { map: ColumnMap; width: number; from: number };
}

export const IGNORE_WORDS = ["ignore", "none", "skip", "-"];

export function columnLetter(index: number): string {
  let n = index + 1;
  let out = "";
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

function letterIndex(letters: string): number {
  let n = 0;
  for (const c of letters.toUpperCase()) n = n * 26 + (c.charCodeAt(0) - 64);
  return n - 1;
}

/**
 * Parses "Assigned To=owner", "C=target", "3=ignore" as people write them on the command line or
 * in a form; the role may be Chaser's name for it or any heading that names it ("Due date").
 */
export function parseColumnChoice(text: string): ColumnChoice {
  const at = text.lastIndexOf("=");
  if (at <= 0) throw new ChaserError("reading.bad_map", { text });
  const column = text.slice(0, at).trim();
  const roleText = text.slice(at + 1).trim();
  if (!column || !roleText) throw new ChaserError("reading.bad_map", { text });
  if (IGNORE_WORDS.includes(roleText.toLowerCase())) return { column, role: null };
  const exact = COLUMN_ROLES.find((r) => r.toLowerCase() === roleText.toLowerCase().replace(/[\s_-]+/g, ""));
  const role = exact ?? roleOfHeader(roleText);
  if (!role) throw new ChaserError("reading.unknown_role", { role: roleText, roles: COLUMN_ROLES.join(", ") });
  return { column, role };
}

function isBlank(cells: string[]): boolean {
  return cells.every((c) => !c || !c.trim());
}

/** The choice that applies to a column, matched by heading first, then by letter or number. */
function choiceFor(choices: ColumnChoice[], index: number, heading: string): ColumnChoice | undefined {
  const h = normaliseHeader(heading);
  const byHeading = h ? choices.findLast((c) => normaliseHeader(c.column) === h) : undefined;
  if (byHeading) return byHeading;
  return choices.findLast((c) => (/^[A-Z]{1,2}$/.test(c.column) && letterIndex(c.column) === index) || (/^\d{1,3}$/.test(c.column) && Number(c.column) - 1 === index));
}

function checkChoices(choices: ColumnChoice[], headings: string[], width: number): void {
  for (const c of choices) {
    const h = normaliseHeader(c.column);
    const known = headings.some((x) => h && normaliseHeader(x) === h) ||
      (/^[A-Z]{1,2}$/.test(c.column) && letterIndex(c.column) < width) ||
      (/^\d{1,3}$/.test(c.column) && Number(c.column) >= 1 && Number(c.column) <= width);
    if (!known) {
      const names = headings.map((x, i) => `${columnLetter(i)}${x ? ` "${cleanLine(x)}"` : ""}`).join(", ");
      throw new ChaserError("reading.unknown_column", { column: c.column, columns: names });
    }
  }
}

/**
 * Works out what each column of an action table holds: by its heading where Chaser knows the
 * words, by its content where the heading is blank, unknown or missing, and as a person said
 * (`choices`, the remembered mapping first, then this import's). Columns it is unsure of become
 * questions. Returns null when nothing in the table reads as an action plan.
 */
export function readColumns(rows: Row[], choices: { remembered?: ColumnChoice[]; given?: ColumnChoice[] } = {}): TableReading | null {
  const given = choices.given ?? [];
  let headerIndex = rows.findIndex((r) => matchHeaderRow(r.cells) !== null);
  let fromContent = false;
  if (headerIndex < 0) {
    // Title rows (one cell filled) come first; then either headings in words Chaser does not know, or data.
    const firstTable = rows.findIndex((r) => r.cells.filter((c) => c && c.trim()).length >= 2);
    if (firstTable < 0) return null;
    const width0 = Math.max(...rows.slice(firstTable, firstTable + 50).map((r) => r.cells.length));
    const next = rows.slice(firstTable + 1).find((r) => !isBlank(r.cells));
    if (looksLikeHeadingRow(rows[firstTable]!.cells, width0) && next && !looksLikeHeadingRow(next.cells, width0)) headerIndex = firstTable;
    else {
      fromContent = true;
      headerIndex = firstTable;
    }
  }
  const header = fromContent ? null : rows[headerIndex]!;
  const data = rows.slice(fromContent ? headerIndex : headerIndex + 1).filter((r) => !isBlank(r.cells) && !(header && sameHeadings(r.cells, header.cells)) && !matchHeaderRow(r.cells));
  const width = Math.max(header?.cells.length ?? 0, ...data.slice(0, 2000).map((r) => r.cells.length));
  const headings = Array.from({ length: width }, (_, i) => cleanLine(header?.cells[i] ?? ""));
  checkChoices(given, headings, width);
  // A remembered column the file no longer has is dropped: the layout changed, so it is read afresh.
  const remembered = (choices.remembered ?? []).filter((c) => {
    try {
      checkChoices([c], headings, width);
      return true;
    } catch {
      return false;
    }
  });

  // Headings first; a second column with the same role is asked about, not used.
  const known: (ColumnRole | null)[] = [];
  const duplicate = new Set<number>();
  headings.forEach((h, i) => {
    const role = h ? roleOfHeader(h) : null;
    if (role && known.includes(role)) {
      duplicate.add(i);
      known.push(null);
    } else known.push(role);
  });
  const sample = data.slice(0, 500);
  const inferred = inferColumns(sample, width, known.map((r, i) => (duplicate.has(i) ? "notes" : r)));
  const columns: ColumnReading[] = headings.map((heading, index) => {
    const guess = inferred.find((g) => g.index === index);
    const samples = sample.map((r) => cleanLine(r.cells[index] ?? "")).filter((s) => s && !/^[•.\-–—]+$/.test(s)).slice(0, 3).map((s) => (s.length > 60 ? `${s.slice(0, 57)}…` : s));
    if (known[index]) return { column: columnLetter(index), index, heading, role: known[index], source: "heading", confidence: "sure", samples };
    return { column: columnLetter(index), index, heading, role: guess?.role ?? null, source: guess?.role ? "content" : null, confidence: guess?.confidence ?? "unsure", samples };
  });

  // What people said overrides what Chaser read; a role given to one column is taken from any other.
  for (const [list, source] of [[remembered, "remembered"], [given, "mapping"]] as const) {
    for (const col of columns) {
      const choice = choiceFor(list, col.index, col.heading);
      if (!choice) continue;
      if (choice.role) for (const other of columns) if (other !== col && other.role === choice.role) Object.assign(other, { role: null, source: null });
      Object.assign(col, { role: choice.role, source, confidence: "sure" as Confidence });
      duplicate.delete(col.index);
    }
  }
  // With no responsible column, the accountable people are the ones to chase.
  if (!columns.some((c) => c.role === "owner")) {
    const accountable = columns.find((c) => c.role === "accountable" && c.source !== "mapping" && c.source !== "remembered");
    if (accountable) accountable.role = "owner";
  }

  const questions: ColumnQuestion[] = [];
  for (const col of columns) {
    if (col.source === "mapping" || col.source === "remembered" || col.source === "heading") {
      if (duplicate.has(col.index) && col.role === null) questions.push({ column: col.column, heading: col.heading, guess: roleOfHeader(col.heading), reason: "duplicate" });
      continue;
    }
    const hasContent = col.samples.length > 0;
    if (duplicate.has(col.index)) questions.push({ column: col.column, heading: col.heading, guess: roleOfHeader(col.heading), reason: "duplicate" });
    else if (col.role && col.confidence === "unsure") questions.push({ column: col.column, heading: col.heading, guess: col.role, reason: "unsure" });
    else if (!col.role && hasContent) questions.push({ column: col.column, heading: col.heading, guess: null, reason: "unused" });
  }
  const map: ColumnMap = {};
  for (const col of columns) if (col.role && map[col.role] === undefined) map[col.role] = col.index;
  if (map.recommendation === undefined && map.action === undefined) return null;

  const firstHeadings = header?.cells ?? [];
  const headerOf = (cells: string[]): ColumnMap | null => {
    const same = header !== null && sameHeadings(cells, firstHeadings);
    const known = matchHeaderRow(cells);
    if (!same && !known) return null;
    if (same) return { ...map };
    // A header repeated at a page break, its columns moved: read by heading, then by what people said.
    const out: ColumnMap = {};
    const claimed = new Set<ColumnRole>();
    cells.forEach((cell, index) => {
      const choice = choiceFor([...remembered, ...given], -1, cell);
      if (choice) {
        if (choice.role) claimed.add(choice.role);
        if (choice.role && out[choice.role] === undefined) out[choice.role] = index;
      }
    });
    cells.forEach((cell, index) => {
      if (choiceFor([...remembered, ...given], -1, cell)) return;
      const role = cell && cell.trim() ? roleOfHeader(cell) : null;
      if (role && !claimed.has(role) && out[role] === undefined) out[role] = index;
    });
    return out;
  };
  if (fromContent) questions.unshift({ column: "", heading: "", guess: null, reason: "no_header" });
  return {
    headerLine: header?.line ?? null,
    columns,
    questions,
    headerOf,
    initial: fromContent ? { map, width, from: headerIndex } : undefined,
  };
}

/** The same header row again, cell for cell (blank cells included: a missing one moves the columns). */
function sameHeadings(a: string[], b: string[]): boolean {
  // Asked of every row: a data row differs from the header in its first cells, so compare lazily.
  let last = b.length;
  while (last > 0 && !normaliseHeader(b[last - 1] ?? "")) last -= 1;
  let named = 0;
  for (let i = 0; i < Math.max(a.length, last); i++) {
    const x = a[i] ?? "";
    const y = i < last ? (b[i] ?? "") : "";
    if (x !== y && (x.length > 300 || normaliseHeader(x) !== normaliseHeader(y))) return false;
    if (x && normaliseHeader(x)) named += 1;
  }
  return named >= 2;
}
