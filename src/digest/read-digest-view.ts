import { addDays, londonDate } from "../domain/london-date.js";
import { normaliseStatus } from "../domain/normalise-status.js";
import type { ScheduleSettings } from "../schedule/schedule-settings.js";
import type { Store } from "../store/open-store.js";
import { rolesNobodyMapped } from "../store/owners.js";
import {
  readEarlierFigures,
  readListedActions,
  readPeriodHistory,
  readPlanThemes,
  readStatedFigures,
  readThemeFigures,
  type ActionBrief,
  type HistoryRow,
  type ListedRow,
  type StoredFigures,
  type ThemeFigures,
} from "../store/read-digest.js";
import type { Achievement, AchievementGroup, DigestView, Extension, ListedItem, ListsView, Milestone, MilestoneState, ThemeView } from "./digest-view.js";
import { ragTrend, type RagCounts, type RuleContext } from "./rag-rule.js";

/** Themes shown on the card, those needing most attention first; the rest are in "Show all". */
export const MAX_THEMES = 6;

export const DIGEST_DEFAULTS = {
  /** "Due soon" in a digest looks further ahead than a prompt: four weeks. */
  dueWithinDays: 28,
  /** Items each theme's list names; the card shows fewer. */
  perTheme: 5,
  /** Items each plan-wide list names, behind "Show all". */
  planWide: 25,
  /** Points on the trend chart: this digest and the seven before. */
  trendPoints: 8,
  slippageMediumDays: 1,
  slippageSignificantDays: 28,
};

/** The rules' context from the calendar and the plan's settings. */
export function ruleContext(now: Date, settings: ScheduleSettings): RuleContext {
  return {
    today: londonDate(now),
    now,
    dueSoonDays: settings.dueSoonDays,
    quietDays: settings.cadenceDays,
    mediumDays: settings.slippageMediumDays ?? DIGEST_DEFAULTS.slippageMediumDays,
    significantDays: Math.max(settings.slippageSignificantDays ?? DIGEST_DEFAULTS.slippageSignificantDays, settings.slippageMediumDays ?? 1),
  };
}

export interface DigestRequest {
  plan: { id: string; slug: string; title: string; kind: string };
  themeId: string | null;
  now: Date;
  /** Movement after this moment counts; null: everything. */
  since: Date | null;
  settings: ScheduleSettings;
  perTheme?: number;
  planWide?: number;
  /** Whose actions the per-theme lists name: every theme's, or the first N needing attention (default: the card's). */
  listThemes?: "all" | number;
}

/** Themes needing most attention first: red main actions, significant slippage, amber, overdue. */
export function needingAttention<T extends { red: number; amber: number; significant: number; overdue: number }>(themes: T[]): T[] {
  return [...themes].sort((a, b) => b.red - a.red || b.significant - a.significant || b.amber - a.amber || b.overdue - a.overdue);
}

/** Builds a digest's view model from aggregate queries; nothing loads the whole plan. */
export async function readDigestView(store: Store, req: DigestRequest): Promise<DigestView> {
  const ctx = ruleContext(req.now, req.settings);
  const perTheme = req.perTheme ?? DIGEST_DEFAULTS.perTheme;
  const planWide = req.planWide ?? DIGEST_DEFAULTS.planWide;
  const query = { planId: req.plan.id, themeId: req.themeId, ctx, dueWithinDays: DIGEST_DEFAULTS.dueWithinDays, silentDays: req.settings.silentDays, perTheme, planWide };
  const themeRows = await readPlanThemes(store, req.plan.id);
  const themeName = new Map<string | null, string | null>(themeRows.map((t) => [t.id, t.name]));
  themeName.set(null, null);
  const subscribedTheme = req.themeId ? (themeName.get(req.themeId) ?? null) : null;

  // The plan-wide lists, the period's history and the unmapped roles need no figures: on
  // PostgreSQL they run on other connections while the figures are counted.
  const [figures, wide, relevant, unmapped] = await Promise.all([
    readThemeFigures(store, query),
    readListedActions(store, query, [], true),
    readPeriodHistory(store, req.plan.id, req.themeId, req.since, req.now),
    rolesNobodyMapped(store.db, req.plan.id),
  ]);
  // A card names the actions of the themes it shows; the command line and the document, every theme's.
  const listThemes = req.listThemes === "all" ? "all" : needingAttention(figures).slice(0, req.listThemes ?? MAX_THEMES).map((f) => f.themeId);
  const listed = [...wide, ...(await readListedActions(store, query, listThemes, false))];
  const briefs = new Map<string, ActionBrief>(relevant.map((h) => [h.actionId, h.action]));
  const trendTheme = subscribedTheme ?? "";
  const stated = req.plan.kind === "theme-summary" ? await readStatedFigures(store, req.plan.id, ctx.today) : [];
  // A theme summary's figures are compared with the figures before the document's own date.
  const earlier = await readEarlierFigures(store, req.plan.id, stated[0]?.asOf ?? ctx.today, trendTheme, DIGEST_DEFAULTS.trendPoints - 1);
  const statedByTheme = new Map(stated.map((s) => [s.theme, s]));
  const previousByTheme = new Map(earlier.previous.map((s) => [s.theme, s]));

  const order = new Map(themeRows.map((t) => [t.id, t.position]));
  const sorted = [...figures].sort((a, b) => (order.get(a.themeId ?? "") ?? Number.MAX_SAFE_INTEGER) - (order.get(b.themeId ?? "") ?? Number.MAX_SAFE_INTEGER));
  const listedByTheme = groupBy(listed.filter((l) => !l.planWide), (l) => l.themeId);
  const historyByTheme = groupBy(relevant, (h) => h.action.themeId);
  const themes = sorted.map((f) => {
    const name = themeName.get(f.themeId) ?? null;
    return themeView(name, f, listedByTheme.get(f.themeId) ?? [], historyByTheme.get(f.themeId) ?? [], briefs, ctx.today, previousByTheme.get(name ?? "") ?? null, statedByTheme.get(name ?? "") ?? null);
  });
  const sum = sumFigures(figures);
  const statedTotal = stated.length > 0 ? sumStated(req.themeId ? stated.filter((s) => s.theme === subscribedTheme) : stated) : null;
  const totals = themeView(null, sum, listed.filter((l) => l.planWide), relevant, briefs, ctx.today, previousByTheme.get(trendTheme) ?? null, statedTotal);
  const now: RagCounts = { red: totals.main.red, amber: totals.main.amber, green: totals.main.green, complete: totals.main.complete };
  return {
    plan: { slug: req.plan.slug, title: req.plan.title, kind: req.plan.kind },
    theme: subscribedTheme,
    asOf: ctx.today,
    since: req.since ? req.since.toISOString() : null,
    previousAsOf: earlier.previous[0]?.asOf ?? null,
    source: stated.length > 0 ? "stated" : "counted",
    statedAsOf: stated[0]?.asOf ?? null,
    totals,
    themes,
    trend: [...earlier.trend.map((p) => ({ asOf: p.asOf, red: p.red, amber: p.amber, green: p.green, complete: p.complete })), { asOf: stated[0]?.asOf ?? ctx.today, ...now }],
    detail: { overdue: totals.overdue, dueSoon: totals.dueSoon, silent: totals.silent, slipping: totals.slipping, milestones: totals.milestones },
    unmappedRoles: unmapped,
  };
}

function themeView(
  theme: string | null,
  f: ThemeFigures,
  listed: ListedRow[],
  history: HistoryRow[],
  briefs: Map<string, ActionBrief>,
  today: string,
  previous: StoredFigures | null,
  stated: StoredFigures | null,
): ThemeView {
  // A theme summary's own figures stand for its main actions: its "actions" are milestones.
  const source = stated ?? f;
  const main = { red: source.red, amber: source.amber, green: source.green, complete: source.complete, derived: stated ? 0 : f.derived, total: source.red + source.amber + source.green + source.complete };
  const slippage = { onTrack: source.onTrack, medium: source.medium, significant: source.significant };
  const item = (r: ListedRow): ListedItem => ({
    ref: r.ref,
    title: r.title,
    owners: r.owners,
    days: r.days,
    targetTo: r.targetTo,
    reason: [r.statusText, r.progress].find((text): text is string => Boolean(text) && !onlyAStatus(text!)) ?? null,
    mainRef: r.mainRef,
    mainText: r.mainText,
    slip: r.slip,
  });
  const of = (kind: ListedRow["kind"]) => listed.filter((l) => l.kind === kind);
  const milestones: Milestone[] = of("milestone").map((r) => ({
    ref: r.ref,
    title: r.title,
    state: milestoneState(r, today),
    targetText: r.targetText,
    targetTo: r.targetTo,
    status: r.status,
    statusText: r.statusText,
  }));
  const { achievements, completed, notes } = achievementsOf(history, briefs);
  const extensions = extensionsOf(history, briefs);
  const statedAchievements = stated ? statedGroups(stated.extra) : [];
  const prev: RagCounts | null = previous ? { red: previous.red, amber: previous.amber, green: previous.green, complete: previous.complete } : null;
  const lists: ListsView = { overdue: of("overdue").map(item), dueSoon: of("dueSoon").map(item), silent: of("silent").map(item), slipping: of("slipping").map(item), milestones };
  return {
    theme,
    main,
    previous: prev,
    trend: ragTrend(main, prev),
    slippage,
    achievements: achievements.length > 0 ? achievements : statedAchievements,
    extensions,
    ...lists,
    counts: { actions: f.actions, open: f.open, overdue: f.overdue, dueSoon: f.dueSoon, silent: f.silent, completed, notes, extensions: extensions.length, milestones: milestones.length },
  };
}

/** A milestone's state in words' terms: complete, on track (for its target), overdue, delayed… */
export function milestoneState(r: { status: ListedRow["status"]; statusText: string | null; targetTo: string | null }, today: string): MilestoneState {
  if (r.status === "complete") return "complete";
  if (r.status === "cancelled") return "cancelled";
  if (r.status !== "ongoing" && r.targetTo && r.targetTo < today) return "overdue";
  if (r.status === "delayed" || r.status === "blocked" || r.status === "on_hold" || r.status === "not_started") return r.status;
  // "Commenced" stays commenced; "on track for …" (or a target with nothing said) is on track for it.
  if (r.status === "in_progress" || r.status === "ongoing") return r.targetTo && (!r.statusText || /\bon track\b/i.test(r.statusText)) ? "on_track" : "in_progress";
  return r.targetTo ? "on_track" : "unknown";
}

/** Completions and progress notes of the period, grouped by week (Monday), newest week first. */
// UK offsets are whole hours, so an hour's week (its UK day's Monday) is worked out once, not once an item.
const WEEK_OF_HOUR = new Map<string, string>();
function weekOfHour(iso: string): string {
  const hour = iso.slice(0, 13);
  let week = WEEK_OF_HOUR.get(hour);
  if (week === undefined) {
    const day = londonDate(new Date(iso));
    week = addDays(day, -((new Date(`${day}T12:00:00Z`).getUTCDay() + 6) % 7));
    if (WEEK_OF_HOUR.size > 10_000) WEEK_OF_HOUR.clear();
    WEEK_OF_HOUR.set(hour, week);
  }
  return week;
}

function achievementsOf(history: HistoryRow[], briefs: Map<string, ActionBrief>): { achievements: AchievementGroup[]; completed: number; notes: number } {
  const items: Achievement[] = [];
  const seen = new Set<string>();
  for (const h of history) {
    const b = briefs.get(h.actionId)!;
    const at = h.at.toISOString();
    if (h.after.status === "complete" && h.before.status !== "complete" && !seen.has(`c:${h.actionId}`)) {
      seen.add(`c:${h.actionId}`);
      items.push({ ref: b.ref, title: b.title, owners: b.owners, kind: "completed", note: typeof h.after.progress === "string" ? h.after.progress : null, at });
    } else if (typeof h.after.progress === "string" && h.after.progress && h.after.progress !== h.before.progress) {
      items.push({ ref: b.ref, title: b.title, owners: b.owners, kind: "note", note: h.after.progress, at });
    }
  }
  const groups = new Map<string, Achievement[]>();
  for (const a of items) {
    const week = weekOfHour(a.at);
    const list = groups.get(week);
    if (list) list.push(a);
    else groups.set(week, [a]);
  }
  const achievements = [...groups.entries()].sort((a, b) => (a[0] < b[0] ? 1 : -1)).map(([weekOf, list]) => ({ weekOf, period: null, items: list }));
  return { achievements, completed: items.filter((i) => i.kind === "completed").length, notes: items.filter((i) => i.kind === "note").length };
}

function extensionsOf(history: HistoryRow[], briefs: Map<string, ActionBrief>): Extension[] {
  return history
    .filter((h) => typeof h.after.targetTo === "string" && typeof h.before.targetTo === "string" && h.after.targetTo > h.before.targetTo)
    .map((h) => {
      const b = briefs.get(h.actionId)!;
      const reason = typeof h.after.statusText === "string" && h.after.statusText ? h.after.statusText : h.note?.replace(/^delayed:\s*/, "") || null;
      return { ref: b.ref, title: b.title, owners: b.owners, from: h.before.targetTo as string, to: h.after.targetTo as string, reason };
    });
}

function statedGroups(extra: unknown): AchievementGroup[] {
  const periods = (extra as { achievements?: { period: string; items: string[] }[] } | null)?.achievements ?? [];
  return periods.map((p) => ({ weekOf: null, period: p.period, items: p.items.map((title) => ({ ref: "", title, owners: [], kind: "completed" as const, note: null, at: "" })) }));
}

function sumFigures(rows: ThemeFigures[]): ThemeFigures {
  const keys = ["red", "amber", "green", "complete", "derived", "onTrack", "medium", "significant", "actions", "open", "overdue", "dueSoon", "silent"] as const;
  const out = { themeId: null } as ThemeFigures;
  for (const k of keys) out[k] = rows.reduce((n, r) => n + r[k], 0);
  return out;
}

function sumStated(rows: StoredFigures[]): StoredFigures {
  const keys = ["red", "amber", "green", "complete", "derived", "onTrack", "medium", "significant"] as const;
  const out = { ...rows[0]!, theme: "", extra: null };
  for (const k of keys) out[k] = rows.reduce((n, r) => n + r[k], 0);
  return out;
}

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/**
 * A status cell that only names the status ("In progress", "Delayed", "On track") gives no reason
 * for slipping: "because In progress" would read as one.
 */
function onlyAStatus(text: string): boolean {
  const plain = text.replace(/[^\p{L}\p{N}\s]/gu, " ").trim();
  if (plain.split(/\s+/).length > 2) return false;
  const { status, rag } = normaliseStatus(text);
  return status !== null || rag !== null;
}
