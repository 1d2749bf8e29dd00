import { addDays } from "../domain/london-date.js";
import type { Status } from "../domain/vocabulary.js";
import { ragSql, type RuleContext, type SlippageLevel, SLIPPAGE_LEVELS } from "../digest/rag-rule.js";
import { inChunks } from "./in-chunks.js";
import type { Store } from "./open-store.js";

/*
 * The digest's figures straight from the database: one aggregate statement for the counts per
 * theme, ranked statements for the few actions each list names, and the period's history. Nothing
 * loads the whole plan, so a 100,000-action plan costs a few scans of the Action table.
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
}

export interface ActionBrief {
  id: string;
  ref: string;
  title: string;
  themeId: string | null;
  owners: string[];
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** Placeholders differ: SQLite takes ?, PostgreSQL $1… */
function params(store: Store) {
  let n = 0;
  return () => (store.provider === "sqlite" ? "?" : `$${++n}`);
}

/** The CTE every statement shares: the plan's (or theme's) actions with the rules' verdicts. */
function base(store: Store, q: DigestQuery, p: () => string): { sql: string; args: unknown[] } {
  const rule = ragSql(store.provider, q.ctx);
  const lastHeard = `COALESCE(a."lastUpdateAt", a."createdAt")`;
  const silentBefore = new Date(q.ctx.now.getTime() - q.silentDays * 86_400_000);
  const stamp = store.provider === "sqlite" ? `'${silentBefore.toISOString().replace("Z", "+00:00")}'` : `TIMESTAMP '${silentBefore.toISOString().replace("T", " ").replace("Z", "")}'`;
  const open = `(a.status IS NULL OR a.status NOT IN ('complete', 'cancelled'))`;
  const horizon = addDays(q.ctx.today, q.dueWithinDays);
  const args: unknown[] = [q.planId];
  const planArg = p();
  let themeFilter = "";
  if (q.themeId) {
    themeFilter = ` AND r."themeId" = ${p()}`;
    args.push(q.themeId);
  }
  const sql = `
    sub AS (
      SELECT a.id, a."recommendationId" AS rec, r."themeId" AS theme, a.milestone AS milestone,
        ${rule.rank} AS rank, ${rule.derived} AS derived, ${rule.slipLevel} AS slip, ${rule.slipDays} AS slipdays,
        CASE WHEN ${open} AND (a.status IS NULL OR a.status <> 'ongoing') AND a."targetTo" < '${q.ctx.today}' THEN 1 ELSE 0 END AS overdue,
        CASE WHEN ${open} AND a."targetTo" >= '${q.ctx.today}' AND a."targetTo" <= '${horizon}' THEN 1 ELSE 0 END AS duesoon,
        CASE WHEN ${open} AND ${lastHeard} <= ${stamp} THEN 1 ELSE 0 END AS silent,
        a."targetTo" AS target, ${lastHeard} AS heard
      FROM "Action" a JOIN "Recommendation" r ON r.id = a."recommendationId"
      WHERE a."planId" = ${planArg}${themeFilter}
    )`;
  return { sql, args };
}

/** Main actions by RAG, slippage under amber and red ones, and the lists' sizes, per theme. */
export async function readThemeFigures(store: Store, q: DigestQuery): Promise<ThemeFigures[]> {
  const p = params(store);
  const { sql, args } = base(store, q, p);
  const count = (cond: string) => `SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END)`;
  // Grouped twice, without window functions: each main action once (its worst sub-action), then
  // per theme, carrying the main action's slippage counts up with it.
  const rows = await store.db.$queryRawUnsafe<Record<string, unknown>[]>(
    `WITH ${sql},
     main AS (
       SELECT theme, MAX(rank) AS m, MAX(derived) AS d, ${count("slip = 0")} AS s0, ${count("slip = 1")} AS s1, ${count("slip = 2")} AS s2,
         COUNT(*) AS n, ${count("rank > 0")} AS o, SUM(overdue) AS od, SUM(duesoon) AS ds, SUM(silent) AS si
       FROM sub GROUP BY theme, rec
     )
     SELECT theme,
       ${count("m = 3")} AS red, ${count("m = 2")} AS amber, ${count("m = 1")} AS green, ${count("m = 0")} AS complete,
       ${count("m > 0 AND d = 1")} AS derived,
       SUM(CASE WHEN m >= 2 THEN s0 ELSE 0 END) AS "onTrack", SUM(CASE WHEN m >= 2 THEN s1 ELSE 0 END) AS medium,
       SUM(CASE WHEN m >= 2 THEN s2 ELSE 0 END) AS significant,
       SUM(n) AS actions, SUM(o) AS open, SUM(od) AS overdue, SUM(ds) AS "dueSoon", SUM(si) AS silent
     FROM main GROUP BY theme`,
    ...args,
  );
  return rows.map((r) => ({
    themeId: (r.theme as string | null) ?? null,
    red: num(r.red),
    amber: num(r.amber),
    green: num(r.green),
    complete: num(r.complete),
    derived: num(r.derived),
    onTrack: num(r.onTrack),
    medium: num(r.medium),
    significant: num(r.significant),
    actions: num(r.actions),
    open: num(r.open),
    overdue: num(r.overdue),
    dueSoon: num(r.dueSoon),
    silent: num(r.silent),
  }));
}

/**
 * The actions each list names: per theme (for the themes asked, all by default) the first
 * `perTheme`, and plan-wide the first `planWide`, most pressing first: most days late, soonest
 * due, longest silent, most slipped (under amber and red main actions only), and milestones next
 * first with completed ones last.
 */
export async function readListedActions(store: Store, q: DigestQuery, themeIds: (string | null)[] | "all" = "all"): Promise<ListedRow[]> {
  const p = params(store);
  const { sql, args } = base(store, q, p);
  const dayDiff = (from: string, to: string) =>
    store.provider === "sqlite" ? `CAST(julianday(${to}) - julianday(${from}) AS INTEGER)` : `(CAST(${to} AS date) - CAST(${from} AS date))`;
  const heardDays =
    store.provider === "sqlite"
      ? `CAST(julianday('${q.ctx.now.toISOString()}') - julianday(heard) AS INTEGER)`
      : `CAST(FLOOR(EXTRACT(EPOCH FROM (TIMESTAMP '${q.ctx.now.toISOString().replace("T", " ").replace("Z", "")}' - heard)) / 86400) AS INTEGER)`;
  let inThemes = "";
  if (themeIds !== "all") {
    // Ids the store made (cuids), checked, written inline: the clause repeats once per list.
    const ids = themeIds.filter((id): id is string => id !== null && /^[A-Za-z0-9_-]+$/.test(id));
    const parts = [ids.length ? `theme IN (${ids.map((id) => `'${id}'`).join(", ")})` : "", themeIds.includes(null) ? "theme IS NULL" : ""].filter(Boolean);
    inThemes = ` AND (${parts.length ? parts.join(" OR ") : "1 = 0"})`;
  }
  const lists: { kind: ListKind; from: string; where: string; order: string; days: string }[] = [
    { kind: "overdue", from: "sub", where: "overdue = 1", order: "target ASC, id", days: dayDiff("target", `'${q.ctx.today}'`) },
    { kind: "dueSoon", from: "sub", where: "duesoon = 1", order: "target ASC, id", days: dayDiff(`'${q.ctx.today}'`, "target") },
    { kind: "silent", from: "sub", where: "silent = 1", order: "heard ASC, id", days: heardDays },
    { kind: "slipping", from: "sub JOIN main ON main.rec = sub.rec", where: "main.m >= 2 AND slip >= 1", order: "slip DESC, slipdays DESC, id", days: "slipdays" },
    { kind: "milestone", from: "sub", where: "milestone = TRUE", order: "CASE WHEN rank = 0 THEN 1 ELSE 0 END, CASE WHEN target IS NULL THEN 1 ELSE 0 END, target ASC, id", days: "slipdays" },
  ];
  const cols = (l: (typeof lists)[number]) => `'${l.kind}' AS kind, id, theme, ${l.days} AS days, slip`;
  const ranked = lists
    .flatMap((l) => [
      `SELECT kind, id, theme, days, slip, 0 AS wide FROM (SELECT ${cols(l)}, ROW_NUMBER() OVER (PARTITION BY theme ORDER BY ${l.order}) AS k FROM ${l.from} WHERE ${l.where}${inThemes}) x${l.kind} WHERE k <= ${Math.floor(q.perTheme)}`,
      `SELECT kind, id, theme, days, slip, 1 AS wide FROM (SELECT ${cols(l)} FROM ${l.from} WHERE ${l.where} ORDER BY ${l.order} LIMIT ${Math.floor(q.planWide)}) y${l.kind}`,
    ])
    .join(" UNION ALL ");
  const picked = await store.db.$queryRawUnsafe<{ kind: ListKind; id: string; theme: string | null; days: unknown; slip: unknown; wide: unknown }[]>(
    `WITH ${sql}, main AS (SELECT rec, MAX(rank) AS m FROM sub GROUP BY rec), picked AS (${ranked})
     SELECT picked.kind, picked.id, picked.theme, picked.days, picked.slip, picked.wide FROM picked`,
    ...args,
  );
  const ids = [...new Set(picked.map((r) => r.id))];
  const details = new Map<string, ActionDetail>();
  for (const d of await inChunks(ids, (chunk) => actionDetails(store, chunk))) details.set(d.id, d);
  const rows: ListedRow[] = [];
  for (const r of picked) {
    const d = details.get(r.id);
    if (!d) continue;
    const { themeId: _theme, ...detail } = d;
    rows.push({
      ...detail,
      kind: r.kind,
      themeId: num(r.wide) === 1 ? null : (r.theme ?? null),
      planWide: num(r.wide) === 1,
      days: r.days === null || r.days === undefined ? null : Number(r.days),
      slip: r.slip === null || r.slip === undefined ? null : (SLIPPAGE_LEVELS[Number(r.slip)] ?? null),
    });
  }
  return rows;
}

type ActionDetail = Omit<ListedRow, "kind" | "themeId" | "planWide" | "days" | "slip"> & { themeId: string | null };

/** The listed actions' words and owners, in two plain statements (no ORM includes: thousands of ids). */
async function actionDetails(store: Store, ids: string[]): Promise<ActionDetail[]> {
  const p = params(store);
  const marks = ids.map(() => p()).join(", ");
  const rows = await store.db.$queryRawUnsafe<Record<string, string | null>[]>(
    `SELECT a.id, a.key, a.ref, a.title, a.status, a."statusText", a.progress, a."targetText", a."targetTo", a."originalTargetTo", r.ref AS "mainRef", r.text AS "mainText", r."themeId"
     FROM "Action" a JOIN "Recommendation" r ON r.id = a."recommendationId" WHERE a.id IN (${marks})`,
    ...ids,
  );
  const q = params(store);
  const owners = await store.db.$queryRawUnsafe<{ actionId: string; name: string }[]>(
    `SELECT o."actionId", r.name FROM "ActionOwner" o JOIN "OwnerRole" r ON r.id = o."roleId"
     WHERE o.kind = 'responsible' AND o."actionId" IN (${ids.map(() => q()).join(", ")}) ORDER BY o.position`,
    ...ids,
  );
  const byAction = new Map<string, string[]>();
  for (const o of owners) byAction.set(o.actionId, [...(byAction.get(o.actionId) ?? []), o.name]);
  return rows.map((a) => ({
    id: a.id!,
    ref: a.ref ?? a.key!,
    title: a.title!,
    status: a.status as Status | null,
    statusText: a.statusText ?? null,
    progress: a.progress ?? null,
    targetText: a.targetText ?? null,
    targetTo: a.targetTo ?? null,
    originalTargetTo: a.originalTargetTo ?? null,
    mainRef: a.mainRef ?? null,
    mainText: a.mainText ?? "",
    themeId: a.themeId ?? null,
    owners: byAction.get(a.id!) ?? [],
  }));
}

/** Changes to the plan's actions since the last digest (an action's creation is not movement). */
export async function readPeriodHistory(store: Store, planId: string, since: Date | null, until: Date): Promise<HistoryRow[]> {
  const rows = await store.db.history.findMany({
    where: { planId, entity: "action", before: { not: null }, actionId: { not: null }, at: { ...(since ? { gt: since } : {}), lte: until } },
    select: { actionId: true, at: true, before: true, after: true, note: true, actorLabel: true },
    orderBy: { at: "asc" },
  });
  return rows.map((h) => ({
    actionId: h.actionId!,
    at: h.at,
    before: parseObject(h.before),
    after: parseObject(h.after),
    note: h.note,
    actorLabel: h.actorLabel,
  }));
}

/** Ref, title, theme and owners of the few actions the period's history names. */
export async function readActionBriefs(store: Store, ids: string[]): Promise<Map<string, ActionBrief>> {
  const out = new Map<string, ActionBrief>();
  const rows = await inChunks([...new Set(ids)], (chunk) => actionDetails(store, chunk));
  for (const a of rows) out.set(a.id, { id: a.id, ref: a.ref, title: a.title, themeId: a.themeId, owners: a.owners });
  return out;
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
