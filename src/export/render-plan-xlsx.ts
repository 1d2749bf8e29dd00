import ExcelJS from "exceljs";
import type { TFunction } from "i18next";
import type { PlanExport } from "../store/read-plan-export.js";
import { planExportRows } from "./plan-export-rows.js";

const WIDTHS = [8, 50, 20, 8, 50, 24, 24, 14, 14, 14, 8, 50, 12, 40, 30];

/** The plan as a workbook: one row per action, a frozen header row, filters, text wrapped. */
export async function renderPlanXlsx(plan: PlanExport, t: TFunction): Promise<Buffer> {
  const { header, rows } = planExportRows(plan, t);
  const book = new ExcelJS.Workbook();
  book.creator = "Chaser";
  const sheet = book.addWorksheet(t("export.sheet_name"), { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = header.map((h, i) => ({ header: h, width: WIDTHS[i] ?? 20 }));
  sheet.getRow(1).font = { bold: true };
  // Every cell is written as a string: nothing in a plan becomes a formula, a number or a date by accident.
  for (const row of rows) sheet.addRow(row).alignment = { wrapText: true, vertical: "top" };
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: header.length } };
  return Buffer.from(await book.xlsx.writeBuffer());
}
