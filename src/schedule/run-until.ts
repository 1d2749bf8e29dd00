import type { Deliverer } from "../conversation/deliver.js";
import { finished, loadScheduleSettings, tick, type TickOptions, type TickReport } from "./scheduler.js";
import { digestSlot, nextDigestAt, nextPromptAt, promptSlot } from "./slots.js";

/** More slot openings than this in one move of a clock is a mistake, not a plan to catch up. */
const MAX_SLOTS = 200;

/**
 * Runs the schedule from `from` to `to` as if the clock had passed through it: a tick at every
 * prompt and digest slot opening on the way, in order, then one at `to`. The playground's clock
 * moves this way, so prompts, escalations and digests arrive as they would over those days.
 */
export async function runScheduleUntil(deps: Deliverer, from: Date, to: Date, options: TickOptions & { reached?: (when: Date) => void } = {}): Promise<TickReport[]> {
  const reports: TickReport[] = [];
  // A clock of its own is set to each tick's time first, so what is sent then is dated then.
  const reachedAt = (when: Date) => options.reached?.(when);
  let at = from;
  for (let i = 0; i < MAX_SLOTS; i++) {
    const settings = await loadScheduleSettings(deps.store.db);
    const next = [nextPromptAt(at, settings), nextDigestAt(at, settings)].filter((d): d is Date => d !== null && d <= to).sort((a, b) => a.getTime() - b.getTime())[0];
    if (!next) break;
    reachedAt(next);
    reports.push(await tick(deps, next, options));
    at = next;
  }
  reachedAt(to);
  reports.push(await tick(deps, to, options));
  return reports;
}

/**
 * When the next prompt run (or digest) happens for a clock at `now`: now, if today's slot is open
 * and this clock has not run it yet; else when the next slot opens. Null while paused.
 */
export async function nextRunAt(deps: Deliverer, now: Date, kind: "prompt" | "digest", options: TickOptions = {}): Promise<Date | null> {
  const settings = await loadScheduleSettings(deps.store.db);
  const open = kind === "prompt" ? promptSlot(now, settings) : digestSlot(now, settings);
  const key = open && (options.namespace ? `${options.namespace}:${open.key}` : open.key);
  if (key && !(await finished(deps.store.db, key))) return now;
  return kind === "prompt" ? nextPromptAt(now, settings) : nextDigestAt(now, settings);
}
