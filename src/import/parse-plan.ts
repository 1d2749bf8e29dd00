import { ChaserError } from "../domain/chaser-error.js";
import { translator, type Locale } from "../i18n.js";
import { matchHeaderRow } from "./match-columns.js";
import { parseActionTable } from "./parse-action-table.js";
import { isThemeSummaryHeader, parseThemeSummary } from "./parse-theme-summary.js";
import { ParsedPlan } from "./parsed-plan.js";
import type { ReadOptions } from "./import-limits.js";
import { readTable } from "./read-table.js";

/** The columns people are told to include when a file has none Chaser recognises. */
const EXPECTED_COLUMNS = "Recommendation, Action, Lead Officer, Target date, Status";

/**
 * Reads a plan file of any supported format and kind into a ParsedPlan, or throws a ChaserError
 * that names what is wrong. Pure: nothing is stored.
 */
export async function parsePlanFile(bytes: Uint8Array, fileName: string, locale: Locale = "en-GB", options: ReadOptions = {}): Promise<ParsedPlan> {
  const t = translator(locale);
  const table = await readTable(bytes, fileName, options);
  const notes = table.notes.map((n) => ({ line: n.line, message: t(n.code, n.params) }));
  const header = table.rows.find((r) => isThemeSummaryHeader(r.cells) || matchHeaderRow(r.cells));
  if (!header) throw new ChaserError("import.no_columns", { file: fileName, expected: EXPECTED_COLUMNS });

  let plan: ParsedPlan;
  if (isThemeSummaryHeader(header.cells)) {
    plan = parseThemeSummary(table.rows, { locale });
  } else {
    const parsed = parseActionTable(table.rows);
    if (!parsed) throw new ChaserError("import.no_columns", { file: fileName, expected: EXPECTED_COLUMNS });
    plan = {
      ...parsed.plan,
      warnings: parsed.warnings.map((w) => ({ line: w.line, message: t(w.code, { ...w.params, line: w.line }) })),
    };
  }
  if (plan.recommendations.length === 0) throw new ChaserError("import.no_rows", { file: fileName, line: header.line });
  plan.warnings = [...notes, ...plan.warnings].sort((a, b) => a.line - b.line);
  return ParsedPlan.parse(plan);
}
