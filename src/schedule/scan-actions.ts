import { londonDate } from "../domain/london-date.js";
import { whyAsk, type AskReason } from "../domain/why-ask.js";
import type { Db } from "../store/open-store.js";
import { loadPlanSettings } from "./plan-settings.js";
import type { ScheduleSettings } from "./schedule-settings.js";

export interface ScannedAction {
  id: string;
  planId: string;
  reason: AskReason;
  targetTo: string | null;
  statusSource: string;
  statusUpdatedAt: Date | null;
}

/**
 * Every open action that needs an answer today, with why: the due, overdue, slipping and silent
 * scan. Reads only the columns the rules need, in pages, and applies the pure rules per plan.
 */
export async function scanActions(db: Db, now: Date, defaults: ScheduleSettings, plans?: Map<string, ScheduleSettings>): Promise<ScannedAction[]> {
  const today = londonDate(now);
  plans ??= await loadPlanSettings(db, defaults);
  const found: ScannedAction[] = [];
  const page = 5000;
  for (let cursor: string | undefined; ; ) {
    const rows = await db.action.findMany({
      where: { OR: [{ status: null }, { status: { notIn: ["complete", "cancelled"] } }] },
      select: { id: true, planId: true, status: true, targetTo: true, originalTargetTo: true, snoozedUntil: true, lastUpdateAt: true, createdAt: true, statusSource: true, statusUpdatedAt: true },
      orderBy: { id: "asc" },
      take: page,
      ...(cursor ? { skip: 1, cursor: { id: cursor } } : {}),
    });
    for (const row of rows) {
      const reason = whyAsk(row, today, now, plans.get(row.planId) ?? defaults);
      if (reason) found.push({ id: row.id, planId: row.planId, reason, targetTo: row.targetTo, statusSource: row.statusSource, statusUpdatedAt: row.statusUpdatedAt });
    }
    if (rows.length < page) break;
    cursor = rows.at(-1)!.id;
  }
  return found;
}
