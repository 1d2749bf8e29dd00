// Builds large, realistic-looking stores fast with raw bulk inserts (src/store/insert-many.ts).
import { randomUUID } from "node:crypto";
import { insertMany } from "../src/store/insert-many.js";
import type { Store, Tx } from "../src/store/open-store.js";
import { DAY_MS, NOW, seeded } from "./common.js";

export interface DatasetOptions {
  actions: number;
  plans: number;
  /** Themes per plan; recommendations are spread over them. */
  themesPerPlan: number;
  actionsPerRecommendation: number;
  roles: number;
  /** An import history entry per action, at its creation (the digest reads history). */
  importHistory: boolean;
  /** History entries (completions, delays, RAG changes) after `since`. */
  changesSince?: { since: Date; count: number };
  seed?: number;
}

export interface Dataset {
  planIds: string[];
  actions: number;
  /** Status counts, for the record. */
  statuses: Record<string, number>;
}

/** An ISO calendar day `days` after NOW's UK day. */
export function dayFromNow(days: number): string {
  return new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth(), NOW.getUTCDate()) + days * DAY_MS).toISOString().slice(0, 10);
}

const STATUS_WEIGHTS: [string | null, number][] = [
  [null, 5],
  ["not_started", 15],
  ["in_progress", 30],
  ["delayed", 8],
  ["blocked", 4],
  ["on_hold", 3],
  ["complete", 20],
  ["ongoing", 10],
  ["cancelled", 5],
];
const RAG_OF: Record<string, string | null> = { in_progress: "green", delayed: "amber", blocked: "red", complete: "green", on_hold: "amber" };

/**
 * `actions` actions in `plans` plans, ten-ish to a recommendation, over themes, with owners; statuses
 * across the vocabulary, targets a year either side of NOW (some moved later, some none), snoozes
 * past and future, and last updates spread over six months (some never).
 */
export async function generateDataset(store: Store, o: DatasetOptions): Promise<Dataset> {
  const random = seeded(o.seed ?? 42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const totalWeight = STATUS_WEIGHTS.reduce((n, [, w]) => n + w, 0);
  const status = (): string | null => {
    let r = random() * totalWeight;
    for (const [s, w] of STATUS_WEIGHTS) if ((r -= w) < 0) return s;
    return null;
  };
  const at = (daysAgoMin: number, daysAgoMax: number) => new Date(NOW.getTime() - (daysAgoMin + random() * (daysAgoMax - daysAgoMin)) * DAY_MS);

  // Inserted in batches as it is made, so the benchmark's own memory stays small beside Chaser's.
  const fill = async (tx: Tx): Promise<Dataset> => {
    const flushAt = 10_000;
    const flush = async (all = false) => {
      if (!all && actions.length < flushAt) return;
      await insertMany(tx, store.provider, "Recommendation", recs.splice(0));
      await insertMany(tx, store.provider, "Action", actions.splice(0));
      await insertMany(tx, store.provider, "ActionOwner", owners.splice(0));
      await insertMany(tx, store.provider, "History", history.splice(0));
    };
    const roles = Array.from({ length: o.roles }, (_, i) => ({ id: randomUUID(), name: `Bench role ${i + 1}` }));
    const plans: string[] = [];
    const themes: Record<string, unknown>[] = [];
    const recs: Record<string, unknown>[] = [];
    const actions: Record<string, unknown>[] = [];
    const owners: Record<string, unknown>[] = [];
    const history: Record<string, unknown>[] = [];
    const statuses: Record<string, number> = {};
    const perPlan = Math.ceil(o.actions / o.plans);
    const actionIds: string[] = [];
    const planOf = new Map<string, string>();
    await insertMany(tx, store.provider, "OwnerRole", roles);

    for (let p = 0; p < o.plans; p++) {
      const planId = randomUUID();
      const planCreated = at(400, 420);
      await insertMany(tx, store.provider, "Plan", [{ id: planId, slug: `bench-plan-${p + 1}`, title: `Bench plan ${p + 1}`, kind: "action-table", settings: "{}", createdAt: planCreated, updatedAt: planCreated }]);
      plans.push(planId);
      const themeIds = Array.from({ length: o.themesPerPlan }, (_, t) => {
        const id = randomUUID();
        themes.push({ id, planId, name: `Theme ${t + 1}`, position: t });
        return id;
      });
      await insertMany(tx, store.provider, "Theme", themes.splice(0));
      const count = Math.min(perPlan, o.actions - p * perPlan);
      const recCount = Math.ceil(count / o.actionsPerRecommendation);
      for (let r = 0; r < recCount; r++) {
        const recId = randomUUID();
        // Recommendations fill themes in turn, so every theme holds about the same number of actions.
        recs.push({ id: recId, planId, themeId: themeIds[Math.floor((r * o.themesPerPlan) / recCount)] ?? null, key: `R${r + 1}`, ref: `R${r + 1}`, text: `Recommendation ${r + 1}: improve the governance of programme ${r + 1}.`, position: r });
        for (let a = 0; a < o.actionsPerRecommendation && r * o.actionsPerRecommendation + a < count; a++) {
          const id = randomUUID();
          actionIds.push(id);
          planOf.set(id, planId);
          const position = r * o.actionsPerRecommendation + a;
          const s = status();
          statuses[s ?? "none"] = (statuses[s ?? "none"] ?? 0) + 1;
          const ongoing = s === "ongoing" && random() < 0.6;
          const targetTo = ongoing || random() < 0.08 ? null : dayFromNow(Math.round(-365 + random() * 730));
          const shift = random();
          // 15% moved later (the original target is earlier), 3% brought forward.
          const originalTargetTo = targetTo === null ? null : shift < 0.15 ? dayFromNow(Math.round((Date.parse(targetTo) - Date.parse(dayFromNow(0))) / DAY_MS - 1 - random() * 120)) : shift < 0.18 ? dayFromNow(Math.round((Date.parse(targetTo) - Date.parse(dayFromNow(0))) / DAY_MS + 1 + random() * 60)) : targetTo;
          const snooze = random();
          const snoozedUntil = snooze < 0.05 ? dayFromNow(1 + Math.floor(random() * 30)) : snooze < 0.08 ? dayFromNow(-1 - Math.floor(random() * 60)) : null;
          const createdAt = at(200, 400);
          const lastUpdateAt = random() < 0.05 ? null : at(0, 180);
          actions.push({
            id,
            planId,
            recommendationId: recId,
            key: `${r + 1}.${a + 1}`,
            ref: `${r + 1}.${a + 1}`,
            refGenerated: false,
            title: `Action ${r + 1}.${a + 1}: review the arrangements and report to the committee with evidence.`,
            targetText: targetTo ?? (ongoing ? "Ongoing" : null),
            targetFrom: targetTo,
            targetTo,
            targetOngoing: ongoing,
            originalTargetText: originalTargetTo ?? (ongoing ? "Ongoing" : null),
            originalTargetFrom: originalTargetTo,
            originalTargetTo,
            originalTargetOngoing: ongoing,
            status: s,
            statusText: s,
            rag: s ? (RAG_OF[s] ?? null) : null,
            progress: `Update ${position}: work is progressing; the next milestone is the committee meeting.`,
            crossRefs: "[]",
            statusSource: random() < 0.3 ? "chat" : "import",
            statusUpdatedAt: lastUpdateAt,
            lastUpdateAt,
            snoozedUntil,
            position,
            createdAt,
            updatedAt: lastUpdateAt ?? createdAt,
          });
          const first = pick(roles).id;
          owners.push({ actionId: id, roleId: first, kind: "responsible", position: 0 });
          if (random() < 0.3) {
            const second = pick(roles).id;
            if (second !== first) owners.push({ actionId: id, roleId: second, kind: "responsible", position: 1 });
          }
          if (o.importHistory) {
            history.push({ id: randomUUID(), at: createdAt, planId, actionId: id, entity: "action", entityId: id, via: "import", actorPersonId: null, actorLabel: "bench", before: null, after: JSON.stringify({ status: s, targetTo }), note: "import" });
          }
        }
        await flush();
      }
    }

    if (o.changesSince) {
      const { since, count } = o.changesSince;
      for (let i = 0; i < count; i++) {
        const actionId = pick(actionIds);
        const when = new Date(since.getTime() + 1 + random() * (NOW.getTime() - since.getTime() - 1));
        const kind = random();
        const [before, after, note] =
          kind < 0.35
            ? [{ status: "in_progress" }, { status: "complete" }, "complete"]
            : kind < 0.65
              ? [{ status: "in_progress", targetTo: dayFromNow(10), rag: "green" }, { status: "delayed", statusText: "Waiting for Cabinet", targetTo: dayFromNow(40 + Math.floor(random() * 60)), rag: "amber" }, "delayed: Waiting for Cabinet"]
              : kind < 0.8
                ? [{ rag: "amber" }, { status: "blocked", statusText: "No budget", rag: "red" }, "blocked: No budget"]
                : [{ progress: null }, { progress: "Met the supplier; report drafted." }, "note: Met the supplier"];
        history.push({ id: randomUUID(), at: when, planId: planOf.get(actionId)!, actionId, entity: "action", entityId: actionId, via: "chat:teams", actorPersonId: null, actorLabel: "bench", before: JSON.stringify(before), after: JSON.stringify(after), note });
      }
    }

    await flush(true);
    return { planIds: plans, actions: actionIds.length, statuses };
  };
  const dataset = await store.db.$transaction(fill, { timeout: 30 * 60_000, maxWait: 60_000 });
  // PostgreSQL's autovacuum would have gathered statistics on a store this size long before.
  if (store.provider === "postgresql") await store.db.$executeRawUnsafe("ANALYZE");
  return dataset;
}
