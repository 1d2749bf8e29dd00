import type { TFunction } from "i18next";
import { z } from "zod";
import { ChaserError } from "../domain/chaser-error.js";
import { londonDate } from "../domain/london-date.js";
import type { Store } from "../store/open-store.js";
import { planExists, readPlanExport, readPlanHistory } from "../store/read-plan-export.js";
import { renderHistoryCsv } from "./render-history-csv.js";
import { renderPlanDocx } from "./render-plan-docx.js";
import { renderPlanXlsx } from "./render-plan-xlsx.js";

export const ExportFormat = z.enum(["xlsx", "docx", "csv"]);
export type ExportFormat = z.infer<typeof ExportFormat>;

export interface ExportedFile {
  fileName: string;
  mediaType: string;
  bytes: Buffer;
}

const MEDIA: Record<ExportFormat, string> = {
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  csv: "text/csv; charset=utf-8",
};

/**
 * A plan for the committee paper: the actions as a workbook (xlsx), the progress report (docx), or
 * the plan's history (csv). The same file whether asked for in a terminal or in chat.
 */
export async function exportPlan(store: Store, input: { slug: string; format: ExportFormat; t: TFunction; now: Date }): Promise<ExportedFile> {
  const today = londonDate(input.now);
  const fileName = `${input.slug}-${input.format === "csv" ? "history" : "actions"}-${today}.${input.format}`;
  if (input.format === "csv") {
    if (!(await planExists(store, input.slug))) throw new ChaserError("export.no_plan", { slug: input.slug });
    const parts: string[] = [];
    for await (const chunk of renderHistoryCsv(readPlanHistory(store, input.slug), input.t)) parts.push(chunk);
    return { fileName, mediaType: MEDIA.csv, bytes: Buffer.from(parts.join(""), "utf8") };
  }
  const plan = await readPlanExport(store, input.slug);
  if (!plan) throw new ChaserError("export.no_plan", { slug: input.slug });
  const bytes = input.format === "xlsx" ? await renderPlanXlsx(plan, input.t) : await renderPlanDocx(plan, input.t, today);
  return { fileName, mediaType: MEDIA[input.format], bytes };
}
