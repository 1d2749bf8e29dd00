import { ukDate } from "./london-date.js";
import type { Status } from "./vocabulary.js";

export type AnswerKind = "on_track" | "complete" | "delayed" | "blocked" | "note" | "snooze" | "not_mine";

export interface AnswerFields {
  kind: AnswerKind;
  date?: string | null;
  reason?: string | null;
  note?: string | null;
  evidence?: string | null;
}

/**
 * The action fields an answer changes, given the action as it stands. Pure. RAG follows what the
 * owner said; the original target never moves. Call it only with an answer checkAnswer accepted.
 */
export function answerChange(action: { status: string | null; rag: string | null }, input: AnswerFields, today: string, now: Date): Record<string, string | Date | null> {
  const status = (next: Status, statusText: string | null, rag: string | null = action.rag) => ({
    status: next,
    statusText,
    rag,
    statusSource: "chat",
    statusUpdatedAt: now,
  });
  switch (input.kind) {
    case "on_track":
      return status(action.status === "ongoing" ? "ongoing" : "in_progress", null, "green");
    case "complete":
      return {
        ...status("complete", input.note?.trim() || null),
        completedAt: now,
        evidence: input.evidence?.trim() || null,
        ...(input.note?.trim() ? { progress: input.note.trim() } : {}),
        snoozedUntil: null,
      };
    case "delayed":
      return {
        ...status("delayed", input.reason!.trim(), "amber"),
        targetText: ukDate(input.date!),
        targetFrom: input.date!,
        targetTo: input.date!,
        snoozedUntil: null,
      };
    case "blocked":
      return status("blocked", input.reason!.trim(), "red");
    case "note":
      return { progress: input.note!.trim() };
    case "snooze":
      return { snoozedUntil: input.date! > today ? input.date! : null };
    case "not_mine":
      return { reassignRequestedAt: now };
  }
}
