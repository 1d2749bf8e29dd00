import { parse as parseCsv } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { Readable } from "node:stream";
import { ChaserError } from "../domain/chaser-error.js";
import type { Row } from "./row.js";

/** Larger files are refused before parsing: no real action plan comes near it. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

export type TableFormat = "tsv" | "csv" | "xlsx";

export interface Table {
  format: TableFormat;
  rows: Row[];
  /** Problems with the file as a whole (encoding guessed, other sheets ignored). */
  notes: { line: number; code: string; params: Record<string, string | number> }[];
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/** Reads a plan file in any supported format into rows, refusing what is not a table. */
export async function readTable(bytes: Uint8Array, fileName: string): Promise<Table> {
  if (bytes.length === 0) throw new ChaserError("import.empty_file", { file: fileName });
  if (bytes.length > MAX_FILE_BYTES) {
    throw new ChaserError("import.file_too_large", { file: fileName, limitMb: MAX_FILE_BYTES / 1024 / 1024 });
  }
  if (ZIP_MAGIC.every((b, i) => bytes[i] === b)) return readXlsx(bytes, fileName);
  if (/\.xlsx$/i.test(fileName)) throw new ChaserError("import.bad_xlsx", { file: fileName });
  const { text, encoding } = decodeText(bytes, fileName);
  // UTF-16 announces itself with a byte-order mark; only a fallback to Windows-1252 is a guess.
  const notes: Table["notes"] = encoding === "windows-1252" ? [{ line: 0, code: "import.encoding_guessed", params: { encoding } }] : [];
  const format = guessDelimited(text, fileName);
  const rows = format === "tsv" ? splitTsv(text) : splitCsv(text, fileName);
  if (!rows.some((r) => r.cells.some((c) => c.trim() !== ""))) throw new ChaserError("import.empty_file", { file: fileName });
  return { format, rows, notes };
}

function decodeText(bytes: Uint8Array, fileName: string): { text: string; encoding: string } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder("utf-16le").decode(bytes.subarray(2)), encoding: "utf-16le" };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder("utf-16be").decode(bytes.subarray(2)), encoding: "utf-16be" };
  const head = bytes.subarray(0, 8192);
  // Text files never hold NUL bytes; spreadsheets, PDFs and images do.
  if (head.includes(0)) throw new ChaserError("import.binary_file", { file: fileName });
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    return { text, encoding: "utf-8" };
  } catch {
    // Excel on Windows saves CSV as Windows-1252; every byte sequence decodes there.
    return { text: decodeWindows1252(bytes), encoding: "windows-1252" };
  }
}

/** What Windows-1252 puts at 0x80–0x9F, where ISO-8859-1 has control characters (WHATWG mapping). */
const WINDOWS_1252_HIGH =
  "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F" +
  "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

/**
 * Node's TextDecoder("windows-1252") decodes as ISO-8859-1 (nodejs/node#56542), turning curly quotes,
 * dashes and "€" into control characters; so map the bytes ourselves.
 */
function decodeWindows1252(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString("latin1")
    .replace(/[\u0080-\u009F]/g, (c) => WINDOWS_1252_HIGH[c.charCodeAt(0) - 0x80]!);
}

function guessDelimited(text: string, fileName: string): "tsv" | "csv" {
  if (/\.tsv$|\.tab$/i.test(fileName)) return "tsv";
  if (/\.csv$/i.test(fileName)) return "csv";
  const sample = text.slice(0, 20_000);
  const tabs = (sample.match(/\t/g) ?? []).length;
  const commas = (sample.match(/,/g) ?? []).length;
  // Prose is full of commas, so tabs win whenever a fair number of them are present.
  return tabs > 0 && tabs * 4 >= Math.min(commas, 40) ? "tsv" : "csv";
}

/** Tab-separated text as extracted from PDFs: no quoting, quotes inside cells are literal. */
function splitTsv(text: string): Row[] {
  return text.split(/\r?\n/).map((line, i) => ({ line: i + 1, cells: line.split("\t") }));
}

function splitCsv(text: string, fileName: string): Row[] {
  try {
    const records = parseCsv(text, {
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      raw: true,
    }) as unknown as { record: string[]; raw: string }[];
    // A row's line is where it starts: one more than the line breaks in the rows before it, counted
    // from their raw text (csv-parse's own line count takes a CRLF inside a quoted cell for two).
    let line = 1;
    return records.map(({ record, raw }) => {
      const row = { line, cells: record };
      line += (raw.match(/\r\n|\r|\n/g) ?? []).length;
      return row;
    });
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 0;
    throw new ChaserError("import.bad_csv", { file: fileName, line, reason: (error as Error).message }, { cause: error });
  }
}

async function readXlsx(bytes: Uint8Array, fileName: string): Promise<Table> {
  const rows: Row[] = [];
  const notes: Table["notes"] = [];
  let sheets = 0;
  try {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([Buffer.from(bytes)]), {
      sharedStrings: "cache",
      hyperlinks: "ignore",
      styles: "cache",
      worksheets: "emit",
    });
    for await (const sheet of reader) {
      sheets += 1;
      // A plan is one table; later sheets are usually pivots or lookups.
      if (sheets > 1) {
        notes.push({ line: 0, code: "import.sheets_ignored", params: { sheet: (sheet as unknown as { name?: string }).name ?? String(sheets) } });
        continue;
      }
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        const cells: string[] = [];
        row.eachCell({ includeEmpty: true }, (cell, col) => {
          cells[col - 1] = cellText(cell.value, cell.numFmt);
        });
        for (let i = 0; i < cells.length; i++) cells[i] ??= "";
        rows.push({ line: row.number, cells });
      }
    }
  } catch (error) {
    if (error instanceof ChaserError) throw error;
    throw new ChaserError("import.bad_xlsx", { file: fileName }, { cause: error });
  }
  if (!rows.some((r) => r.cells.some((c) => c.trim() !== ""))) throw new ChaserError("import.empty_file", { file: fileName });
  return { format: "xlsx", rows, notes };
}

/** Number formats that show a date: d, m or y outside quoted text and [colour] or [$-locale] tags. */
function isDateFormat(numFmt: string | undefined): boolean {
  return Boolean(numFmt && /[dmy]/i.test(numFmt.replace(/\[[^\]]*]/g, "").replace(/"[^"]*"/g, "")));
}

/** The date an Excel serial day number means (1900 date system), at UTC midnight. */
function excelSerialDate(serial: number): Date {
  return new Date(Math.round((serial - 25569) * 86_400_000));
}

function cellText(value: ExcelJS.CellValue, numFmt?: string): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) {
    // Excel dates are calendar days stored as UTC midnight; write them UK style as a plan would.
    const d = value;
    return `${String(d.getUTCDate()).padStart(2, "0")}/${String(d.getUTCMonth() + 1).padStart(2, "0")}/${d.getUTCFullYear()}`;
  }
  if (typeof value === "object") {
    if ("richText" in value) return value.richText.map((r) => r.text).join("");
    if ("text" in value && typeof value.text === "string") return value.text;
    if ("result" in value) {
      // exceljs converts plain date cells, but leaves a formula's date result (=E2+90) as a serial number.
      const result = (value as { result?: ExcelJS.CellValue }).result ?? null;
      return cellText(typeof result === "number" && isDateFormat(numFmt) ? excelSerialDate(result) : result);
    }
    if ("error" in value) return "";
  }
  return String(value);
}
