import { Parser } from "htmlparser2";
import { ChaserError } from "../domain/chaser-error.js";
import type { ReadBudget } from "./import-limits.js";
import { matchHeaderRow } from "./match-columns.js";
import { isThemeSummaryHeader } from "./parse-theme-summary.js";
import type { Row } from "./row.js";
import { tableRows, type Grid, type Slot } from "./table-grid.js";
import type { ZipArchive } from "./zip-archive.js";

interface SheetRef {
  name: string;
  path: string;
}

interface Note {
  line: number;
  code: string;
  params: Record<string, string | number>;
}

/** Excel's built-in number formats that show a date (ids 14 to 17 and 22). */
const BUILT_IN_DATE_FORMATS = new Set([14, 15, 16, 17, 22]);
/** Excel's own sheet size, so a bogus cell reference cannot make a giant grid. */
const MAX_COLUMNS = 16_384;
const MAX_SHEET_ROWS = 1_048_576;

const local = (name: string) => name.slice(name.indexOf(":") + 1);

/**
 * Reads a workbook's sheets from their XML (streamed through htmlparser2 as it is inflated): cell
 * values as text (dates UK style, shared and rich text joined, formulas by their cached result),
 * merged cells. The sheet holding a plan is the one whose rows include a header row; when several
 * do, each is read under a heading with the sheet's name; the other sheets are named in notes.
 */
export function readXlsx(zip: ZipArchive, budget: ReadBudget): { rows: Row[]; notes: Note[] } {
  const damaged = (reason: string) => new ChaserError("import.bad_xlsx", { file: budget.file, reason });
  const { sheets, date1904 } = readWorkbook(zip, damaged);
  const strings = readSharedStrings(zip, budget);
  const dateStyles = readDateStyles(zip);

  const read: { sheet: SheetRef; rows: Row[]; plan: boolean }[] = [];
  // Progress in bytes of sheet XML, the bulk of a large workbook.
  const total = sheets.reduce((n, s) => n + zip.size(s.path), 0);
  let done = 0;
  for (const sheet of sheets) {
    if (!zip.has(sheet.path)) throw damaged(`missing ${sheet.path}`);
    const rows = readSheet(zip, sheet.path, strings, dateStyles, date1904, budget, (bytes) => budget.progress((done += bytes), total));
    if (rows.length === 0) continue;
    read.push({ sheet, rows, plan: rows.some((r) => isThemeSummaryHeader(r.cells) || matchHeaderRow(r.cells) !== null) });
  }
  if (read.length === 0) throw new ChaserError("import.empty_file", { file: budget.file });

  const plans = read.filter((s) => s.plan);
  const chosen = plans.length > 0 ? plans : [read[0]!];
  const notes: Note[] = read.filter((s) => !chosen.includes(s)).map((s) => ({ line: 0, code: "import.sheets_ignored", params: { sheet: s.sheet.name } }));
  if (chosen.length === 1) return { rows: chosen[0]!.rows, notes };
  notes.push({ line: 0, code: "read.sheets_read", params: { sheets: chosen.map((s) => s.sheet.name).join(", ") } });
  // Several sheets with a plan each, often one per directorate or theme: the sheet's name heads its rows.
  const rows = chosen.flatMap((s) => [{ line: s.rows[0]!.line, cells: [s.sheet.name], heading: true }, ...s.rows]);
  return { rows, notes };
}

function readWorkbook(zip: ZipArchive, damaged: (reason: string) => ChaserError): { sheets: SheetRef[]; date1904: boolean } {
  const workbook = zip.text("xl/workbook.xml");
  if (workbook === null) throw damaged("no xl/workbook.xml");
  const targets = new Map<string, string>();
  const rels = zip.text("xl/_rels/workbook.xml.rels") ?? "";
  parseXml(rels, (name, attrs) => {
    if (name === "Relationship" && attrs.Id && attrs.Target) targets.set(attrs.Id, attrs.Target);
  });
  const sheets: SheetRef[] = [];
  let date1904 = false;
  parseXml(workbook, (name, attrs) => {
    if (name === "workbookPr") date1904 = attrs.date1904 === "1" || attrs.date1904 === "true";
    if (name !== "sheet" || attrs.state === "hidden" || attrs.state === "veryHidden") return;
    const id = attrs["r:id"] ?? Object.entries(attrs).find(([k]) => k.endsWith(":id"))?.[1];
    const target = id ? targets.get(id) : undefined;
    if (!target) return;
    const path = target.startsWith("/") ? target.slice(1) : `xl/${target}`.replace(/\/[^/]+\/\.\.\//g, "/");
    // Chart sheets and dialog sheets hold no cells.
    if (!/worksheets\//.test(path)) return;
    sheets.push({ name: attrs.name ?? path, path });
  });
  return { sheets, date1904 };
}

function readSharedStrings(zip: ZipArchive, budget: ReadBudget): string[] {
  const strings: string[] = [];
  if (!zip.has("xl/sharedStrings.xml")) return strings;
  let current: string | null = null;
  let inText = false;
  // Phonetic guides (<rPh>) repeat the text's reading; they are not part of it.
  let phonetic = 0;
  const parser = new Parser(
    {
      onopentag(raw) {
        const name = local(raw);
        if (name === "si") current = "";
        else if (name === "rPh") phonetic += 1;
        else if (name === "t") inText = true;
      },
      ontext(text) {
        if (inText && current !== null && phonetic === 0) current += text;
      },
      onclosetag(raw) {
        const name = local(raw);
        if (name === "t") inText = false;
        else if (name === "rPh") phonetic -= 1;
        else if (name === "si" && current !== null) {
          budget.cell(current);
          strings.push(current);
          current = null;
        }
      },
    },
    { xmlMode: true },
  );
  zip.streamText("xl/sharedStrings.xml", (chunk) => parser.write(chunk));
  parser.end();
  return strings;
}

/** The cell style indexes (`s`) whose number format shows a date. */
function readDateStyles(zip: ZipArchive): Set<number> {
  const dates = new Set<number>();
  const xml = zip.text("xl/styles.xml");
  if (!xml) return dates;
  const custom = new Map<number, string>();
  let inCellXfs = false;
  let index = 0;
  parseXml(
    xml,
    (name, attrs) => {
      if (name === "numFmt") custom.set(Number(attrs.numFmtId), attrs.formatCode ?? "");
      else if (name === "cellXfs") inCellXfs = true;
      else if (name === "xf" && inCellXfs) {
        const id = Number(attrs.numFmtId ?? 0);
        if (BUILT_IN_DATE_FORMATS.has(id) || isDateFormat(custom.get(id))) dates.add(index);
        index += 1;
      }
    },
    (name) => {
      if (name === "cellXfs") inCellXfs = false;
    },
  );
  return dates;
}

function readSheet(zip: ZipArchive, path: string, strings: string[], dateStyles: Set<number>, date1904: boolean, budget: ReadBudget, onBytes: (bytes: number) => void): Row[] {
  const cellsByRow = new Map<number, string[]>();
  const merges: { top: number; left: number; bottom: number; right: number }[] = [];
  let rowNumber = 0;
  let cells: string[] | null = null;
  let col = 0;
  let type = "n";
  let style = 0;
  let value: string | null = null;
  let text: "v" | "t" | null = null;
  let phonetic = 0;

  const finishRow = () => {
    if (!cells) return;
    for (let i = 0; i < cells.length; i++) cells[i] ??= "";
    if (cells.some((c) => c.trim() !== "")) {
      budget.row(cells);
      cellsByRow.set(rowNumber, cells);
    }
    cells = null;
  };

  const parser = new Parser(
    {
      onopentag(raw, attrs) {
        const name = local(raw);
        switch (name) {
          case "row": {
            finishRow();
            const r = Number(attrs.r);
            rowNumber = Number.isInteger(r) && r > rowNumber && r <= MAX_SHEET_ROWS ? r : rowNumber + 1;
            cells = [];
            col = 0;
            break;
          }
          case "c": {
            const at = attrs.r ? columnOfRef(attrs.r) : -1;
            col = at >= 0 && at < MAX_COLUMNS ? at : col;
            type = attrs.t ?? "n";
            style = Number(attrs.s ?? 0);
            value = null;
            break;
          }
          case "v":
            text = "v";
            value = "";
            break;
          case "rPh":
            phonetic += 1;
            break;
          case "t":
            if (type === "inlineStr" && phonetic === 0) {
              text = "t";
              value ??= "";
            }
            break;
          case "mergeCell": {
            const [from, to] = (attrs.ref ?? "").split(":");
            const a = from ? cellRef(from) : null;
            const b = to ? cellRef(to) : a;
            if (a && b && b.col < MAX_COLUMNS && b.row <= MAX_SHEET_ROWS) {
              merges.push({ top: Math.min(a.row, b.row), left: Math.min(a.col, b.col), bottom: Math.max(a.row, b.row), right: Math.max(a.col, b.col) });
            }
            break;
          }
        }
      },
      ontext(chunk) {
        if (text && value !== null) {
          value += chunk;
          if (value.length > budget.limits.cellChars) budget.cell(value);
        }
      },
      onclosetag(raw) {
        const name = local(raw);
        if (name === "v" || name === "t") text = null;
        else if (name === "rPh") phonetic -= 1;
        else if (name === "c") {
          if (cells) cells[col] = cellText(type, value, dateStyles.has(style), strings, date1904);
          col += 1;
        } else if (name === "row") finishRow();
      },
    },
    { xmlMode: true },
  );
  zip.streamText(path, (chunk) => {
    parser.write(chunk);
    onBytes(chunk.length);
  });
  parser.end();
  finishRow();
  return mergedRows(cellsByRow, merges);
}

/** Lays the sheet's cells and merged ranges onto a grid, then reads it as any document table. */
function mergedRows(cellsByRow: Map<number, string[]>, merges: { top: number; left: number; bottom: number; right: number }[]): Row[] {
  if (cellsByRow.size === 0) return [];
  const numbers = [...cellsByRow.keys()].sort((a, b) => a - b);
  if (merges.length === 0) return numbers.map((n) => ({ line: n, cells: cellsByRow.get(n)! }));
  // Merged ranges may cover rows with no cells of their own; those rows exist in the grid.
  const all = new Set(numbers);
  for (const m of merges) for (let r = m.top; r <= Math.min(m.bottom, m.top + 10_000); r++) if (cellsByRow.has(m.top)) all.add(r);
  const lines = [...all].sort((a, b) => a - b);
  const indexOf = new Map(lines.map((n, i) => [n, i]));
  const grid: Grid = lines.map((n) => (cellsByRow.get(n) ?? []).map((text, c) => ({ text, top: indexOf.get(n)!, left: c, rows: 1, cols: 1 }) as Slot));
  for (const m of merges) {
    const top = indexOf.get(m.top);
    if (top === undefined) continue;
    const origin: Slot = { text: cellsByRow.get(m.top)?.[m.left] ?? "", top, left: m.left, rows: 1, cols: m.right - m.left + 1 };
    for (let r = m.top; r <= m.bottom; r++) {
      const i = indexOf.get(r);
      if (i === undefined) continue;
      origin.rows = i - top + 1;
      for (let c = m.left; c <= m.right; c++) grid[i]![c] = origin;
    }
  }
  // Rows were counted and checked as the sheet was read.
  return tableRows(grid, (i) => lines[i]!, () => {});
}

function cellText(type: string, value: string | null, isDate: boolean, strings: string[], date1904: boolean): string {
  if (value === null) return "";
  switch (type) {
    case "s":
      return strings[Number(value)] ?? "";
    case "inlineStr":
    case "str":
      return value;
    case "b":
      return value === "1" ? "TRUE" : "FALSE";
    case "e":
      return "";
    case "d":
      return ukDate(new Date(value));
    default: {
      const n = Number(value);
      if (!Number.isFinite(n)) return value;
      if (isDate) return ukDate(new Date(Math.round((n + (date1904 ? 1462 : 0) - 25569) * 86_400_000)));
      return String(n);
    }
  }
}

/** Excel dates are calendar days stored as UTC midnight; written UK style as a plan would. */
function ukDate(d: Date): string {
  if (Number.isNaN(d.getTime())) return "";
  return `${String(d.getUTCDate()).padStart(2, "0")}/${String(d.getUTCMonth() + 1).padStart(2, "0")}/${d.getUTCFullYear()}`;
}

/** Number formats that show a date: d, m or y outside quoted text and [colour] or [$-locale] tags. */
function isDateFormat(numFmt: string | undefined): boolean {
  return Boolean(numFmt && /[dmy]/i.test(numFmt.replace(/\[[^\]]*]/g, "").replace(/"[^"]*"/g, "")));
}

/** The 0-based column of a cell reference ("AB12", "$C$3"), or -1; read for every cell, so without a regex. */
function columnOfRef(ref: string): number {
  let col = 0;
  let letters = 0;
  let i = ref.charCodeAt(0) === 36 /* $ */ ? 1 : 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i) & ~32; // upper case
    if (c < 65 || c > 90) break;
    col = col * 26 + (c - 64);
    letters++;
  }
  if (letters === 0 || letters > 3) return -1;
  if (ref.charCodeAt(i) === 36) i++;
  const digits = ref.length - i;
  if (digits < 1 || digits > 7) return -1;
  for (; i < ref.length; i++) if (ref.charCodeAt(i) < 48 || ref.charCodeAt(i) > 57) return -1;
  return col - 1;
}

/** "AB12" as a 0-based column and 1-based row. */
function cellRef(ref: string): { col: number; row: number } | null {
  const m = /^\$?([A-Z]{1,3})\$?(\d{1,7})$/i.exec(ref);
  if (!m) return null;
  let col = 0;
  for (const ch of m[1]!.toUpperCase()) col = col * 26 + (ch.charCodeAt(0) - 64);
  return { col: col - 1, row: Number(m[2]) };
}

function parseXml(xml: string, onOpen: (name: string, attrs: Record<string, string>) => void, onClose?: (name: string) => void): void {
  const parser = new Parser({ onopentag: (raw, attrs) => onOpen(local(raw), attrs), onclosetag: (raw) => onClose?.(local(raw)) }, { xmlMode: true });
  parser.write(xml);
  parser.end();
}
