import type { Status } from "../domain/vocabulary.js";
import { type RuleContext, type SlippageLevel, SLIPPAGE_LEVELS } from "../digest/rag-rule.js";
import { compile, fence, ruleSql, ruleValues, type Bound } from "./digest-sql.js";
import type { Store } from "./open-store.js";

/*
 * The digest's figures straight from the database: one aggregate statement for the counts per
 * theme, one statement of ranked LIMITs for the few actions each list names, and the period's
 * history. Nothing loads the whole plan; the rules' SQL is in digest-sql.ts.
 */

export interface DigestQuery {
  planId: string;
  /** One theme's digest, else the whole plan's. */
  themeId: string | null;
  ctx: RuleContext;
  /** "Due soon" in a digest: a target within this many days. */
  dueWithinDays: number;
  silentDays: number;
  /** How many actions each list names per theme. */
  perTheme: number;
  /** How many actions each plan-wide list names (the full lists behind "Show all"). */
  planWide: number;
}

export interface ThemeFigures {
  /** null: actions under no theme. */
  themeId: string | null;
  /** Main actions by RAG, and how many of them had it derived. */
  red: number;
  amber: number;
  green: number;
  complete: number;
  derived: number;
  /** Open sub-actions under amber and red main actions, by slippage level. */
  onTrack: number;
  medium: number;
  significant: number;
  actions: number;
  open: number;
  overdue: number;
  dueSoon: number;
  silent: number;
}

export type ListKind = "overdue" | "dueSoon" | "silent" | "slipping" | "milestone";

export interface ListedRow {
  kind: ListKind;
  /** null for a plan-wide list. */
  themeId: string | null;
  planWide: boolean;
  id: string;
  ref: string;
  title: string;
  status: Status | null;
  statusText: string | null;
  progress: string | null;
  targetText: string | null;
  targetTo: string | null;
  originalTargetTo: string | null;
  mainRef: string | null;
  mainText: string;
  /** Days late, days to go, days silent or days slipped, by list. */
  days: number | null;
  slip: SlippageLevel | null;
  owners: string[];
}

export interface HistoryRow {
  actionId: string;
  at: Date;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  note: string | null;
  actorLabel: string;
  action: ActionBrief;
}

export interface ActionBrief {
  id: string;
  ref: string;
  title: string;
  themeId: string | null;
  owners: string[];
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** The plan's actions, or one theme's: a condition on `"Action" a`. */
function scope(q: DigestQuery): string {
  return q.themeId ? `a."planId" = {{plan}} AND a."recommendationId" IN (SELECT id FROM "Recommendation" WHERE "themeId" = {{theme}})` : `a."planId" = {{plan}}`;
}

function values(q: DigestQuery) {
  return { ...ruleValues(q.ctx, q), plan: q.planId, theme: q.themeId ?? "" };
}

async function query<T>(store: Store, sql: string, bound: Bound): Promise<T[]> {
  const c = compile(store.provider, sql, bound);
  if (store.provider === "sqlite") return store.db.$queryRawUnsafe<T[]>(c.sql, ...c.args);
  // PostgreSQL would JIT-compile the rules' long CASE expressions for a plan this size, which
  // takes seconds to save milliseconds; off for this statement only.
  const [, rows] = await store.db.$transaction([store.db.$executeRawUnsafe("SET LOCAL jit = off"), store.db.$queryRawUnsafe<T[]>(c.sql, ...c.args)]);
  return rows;
}

/**
 * Main actions by RAG, slippage under amber and red ones, and the lists' sizes, per theme: one
 * statement, one pass over the plan's actions (on SQLite over the digest index alone, in main-action
 * order). Each action's verdicts are worked out once, its main action's from them, then the theme's.
 */
export async function readThemeFigures(store: Store, q: DigestQuery): Promise<ThemeFigures[]> {
  const r = ruleSql(store.provider);
  const rows = await query<Record<string, unknown>>(
    store,
    `WITH main AS (
       SELECT rec, MAX(rank) AS m, MAX(CASE WHEN rank > 0 THEN derived ELSE 0 END) AS d,
         COUNT(*) FILTER (WHERE rank > 0 AND slip = 0) AS s0, COUNT(*) FILTER (WHERE rank > 0 AND slip = 1) AS s1,
         COUNT(*) FILTER (WHERE rank > 0 AND slip = 2) AS s2, COUNT(*) AS n, COUNT(*) FILTER (WHERE rank > 0) AS o,
         COUNT(*) FILTER (WHERE rank > 0 AND od = 1) AS od, COUNT(*) FILTER (WHERE rank > 0 AND ds = 1) AS ds,
         COUNT(*) FILTER (WHERE rank > 0 AND si = 1) AS si
       FROM (
         SELECT a."recommendationId" AS rec, ${r.rank} AS rank, ${r.derived} AS derived, ${r.slip} AS slip,
           CASE WHEN ${r.overdue} THEN 1 ELSE 0 END AS od, CASE WHEN ${r.dueSoon} THEN 1 ELSE 0 END AS ds, CASE WHEN ${r.silent} THEN 1 ELSE 0 END AS si
         FROM "Action" a WHERE ${scope(q)} ${fence(store.provider, `a."recommendationId"`)}
       ) x
       GROUP BY rec
     )
     SELECT t."themeId" AS theme,
       COUNT(*) FILTER (WHERE m = 3) AS red, COUNT(*) FILTER (WHERE m = 2) AS amber, COUNT(*) FILTER (WHERE m = 1) AS green,
       COUNT(*) FILTER (WHERE m = 0) AS complete, COUNT(*) FILTER (WHERE m > 0 AND d = 1) AS derived,
       COALESCE(SUM(s0) FILTER (WHERE m >= 2), 0) AS "onTrack", COALESCE(SUM(s1) FILTER (WHERE m >= 2), 0) AS medium,
       COALESCE(SUM(s2) FILTER (WHERE m >= 2), 0) AS significant,
       SUM(n) AS actions, SUM(o) AS open, SUM(od) AS overdue, SUM(ds) AS "dueSoon", SUM(si) AS silent
     FROM main JOIN "Recommendation" t ON t.id = main.rec
     GROUP BY t."themeId"`,
    values(q),
  );
  return rows.map((row) => ({
    themeId: (row.theme as string | null) ?? null,
    red: num(row.red),
    amber: num(row.amber),
    green: num(row.green),
    complete: num(row.complete),
    derived: num(row.derived),
    onTrack: num(row.onTrack),
    medium: num(row.medium),
    significant: num(row.significant),
    actions: num(row.actions),
    open: num(row.open),
    overdue: num(row.overdue),
    dueSoon: num(row.dueSoon),
    silent: num(row.silent),
  }));
}

const DETAIL_COLUMNS = `a.id, a.key, a.ref, a.title, a.status, a."statusText", a.progress, a."targetText", a."targetTo", a."originalTargetTo", m.ref AS "mainRef", m.text AS "mainText", m."themeId"`;

/**
 * The actions each list names: per theme (for the themes asked, all by default) the first
 * `perTheme`, and plan-wide the first `planWide`, most pressing first: most days late, soonest
 * due, longest silent, most slipped (under amber and red main actions only), and milestones next
 * first with completed ones last. One statement: each list a ranked LIMIT, their words joined on.
 * The plan-wide lists need no figures, so the digest reads them beside the figures (`themeIds`
 * empty) and the chosen themes' after (`planWide` false).
 */
export async function readListedActions(store: Store, q: DigestQuery, themeIds: (string | null)[] | "all" = "all", planWide = true): Promise<ListedRow[]> {
  const r = ruleSql(store.provider);
  const b = ruleSql(store.provider, "b");
  // A sub-action medium-slipping or worse is amber or red by the rule unless its RAG is given, so
  // only those look at their siblings for the main action's RAG.
  const underAmberOrRed = `((${r.rank}) >= 2 OR EXISTS (SELECT 1 FROM "Action" b WHERE b."planId" = a."planId" AND b."recommendationId" = a."recommendationId" AND (${b.rank}) >= 2))`;
  // `wide`: how the plan-wide list picks where it differs; a theme's list reads only its own main
  // actions (by the digest index), which the plan-wide list's index would make it walk past.
  // `index`: on SQLite, the index the plan-wide list walks. SQLite keeps no statistics here, so it
  // prefers the covering digest index and reads the whole plan, where a target range or the
  // plan's few milestones are a short walk of their own index.
  const lists: { kind: ListKind; where: string; order: string; days: string; slip: string; wide?: { where: string; order: string; days: string }; index?: string }[] = [
    { kind: "overdue", where: `${r.open} AND ${r.overdue}`, order: `a."targetTo" ASC`, days: r.days(`a."targetTo"`, "{{today}}"), slip: "CAST(NULL AS integer)" },
    { kind: "dueSoon", where: `${r.open} AND ${r.dueSoon}`, order: `a."targetTo" ASC`, days: r.days("{{today}}", `a."targetTo"`), slip: "CAST(NULL AS integer)", index: "Action_targetTo_idx" },
    {
      kind: "silent",
      where: `${r.open} AND ${r.silent}`,
      order: `${r.heard} ASC`,
      days: r.daysSince(r.heard),
      slip: "CAST(NULL AS integer)",
      wide: { where: r.openSilent, order: `a."scanHeardAt" ASC`, days: r.daysSince(`a."scanHeardAt"`) },
    },
    { kind: "slipping", where: `${r.open} AND ${r.slipping} AND ${underAmberOrRed}`, order: `(${r.slip}) DESC, (${r.slipDays}) DESC`, days: r.slipDays, slip: r.slip },
    {
      kind: "milestone",
      where: `a.milestone = TRUE`,
      index: "Action_planId_milestone_idx",
      order: `CASE WHEN ${r.open} THEN 0 ELSE 1 END, CASE WHEN a."targetTo" IS NULL THEN 1 ELSE 0 END, a."targetTo" ASC`,
      days: `CASE WHEN ${r.open} THEN ${r.slipDays} END`,
      slip: `CASE WHEN ${r.open} THEN ${r.slip} END`,
    },
  ];
  const bound: Bound = { ...values(q), perTheme: Math.floor(q.perTheme), planWide: Math.floor(q.planWide) };
  // The themes whose lists are wanted, as a condition on the action (its main action's theme).
  let inThemes = "";
  if (themeIds !== "all") {
    const ids = themeIds.filter((id): id is string => id !== null);
    ids.forEach((id, i) => (bound[`t${i}`] = id));
    const parts = [ids.length ? `"themeId" IN (${ids.map((_, i) => `{{t${i}}}`).join(", ")})` : "", themeIds.includes(null) ? `"themeId" IS NULL` : ""].filter(Boolean);
    inThemes = ` AND a."recommendationId" IN (SELECT id FROM "Recommendation" WHERE ${parts.join(" OR ")})`;
  }
  const perThemeToo = themeIds === "all" || themeIds.length > 0;
  if (!planWide && !perThemeToo) return [];
  // On SQLite the row is picked by rowid, which the digest index holds, so no list reads the table
  // until the few picked rows are joined to their words.
  const key = store.provider === "sqlite" ? "a.rowid" : "a.id";
  const arms = lists.flatMap((l) => [
    planWide &&
    `SELECT * FROM (SELECT '${l.kind}' AS kind, 1 AS wide, ${key} AS pick, ${(l.wide ?? l).days} AS days, ${l.slip} AS slip FROM "Action" a${l.index && store.provider === "sqlite" ? ` INDEXED BY "${l.index}"` : ""} WHERE ${scope(q)} AND ${(l.wide ?? l).where} ORDER BY ${(l.wide ?? l).order}, ${key} LIMIT {{planWide}}) w_${l.kind}`,
    perThemeToo &&
    `SELECT kind, wide, pick, days, slip FROM (SELECT '${l.kind}' AS kind, 0 AS wide, ${key} AS pick, ${l.days} AS days, ${l.slip} AS slip,
       ROW_NUMBER() OVER (PARTITION BY t."themeId" ORDER BY ${l.order}, ${key}) AS k
       FROM "Action" a JOIN "Recommendation" t ON t.id = a."recommendationId" WHERE ${scope(q)}${inThemes} AND ${l.where}) p_${l.kind} WHERE k <= {{perTheme}}`,
  ]).filter((arm): arm is string => Boolean(arm));
  const rows = await query<Record<string, unknown>>(
    store,
    `SELECT p.kind, p.wide, p.days, p.slip, ${DETAIL_COLUMNS}
     FROM (${arms.join(" UNION ALL ")}) p JOIN "Action" a ON ${key} = p.pick JOIN "Recommendation" m ON m.id = a."recommendationId"`,
    bound,
  );
  const owners = await readOwners(store, [...new Set(rows.map((row) => row.id as string))]);
  return rows.map((row) => {
    const wide = num(row.wide) === 1;
    return {
      ...detailOf(row, owners),
      kind: row.kind as ListKind,
      themeId: wide ? null : ((row.themeId as string | null) ?? null),
      planWide: wide,
      days: row.days === null || row.days === undefined ? null : Number(row.days),
      slip: row.slip === null || row.slip === undefined ? null : (SLIPPAGE_LEVELS[Number(row.slip)] ?? null),
    };
  });
}

type ActionDetail = Omit<ListedRow, "kind" | "themeId" | "planWide" | "days" | "slip">;

function detailOf(row: Record<string, unknown>, owners: Map<string, string[]>): ActionDetail {
  const text = (k: string) => (row[k] === null || row[k] === undefined ? null : String(row[k]));
  const id = String(row.id);
  return {
    id,
    ref: text("ref") ?? text("key")!,
    title: text("title") ?? "",
    status: text("status") as Status | null,
    statusText: text("statusText"),
    progress: text("progress"),
    targetText: text("targetText"),
    targetTo: text("targetTo"),
    originalTargetTo: text("originalTargetTo"),
    mainRef: text("mainRef"),
    mainText: text("mainText") ?? "",
    owners: owners.get(id) ?? [],
  };
}

/** Responsible owners of the given actions, or of the actions a condition on `"History" h` picks, in order. */
async function readOwners(store: Store, ids: string[], history?: { where: string; bound: Bound }): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (ids.length === 0 && !history) return out;
  const bound: Bound = { ...history?.bound };
  ids.forEach((id, i) => (bound[`i${i}`] = id));
  const which = history ? `o."actionId" IN (SELECT h."actionId" FROM "History" h WHERE ${history.where})` : `o."actionId" IN (${ids.map((_, i) => `{{i${i}}}`).join(", ")})`;
  const rows = await query<{ actionId: string; name: string }>(
    store,
    `SELECT o."actionId", r.name FROM "ActionOwner" o JOIN "OwnerRole" r ON r.id = o."roleId" WHERE o.kind = 'responsible' AND ${which} ORDER BY o."actionId", o.position`,
    bound,
  );
  for (const o of rows) {
    const list = out.get(o.actionId);
    if (list) list.push(o.name);
    else out.set(o.actionId, [o.name]);
  }
  return out;
}

/**
 * Changes to the plan's (or theme's) actions since the last digest (an action's creation is not
 * movement), each with the action's ref, title, theme and owners: two statements however many.
 */
export async function readPeriodHistory(store: Store, planId: string, themeId: string | null, since: Date | null, until: Date): Promise<HistoryRow[]> {
  const bound: Bound = { plan: planId, until, ...(since ? { since } : {}), ...(themeId ? { theme: themeId } : {}) };
  const where =
    `h."planId" = {{plan}} AND h.entity = 'action' AND h.before IS NOT NULL AND h."actionId" IS NOT NULL AND h.at <= {{until}}` +
    (since ? ` AND h.at > {{since}}` : "") +
    (themeId ? ` AND h."actionId" IN (SELECT x.id FROM "Action" x JOIN "Recommendation" xr ON xr.id = x."recommendationId" WHERE xr."themeId" = {{theme}})` : "");
  const rows = await query<Record<string, unknown>>(
    store,
    // Only what achievements and extensions say of an action: thousands of rows in a busy week.
    `SELECT h.at, h.before, h.after, h.note, h."actorLabel", a.id, a.key, a.ref, a.title, m."themeId"
     FROM "History" h JOIN "Action" a ON a.id = h."actionId" JOIN "Recommendation" m ON m.id = a."recommendationId"
     WHERE ${where} ORDER BY h.at, h.id`,
    bound,
  );
  const owners = rows.length > 0 ? await readOwners(store, [], { where, bound }) : new Map<string, string[]>();
  // One brief per action, however many changes it had.
  const briefs = new Map<string, ActionBrief>();
  return rows.map((row) => {
    const id = String(row.id);
    let action = briefs.get(id);
    if (!action) briefs.set(id, (action = { id, ref: String(row.ref ?? row.key), title: String(row.title ?? ""), themeId: (row.themeId as string | null) ?? null, owners: owners.get(id) ?? [] }));
    return {
      actionId: id,
      at: new Date(row.at as string | Date),
      before: parseObject(row.before as string | null),
      after: parseObject(row.after as string | null),
      note: (row.note as string | null) ?? null,
      actorLabel: String(row.actorLabel),
      action,
    };
  });
}

export interface StoredFigures {
  theme: string;
  asOf: string;
  source: "digest" | "stated";
  red: number;
  amber: number;
  green: number;
  complete: number;
  derived: number;
  onTrack: number;
  medium: number;
  significant: number;
  extra: unknown;
}

/**
 * Figures kept from earlier digests (and stated by imported theme summaries) before `asOf`:
 * the latest day's rows for every theme, and the plan's (or one theme's) last `points` days for
 * the trend chart. Where a day has both, the digest's own count wins over the stated one.
 */
export async function readEarlierFigures(store: Store, planId: string, asOf: string, trendTheme: string, points: number): Promise<{ previous: StoredFigures[]; trend: StoredFigures[] }> {
  const last = await store.db.digestFigures.findFirst({ where: { planId, asOf: { lt: asOf } }, orderBy: { asOf: "desc" }, select: { asOf: true } });
  const previous = last ? preferDigest((await store.db.digestFigures.findMany({ where: { planId, asOf: last.asOf } })).map(toStored)) : [];
  const trendRows = await store.db.digestFigures.findMany({ where: { planId, theme: trendTheme, asOf: { lt: asOf } }, orderBy: { asOf: "desc" }, take: points * 2 });
  const trend = preferDigest(trendRows.map(toStored)).sort((a, b) => (a.asOf < b.asOf ? -1 : 1)).slice(-points);
  return { previous, trend };
}

/** Rows a theme summary stated for its date, latest document first (for plans that are theme summaries). */
export async function readStatedFigures(store: Store, planId: string, asOf: string): Promise<StoredFigures[]> {
  const last = await store.db.digestFigures.findFirst({ where: { planId, source: "stated", asOf: { lte: asOf } }, orderBy: { asOf: "desc" }, select: { asOf: true } });
  if (!last) return [];
  return (await store.db.digestFigures.findMany({ where: { planId, source: "stated", asOf: last.asOf } })).map(toStored);
}

/** Keeps a digest's figures; a second digest the same day (another channel) leaves the first's. */
export async function recordDigestFigures(store: Store, planId: string, asOf: string, rows: Omit<StoredFigures, "asOf" | "source" | "extra">[]): Promise<void> {
  const existing = new Set((await store.db.digestFigures.findMany({ where: { planId, asOf, source: "digest" }, select: { theme: true } })).map((r) => r.theme));
  const data = rows.filter((r) => !existing.has(r.theme)).map((r) => ({ ...r, planId, asOf, source: "digest" }));
  if (data.length === 0) return;
  try {
    await store.db.digestFigures.createMany({ data });
  } catch (error) {
    // Two processes writing the same day's figures: the first one's stand.
    if ((error as { code?: string }).code !== "P2002") throw error;
  }
}

function toStored(r: { theme: string; asOf: string; source: string; red: number; amber: number; green: number; complete: number; derived: number; onTrack: number; medium: number; significant: number; extra: string | null }): StoredFigures {
  return { ...r, source: r.source === "stated" ? "stated" : "digest", extra: r.extra ? parseJson(r.extra) : null };
}

function preferDigest(rows: StoredFigures[]): StoredFigures[] {
  const byKey = new Map<string, StoredFigures>();
  for (const r of rows) {
    const key = `${r.asOf}\u0000${r.theme}`;
    const had = byKey.get(key);
    if (!had || (had.source === "stated" && r.source === "digest")) byKey.set(key, r);
  }
  return [...byKey.values()];
}

function parseObject(text: string | null): Record<string, unknown> {
  const v = text ? parseJson(text) : null;
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}



/** A plan's themes in their order. */
export function readPlanThemes(store: Store, planId: string): Promise<{ id: string; name: string; position: number }[]> {
  return store.db.theme.findMany({ where: { planId }, select: { id: true, name: true, position: true }, orderBy: { position: "asc" } });
}

/** A plan by slug, with its settings, and one of its themes by name (any case) when asked. */
export async function findDigestPlan(store: Store, slug: string, themeName: string | null) {
  const plan = await store.db.plan.findUnique({ where: { slug }, select: { id: true, slug: true, title: true, kind: true, settings: true } });
  if (!plan) return null;
  const themes = await readPlanThemes(store, plan.id);
  const theme = themeName ? (themes.find((t) => t.name.toLowerCase() === themeName.trim().toLowerCase()) ?? null) : null;
  return { plan, themes, theme };
}
