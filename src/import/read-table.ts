import { ChaserError } from "../domain/chaser-error.js";
import { detectFormat } from "./detect-format.js";
import { IMPORT_LIMITS, ReadBudget, type ReadOptions } from "./import-limits.js";
import { readDelimited } from "./read-delimited.js";
import { readDocx } from "./read-docx.js";
import { readHtml } from "./read-html.js";
import { readPdf } from "./read-pdf.js";
import { readXlsx } from "./read-xlsx.js";
import type { Row } from "./row.js";
import { ZipArchive } from "./zip-archive.js";

/** Larger files are refused before parsing: no real action plan comes near it. */
export const MAX_FILE_BYTES = IMPORT_LIMITS.fileBytes;

export type TableFormat = "tsv" | "csv" | "xlsx" | "docx" | "pdf" | "html";

export interface Table {
  format: TableFormat;
  rows: Row[];
  /** Problems with the file as a whole (encoding guessed, other sheets ignored). */
  notes: { line: number; code: string; params: Record<string, string | number> }[];
}

/**
 * Reads a plan file in any supported format into rows, refusing what is not a table. The format
 * is told from the bytes (a .docx named .xlsx is still read as Word); every reader is held to the
 * limits in IMPORT_LIMITS as it reads, and anything a library throws becomes a coded error.
 */
export async function readTable(bytes: Uint8Array, fileName: string, options: ReadOptions = {}): Promise<Table> {
  const budget = new ReadBudget(fileName, options);
  if (bytes.length === 0) throw new ChaserError("import.empty_file", { file: fileName });
  if (bytes.length > budget.limits.fileBytes) {
    throw new ChaserError("import.file_too_large", { file: fileName, limitMb: Math.round(budget.limits.fileBytes / 1024 / 1024) });
  }
  const table = await readDetected(bytes, fileName, budget);
  if (!table.rows.some((r) => r.cells.some((c) => c.trim() !== ""))) throw new ChaserError("import.empty_file", { file: fileName });
  return table;
}

async function readDetected(bytes: Uint8Array, fileName: string, budget: ReadBudget): Promise<Table> {
  const detected = detectFormat(bytes, fileName);
  switch (detected.kind) {
    case "zip": {
      const damagedCode = /\.docx$/i.test(fileName) ? "read.bad_docx" : "import.bad_xlsx";
      const zip = guarded(damagedCode, fileName, () => ZipArchive.open(bytes, budget, damagedCode));
      if (zip.has("word/document.xml")) {
        const { rows } = guarded("read.bad_docx", fileName, () => readDocx(zip, budget));
        return { format: "docx", rows, notes: [] };
      }
      if (zip.has("xl/workbook.xml")) {
        const { rows, notes } = guarded("import.bad_xlsx", fileName, () => readXlsx(zip, budget));
        return { format: "xlsx", rows, notes };
      }
      const mimetype = zip.has("mimetype") ? (zip.text("mimetype") ?? "") : "";
      throw new ChaserError(mimetype.includes("opendocument") ? "read.unsupported_opendocument" : "read.unsupported_zip", { file: fileName });
    }
    case "pdf": {
      const { rows, notes } = await readPdf(bytes, budget);
      return { format: "pdf", rows, notes };
    }
    case "html": {
      const { rows } = guarded("read.bad_html", fileName, () => readHtml(bytes, budget));
      return { format: "html", rows, notes: [] };
    }
    case "unsupported":
      throw new ChaserError(`read.unsupported_${detected.what}`, { file: fileName });
    case "text": {
      // A file named .xlsx or .docx that is not a zip was damaged on the way (or renamed).
      if (/\.xlsx$/i.test(fileName)) throw new ChaserError("import.bad_xlsx", { file: fileName });
      if (/\.docx$/i.test(fileName)) throw new ChaserError("read.bad_docx", { file: fileName });
      if (/\.pdf$/i.test(fileName)) throw new ChaserError("read.bad_pdf", { file: fileName });
      const { format, rows, encoding } = readDelimited(bytes, budget);
      // UTF-16 announces itself with a byte-order mark; only a fallback to Windows-1252 is a guess.
      const notes: Table["notes"] = encoding === "windows-1252" ? [{ line: 0, code: "import.encoding_guessed", params: { encoding } }] : [];
      return { format, rows, notes };
    }
  }
}

/** Runs a reader, turning whatever a library throws into the format's own coded error. */
function guarded<T>(code: string, file: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ChaserError) throw error;
    throw new ChaserError(code, { file }, { cause: error });
  }
}
