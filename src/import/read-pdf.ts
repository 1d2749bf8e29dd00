import { ChaserError } from "../domain/chaser-error.js";
import type { ReadBudget } from "./import-limits.js";
import { matchHeaderRow, roleOfHeader } from "./match-columns.js";
import { isThemeSummaryHeader } from "./parse-theme-summary.js";
import type { Row } from "./row.js";

/** A run of text on a page, in points from the page's top left. */
interface Item {
  text: string;
  x0: number;
  x1: number;
  y: number;
  size: number;
}

/** Items sharing a baseline, left to right. */
interface Line {
  page: number;
  y: number;
  size: number;
  items: Item[];
}

/** Runs of a line separated by a gap wider than a word space: a line's cells before columns are known. */
interface Segment {
  text: string;
  x0: number;
  x1: number;
}

interface Columns {
  /** Left edge of each column but the first, where the column before it ends. */
  bounds: number[];
  width: number;
}

/** A horizontal ruling line drawn on a page (a table's cell border), in points from the top. */
interface Rule {
  page: number;
  y: number;
  x0: number;
  x1: number;
}

interface Note {
  line: number;
  code: string;
  params: Record<string, string | number>;
}

type PdfJs = typeof import("pdfjs-dist/legacy/build/pdf.mjs");
let pdfjs: Promise<PdfJs> | undefined;

/**
 * Reads the tables of a text-based PDF (as committee-paper systems publish them) from the positions
 * of its text: lines are items sharing a baseline; the header row (found by its words, even when
 * its cells wrap onto a second line) sets the columns, each item falls into the column it starts
 * in, and a header repeated on a later page sets them again. A line on its own running across
 * several columns is a heading. Page numbers and running headers or footers are dropped. Each
 * line is one row: the action-table parser joins cells that continue over several lines, as it does
 * for text extracted from committee papers. A PDF without a text layer (a scan) is refused.
 */
export async function readPdf(bytes: Uint8Array, budget: ReadBudget): Promise<{ rows: Row[]; notes: Note[] }> {
  const { lines: all, rules } = await pdfLines(bytes, budget);
  const pages = new Set(all.map((l) => l.page)).size;
  const bandsByPage = new Map<number, Band[]>();
  const bandsOn = (page: number): Band[] => {
    if (!bandsByPage.has(page)) bandsByPage.set(page, bandsOf(rules.get(page) ?? []));
    return bandsByPage.get(page)!;
  };
  const kept = dropRunningLines(all, pages, (line) => bandOf(bandsOn(line.page), line) >= 0);
  const rows: Row[] = [];
  let columns: Columns | null = null;
  let lineNumber = 0;
  // The size of the table's text, and the last line above a table, which is its heading when set larger.
  let tableSize = 0;
  let above: { row: Row; size: number } | null = null;
  const push = (cells: string[], heading = false) => {
    budget.row(cells);
    lineNumber += 1;
    rows.push(heading ? { line: lineNumber, cells, heading } : { line: lineNumber, cells });
  };
  const headerFound = (size: number) => {
    tableSize = size;
    if (above && rows.at(-1) === above.row && rows.length >= 2 && above.size >= size * 1.1 && above.row.cells[0]!.length <= 100) above.row.heading = true;
    above = null;
  };
  for (let i = 0; i < kept.length; ) {
    const line = kept[i]!;
    const bands = bandsOn(line.page);
    const band = bandOf(bands, line);
    // Bordered rows: every line up to the next border belongs to the same row.
    if (band >= 0) {
      let j = i;
      while (j < kept.length && kept[j]!.page === line.page && bandOf(bands, kept[j]!) >= 0) j++;
      const table = kept.slice(i, j);
      i = j;
      for (const row of borderedRows(table, bands, columns)) {
        if (row.columns) {
          columns = row.columns;
          headerFound(row.size);
        }
        push(row.cells, row.heading);
      }
      continue;
    }
    const header = headerAt(kept, i);
    if (header) {
      columns = header.columns;
      headerFound(line.size);
      push(header.cells);
      i += header.consumed;
      continue;
    }
    i += 1;
    const segments = segmentsOf(line);
    // Outside a bordered table's borders: text around the table, a heading when set larger than it.
    if (!columns || bands.length >= 2) {
      const text = segments.map((s) => s.text).join(" ");
      if (columns && tableSize && line.size >= tableSize * 1.1 && text.length <= 100) {
        push([text], true);
        continue;
      }
      push(columns ? [text] : segments.map((s) => s.text));
      if (segments.length === 1 || columns) above = { row: rows.at(-1)!, size: line.size };
      continue;
    }
    if (isHeading(columns, segments)) {
      push([segments[0]!.text], true);
      continue;
    }
    const cells = new Array<string>(columns.width).fill("");
    line.items.forEach((item, n) => {
      const c = columnOf(columns!, item.x0 + 0.5);
      cells[c] = joinItem(cells[c]!, item, line.items[n - 1]);
    });
    push(cells.map((c) => c.trim()));
  }
  return { rows, notes: [] };
}

/** A line on its own running across several columns: a full-width heading row. */
function isHeading(columns: Columns, segments: Segment[]): boolean {
  return segments.length === 1 && columnOf(columns, segments[0]!.x1 - 1) > columnOf(columns, segments[0]!.x0) && segments[0]!.text.length <= 100;
}

/** Distinct border heights on a page, top to bottom, each with the horizontal extents drawn there. */
interface Band {
  y: number;
  spans: [number, number][];
}

function bandsOf(rules: Rule[]): Band[] {
  const bands: Band[] = [];
  for (const rule of [...rules].sort((a, b) => a.y - b.y)) {
    const last = bands.at(-1);
    if (last && rule.y - last.y < 2) last.spans.push([rule.x0, rule.x1]);
    else bands.push({ y: rule.y, spans: [[rule.x0, rule.x1]] });
  }
  return bands;
}

/** The index of the border above the line, when the line sits between two borders; else -1. */
function bandOf(bands: Band[], line: Line): number {
  const middle = line.y - line.size * 0.35;
  if (bands.length < 2 || middle < bands[0]!.y || middle > bands.at(-1)!.y) return -1;
  let k = 0;
  while (k + 1 < bands.length && bands[k + 1]!.y <= middle) k++;
  return k;
}

/**
 * The rows of a bordered table on one page. A border that does not cross a column (under a cell
 * merged down several rows) does not end that column's cell, so a merged cell's text stays whole in
 * the first row it covers. A row whose words make a header sets the columns.
 */
function borderedRows(lines: Line[], bands: Band[], current: Columns | null): { cells: string[]; heading?: boolean; columns?: Columns; size: number }[] {
  const groups = new Map<number, Line[]>();
  for (const line of lines) {
    const k = bandOf(bands, line);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(line);
  }
  const out: { cells: string[]; heading?: boolean; columns?: Columns; size: number }[] = [];
  let columns = current;
  let cellsByBand = new Map<number, string[]>();
  const flush = () => {
    for (const k of [...cellsByBand.keys()].sort((a, b) => a - b)) {
      const cells = cellsByBand.get(k)!;
      if (cells.some((c) => c.trim())) out.push({ cells: cells.map((c) => c.trim()), size: 0 });
    }
    cellsByBand = new Map();
  };
  for (const k of [...groups.keys()].sort((a, b) => a - b)) {
    const group = groups.get(k)!;
    const merged = mergeSegments(group.map(segmentsOf));
    if (merged.length >= 2 && isHeader(merged.map((m) => m.text))) {
      // A narrow column cuts a header word over two lines ("Ite" / "m"): put it back together.
      for (const m of merged) if (m.parts.length > 1 && !roleOfHeader(m.text) && roleOfHeader(m.parts.join(""))) m.text = m.parts.join("");
      flush();
      columns = { bounds: merged.slice(1).map((c, j) => (merged[j]!.x1 + c.x0) / 2), width: merged.length };
      out.push({ cells: merged.map((m) => m.text), columns, size: Math.min(...group.map((l) => l.size)) });
      continue;
    }
    if (!columns) {
      flush();
      for (const line of group) out.push({ cells: segmentsOf(line).map((s) => s.text), size: line.size });
      continue;
    }
    if (group.every((l) => isHeading(columns!, segmentsOf(l)))) {
      flush();
      out.push({ cells: [group.map((l) => segmentsOf(l)[0]!.text).join(" ")], heading: true, size: group[0]!.size });
      continue;
    }
    for (const line of group) {
      const texts = new Map<number, string>();
      line.items.forEach((item, n) => {
        const c = columnOf(columns!, item.x0 + 0.5);
        texts.set(c, joinItem(texts.get(c) ?? "", item, line.items[n - 1]));
      });
      for (const [c, text] of texts) {
        // Walk up past borders that do not cross this column: the cell above is merged down to here.
        const middle = columnMiddle(columns, c);
        let owner = k;
        while (owner > 0 && !bands[owner]!.spans.some(([x0, x1]) => x0 <= middle && middle <= x1) && cellsByBand.has(owner - 1)) owner--;
        if (!cellsByBand.has(owner)) cellsByBand.set(owner, new Array<string>(columns.width).fill(""));
        const cells = cellsByBand.get(owner)!;
        cells[c] = joinLines(cells[c]!, text.trim());
      }
    }
  }
  flush();
  return out;
}

/** A cell's next line: a soft wrap joins with a space (or none after a hyphen); a bullet starts a line. */
function joinLines(previous: string, next: string): string {
  if (!previous) return next;
  if (!next) return previous;
  if (/^[•\u2022\u25AA\u25CF\uF0B7\-–]\s/.test(next)) return `${previous}\n${next}`;
  if (/[A-Za-z]-$/.test(previous)) return previous + next;
  return `${previous} ${next}`;
}

function columnMiddle(columns: Columns, c: number): number {
  const left = c === 0 ? columns.bounds[0]! - 40 : columns.bounds[c - 1]!;
  const right = c >= columns.bounds.length ? left + 80 : columns.bounds[c]!;
  return (left + right) / 2;
}

/** Segments of several lines of one row merged where they overlap: a header cell's words over two lines. */
function mergeSegments(lines: Segment[][]): (Segment & { parts: string[] })[] {
  const cells: (Segment & { parts: string[] })[] = [];
  for (const segment of lines.flat()) {
    const over = cells.find((c) => overlaps(c, segment));
    if (over) {
      over.text = `${over.text} ${segment.text}`;
      over.parts.push(segment.text);
      over.x0 = Math.min(over.x0, segment.x0);
      over.x1 = Math.max(over.x1, segment.x1);
    } else {
      cells.push({ ...segment, parts: [segment.text] });
    }
  }
  return cells.sort((a, b) => a.x0 - b.x0);
}

async function pdfLines(bytes: Uint8Array, budget: ReadBudget): Promise<{ lines: Line[]; rules: Map<number, Rule[]> }> {
  pdfjs ??= import("pdfjs-dist/legacy/build/pdf.mjs");
  const { getDocument, OPS } = await pdfjs;
  // pdf.js takes ownership of the buffer it is given; give it a copy.
  const task = getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0,
    stopAtErrors: false,
  });
  try {
    const doc = await budget.within(task.promise, () => void task.destroy());
    if (doc.numPages > budget.limits.pdfPages) throw new ChaserError("read.pdf_too_many_pages", { file: budget.file, limit: budget.limits.pdfPages });
    const lines: Line[] = [];
    const rules = new Map<number, Rule[]>();
    let characters = 0;
    for (let p = 1; p <= doc.numPages; p++) {
      budget.tick();
      const page = await budget.within(doc.getPage(p), () => void task.destroy());
      const height = page.view[3]! - page.view[1]!;
      const content = await budget.within(page.getTextContent(), () => void task.destroy());
      const items: Item[] = [];
      for (const raw of content.items) {
        if (!("str" in raw) || !raw.str.trim()) continue;
        const [a, b, , d, e, f] = raw.transform as number[];
        // Rotated text (a stamp, a sideways label) is not part of a table's rows.
        if (Math.abs(b ?? 0) > 0.01) continue;
        budget.cell(raw.str);
        characters += raw.str.trim().length;
        const size = Math.abs(d ?? a ?? 10) || 10;
        items.push({ text: raw.str, x0: e ?? 0, x1: (e ?? 0) + raw.width, y: height - (f ?? 0), size });
      }
      lines.push(...groupLines(items, p));
      if (items.length > 0) {
        const operators = await budget.within(page.getOperatorList(), () => void task.destroy());
        rules.set(p, rulesOf(operators, OPS, page.view[2]! - page.view[0]!, height, p));
      }
      page.cleanup();
      budget.progress(p, doc.numPages);
    }
    if (characters === 0) throw new ChaserError("read.pdf_no_text", { file: budget.file, pages: doc.numPages });
    return { lines, rules };
  } catch (error) {
    if (error instanceof ChaserError) throw error;
    const name = (error as { name?: string }).name;
    if (name === "PasswordException") throw new ChaserError("read.pdf_encrypted", { file: budget.file }, { cause: error });
    throw new ChaserError("read.bad_pdf", { file: budget.file }, { cause: error });
  } finally {
    await task.destroy().catch(() => {});
  }
}

type Matrix = [number, number, number, number, number, number];
const multiply = (m: Matrix, n: number[]): Matrix => [
  m[0] * n[0]! + m[2] * n[1]!,
  m[1] * n[0]! + m[3] * n[1]!,
  m[0] * n[2]! + m[2] * n[3]!,
  m[1] * n[2]! + m[3] * n[3]!,
  m[0] * n[4]! + m[2] * n[5]! + m[4],
  m[1] * n[4]! + m[3] * n[5]! + m[5],
];

/**
 * The horizontal lines a page draws (table borders, as lines or as thin filled rectangles), from
 * its operator list: pdf.js gives each path as move/line/curve/close codes in user space, under the
 * transforms of the save/restore stack.
 */
function rulesOf(operators: { fnArray: number[]; argsArray: unknown[] }, OPS: Record<string, number>, width: number, height: number, page: number): Rule[] {
  const rules: Rule[] = [];
  const stack: Matrix[] = [];
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  for (let i = 0; i < operators.fnArray.length; i++) {
    const fn = operators.fnArray[i];
    const args = operators.argsArray[i] as unknown[] | null;
    if (fn === OPS.save) stack.push(ctm);
    else if (fn === OPS.restore) ctm = stack.pop() ?? ctm;
    else if (fn === OPS.transform && args) ctm = multiply(ctm, args as number[]);
    else if (fn === OPS.constructPath && args) {
      const path = (args[1] as unknown[] | undefined)?.[0];
      if (!(path instanceof Float32Array) && !Array.isArray(path)) continue;
      const data = path as ArrayLike<number>;
      const point = (x: number, y: number): [number, number] => [ctm[0] * x + ctm[2] * y + ctm[4], height - (ctm[1] * x + ctm[3] * y + ctm[5])];
      let start: [number, number] | null = null;
      let at: [number, number] | null = null;
      for (let k = 0; k < data.length; ) {
        const op = data[k]!;
        if (op === 0) {
          at = start = point(data[k + 1]!, data[k + 2]!);
          k += 3;
        } else if (op === 1 || op === 4) {
          const to = op === 1 ? point(data[k + 1]!, data[k + 2]!) : start;
          k += op === 1 ? 3 : 1;
          // The page's own edges (a background filled over the whole page) are no table's border.
          const y = at && to ? (to[1] + at[1]) / 2 : 0;
          if (at && to && Math.abs(to[1] - at[1]) < 1 && Math.abs(to[0] - at[0]) > 8 && Math.abs(to[0] - at[0]) < width * 0.98 && y > 2 && y < height - 2) {
            rules.push({ page, y: (to[1] + at[1]) / 2, x0: Math.min(to[0], at[0]), x1: Math.max(to[0], at[0]) });
          }
          at = to;
        } else if (op === 2) {
          at = point(data[k + 5]!, data[k + 6]!);
          k += 7;
        } else if (op === 3) {
          at = point(data[k + 3]!, data[k + 4]!);
          k += 5;
        } else {
          break;
        }
      }
    }
  }
  return rules;
}

/** Items whose baselines are within half a font size of each other, top to bottom, left to right. */
function groupLines(items: Item[], page: number): Line[] {
  items.sort((a, b) => a.y - b.y || a.x0 - b.x0);
  const lines: Line[] = [];
  for (const item of items) {
    const line = lines.at(-1);
    if (line && Math.abs(item.y - line.y) <= Math.min(line.size, item.size) * 0.5) {
      line.items.push(item);
      line.size = Math.max(line.size, item.size);
    } else {
      lines.push({ page, y: item.y, size: item.size, items: [item] });
    }
  }
  for (const line of lines) line.items.sort((a, b) => a.x0 - b.x0);
  return lines;
}

/** Appends an item to a cell's text, with a space where the page shows a gap between them. */
function joinItem(cell: string, item: Item, before: Item | undefined): string {
  if (!cell) return item.text;
  const gap = before ? item.x0 - before.x1 : item.size;
  const spaced = gap > item.size * 0.15 && !cell.endsWith(" ") && !item.text.startsWith(" ");
  return spaced ? `${cell} ${item.text}` : cell + item.text;
}

function segmentsOf(line: Line): Segment[] {
  const segments: Segment[] = [];
  let previous: Item | null = null;
  for (const item of line.items) {
    const gap = previous ? item.x0 - previous.x1 : Infinity;
    const last = segments.at(-1);
    // A word space is about a quarter of the font size; cell padding on both sides of a border is more.
    if (last && gap <= item.size * 0.9) {
      last.text = joinItem(last.text, item, previous ?? undefined);
      last.x1 = Math.max(last.x1, item.x1);
    } else {
      segments.push({ text: item.text, x0: item.x0, x1: item.x1 });
    }
    previous = item;
  }
  return segments.map((s) => ({ ...s, text: s.text.replace(/\s+/g, " ").trim() })).filter((s) => s.text);
}

function columnOf(columns: Columns, x: number): number {
  let c = 0;
  while (c < columns.bounds.length && x >= columns.bounds[c]!) c++;
  return c;
}

/**
 * The header row starting at line i, if there is one: its cells (with a wrapped second or third
 * line of short words merged in, "Lead" over "Officer") and the column bounds halfway between
 * neighbouring header cells.
 */
function headerAt(lines: Line[], i: number): { cells: string[]; columns: Columns; consumed: number } | null {
  const first = segmentsOf(lines[i]!);
  if (first.length < 2) return null;
  let cells = first.map((s) => ({ ...s }));
  let consumed = 1;
  for (let k = i + 1; k < Math.min(lines.length, i + 3); k++) {
    const next = lines[k]!;
    const previous = lines[k - 1]!;
    if (next.page !== previous.page || next.y - previous.y > previous.size * 1.6) break;
    const extra = segmentsOf(next);
    const wraps =
      extra.length > 0 &&
      extra.length * 2 <= cells.length + 1 &&
      extra.every((s) => !/\d/.test(s.text) && s.text.split(" ").length <= 3 && cells.some((c) => overlaps(c, s)));
    if (!wraps) break;
    const merged = cells.map((c) => {
      const below = extra.filter((s) => overlaps(c, s));
      return below.length ? { text: [c.text, ...below.map((s) => s.text)].join(" "), x0: Math.min(c.x0, ...below.map((s) => s.x0)), x1: Math.max(c.x1, ...below.map((s) => s.x1)) } : c;
    });
    if (!isHeader(merged.map((c) => c.text))) break;
    cells = merged;
    consumed += 1;
  }
  const texts = cells.map((c) => c.text);
  if (!isHeader(texts)) return null;
  const bounds = cells.slice(1).map((c, j) => (cells[j]!.x1 + c.x0) / 2);
  return { cells: texts, columns: { bounds, width: cells.length }, consumed };
}

function isHeader(cells: string[]): boolean {
  return matchHeaderRow(cells) !== null || isThemeSummaryHeader(cells);
}

function overlaps(a: Segment, b: Segment): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1;
}

/**
 * Lines that are a page's furniture, not the plan's: page numbers, and any text repeated at the
 * same height on most pages (running titles, "OFFICIAL", a council's name in the footer), unless
 * it is a repeated table header.
 */
function dropRunningLines(lines: Line[], pages: number, inTable: (line: Line) => boolean): Line[] {
  const key = (l: Line) => `${Math.round(l.y / 4)}|${l.items.map((i) => i.text).join(" ").replace(/\d+/g, "#").replace(/\s+/g, " ").trim()}`;
  const seen = new Map<string, Set<number>>();
  for (const line of lines) {
    const k = key(line);
    if (!seen.has(k)) seen.set(k, new Set());
    seen.get(k)!.add(line.page);
  }
  return lines.filter((line) => {
    if (inTable(line)) return true;
    const text = line.items.map((i) => i.text).join(" ").replace(/\s+/g, " ").trim();
    if (/^(page\s*)?\d{1,4}(\s*(of|\/)\s*\d{1,4})?$/i.test(text)) return false;
    if (pages >= 3 && seen.get(key(line))!.size * 2 > pages && !isHeader(segmentsOf(line).map((s) => s.text))) return false;
    return true;
  });
}
