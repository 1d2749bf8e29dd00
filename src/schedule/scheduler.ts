import type { Db } from "../store/open-store.js";
import cron, { type ScheduledTask } from "node-cron";
import { dispatchPending, type Deliverer } from "../conversation/deliver.js";
import { readScheduleRow, SCHEDULE_SETTING } from "../store/settings.js";
import { runDigests } from "./run-digests.js";
import { runPrompts, type PromptRunReport } from "./run-prompts.js";
import { parseScheduleSettings, type ScheduleSettings } from "./schedule-settings.js";
import { runFinished } from "../store/schedule-runs.js";
import { canSendAt, digestSlot, promptSlot } from "./slots.js";

// Where the deployment's settings are kept is the store's business; re-exported for callers and tests.
export { SCHEDULE_SETTING };

export interface TickReport {
  paused: boolean;
  prompts: PromptRunReport | null;
  digests: { claimed: boolean; digests: number } | null;
  sent: number;
  failed: number;
}

/** The deployment's schedule settings (admins change them by command); defaults when unset. */
export async function loadScheduleSettings(db: Db): Promise<ScheduleSettings> {
  return parseScheduleSettings(await readScheduleRow(db));
}

export interface TickOptions {
  /**
   * Prefixes the slots' keys: a clock of its own (the playground's, moved by hand) claims its own
   * runs and messages, never the deployment's day or week.
   */
  namespace?: string;
}

/**
 * One look at the clock: run today's prompts and this week's digest if their slots are open and
 * unclaimed, then send what the outbox holds, unless it is quiet hours. Every replica does this;
 * the slot and message keys make sure each thing happens once.
 */
export async function tick(deps: Deliverer, now: Date, options: TickOptions = {}): Promise<TickReport> {
  const settings = await loadScheduleSettings(deps.store.db);
  const report: TickReport = { paused: settings.paused, prompts: null, digests: null, sent: 0, failed: 0 };
  if (settings.paused) return report;
  const own = <T extends { key: string }>(slot: T | null): T | null => (slot && options.namespace ? { ...slot, key: `${options.namespace}:${slot.key}` } : slot);
  const prompt = own(promptSlot(now, settings));
  if (prompt && !(await finished(deps.store.db, prompt.key))) report.prompts = await runPrompts(deps, prompt, now, settings);
  const digest = own(digestSlot(now, settings));
  if (digest && !(await finished(deps.store.db, digest.key))) report.digests = await runDigests(deps, digest, now, settings);
  if (canSendAt(now, settings)) {
    const results = await dispatchPending(deps, now);
    report.sent = results.filter((r) => r.status === "sent").length;
    report.failed = results.filter((r) => r.status === "failed").length;
  }
  return report;
}

/** Whether the run with this key has finished (a slot already done needs no second tick). */
export async function finished(db: Db, key: string): Promise<boolean> {
  return runFinished(db, key);
}

/** Every minute, in Europe/London; tests pass a faster one ("* * * * * *", every second). */
export const TICK_CRON = "* * * * *";

/**
 * Wakes every minute in Europe/London and ticks. Waking often rather than at the exact times means
 * a restart, a clock change, a missed wake-up or a database outage is caught up the same day; a
 * tick still running when the next is due is skipped rather than overlapped. A tick that fails
 * (the database is unreachable) is logged once, not every minute, and the next tick resumes the
 * work: runs left unfinished are taken up again and every message keeps its unique key.
 */
export function startScheduler(deps: Deliverer, now: () => Date = () => new Date(), options: { cron?: string } = {}): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  let failingSince: Date | null = null;
  const task: ScheduledTask = cron.schedule(
    options.cron ?? TICK_CRON,
    () => {
      if (running) return;
      running = tick(deps, now())
        .then((r) => {
          if (failingSince) deps.log.info({ failingSince }, "schedule resumed: the database answers again");
          failingSince = null;
          if (r.prompts?.claimed || r.digests?.claimed || r.sent || r.failed) deps.log.info({ schedule: r }, "schedule tick");
        })
        .catch((error: unknown) => {
          if (failingSince) return deps.log.debug({ err: error, failingSince }, "schedule tick failed again");
          failingSince = new Date();
          deps.log.error({ err: error }, "schedule tick failed; retrying every tick until it succeeds");
        })
        .finally(() => (running = null));
    },
    { timezone: "Europe/London", name: "chaser-schedule" },
  );
  return {
    stop: async () => {
      await task.stop();
      await running;
    },
  };
}
