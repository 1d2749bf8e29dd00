import { CLOSED_STATUSES, type Status } from "../domain/vocabulary.js";

/** What the scan's columns are derived from: the action's own columns, never settings. */
export interface ScanInputs {
  status: string | null;
  targetTo: string | null;
  originalTargetTo: string | null;
  lastUpdateAt: Date | null;
  createdAt: Date;
}

export interface ScanColumns {
  scanTarget: string | null;
  scanHeardAt: Date | null;
}

/** Sorts before every ISO day, so a slipping action is asked about whatever the day. */
export const ALWAYS = "0000-01-01";

/**
 * The indexed columns the scan filters on, as whyAsk reads the action: an action needs an answer
 * today when scanTarget <= today + dueSoonDays (overdue, due soon or slipping) or scanHeardAt is
 * silentDays old, unless snoozed. The database's triggers (migration 0007) derive the same on every
 * write; bulk inserts set them here so SQLite's trigger has nothing to do.
 */
export function scanColumns(a: ScanInputs): ScanColumns {
  const status = a.status as Status | null;
  if (status && CLOSED_STATUSES.has(status)) return { scanTarget: null, scanHeardAt: null };
  const scanHeardAt = a.lastUpdateAt ?? a.createdAt;
  // Ongoing work has no deadline to miss: only its silence counts.
  if (status === "ongoing") return { scanTarget: null, scanHeardAt };
  const movedLater = Boolean(a.targetTo && a.originalTargetTo && a.targetTo > a.originalTargetTo);
  if (status === "delayed" || movedLater) return { scanTarget: ALWAYS, scanHeardAt };
  return { scanTarget: a.targetTo || null, scanHeardAt };
}
