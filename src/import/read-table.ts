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
  const notes: Table["notes"] = encoding === "utf-8" ? [] : [{ line: 0, code: "import.encoding_guessed", params: { encoding } }];
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
    return { text: new TextDecoder("windows-1252").decode(bytes), encoding: "windows-1252" };
  }
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
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
    return records.map(({ record, info }) => {
      const breaks = record.reduce((n, cell) => n + (cell.match(/\n/g) ?? []).length, 0);
      return { line: info.lines - breaks, cells: record };
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
          cells[col - 1] = cellText(cell.value);
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

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) {
    // Excel dates are calendar days stored as UTC midnight; write them UK style as a plan would.
    const d = value;
    return `${String(d.getUTCDate()).padStart(2, "0")}/${String(d.getUTCMonth() + 1).padStart(2, "0")}/${d.getUTCFullYear()}`;
  }
  if (typeof value === "object") {
    if ("richText" in value) return value.richText.map((r) => r.text).join("");
    if ("text" in value && typeof value.text === "string") return value.text;
    if ("result" in value) return cellText((value as { result?: ExcelJS.CellValue }).result ?? null);
    if ("error" in value) return "";
  }
  return String(value);
}
