import type { Db } from "../store/open-store.js";
import { planSettingsRows } from "../store/plans.js";
import { ScheduleSettings } from "./schedule-settings.js";

/**
 * A plan's settings: the deployment's, with what the plan sets over them. Stored settings that no
 * longer validate fall back to the deployment's rather than stopping everyone's prompts.
 */
export function planSettings(defaults: ScheduleSettings, stored: string | null | undefined): ScheduleSettings {
  if (!stored || stored === "{}") return defaults;
  try {
    const parsed = ScheduleSettings.safeParse({ ...defaults, ...(JSON.parse(stored) as object) });
    return parsed.success ? parsed.data : defaults;
  } catch {
    return defaults;
  }
}

/** Every plan's settings by plan id, read once for a run. */
export async function loadPlanSettings(db: Db, defaults: ScheduleSettings): Promise<Map<string, ScheduleSettings>> {
  const plans = await planSettingsRows(db);
  // An archived plan is chased no more: it is as if paused for good.
  return new Map(plans.map((p) => [p.id, p.archived ? { ...planSettings(defaults, p.settings), paused: true } : planSettings(defaults, p.settings)]));
}
