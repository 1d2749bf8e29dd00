import { ChaserError } from "../domain/chaser-error.js";
import { translator, type Locale } from "../i18n.js";
import { assessPlan } from "./assess-plan.js";
import { parseActionTable } from "./parse-action-table.js";
import { isThemeSummaryHeader, parseThemeSummary } from "./parse-theme-summary.js";
import { ParsedPlan } from "./parsed-plan.js";
import type { ReadOptions } from "./import-limits.js";
import { readColumns, type ColumnChoice } from "./read-columns.js";
import { readTable, type Table } from "./read-table.js";

/** The columns people are told to include when a file has none Chaser recognises. */
const EXPECTED_COLUMNS = "Recommendation, Action, Lead Officer, Target date, Status";

export interface ParseOptions {
  /** The mapping confirmed at the last import of this plan. */
  remembered?: ColumnChoice[];
  /** Roles a person gave to columns for this import ("Assigned To=owner"). */
  given?: ColumnChoice[];
}

/**
 * Reads a plan file of any supported format and kind into a ParsedPlan, or throws a ChaserError
 * that names what is wrong. Pure: nothing is stored.
 */
export async function parsePlanFile(bytes: Uint8Array, fileName: string, locale: Locale = "en-GB", options: ParseOptions & ReadOptions = {}): Promise<ParsedPlan> {
  return parsePlanTable(await readTable(bytes, fileName, options), fileName, locale, options);
}

/** A table already read, made into a plan: its columns found, read, and assessed. */
export function parsePlanTable(table: Table, fileName: string, locale: Locale = "en-GB", options: ParseOptions = {}): ParsedPlan {
  const t = translator(locale);
  const notes = table.notes.map((n) => ({ line: n.line, message: t(n.code, n.params) }));
  const summary = table.rows.find((r) => isThemeSummaryHeader(r.cells));
  let plan: ParsedPlan;
  let headerLine: number;
  if (summary) {
    plan = parseThemeSummary(table.rows, { locale });
    plan.reading = assessPlan(plan, null, t);
    headerLine = summary.line;
  } else {
    const reading = readColumns(table.rows, options);
    if (!reading) throw new ChaserError("import.no_columns", { file: fileName, expected: EXPECTED_COLUMNS });
    const parsed = parseActionTable(table.rows, { headerOf: reading.headerOf, initial: reading.initial });
    if (!parsed) throw new ChaserError("import.no_columns", { file: fileName, expected: EXPECTED_COLUMNS });
    plan = {
      ...parsed.plan,
      warnings: parsed.warnings.map((w) => ({ line: w.line, message: t(w.code, { ...w.params, line: w.line }) })),
    };
    plan.reading = assessPlan(plan, reading, t);
    headerLine = reading.headerLine ?? table.rows[reading.initial?.from ?? 0]?.line ?? 1;
  }
  if (plan.recommendations.length === 0) throw new ChaserError("import.no_rows", { file: fileName, line: headerLine });
  plan.warnings = [...notes, ...plan.warnings].sort((a, b) => a.line - b.line);
  return ParsedPlan.parse(plan);
}
