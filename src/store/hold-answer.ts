import type { Via } from "../domain/vocabulary.js";
import { checkHistory, checkSettings, type CheckedKind } from "./checked-changes.js";
import { writeEvidenceFile, type EvidenceFileInput } from "./evidence-files.js";
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
  /** A completion already waiting took this answer's note, link or file as more evidence (its cards are redrawn, not sent again). */
  added?: true;
  /** The completion now has evidence (a link or a file); without any the owner is asked for some. */
  hasEvidence?: boolean;
}

/**
 * An answer the plan checks before it takes effect (issue 10's checked changes): a new target
 * waiting for approval, a completion waiting for verification. Records the answer, the request and
 * its History row in the caller's transaction and returns it; null when the plan checks nothing.
 * "Complete" said again while a completion waits adds its note, link or file to that one.
 */
export async function holdAnswer(
  tx: Tx,
  action: { id: string; planId: string; targetTo: string | null; status: string | null; statusText: string | null; evidence: string | null; progress: string | null },
  input: { key: string; personId: string; messageId: string | null; kind: string; date?: string | null; reason?: string | null; note?: string | null; evidence?: string | null; evidenceFile?: EvidenceFileInput | null; via: Via; actorLabel: string; now: Date },
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
      payload: JSON.stringify({ date: input.date ?? undefined, reason: input.reason ?? undefined, note: input.note ?? undefined, evidence: input.evidence ?? undefined, file: input.evidenceFile?.name, held: true }),
      createdAt: input.now,
    },
  });
  const actor = { personId: input.personId, label: input.actorLabel, via: input.via };
  if (input.kind === "delayed") {
    const requestId = await createTargetRequest(tx, action, { newTarget: input.date!, reason: input.reason!.trim() }, actor, input.now);
    await tx.action.update({ where: { id: action.id }, data: { lastUpdateAt: input.now } });
    return { kind: "target", requestId, newTarget: input.date!, fields: { lastUpdateAt: input.now } };
  }
  const claim = { note: input.note?.trim() || null, evidence: input.evidence?.trim() || null };
  const waiting = await tx.checkedChange.findFirst({ where: { actionId: action.id, kind: "completion", status: "pending" }, orderBy: { createdAt: "desc" } });
  if (waiting) {
    // One completion to verify per action: what is said again is more evidence for it, not a second request.
    const given = { ...(claim.note ? { reason: claim.note } : {}), ...(claim.evidence ? { evidence: claim.evidence } : {}) };
    const fields: Record<string, string | Date | null> = { ...(claim.note ? { statusText: claim.note, progress: claim.note } : {}), ...(claim.evidence ? { evidence: claim.evidence } : {}) };
    if (Object.keys(given).length > 0) await tx.checkedChange.update({ where: { id: waiting.id }, data: given });
    await tx.action.update({ where: { id: action.id }, data: { ...fields, lastUpdateAt: input.now } });
    if (input.evidenceFile) await writeEvidenceFile(tx, { planId: action.planId, actionId: action.id, checkedChangeId: waiting.id }, input.evidenceFile, actor, input.now);
    if (Object.keys(given).length > 0) {
      await checkHistory(tx, waiting, actor, { reason: waiting.reason, evidence: waiting.evidence }, { status: "pending", ...given }, `completion evidence added${claim.note ? `: ${claim.note}` : ""}`, input.now);
    }
    const hasEvidence = Boolean(claim.evidence || input.evidenceFile || waiting.evidence) || (await tx.evidenceFile.count({ where: { checkedChangeId: waiting.id } })) > 0;
    // Nothing new said ("done" again): the request stands as it was, and no one is told of more evidence.
    const added = Object.keys(given).length > 0 || Boolean(input.evidenceFile);
    return { kind: "completion", requestId: waiting.id, fields: { ...fields, lastUpdateAt: input.now }, ...(added ? { added: true as const } : {}), hasEvidence };
  }
  const { id, fields } = await createVerification(tx, action, claim, actor, input.now);
  if (input.evidenceFile) await writeEvidenceFile(tx, { planId: action.planId, actionId: action.id, checkedChangeId: id }, input.evidenceFile, actor, input.now);
  return { kind: "completion", requestId: id, fields: { ...fields, lastUpdateAt: input.now }, hasEvidence: Boolean(claim.evidence || input.evidenceFile) };
}
