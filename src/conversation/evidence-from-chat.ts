import { createHash } from "node:crypto";
import type { TFunction } from "i18next";
import { fileSize } from "../domain/file-size.js";
import type { Via } from "../domain/vocabulary.js";
import { attachEvidenceFile, completionsAwaitingEvidence, type EvidenceFileInput } from "../store/evidence-files.js";
import type { Person } from "../store/people.js";
import type { Card } from "./card.js";
import type { Platform } from "./chat-user.js";
import { redrawDecisionCards } from "./decide-request.js";
import type { ConversationDeps } from "./handle-event.js";
import { FileTooLargeError, type ChatFile } from "./import-from-chat.js";

/**
 * The largest file taken as evidence. Chaser reads it once, to hash it; evidence is a signed-off
 * report or a photo, and anything larger is better shared as a link to where it lives.
 */
export const MAX_EVIDENCE_BYTES = 20 * 1024 * 1024;
const LIMIT_MB = MAX_EVIDENCE_BYTES / 1024 / 1024;

/**
 * Downloads a file sent as evidence, once and within the limit, and describes it as Chaser keeps
 * it (its name, the platform's id and lasting link, its size and SHA-256). A file too large or that
 * cannot be read is refused in words, naming the action it was for; nothing is stored either way.
 */
export async function readEvidence(t: TFunction, platform: Platform, file: ChatFile, ref: string): Promise<{ file: EvidenceFileInput } | { refusal: Card }> {
  const tooLarge = (size: number): { refusal: Card } => ({ refusal: { type: "notice", text: t("evidence.too_large", { file: file.name, size: fileSize(size), limitMb: LIMIT_MB, ref }) } });
  if (file.size !== undefined && file.size > MAX_EVIDENCE_BYTES) return tooLarge(file.size);
  let bytes: Uint8Array;
  try {
    bytes = await file.download(MAX_EVIDENCE_BYTES);
  } catch (error) {
    if (error instanceof FileTooLargeError) return tooLarge(error.size);
    return { refusal: { type: "notice", text: t("evidence.unreadable", { file: file.name, ref }) } };
  }
  if (bytes.length > MAX_EVIDENCE_BYTES) return tooLarge(bytes.length);
  if (bytes.length === 0) return { refusal: { type: "notice", text: t("evidence.unreadable", { file: file.name, ref }) } };
  return {
    file: {
      platform,
      platformFileId: file.id ?? null,
      name: file.name,
      fileType: file.type ?? null,
      size: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      link: file.link ?? null,
    },
  };
}

/**
 * A file sent without words saying which action: the evidence of the one completion of this
 * person's that waits for some (they pressed Complete and were asked for it). With several, they
 * are asked to say which; with none, an admin's file is a plan to import (null), anyone else's is
 * answered with how to send evidence.
 */
export async function evidenceForWaiting(deps: ConversationDeps, person: Person, t: TFunction, via: Via, platform: Platform, file: ChatFile, now: Date): Promise<Card | null> {
  const waiting = await completionsAwaitingEvidence(deps.store.db, person.id);
  if (waiting.length === 0) return person.isAdmin ? null : { type: "notice", text: t("evidence.none_awaiting", { file: file.name }) };
  if (waiting.length > 1) return { type: "notice", text: t("evidence.which", { file: file.name, refs: waiting.map((w) => w.actionRef).join(", "), ref: waiting[0]!.actionRef }) };
  const { changeId, actionRef } = waiting[0]!;
  const read = await readEvidence(t, platform, file, actionRef);
  if ("refusal" in read) return read.refusal;
  const attached = await attachEvidenceFile(deps.store.db, changeId, read.file, { personId: person.id, label: person.name, via }, now);
  // Decided while the file was on its way: nothing kept, and said so.
  if (attached === "not_pending") return { type: "notice", text: t("evidence.not_pending", { file: file.name, ref: actionRef }) };
  deps.later(() => redrawDecisionCards(deps, changeId));
  return { type: "notice", text: t("evidence.attached", { file: file.name, size: fileSize(read.file.size), ref: actionRef }) };
}
