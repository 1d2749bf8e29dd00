import { randomUUID } from "node:crypto";
import type { Deliverer } from "../conversation/deliver.js";
import { insertRun, markRunFinished, resumeRun } from "../store/schedule-runs.js";

/** A run not finished within this long is taken to have died with its process, and is resumed. */
export const RUN_LEASE_MS = 10 * 60_000;
const WORKER = `${process.pid}-${randomUUID().slice(0, 8)}`;
/** Runs this process is doing now, by worker and key. */
const underWay = new Set<string>();

/**
 * Claims a scheduled run by inserting its key: a second process's insert fails and it moves on.
 * A run left unfinished past its lease (its process was killed) can be claimed again, and so can
 * one this process left unfinished and is no longer doing (the database went away mid-run). That is safe because every message a run records
 * has its own unique key.
 */
export async function claimRun(deps: Deliverer, key: string, now: Date): Promise<boolean> {
  const { db } = deps.store;
  const claimedBy = deps.workerId ?? WORKER;
  const mine = `${claimedBy}\n${key}`;
  // Reserved before the first await, so two ticks of one worker never both take the run.
  if (underWay.has(mine)) return false;
  underWay.add(mine);
  if (await insertRun(db, key, claimedBy, now)) return true;
  try {
    if (await resumeRun(db, key, claimedBy, now, RUN_LEASE_MS)) return true;
  } catch (error) {
    underWay.delete(mine);
    throw error;
  }
  underWay.delete(mine);
  return false;
}

export async function finishRun(deps: Deliverer, key: string, summary: unknown): Promise<void> {
  await markRunFinished(deps.store.db, key, summary);
}

/** Ends this process's hold on a run, finished or failed (then the next tick may take it up again). */
export function releaseRun(deps: Deliverer, key: string): void {
  underWay.delete(`${deps.workerId ?? WORKER}\n${key}`);
}
