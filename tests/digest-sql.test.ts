import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDataset } from "../bench/dataset.js";
import { NOW } from "../bench/common.js";
import { daysBetween } from "../src/domain/london-date.js";
import { mainActionFigures, RAG_RANK, slippage, subActionRag, type RuleAction } from "../src/digest/rag-rule.js";
import { ruleContext } from "../src/digest/read-digest-view.js";
import { DEFAULT_SCHEDULE_SETTINGS } from "../src/schedule/schedule-settings.js";
import { readListedActions, readThemeFigures, type DigestQuery } from "../src/store/read-digest.js";
import { freshStore, PROVIDERS, type TestStore } from "./helpers/test-store.js";

/*
 * The store counts and lists in SQL; rag-rule.ts is the specification. On a generated plan with
 * every status, given and missing RAGs, moved targets and months of silence, the SQL must give
 * exactly what the pure rules give, theme by theme, under two sets of thresholds.
 */

type Row = { id: string; themeId: string | null; recommendationId: string; status: string | null; rag: string | null; targetTo: string | null; originalTargetTo: string | null; lastUpdateAt: Date | null; createdAt: Date; milestone: boolean };

const SETTINGS = [
  { name: "defaults", settings: DEFAULT_SCHEDULE_SETTINGS },
  { name: "tight thresholds", settings: { ...DEFAULT_SCHEDULE_SETTINGS, dueSoonDays: 30, cadenceDays: 3, silentDays: 10, slippageMediumDays: 7, slippageSignificantDays: 60 } },
];

describe.each(PROVIDERS)("the digest's SQL agrees with the rules in rag-rule.ts on a generated plan (%s)", (provider) => {
  let store: TestStore;
  let planId: string;
  let rows: Row[];
  beforeAll(async () => {
    store = await freshStore(provider);
    const { planIds } = await generateDataset(store, { actions: 3000, plans: 1, themesPerPlan: 12, actionsPerRecommendation: 3, roles: 20, importHistory: false, seed: 11 });
    planId = planIds[0]!;
    // Some milestones, open and complete, for the milestone list.
    const some = await store.db.action.findMany({ where: { planId }, select: { id: true }, take: 40, orderBy: { key: "asc" } });
    await store.db.action.updateMany({ where: { id: { in: some.map((a) => a.id) } }, data: { milestone: true } });
    const actions = await store.db.action.findMany({ where: { planId }, include: { recommendation: { select: { themeId: true } } } });
    rows = actions.map((a) => ({ ...a, themeId: a.recommendation.themeId }));
  }, 120_000);
  afterAll(async () => store.drop());

  it.each(SETTINGS)("theme by theme: main actions by RAG, derived, slippage, overdue, due soon and silent ($name)", async ({ settings }) => {
    const ctx = ruleContext(NOW, settings);
    const q: DigestQuery = { planId, themeId: null, ctx, dueWithinDays: 28, silentDays: settings.silentDays, perTheme: 5, planWide: 25 };
    const expected = expectedFigures(rows, q);
    const figures = await readThemeFigures(store, q);
    expect(figures).toHaveLength(12);
    for (const f of figures) expect(f, f.themeId ?? "no theme").toEqual(expected.get(f.themeId));
    // The plan exercises every verdict.
    const sum = (k: keyof (typeof figures)[number]) => figures.reduce((n, f) => n + Number(f[k]), 0);
    for (const k of ["red", "amber", "green", "complete", "derived", "onTrack", "medium", "significant", "overdue", "dueSoon", "silent"] as const) expect(sum(k), k).toBeGreaterThan(0);
  });

  it.each(SETTINGS)("the lists name the same actions in the same order as the rules rank them ($name)", async ({ settings }) => {
    const ctx = ruleContext(NOW, settings);
    const q: DigestQuery = { planId, themeId: null, ctx, dueWithinDays: 28, silentDays: settings.silentDays, perTheme: 5, planWide: 25 };
    const listed = await readListedActions(store, q, "all");
    const wide = (kind: string) => listed.filter((l) => l.planWide && l.kind === kind);
    const e = expectedLists(rows, q);
    // Ties (same day) may come in either order; the keys the lists are ranked by must match.
    expect(wide("overdue").map((l) => [l.targetTo, l.days])).toEqual(e.overdue.slice(0, 25).map((a) => [a.targetTo, daysBetween(a.targetTo!, ctx.today)]));
    expect(wide("dueSoon").map((l) => l.targetTo)).toEqual(e.dueSoon.slice(0, 25).map((a) => a.targetTo));
    expect(wide("silent").map((l) => l.id)).toEqual(e.silent.slice(0, 25).map((a) => a.id));
    expect(wide("slipping").map((l) => [l.slip, l.days])).toEqual(e.slipping.slice(0, 25).map((s) => [s.level, s.days]));
    expect(new Set(wide("slipping").map((l) => l.id)).size).toBe(25);
    for (const l of wide("slipping")) expect(e.slipping.find((s) => s.row.id === l.id), l.ref).toBeDefined();
    expect(wide("milestone").map((l) => [l.status, l.targetTo])).toEqual(e.milestones.slice(0, 25).map((a) => [a.status, a.targetTo]));
    // Per theme: at most five each, each theme's own.
    for (const kind of ["overdue", "dueSoon", "silent", "slipping"]) {
      const perTheme = listed.filter((l) => !l.planWide && l.kind === kind);
      const byTheme = groupBy(perTheme, (l) => l.themeId);
      for (const [themeId, items] of byTheme) {
        expect(items.length).toBeLessThanOrEqual(5);
        for (const item of items) expect(rows.find((r) => r.id === item.id)!.themeId).toBe(themeId);
      }
    }
  });
});

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}

function rule(a: Row): RuleAction {
  return { status: a.status as never, rag: a.rag as never, targetTo: a.targetTo, originalTargetTo: a.originalTargetTo, lastHeard: a.lastUpdateAt ?? a.createdAt };
}

function expectedFigures(rows: Row[], q: DigestQuery) {
  const { ctx } = q;
  const byMain = groupBy(rows, (a) => a.recommendationId);
  const out = new Map<string | null, Record<string, unknown>>();
  const silentBefore = new Date(ctx.now.getTime() - q.silentDays * 86_400_000);
  const dueTo = new Date(Date.parse(`${ctx.today}T00:00:00Z`) + q.dueWithinDays * 86_400_000).toISOString().slice(0, 10);
  for (const subs of byMain.values()) {
    const themeId = subs[0]!.themeId;
    const f = (out.get(themeId) ?? { themeId, red: 0, amber: 0, green: 0, complete: 0, derived: 0, onTrack: 0, medium: 0, significant: 0, actions: 0, open: 0, overdue: 0, dueSoon: 0, silent: 0 }) as Record<string, number | string | null>;
    const verdicts = subs.map((s) => subActionRag(rule(s), ctx));
    const main = mainActionFigures(verdicts)!;
    f[main.rag] = (f[main.rag] as number) + 1;
    if (main.derived) f.derived = (f.derived as number) + 1;
    for (const s of subs) {
      const r = rule(s);
      const open = subActionRag(r, ctx).rag !== "complete";
      f.actions = (f.actions as number) + 1;
      if (!open) continue;
      f.open = (f.open as number) + 1;
      if (s.status !== "ongoing" && s.targetTo !== null && s.targetTo < ctx.today) f.overdue = (f.overdue as number) + 1;
      if (s.targetTo !== null && s.targetTo >= ctx.today && s.targetTo <= dueTo) f.dueSoon = (f.dueSoon as number) + 1;
      if (r.lastHeard <= silentBefore) f.silent = (f.silent as number) + 1;
      if (RAG_RANK[main.rag] >= 2) {
        const level = slippage(r, ctx)!.level;
        const key = level === "on_track" ? "onTrack" : level;
        f[key] = (f[key] as number) + 1;
      }
    }
    out.set(themeId, f);
  }
  return out;
}

function expectedLists(rows: Row[], q: DigestQuery) {
  const { ctx } = q;
  const open = rows.filter((a) => subActionRag(rule(a), ctx).rag !== "complete");
  const silentBefore = new Date(ctx.now.getTime() - q.silentDays * 86_400_000);
  const dueTo = new Date(Date.parse(`${ctx.today}T00:00:00Z`) + q.dueWithinDays * 86_400_000).toISOString().slice(0, 10);
  const mainRank = new Map<string, number>();
  for (const a of rows) mainRank.set(a.recommendationId, Math.max(mainRank.get(a.recommendationId) ?? 0, RAG_RANK[subActionRag(rule(a), ctx).rag]));
  const byTarget = (x: Row, y: Row) => (x.targetTo! < y.targetTo! ? -1 : x.targetTo! > y.targetTo! ? 1 : 0);
  const heard = (a: Row) => (a.lastUpdateAt ?? a.createdAt).getTime();
  return {
    overdue: open.filter((a) => a.status !== "ongoing" && a.targetTo !== null && a.targetTo < ctx.today).sort(byTarget),
    dueSoon: open.filter((a) => a.targetTo !== null && a.targetTo >= ctx.today && a.targetTo <= dueTo).sort(byTarget),
    silent: open.filter((a) => (a.lastUpdateAt ?? a.createdAt) <= silentBefore).sort((x, y) => heard(x) - heard(y)),
    slipping: open
      .filter((a) => mainRank.get(a.recommendationId)! >= 2)
      .map((row) => ({ row, ...slippage(rule(row), ctx)! }))
      .filter((s) => s.level !== "on_track")
      .sort((x, y) => (x.level === y.level ? y.days - x.days : x.level === "significant" ? -1 : 1)),
    milestones: rows
      .filter((a) => a.milestone)
      .sort((x, y) => {
        const xo = open.includes(x) ? 0 : 1;
        const yo = open.includes(y) ? 0 : 1;
        if (xo !== yo) return xo - yo;
        if ((x.targetTo === null) !== (y.targetTo === null)) return x.targetTo === null ? 1 : -1;
        return x.targetTo === y.targetTo ? 0 : byTarget(x, y);
      }),
  };
}
