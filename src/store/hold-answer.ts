import type { Via } from "../domain/vocabulary.js";
import { checkSettings, type CheckedKind } from "./checked-changes.js";
import type { Tx } from "./open-store.js";
import { createTargetRequest } from "./target-requests.js";
import { createVerification } from "./verifications.js";

export interface HeldAnswer {
  kind: CheckedKind;
  requestId: string;
  /** The target asked for, when it is a target change. */
  newTarget?: string;
  /** The action fields that did change (a completion now awaits verification). */
  fields: Record<string, string | Date | null>;
}

/**
 * An answer the plan checks before it takes effect (issue 10's checked changes): a new target
 * waiting for approval, a completion waiting for verification. Records the answer, the request and
 * its History row in the caller's transaction and returns it; null when the plan checks nothing.
 */
export async function holdAnswer(
  tx: Tx,
  action: { id: string; planId: string; targetTo: string | null; status: string | null; statusText: string | null; evidence: string | null; progress: string | null },
  input: { key: string; personId: string; messageId: string | null; kind: string; date?: string | null; reason?: string | null; note?: string | null; evidence?: string | null; via: Via; actorLabel: string; now: Date },
): Promise<HeldAnswer | null> {
  if (input.kind !== "delayed" && input.kind !== "complete") return null;
  const plan = await tx.plan.findUnique({ where: { id: action.planId }, select: { settings: true } });
  const settings = checkSettings(plan?.settings);
  if (input.kind === "delayed" && !settings.approveTargetChanges) return null;
  if (input.kind === "complete" && !settings.verifyCompletion) return null;
  await tx.answer.create({
    data: {
      key: input.key,
      actionId: action.id,
      personId: input.personId,
      messageId: input.messageId,
      kind: input.kind,
      via: input.via,
      payload: JSON.stringify({ date: input.date ?? undefined, reason: input.reason ?? undefined, note: input.note ?? undefined, evidence: input.evidence ?? undefined, held: true }),
      createdAt: input.now,
    },
  });
  const actor = { personId: input.personId, label: input.actorLabel, via: input.via };
  if (input.kind === "delayed") {
    const requestId = await createTargetRequest(tx, action, { newTarget: input.date!, reason: input.reason!.trim() }, actor, input.now);
    await tx.action.update({ where: { id: action.id }, data: { lastUpdateAt: input.now } });
    return { kind: "target", requestId, newTarget: input.date!, fields: { lastUpdateAt: input.now } };
  }
  const { id, fields } = await createVerification(tx, action, { note: input.note?.trim() || null, evidence: input.evidence?.trim() || null }, actor, input.now);
  return { kind: "completion", requestId: id, fields: { ...fields, lastUpdateAt: input.now } };
}
