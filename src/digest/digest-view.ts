import type { Status } from "../domain/vocabulary.js";
import type { DigestRag, RagCounts, SlippageLevel, TrendDirection } from "./rag-rule.js";

/**
 * A digest's content, the one view model every renderer (Adaptive Card, Block Kit, playground,
 * DOCX, `chaser digest --json`) works from. Language-neutral: words are added by the renderers
 * from locales/.
 */
export interface DigestView {
  plan: { slug: string; title: string; kind: string };
  /** The theme a subscription asked for, else null for the whole plan. */
  theme: string | null;
  /** The UK day the digest is for. */
  asOf: string;
  /** Movement is counted after this moment (the channel's last digest), ISO. */
  since: string | null;
  /** The day of the digest the trend compares with. */
  previousAsOf: string | null;
  /** counted: from the actions by the rule; stated: as an imported theme summary states them. */
  source: "counted" | "stated";
  /** The date of the stated figures when source is stated. */
  statedAsOf: string | null;
  totals: ThemeView;
  themes: ThemeView[];
  /** Main actions by RAG at the last digests, oldest first, ending with this one. */
  trend: TrendPoint[];
  /** Plan-wide lists, longer than a theme's: the detail behind "Show all". */
  detail: ListsView;
  /**
   * Roles owning open actions of the plan with nobody mapped to them, by name: nobody is chased
   * for those actions, which the plan's admins need to know. Empty when every role has someone.
   */
  unmappedRoles: string[];
}

export interface TrendPoint extends RagCounts {
  asOf: string;
}

export interface MainActions extends RagCounts {
  total: number;
  /** How many of them had their RAG derived by the rule (no RAG given). */
  derived: number;
}

export interface ListedItem {
  ref: string;
  title: string;
  owners: string[];
  /** Days late, to go, silent or slipped, by list. */
  days: number | null;
  targetTo: string | null;
  /** The reason given (status words, progress), for slippage. */
  reason: string | null;
  mainRef: string | null;
  mainText: string | null;
  slip: SlippageLevel | null;
}

export interface Extension {
  ref: string;
  title: string;
  owners: string[];
  from: string | null;
  to: string;
  reason: string | null;
}

export interface Achievement {
  ref: string;
  title: string;
  owners: string[];
  kind: "completed" | "note";
  note: string | null;
  at: string;
}

/** Achievements in a week (Monday's date), or a period as a theme summary names it ("October"). */
export interface AchievementGroup {
  weekOf: string | null;
  period: string | null;
  items: Achievement[];
}

export type MilestoneState = "complete" | "on_track" | "overdue" | "delayed" | "blocked" | "on_hold" | "not_started" | "in_progress" | "cancelled" | "unknown";

export interface Milestone {
  ref: string;
  title: string;
  state: MilestoneState;
  /** The target as written ("Jan 2023"), else the date. */
  targetText: string | null;
  targetTo: string | null;
  status: Status | null;
  statusText: string | null;
}

export interface ListsView {
  overdue: ListedItem[];
  dueSoon: ListedItem[];
  silent: ListedItem[];
  /** Sub-actions slipping under amber and red main actions, most serious first. */
  slipping: ListedItem[];
  milestones: Milestone[];
}

export interface ThemeView extends ListsView {
  theme: string | null;
  main: MainActions;
  /** The previous digest's main actions, for the trend; null when there was none. */
  previous: RagCounts | null;
  trend: Record<DigestRag, { from: number | null; to: number; direction: TrendDirection }>;
  slippage: { onTrack: number; medium: number; significant: number };
  achievements: AchievementGroup[];
  extensions: Extension[];
  counts: { actions: number; open: number; overdue: number; dueSoon: number; silent: number; completed: number; notes: number; extensions: number; milestones: number };
}
