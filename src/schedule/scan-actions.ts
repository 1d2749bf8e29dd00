import type { Store } from "../store/open-store.js";
import { scanDueActions, type ScannedAction } from "../store/scan-due-actions.js";
import { loadPlanSettings } from "./plan-settings.js";
import type { ScheduleSettings } from "./schedule-settings.js";

export type { ScannedAction };

/**
 * Every open action that needs an answer today, with why and whether the cadence lets it be asked:
 * the due, overdue, slipping and silent scan, one query per plan with that plan's settings.
 */
export async function scanActions(store: Store, now: Date, defaults: ScheduleSettings, plans?: Map<string, ScheduleSettings>): Promise<ScannedAction[]> {
  plans ??= await loadPlanSettings(store.db, defaults);
  return scanDueActions(store, now, [...plans].map(([id, settings]) => ({ id, settings })));
}
