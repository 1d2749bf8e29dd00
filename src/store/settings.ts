import type { Actor } from "./history.js";
import { writeHistory } from "./history.js";
import type { Db } from "./open-store.js";

/** The AppSetting row holding the deployment's schedule settings. */
export const SCHEDULE_SETTING = "schedule";

/** The schedule settings as stored (only what was set): the deployment's, or one plan's. */
export async function readStoredSettings(db: Db, planId: string | null): Promise<Record<string, unknown>> {
  const raw = planId
    ? (await db.plan.findUniqueOrThrow({ where: { id: planId }, select: { settings: true } })).settings
    : (await db.appSetting.findUnique({ where: { key: SCHEDULE_SETTING } }))?.value;
  try {
    const parsed: unknown = JSON.parse(raw ?? "{}");
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The deployment's stored schedule settings as text, for the scheduler to parse. */
export async function readScheduleRow(db: Db): Promise<string | undefined> {
  return (await db.appSetting.findUnique({ where: { key: SCHEDULE_SETTING } }))?.value;
}

/**
 * Changes stored settings (the caller has validated them), with a history row of before and after
 * in the same transaction. `change` sees what is stored now, so two admins' changes do not undo each other.
 */
export async function changeSettings(db: Db, planId: string | null, change: (stored: Record<string, unknown>) => Record<string, unknown>, actor: Actor): Promise<Record<string, unknown>> {
  return db.$transaction(async (tx) => {
    const raw = planId
      ? (await tx.plan.findUniqueOrThrow({ where: { id: planId }, select: { settings: true } })).settings
      : (await tx.appSetting.findUnique({ where: { key: SCHEDULE_SETTING } }))?.value;
    let stored: Record<string, unknown> = {};
    try {
      stored = JSON.parse(raw ?? "{}") as Record<string, unknown>;
    } catch {
      // Unreadable settings are replaced, and the history keeps what they were.
    }
    const next = change(stored);
    const value = JSON.stringify(next);
    if (planId) await tx.plan.update({ where: { id: planId }, data: { settings: value } });
    else await tx.appSetting.upsert({ where: { key: SCHEDULE_SETTING }, create: { key: SCHEDULE_SETTING, value }, update: { value } });
    await writeHistory(tx, actor, { entity: "settings", entityId: planId ?? SCHEDULE_SETTING, planId, before: stored, after: next });
    return next;
  });
}
