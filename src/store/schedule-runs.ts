import type { Db } from "./open-store.js";

/** Claims a run by inserting its key; false when another process holds it. */
export async function insertRun(db: Db, key: string, claimedBy: string, now: Date): Promise<boolean> {
  try {
    await db.scheduleRun.create({ data: { key, claimedBy, startedAt: now } });
    return true;
  } catch {
    return false;
  }
}

/** Takes over a run left unfinished by this worker, or by one whose lease ran out. */
export async function resumeRun(db: Db, key: string, claimedBy: string, now: Date, leaseMs: number): Promise<boolean> {
  const resumable = await db.scheduleRun.updateMany({
    where: { key, finishedAt: null, OR: [{ claimedBy }, { startedAt: { lt: new Date(now.getTime() - leaseMs) } }] },
    data: { claimedBy, startedAt: now },
  });
  return resumable.count === 1;
}

export async function markRunFinished(db: Db, key: string, summary: unknown): Promise<void> {
  await db.scheduleRun.update({ where: { key }, data: { finishedAt: new Date(), summary: JSON.stringify(summary) } });
}

export async function runFinished(db: Db, key: string): Promise<boolean> {
  const run = await db.scheduleRun.findUnique({ where: { key }, select: { finishedAt: true } });
  return Boolean(run?.finishedAt);
}
