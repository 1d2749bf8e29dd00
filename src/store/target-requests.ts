import { checkHistory, type Actor } from "./checked-changes.js";
import type { Tx } from "./open-store.js";

/**
 * A "delayed" with a new target on a plan whose target changes need approval: the target does not
 * move; a pending request is recorded, with its History row, for a plan admin to approve or reject.
 */
export async function createTargetRequest(
  tx: Tx,
  action: { id: string; planId: string; targetTo: string | null },
  request: { newTarget: string; reason: string },
  actor: Actor,
  now: Date,
): Promise<string> {
  const row = await tx.checkedChange.create({
    data: { kind: "target", planId: action.planId, actionId: action.id, requestedById: actor.personId, oldTarget: action.targetTo, newTarget: request.newTarget, reason: request.reason, createdAt: now },
  });
  await checkHistory(tx, { id: row.id, planId: action.planId, actionId: action.id }, actor, null, { status: "pending", oldTarget: action.targetTo, newTarget: request.newTarget }, `target change requested: ${request.reason}`, now);
  return row.id;
}
