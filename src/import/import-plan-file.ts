import type { ReadProgress } from "./import-limits.js";
import type { Via } from "../domain/vocabulary.js";
import type { Locale } from "../i18n.js";
import { choicesOf, recallColumns, rememberColumns } from "../store/column-mappings.js";
import { importPlan, planSlug, type ImportReport } from "../store/import-plan.js";
import type { Store } from "../store/open-store.js";
import { acceptSuggestedTargets, openQuestions } from "./assess-plan.js";
import { parsePlanFile } from "./parse-plan.js";
import type { ParsedPlan } from "./parsed-plan.js";
import type { ColumnChoice } from "./read-columns.js";

export interface ImportFileRequest {
  bytes: Uint8Array;
  fileName: string;
  planName?: string | null;
  locale: Locale;
  /** Roles the person gave to columns for this import. */
  given?: ColumnChoice[];
  /** The person saw the preview and accepts Chaser's reading of what is left unsure. */
  confirmed: boolean;
  /** Only read the file and return the preview, whatever Chaser is sure of. */
  previewOnly?: boolean;
  /** Take the targets the actions' own words suggest where they have none. */
  acceptSuggested?: boolean;
  dryRun?: boolean;
  via: Via;
  actorLabel: string;
  actorPersonId?: string | null;
  now: Date;
  onProgress?: (done: number, total: number) => void;
  /** Reading the file, before any of it is stored (large files). */
  onReadProgress?: ReadProgress;
}

export type ImportFileResult =
  | { status: "needs_confirmation" | "preview"; slug: string; plan: ParsedPlan; remembered: boolean }
  | { status: "imported"; slug: string; plan: ParsedPlan; report: ImportReport; remembered: boolean };

/**
 * One import, whichever way the file came (command line, playground, chat): the plan's remembered
 * column mapping and the person's choices applied, then either a preview that waits for the
 * person (Chaser is unsure of a column) or the import, after which the mapping is remembered.
 */
export async function importPlanFile(store: Store, req: ImportFileRequest): Promise<ImportFileResult> {
  const slug = planSlug(req.planName, req.fileName);
  const remembered = await recallColumns(store.db, slug);
  let plan = await parsePlanFile(req.bytes, req.fileName, req.locale, { remembered: remembered ?? undefined, given: req.given, onProgress: req.onReadProgress });
  if (req.previewOnly) return { status: "preview", slug, plan, remembered: remembered !== null };
  if (openQuestions(plan).length > 0 && !req.confirmed) return { status: "needs_confirmation", slug, plan, remembered: remembered !== null };
  if (req.acceptSuggested) plan = acceptSuggestedTargets(plan);
  const report = await importPlan(store, plan, {
    planName: req.planName,
    sourceDocument: req.fileName,
    via: req.via,
    actorLabel: req.actorLabel,
    actorPersonId: req.actorPersonId,
    dryRun: req.dryRun,
    now: req.now,
    onProgress: req.onProgress,
  });
  // Only a reading that needed more than known headings is worth remembering.
  const reading = plan.reading;
  if (!req.dryRun && reading && reading.columns.some((c) => c.source !== "heading" && (c.role !== null || c.samples.length > 0))) {
    await rememberColumns(store.db, { planSlug: report.planSlug, choices: choicesOf(reading), via: req.via, actorLabel: req.actorLabel, actorPersonId: req.actorPersonId });
  }
  return { status: "imported", slug: report.planSlug, plan, report, remembered: remembered !== null };
}
