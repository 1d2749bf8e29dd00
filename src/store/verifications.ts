import { checkHistory, type Actor } from "./checked-changes.js";
import type { Tx } from "./open-store.js";

/** The status an action holds while its completion waits for a verifier. */
export const AWAITING_VERIFICATION = "awaiting_verification";

/**
 * "Complete" on a plan whose completions are verified: the action waits as "awaiting verification"
 * with the evidence (a link, a note) until a verifier accepts it or sends it back; all in one
 * transaction with the History rows.
 */
export async function createVerification(
  tx: Tx,
  action: { id: string; planId: string; status: string | null; statusText: string | null; evidence: string | null; progress: string | null },
  claim: { note: string | null; evidence: string | null },
  actor: Actor,
  now: Date,
): Promise<{ id: string; fields: Record<string, string | Date | null> }> {
  const row = await tx.checkedChange.create({
    data: { kind: "completion", planId: action.planId, actionId: action.id, requestedById: actor.personId, reason: claim.note, evidence: claim.evidence, createdAt: now },
  });
  const fields: Record<string, string | Date | null> = {
    status: AWAITING_VERIFICATION,
    statusText: claim.note,
    evidence: claim.evidence,
    ...(claim.note ? { progress: claim.note } : {}),
    statusSource: "chat",
    statusUpdatedAt: now,
    snoozedUntil: null,
  };
  await tx.action.update({ where: { id: action.id }, data: { ...fields, lastUpdateAt: now } });
  const before = Object.fromEntries(Object.keys(fields).filter((k) => k in action).map((k) => [k, (action as Record<string, unknown>)[k] ?? null]));
  await checkHistory(tx, { id: row.id, planId: action.planId, actionId: action.id }, actor, before, { ...fields, request: "pending" }, `completion to verify${claim.note ? `: ${claim.note}` : ""}`, now);
  return { id: row.id, fields };
}
