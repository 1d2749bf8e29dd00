import type { Actor } from "./checked-changes.js";
import { writeHistory } from "./history.js";
import type { Db, Tx } from "./open-store.js";

/**
 * A file sent in chat as evidence of a completion, as Chaser keeps it: enough for an auditor to
 * find the file in the platform's own records (its id and lasting link) and to show it is the one
 * the verifier saw (its size and SHA-256). The bytes are not kept: the platform holds them.
 */
export interface EvidenceFileInput {
  platform: string;
  platformFileId: string | null;
  name: string;
  fileType: string | null;
  size: number;
  sha256: string;
  link: string | null;
}

export interface EvidenceFile extends EvidenceFileInput {
  id: string;
  actionId: string;
  checkedChangeId: string | null;
  personId: string;
  createdAt: Date;
}

/**
 * Keeps an evidence file with its History row, in the caller's transaction (the answer or the
 * completion it belongs to is written in the same one).
 */
export async function writeEvidenceFile(
  tx: Tx,
  target: { planId: string; actionId: string; checkedChangeId: string | null },
  file: EvidenceFileInput,
  actor: Actor,
  now: Date,
): Promise<string> {
  const row = await tx.evidenceFile.create({ data: { ...target, ...file, personId: actor.personId, createdAt: now } });
  await writeHistory(tx, { ...actor, now }, {
    entity: "evidence-file",
    entityId: row.id,
    planId: target.planId,
    actionId: target.actionId,
    after: { checkedChangeId: target.checkedChangeId, ...file },
    note: `evidence file: ${file.name}`,
  });
  return row.id;
}

/** A completion of this person's that waits for a verifier and has no evidence yet (no link, no file). */
export interface AwaitingEvidence {
  changeId: string;
  actionId: string;
  actionRef: string;
}

/** The completions this person asked for that still wait for their evidence, oldest first. */
export async function completionsAwaitingEvidence(db: Db, personId: string): Promise<AwaitingEvidence[]> {
  const pending = await db.checkedChange.findMany({ where: { requestedById: personId, kind: "completion", status: "pending", evidence: null }, orderBy: { createdAt: "asc" }, take: 50 });
  if (pending.length === 0) return [];
  const withFiles = new Set((await db.evidenceFile.findMany({ where: { checkedChangeId: { in: pending.map((p) => p.id) } }, select: { checkedChangeId: true } })).map((f) => f.checkedChangeId));
  const waiting = pending.filter((p) => !withFiles.has(p.id));
  const actions = await db.action.findMany({ where: { id: { in: waiting.map((w) => w.actionId) } }, select: { id: true, ref: true, key: true } });
  const refOf = new Map(actions.map((a) => [a.id, a.ref ?? a.key]));
  return waiting.filter((w) => refOf.has(w.actionId)).map((w) => ({ changeId: w.id, actionId: w.actionId, actionRef: refOf.get(w.actionId)! }));
}

/**
 * Attaches a file to a completion still waiting for its verifier, asked for by this person: the
 * file row and its History row (naming the completion) in one transaction. A completion decided
 * meanwhile takes nothing.
 */
export async function attachEvidenceFile(db: Db, changeId: string, file: EvidenceFileInput, actor: Actor, now: Date): Promise<"attached" | "not_pending"> {
  return db.$transaction(async (tx) => {
    const change = await tx.checkedChange.findUnique({ where: { id: changeId } });
    if (!change || change.kind !== "completion" || change.status !== "pending" || change.requestedById !== actor.personId) return "not_pending";
    await writeEvidenceFile(tx, { planId: change.planId, actionId: change.actionId, checkedChangeId: change.id }, file, actor, now);
    await tx.action.update({ where: { id: change.actionId }, data: { lastUpdateAt: now } });
    return "attached";
  });
}

/** The evidence files of these completions, oldest first. */
export async function evidenceFilesOf(db: Db | Tx, checkedChangeIds: string[]): Promise<EvidenceFile[]> {
  const rows = await db.evidenceFile.findMany({ where: { checkedChangeId: { in: checkedChangeIds } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  return rows.map(({ planId: _planId, ...row }) => row);
}
