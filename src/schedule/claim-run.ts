import { randomUUID } from "node:crypto";
import type { Deliverer } from "../conversation/deliver.js";

/** A run not finished within this long is taken to have died with its process, and is resumed. */
export const RUN_LEASE_MS = 10 * 60_000;
const WORKER = `${process.pid}-${randomUUID().slice(0, 8)}`;

/**
 * Claims a scheduled run by inserting its key: a second process's insert fails and it moves on.
 * A run left unfinished past its lease (its process was killed) can be claimed again, and so can
 * one this process left unfinished (the database went away mid-run: a process never runs two ticks
 * at once, so its own unfinished run has failed). That is safe because every message a run records
 * has its own unique key.
 */
export async function claimRun(deps: Deliverer, key: string, now: Date): Promise<boolean> {
  const { db } = deps.store;
  const claimedBy = deps.workerId ?? WORKER;
  try {
    await db.scheduleRun.create({ data: { key, claimedBy, startedAt: now } });
    return true;
  } catch {
    const stale = await db.scheduleRun.updateMany({
      where: { key, finishedAt: null, OR: [{ claimedBy }, { startedAt: { lt: new Date(now.getTime() - RUN_LEASE_MS) } }] },
      data: { claimedBy, startedAt: now },
    });
    return stale.count === 1;
  }
}

export async function finishRun(deps: Deliverer, key: string, summary: unknown): Promise<void> {
  await deps.store.db.scheduleRun.update({ where: { key }, data: { finishedAt: new Date(), summary: JSON.stringify(summary) } });
}
