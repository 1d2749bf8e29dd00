import { z } from "zod";
import { Rag, Status } from "../domain/vocabulary.js";
import { Target } from "../domain/target.js";

/**
 * What the importer makes of a file before anything is stored: the shape `chaser import --json`
 * prints. Extra fields beyond the documented ones are allowed and used by the store.
 */
export const ParsedAction = z.object({
  /** Addressable ref: as written, or made from the recommendation ref and position ("2.3"). */
  ref: z.string().nullable(),
  /** True when the file gave no ref and `ref` was made from position. */
  refGenerated: z.boolean(),
  title: z.string(),
  detail: z.string().nullable(),
  /** Responsible owners as units ("CDAI", "Monitoring Officer", "Allister Bannin"). */
  owners: z.array(z.string()),
  /** Accountable roles where the plan names them apart from the responsible owners. */
  accountable: z.array(z.string()),
  target: Target.nullable(),
  status: Status.nullable(),
  statusText: z.string().nullable(),
  rag: Rag.nullable(),
  progress: z.string().nullable(),
  impact: z.string().nullable(),
  /** Cross-references to other plans' actions, e.g. "CO.13". */
  crossRefs: z.array(z.string()),
  /** Source line (1-based) where the action starts. */
  line: z.number().int().positive(),
});
export type ParsedAction = z.infer<typeof ParsedAction>;

export const ParsedRecommendation = z.object({
  ref: z.string().nullable(),
  text: z.string(),
  theme: z.string().nullable(),
  /** Who made the recommendation when the file says per row ("Grant Thornton", "LGA"). */
  body: z.string().nullable(),
  /** Context the plan gives beside the recommendation ("Key Issues"). */
  detail: z.string().nullable(),
  actions: z.array(ParsedAction),
  line: z.number().int().positive(),
});
export type ParsedRecommendation = z.infer<typeof ParsedRecommendation>;

export const ImportWarning = z.object({
  line: z.number().int().nonnegative(),
  message: z.string(),
});
export type ImportWarning = z.infer<typeof ImportWarning>;

/** Owner roles the file itself defines, e.g. "Corporate Director, … Investment CDAI" → CDAI. */
export const ParsedRole = z.object({ name: z.string(), aliases: z.array(z.string()) });
export type ParsedRole = z.infer<typeof ParsedRole>;

const RoleName = z.string();

/** How Chaser read the file's columns, what it found, and what it is unsure of: the preview. */
export const PlanReading = z.object({
  /** Line of the header row; null when the table had none and every column was read by content. */
  headerLine: z.number().int().nullable(),
  columns: z.array(
    z.object({
      column: z.string(),
      index: z.number().int().nonnegative(),
      heading: z.string(),
      role: RoleName.nullable(),
      source: z.enum(["mapping", "remembered", "heading", "content"]).nullable(),
      confidence: z.enum(["sure", "likely", "unsure"]),
      samples: z.array(z.string()),
    }),
  ),
  /** Open questions: the import waits for a person to confirm or correct these. */
  questions: z.array(
    z.object({
      column: z.string(),
      heading: z.string(),
      guess: RoleName.nullable(),
      reason: z.enum(["unsure", "unused", "no_header", "duplicate"]),
      /** Whether the import should wait for an answer ("unused" columns only inform). */
      open: z.boolean(),
      message: z.string(),
    }),
  ),
  found: z.object({
    recommendations: z.number().int(),
    actions: z.number().int(),
    owners: z.number().int(),
    targets: z.number().int(),
    statuses: z.number().int(),
  }),
  /** Refs of open actions that will never be prompted, and why. */
  unchased: z.object({ noOwner: z.array(z.string()), noTarget: z.array(z.string()), noStatus: z.array(z.string()) }),
  /** Dates written in an action's prose, offered as its target when it has none. */
  suggestedTargets: z.array(z.object({ ref: z.string(), phrase: z.string(), target: Target })),
});
export type PlanReading = z.infer<typeof PlanReading>;

export const ParsedPlan = z.object({
  title: z.string().nullable(),
  /** "action-table" for ordinary plans, "theme-summary" for a seed-003-style progress summary. */
  kind: z.enum(["action-table", "theme-summary"]),
  recommendations: z.array(ParsedRecommendation),
  roles: z.array(ParsedRole),
  warnings: z.array(ImportWarning),
  reading: PlanReading.optional(),
});
export type ParsedPlan = z.infer<typeof ParsedPlan>;
