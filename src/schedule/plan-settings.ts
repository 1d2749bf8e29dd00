import type { Db } from "../store/open-store.js";
import { planSettingsRows } from "../store/plans.js";
import { ScheduleSettings } from "./schedule-settings.js";

/**
 * A plan's settings: the deployment's, with what the plan sets over them. The one reader of a
 * plan's stored settings, for the schedule and for checked changes alike. A stored setting that no
 * longer validates (or a key Chaser does not know) gives way to the deployment's, alone: the rest
 * of what the plan sets stands, so a bad prompt time cannot unpause a plan or switch its checks off,
 * and nothing stops everyone's prompts.
 */
export function planSettings(defaults: ScheduleSettings, stored: string | null | undefined): ScheduleSettings {
  const own = storedObject(stored);
  const over = (keys: string[]) => ScheduleSettings.safeParse({ ...defaults, ...Object.fromEntries(keys.map((k) => [k, own[k]])) });
  let keys = Object.keys(own);
  while (keys.length > 0) {
    const parsed = over(keys);
    if (parsed.success) return parsed.data;
    const named = new Set(parsed.error.issues.flatMap((i) => (i.code === "unrecognized_keys" ? i.keys : [String(i.path[0])])));
    const left = keys.filter((k) => !named.has(k));
    if (left.length === keys.length) break;
    keys = left;
  }
  // What is left breaks a rule together without naming a key the plan sets (a digest day of the
  // deployment's that is not among the plan's working days): kept one by one, while they hold.
  const kept = keys.reduce<string[]>((held, k) => (over([...held, k]).success ? [...held, k] : held), []);
  const parsed = over(kept);
  return kept.length > 0 && parsed.success ? parsed.data : defaults;
}

function storedObject(stored: string | null | undefined): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(stored || "{}");
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Every plan's settings by plan id, read once for a run. */
export async function loadPlanSettings(db: Db, defaults: ScheduleSettings): Promise<Map<string, ScheduleSettings>> {
  const plans = await planSettingsRows(db);
  // An archived plan is chased no more: it is as if paused for good.
  return new Map(plans.map((p) => [p.id, p.archived ? { ...planSettings(defaults, p.settings), paused: true } : planSettings(defaults, p.settings)]));
}
