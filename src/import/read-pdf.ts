import { ChaserError } from "../domain/chaser-error.js";
import type { ReadBudget } from "./import-limits.js";
import { matchHeaderRow } from "./match-columns.js";
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
  const lines = await pdfLines(bytes, budget);
  const pages = new Set(lines.map((l) => l.page)).size;
  const kept = dropRunningLines(lines, pages);
  const rows: Row[] = [];
  let columns: Columns | null = null;
  let lineNumber = 0;
  for (let i = 0; i < kept.length; i++) {
    const line = kept[i]!;
    const header = headerAt(kept, i);
    if (header) {
      columns = header.columns;
      lineNumber += 1;
      budget.row(header.cells);
      rows.push({ line: lineNumber, cells: header.cells });
      i += header.consumed - 1;
      continue;
    }
    lineNumber += 1;
    const segments = segmentsOf(line);
    if (!columns) {
      const cells = segments.map((s) => s.text);
      budget.row(cells);
      rows.push({ line: lineNumber, cells });
      continue;
    }
    if (segments.length === 1 && columnOf(columns, segments[0]!.x1 - 1) > columnOf(columns, segments[0]!.x0) && segments[0]!.text.length <= 100) {
      budget.row([segments[0]!.text]);
      rows.push({ line: lineNumber, cells: [segments[0]!.text], heading: true });
      continue;
    }
    const cells = new Array<string>(columns.width).fill("");
    for (const item of line.items) {
      const c = columnOf(columns, item.x0 + 0.5);
      cells[c] = joinItem(cells[c]!, item, line.items);
    }
    budget.row(cells);
    rows.push({ line: lineNumber, cells: cells.map((c) => c.trim()) });
  }
  return { rows, notes: [] };
}

async function pdfLines(bytes: Uint8Array, budget: ReadBudget): Promise<Line[]> {
  pdfjs ??= import("pdfjs-dist/legacy/build/pdf.mjs");
  const { getDocument } = await pdfjs;
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
      page.cleanup();
      budget.progress(p, doc.numPages);
    }
    if (characters === 0) throw new ChaserError("read.pdf_no_text", { file: budget.file, pages: doc.numPages });
    return lines;
  } catch (error) {
    if (error instanceof ChaserError) throw error;
    const name = (error as { name?: string }).name;
    if (name === "PasswordException") throw new ChaserError("read.pdf_encrypted", { file: budget.file }, { cause: error });
    throw new ChaserError("read.bad_pdf", { file: budget.file }, { cause: error });
  } finally {
    await task.destroy().catch(() => {});
  }
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
function joinItem(cell: string, item: Item, lineItems: Item[]): string {
  if (!cell) return item.text;
  const before = lineItems[lineItems.indexOf(item) - 1];
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
      last.text = joinItem(last.text, item, line.items);
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
function dropRunningLines(lines: Line[], pages: number): Line[] {
  const key = (l: Line) => `${Math.round(l.y / 4)}|${l.items.map((i) => i.text).join(" ").replace(/\d+/g, "#").replace(/\s+/g, " ").trim()}`;
  const seen = new Map<string, Set<number>>();
  for (const line of lines) {
    const k = key(line);
    if (!seen.has(k)) seen.set(k, new Set());
    seen.get(k)!.add(line.page);
  }
  return lines.filter((line) => {
    const text = line.items.map((i) => i.text).join(" ").replace(/\s+/g, " ").trim();
    if (/^(page\s*)?\d{1,4}(\s*(of|\/)\s*\d{1,4})?$/i.test(text)) return false;
    if (pages >= 3 && seen.get(key(line))!.size * 2 > pages && !isHeader(segmentsOf(line).map((s) => s.text))) return false;
    return true;
  });
}
