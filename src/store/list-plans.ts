import { londonDate } from "../domain/london-date.js";
import { CLOSED_STATUSES } from "../domain/vocabulary.js";
import type { Db } from "./open-store.js";

export interface PlanRow {
  slug: string;
  title: string;
  recommendations: number;
  actions: number;
  complete: number;
  overdue: number;
  archived: boolean;
  updatedAt: Date;
}

/** Every plan with its headline counts; overdue is judged on the UK calendar day of `now`. */
export async function listPlans(db: Db, now: Date): Promise<PlanRow[]> {
  const today = londonDate(now);
  const plans = await db.plan.findMany({ orderBy: { slug: "asc" }, include: { _count: { select: { recommendations: true, actions: true } } } });
  return Promise.all(
    plans.map(async (p) => ({
      slug: p.slug,
      title: p.title,
      recommendations: p._count.recommendations,
      actions: p._count.actions,
      complete: await db.action.count({ where: { planId: p.id, status: "complete" } }),
      overdue: await db.action.count({
        where: {
          planId: p.id,
          targetTo: { lt: today },
          OR: [{ status: null }, { status: { notIn: [...CLOSED_STATUSES] } }],
        },
      }),
      updatedAt: p.updatedAt,
      archived: p.archivedAt !== null,
    })),
  );
}
