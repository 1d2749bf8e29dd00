import type { Actor } from "./history.js";
import { writeHistory } from "./history.js";
import type { Db } from "./open-store.js";

/** A plan as commands name it. */
export interface PlanRef {
  id: string;
  slug: string;
  title: string;
  kind: string;
  settings: string;
  archived: boolean;
}

export type PlanLookup = { plan: PlanRef } | { problem: "unknown" } | { problem: "ambiguous"; matches: string[] };

const SELECT = { id: true, slug: true, title: true, kind: true, settings: true, archivedAt: true } as const;
function ref(p: { id: string; slug: string; title: string; kind: string; settings: string; archivedAt: Date | null }): PlanRef {
  return { id: p.id, slug: p.slug, title: p.title, kind: p.kind, settings: p.settings, archived: p.archivedAt !== null };
}

/** A plan by its slug, else by its title (ignoring case); two plans of one title are named, not guessed. */
export async function findPlan(db: Db, name: string): Promise<PlanLookup> {
  const wanted = name.trim().toLowerCase();
  const bySlug = await db.plan.findUnique({ where: { slug: wanted }, select: SELECT });
  if (bySlug) return { plan: ref(bySlug) };
  const all = await db.plan.findMany({ select: SELECT, orderBy: { slug: "asc" } });
  const matches = all.filter((p) => p.title.toLowerCase() === wanted || p.slug.startsWith(wanted));
  if (matches.length === 1) return { plan: ref(matches[0]!) };
  if (matches.length === 0) return { problem: "unknown" };
  return { problem: "ambiguous", matches: matches.map((p) => p.slug) };
}

export async function planById(db: Db, id: string): Promise<PlanRef | null> {
  const p = await db.plan.findUnique({ where: { id }, select: SELECT });
  return p ? ref(p) : null;
}

/** Every plan's id, settings and whether it is archived, read once for a run. */
export async function planSettingsRows(db: Db): Promise<PlanRef[]> {
  return (await db.plan.findMany({ select: SELECT })).map(ref);
}

/** Archives a plan (or brings it back): kept for the record, no longer chased or digested. */
export async function setArchived(db: Db, planId: string, archived: boolean, actor: Actor): Promise<{ changed: boolean }> {
  return db.$transaction(async (tx) => {
    const before = await tx.plan.findUniqueOrThrow({ where: { id: planId }, select: { archivedAt: true } });
    if ((before.archivedAt !== null) === archived) return { changed: false };
    await tx.plan.update({ where: { id: planId }, data: { archivedAt: archived ? actor.now : null } });
    await writeHistory(tx, actor, { entity: "plan", entityId: planId, planId, before: { archived: before.archivedAt !== null }, after: { archived } });
    return { changed: true };
  });
}
