// The yardstick for the digest: the same figures (main actions by RAG per theme, derived, slippage
// under amber and red, overdue/due soon/silent counts; the five lists plan-wide and for the six
// themes a card shows; the period's changes with owners) by the best SQL a person would write by
// hand for this schema, run through the drivers themselves with no ORM between. Written out in
// full, not generated from the rules, so a slow generated statement shows up as a ratio (only
// the {{name}} placeholders are filled by the store's compile()).
import Database from "libsql";
import pg from "pg";
import type { Database as DatabaseConfig } from "../src/config/load-config.js";
import { compile, type Bound } from "../src/store/digest-sql.js";

export interface HandWrittenInput {
  planId: string;
  today: string;
  now: string;
  soonTo: string;
  quietBefore: string;
  dueTo: string;
  silentBefore: string;
  lateMedium: string;
  lateSignificant: string;
  mediumDays: number;
  significantDays: number;
  since: string;
}

/** Opens the database once; `run()` reads the figures (its time is what the benchmark compares). */
export async function handWritten(database: DatabaseConfig, input: HandWrittenInput): Promise<{ run(): Promise<number>; close(): Promise<void> }> {
  const sqlite = database.provider === "sqlite";
  const days = (from: string, to: string) => (sqlite ? `CAST(julianday(${to}) - julianday(${from}) AS INTEGER)` : `(CAST(${to} AS date) - CAST(${from} AS date))`);
  // Columns of "Action" under an alias (p = "b.") or none.
  const sql = (p: string) => {
    const movedAtLeast = (n: "mediumDays" | "significantDays") =>
      sqlite ? `${p}"targetTo" >= date(${p}"originalTargetTo", '+' || {{${n}}} || ' days')` : `CAST(${p}"targetTo" AS date) - CAST(${p}"originalTargetTo" AS date) >= {{${n}}}`;
    const overdue = `(${p}status IS NULL OR ${p}status <> 'ongoing') AND ${p}"targetTo" < {{today}}`;
    const rank = `CASE WHEN ${p}status IN ('complete', 'cancelled') THEN 0 WHEN ${p}rag = 'red' THEN 3 WHEN ${p}rag = 'amber' THEN 2 WHEN ${p}rag = 'green' THEN 1
      WHEN ${p}status = 'blocked' THEN 3 WHEN ${overdue} THEN 3 WHEN ${p}status = 'delayed' THEN 2 WHEN ${p}"targetTo" > ${p}"originalTargetTo" THEN 2
      WHEN ${p}"targetTo" BETWEEN {{today}} AND {{soonTo}} AND COALESCE(${p}"lastUpdateAt", ${p}"createdAt") <= {{quietBefore}} THEN 2 ELSE 1 END`;
    const slipping = `((${overdue} AND ${p}"targetTo" <= {{lateMedium}}) OR (${p}"targetTo" > ${p}"originalTargetTo" AND ${movedAtLeast("mediumDays")}) OR ${p}status IN ('delayed', 'blocked'))`;
    const slip = `CASE WHEN (${overdue} AND ${p}"targetTo" <= {{lateSignificant}}) OR (${p}"targetTo" > ${p}"originalTargetTo" AND ${movedAtLeast("significantDays")}) THEN 2 WHEN ${slipping} THEN 1 ELSE 0 END`;
    const slipDays = `${sqlite ? "MAX" : "GREATEST"}(CASE WHEN ${overdue} THEN ${days(`${p}"targetTo"`, "{{today}}")} ELSE 0 END, CASE WHEN ${p}"targetTo" > ${p}"originalTargetTo" THEN ${days(`${p}"originalTargetTo"`, `${p}"targetTo"`)} ELSE 0 END)`;
    return { overdue, rank, slipping, slip, slipDays, open: `(${p}status IS NULL OR ${p}status NOT IN ('complete', 'cancelled'))` };
  };
  const { overdue, rank, slipping, slip, slipDays, open } = sql("");
  const fence = sqlite ? `ORDER BY "recommendationId" LIMIT -1` : "OFFSET 0";
  const flag = (cond: string) => (sqlite ? `(${cond})` : `CASE WHEN ${cond} THEN 1 ELSE 0 END`);
  const figures = `
    WITH main AS (
      SELECT rec, MAX(rk) m, MAX(CASE WHEN rk > 0 THEN dv ELSE 0 END) d, COUNT(*) FILTER (WHERE rk > 0 AND sl = 0) s0,
        COUNT(*) FILTER (WHERE rk > 0 AND sl = 1) s1, COUNT(*) FILTER (WHERE rk > 0 AND sl = 2) s2, COUNT(*) n, COUNT(*) FILTER (WHERE rk > 0) o,
        COUNT(*) FILTER (WHERE rk > 0 AND od = 1) od, COUNT(*) FILTER (WHERE rk > 0 AND ds = 1) ds, COUNT(*) FILTER (WHERE rk > 0 AND si = 1) si
      FROM (SELECT "recommendationId" rec, ${rank} rk, CASE WHEN rag IN ('red', 'amber', 'green') THEN 0 ELSE 1 END dv, ${slip} sl,
              ${flag(overdue)} od, ${flag(`"targetTo" BETWEEN {{today}} AND {{dueTo}}`)} ds, ${flag(`COALESCE("lastUpdateAt", "createdAt") <= {{silentBefore}}`)} si
            FROM "Action" WHERE "planId" = {{planId}} ${fence}) x GROUP BY rec)
    SELECT r."themeId", COUNT(*) FILTER (WHERE m = 3) red, COUNT(*) FILTER (WHERE m = 2) amber, COUNT(*) FILTER (WHERE m = 1) green, COUNT(*) FILTER (WHERE m = 0) complete,
      COUNT(*) FILTER (WHERE m > 0 AND d = 1) derived, SUM(s0) FILTER (WHERE m >= 2) on_track, SUM(s1) FILTER (WHERE m >= 2) medium, SUM(s2) FILTER (WHERE m >= 2) significant,
      SUM(n) actions, SUM(o) open, SUM(od) overdue, SUM(ds) due_soon, SUM(si) silent
    FROM main JOIN "Recommendation" r ON r.id = main.rec GROUP BY r."themeId"`;
  const key = sqlite ? "rowid" : "id";
  const listOf = (kind: string, where: string, order: string, themes: string | null) =>
    themes === null
      ? `SELECT * FROM (SELECT '${kind}' kind, ${key} pick FROM "Action" a WHERE "planId" = {{planId}} AND ${where} ORDER BY ${order}, ${key} LIMIT 25) w_${kind}`
      : `SELECT kind, pick FROM (SELECT '${kind}' kind, a.${key} pick, ROW_NUMBER() OVER (PARTITION BY r."themeId" ORDER BY ${order}, a.${key}) k
           FROM "Action" a JOIN "Recommendation" r ON r.id = a."recommendationId" WHERE a."planId" = {{planId}} AND a."recommendationId" IN (SELECT id FROM "Recommendation" WHERE "themeId" IN (${themes})) AND ${where}) p_${kind} WHERE k <= 5`;
  const a = sql("a.");
  const underAmberOrRed = `(${a.rank} >= 2 OR EXISTS (SELECT 1 FROM "Action" b WHERE b."planId" = a."planId" AND b."recommendationId" = a."recommendationId" AND ${sql("b.").rank} >= 2))`;
  const lists = (themes: string | null) =>
    [
      listOf("overdue", `${a.open} AND ${a.overdue}`, `a."targetTo"`, themes),
      listOf("dueSoon", `${a.open} AND a."targetTo" BETWEEN {{today}} AND {{dueTo}}`, `a."targetTo"`, themes),
      // Open and silent by the column the triggers keep (null once closed), in its index's order.
      listOf("silent", `a."scanHeardAt" <= {{silentBefore}}`, `a."scanHeardAt"`, themes),
      listOf("slipping", `${a.open} AND ${a.slipping} AND ${underAmberOrRed}`, `${a.slip} DESC, ${a.slipDays} DESC`, themes),
      listOf("milestone", `a.milestone = TRUE`, `CASE WHEN ${a.open} THEN 0 ELSE 1 END, a."targetTo" IS NULL, a."targetTo"`, themes),
    ].join(" UNION ALL ");
  const listed = (themes: string) =>
    `SELECT p.kind, a.id, a.ref, a.title, a.status, a."statusText", a.progress, a."targetTo", r.ref AS main_ref, r.text
     FROM (${lists(null)} UNION ALL ${lists(themes)}) p JOIN "Action" a ON a.${key} = p.pick JOIN "Recommendation" r ON r.id = a."recommendationId"`;
  const period = `h."planId" = {{planId}} AND h.entity = 'action' AND h.before IS NOT NULL AND h.at > {{since}} AND h.at <= {{now}}`;
  const history = `SELECT h."actionId", h.at, h.before, h.after, h.note, a.ref, a.title, r."themeId" FROM "History" h
    JOIN "Action" a ON a.id = h."actionId" JOIN "Recommendation" r ON r.id = a."recommendationId" WHERE ${period} ORDER BY h.at`;
  const owners = (where: string) => `SELECT o."actionId", n.name FROM "ActionOwner" o JOIN "OwnerRole" n ON n.id = o."roleId" WHERE o.kind = 'responsible' AND ${where} ORDER BY o."actionId", o.position`;
  const topThemes = (rows: { themeId: string; red: number; amber: number; significant: number; overdue: number }[]) =>
    rows
      .sort((x, y) => Number(y.red) - Number(x.red) || Number(y.significant) - Number(x.significant) || Number(y.amber) - Number(x.amber) || Number(y.overdue) - Number(x.overdue))
      .slice(0, 6)
      .map((r) => `'${r.themeId}'`)
      .join(", ");
  // Moments as Dates: compile() binds them as SQLite keeps them, and as timestamps on PostgreSQL
  // (never cast per row).
  const values: Bound = { ...input, quietBefore: new Date(input.quietBefore), silentBefore: new Date(input.silentBefore), since: new Date(input.since), now: new Date(input.now) };
  const c = (text: string) => compile(database.provider, text, values);

  if (sqlite) {
    const db = new Database(database.file);
    const fig = c(figures);
    const hist = c(history);
    const histOwners = c(owners(`o."actionId" IN (SELECT h."actionId" FROM "History" h WHERE ${period})`));
    const prepared = [fig, hist, histOwners].map((q) => db.prepare(q.sql));
    return {
      async run() {
        const t0 = performance.now();
        const rows = prepared[0]!.all(...fig.args) as never[];
        const l = c(listed(topThemes(rows)));
        const picked = db.prepare(l.sql).all(...l.args) as { id: string }[];
        db.prepare(owners(`o."actionId" IN (${picked.map(() => "?").join(", ") || "NULL"})`)).all(...picked.map((p) => p.id));
        prepared[1]!.all(...hist.args);
        prepared[2]!.all(...histOwners.args);
        return performance.now() - t0;
      },
      async close() {
        db.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query("SET jit = off");
  const run = async (q: { sql: string; args: unknown[] }) => (await client.query({ text: q.sql, values: q.args as unknown[] })).rows;
  return {
    async run() {
      const t0 = performance.now();
      const rows = (await run(c(figures))) as never[];
      const picked = (await run(c(listed(topThemes(rows))))) as { id: string }[];
      await client.query({ text: owners(`o."actionId" = ANY($1)`), values: [picked.map((p) => p.id)] });
      await run(c(history));
      await run(c(owners(`o."actionId" IN (SELECT h."actionId" FROM "History" h WHERE ${period})`)));
      return performance.now() - t0;
    },
    async close() {
      await client.end();
    },
  };
}
