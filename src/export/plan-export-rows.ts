import type { TFunction } from "i18next";
import { fileSize } from "../domain/file-size.js";
import { londonDate, ukDate } from "../domain/london-date.js";
import type { ExportAction, PlanExport } from "../store/read-plan-export.js";
import { neutraliseCell } from "./neutralise-cell.js";

/** The columns of the plan's spreadsheet, one row per action, in order. */
export const EXPORT_COLUMNS = [
  "rec_ref",
  "recommendation",
  "theme",
  "action_ref",
  "action",
  "owners",
  "accountable",
  "original_target",
  "current_target",
  "status",
  "rag",
  "latest_update",
  "updated_on",
  "extensions",
  "verification",
] as const;

export const statusWords = (a: Pick<ExportAction, "status" | "statusText">, t: TFunction): string =>
  a.status ? t(`status.${a.status}`) : (a.statusText ?? "");

const when = (d: Date | null): string => (d ? ukDate(londonDate(d)) : "");
const target = (text: string | null): string => (text && /^\d{4}-\d{2}-\d{2}$/.test(text) ? ukDate(text) : (text ?? ""));

/** Each target move in words: "31/03/2024 → 30/09/2024 (staff shortage), by Jo Bloggs on 02/02/2024". */
export function extensionWords(a: ExportAction, t: TFunction): string {
  return a.extensions
    .map((e) => t("export.extension", { from: e.from ? ukDate(e.from) : "?", to: ukDate(e.to), reason: e.reason ?? t("export.no_reason"), by: e.by, on: when(e.at) }))
    .join("\n");
}

/**
 * The completion as an auditor checks it: when, the evidence (the link given, then each file by
 * name, size, SHA-256 and lasting link), and who verified it; or that it awaits verification.
 */
export function verificationWords(a: ExportAction, t: TFunction): string {
  const files = a.evidenceFiles.map((f) => t(f.link ? "export.evidence_file_link" : "export.evidence_file", { name: f.name, size: fileSize(f.size), sha256: f.sha256, link: f.link }));
  if (a.verification?.status === "pending") {
    const waiting = a.evidence ? t("export.awaiting_with_evidence", { on: when(a.verification.since), evidence: a.evidence }) : t("export.awaiting_verification", { on: when(a.verification.since) });
    return [waiting, ...files].join("\n");
  }
  if (!a.completedAt) return "";
  const completed = a.evidence ? t("export.completed_with_evidence", { on: when(a.completedAt), evidence: a.evidence }) : t("export.completed_on", { on: when(a.completedAt) });
  const verified = a.verification?.status === "accepted" && a.verification.by ? t("export.verified", { by: a.verification.by, on: when(a.verification.at) }) : null;
  return [completed, ...files, verified].filter(Boolean).join("\n");
}

/** The plan as rows of text, neutralised for spreadsheets: what the XLSX and any table export hold. */
export function planExportRows(plan: PlanExport, t: TFunction): { header: string[]; rows: string[][] } {
  const header = EXPORT_COLUMNS.map((c) => t(`export.columns.${c}`));
  const rows: string[][] = [];
  for (const r of plan.recommendations) {
    for (const a of r.actions) {
      rows.push(
        [
          r.ref,
          r.text,
          r.theme ?? "",
          a.ref,
          a.title,
          a.owners.join("; "),
          a.accountable.join("; "),
          target(a.originalTarget),
          target(a.currentTarget),
          statusWords(a, t),
          a.rag ? t(`rag.${a.rag}`) : "",
          a.progress ?? "",
          when(a.lastUpdateAt),
          extensionWords(a, t),
          verificationWords(a, t),
        ].map(neutraliseCell),
      );
    }
  }
  return { header, rows };
}
