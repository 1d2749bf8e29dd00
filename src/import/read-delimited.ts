import { parse as parseCsv } from "csv-parse/sync";
import { ChaserError } from "../domain/chaser-error.js";
import type { ReadBudget } from "./import-limits.js";
import type { Row } from "./row.js";

/** Reads a tab- or comma-separated text file into rows, with the encoding it was read in. */
export function readDelimited(bytes: Uint8Array, budget: ReadBudget): { format: "tsv" | "csv"; rows: Row[]; encoding: string } {
  const fileName = budget.file;
  const { text, encoding } = decodeText(bytes, fileName);
  const format = guessDelimited(text, fileName);
  const rows = format === "tsv" ? splitTsv(text, budget) : splitCsv(text, budget);
  return { format, rows, encoding };
}

export function decodeText(bytes: Uint8Array, fileName: string): { text: string; encoding: string } {
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
function splitTsv(text: string, budget: ReadBudget): Row[] {
  const rows: Row[] = [];
  // Line by line, so a file of millions of lines is refused at the limit, not after splitting it all.
  for (let start = 0, line = 1; start <= text.length; line++) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const cells = text.slice(start, end > start && text[end - 1] === "\r" ? end - 1 : end).split("\t");
    budget.row(cells);
    rows.push({ line, cells });
    start = end + 1;
  }
  return rows;
}

function splitCsv(text: string, budget: ReadBudget): Row[] {
  const fileName = budget.file;
  let records: { record: string[]; raw: string }[];
  try {
    records = parseCsv(text, {
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      raw: true,
      // One record past the limit is enough to know the file is over it.
      to: budget.limits.rows + 1,
    }) as unknown as { record: string[]; raw: string }[];
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 0;
    throw new ChaserError("import.bad_csv", { file: fileName, line, reason: (error as Error).message }, { cause: error });
  }
  // A row's line is where it starts: one more than the line breaks in the rows before it, counted
  // from their raw text (csv-parse's own line count takes a CRLF inside a quoted cell for two).
  let line = 1;
  return records.map(({ record, raw }) => {
    budget.row(record);
    const row = { line, cells: record };
    line += (raw.match(/\r\n|\r|\n/g) ?? []).length;
    return row;
  });
}
