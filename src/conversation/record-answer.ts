import { addDays, londonDate, ukDate } from "../domain/london-date.js";
import { CLOSED_STATUSES, type Status, type Via } from "../domain/vocabulary.js";
import { Prisma } from "../generated/sqlite/client.js";
import type { Db } from "../store/open-store.js";
import { holdAnswer, type HeldAnswer } from "../store/hold-answer.js";
import type { AnswerKind } from "./card.js";
import { ACTION_CARD_INCLUDE, canAnswer, type CardAction } from "./find-person-actions.js";

export interface AnswerInput {
  personId: string;
  actionId: string;
  kind: AnswerKind;
  date?: string | null;
  reason?: string | null;
  note?: string | null;
  evidence?: string | null;
  /** The platform's delivery id, or the button's token: the same key records nothing new. */
  key: string;
  /** The Chaser message whose card was answered, if any. */
  messageId: string | null;
  via: Via;
  actorLabel: string;
  now: Date;
}

export type AnswerResult =
  | { outcome: "recorded"; action: CardAction; held?: HeldAnswer }
  | { outcome: "duplicate"; action: CardAction }
  | { outcome: "stale"; action: CardAction }
  | { outcome: "forbidden"; action: CardAction }
  | { outcome: "not_found" }
  | { outcome: "invalid"; code: string; params: Record<string, string | number> };

export const MAX_TEXT = 1000;
/** A snooze or a new target further out than this is almost certainly a typo. */
const MAX_DAYS_AHEAD = 5 * 366;

/** Checks what an answer carries before anything is touched; returns an error code or null. */
export function checkAnswer(input: Pick<AnswerInput, "kind" | "date" | "reason" | "note" | "evidence">, today: string): { code: string; params: Record<string, string | number> } | null {
  for (const [field, value] of Object.entries({ reason: input.reason, note: input.note, evidence: input.evidence })) {
    if (value && value.length > MAX_TEXT) return { code: "answer.text_too_long", params: { field, max: MAX_TEXT } };
  }
  const needsDate = input.kind === "delayed" || input.kind === "snooze";
  if (needsDate) {
    if (!input.date) return { code: input.kind === "delayed" ? "answer.delay_needs_date" : "answer.snooze_needs_date", params: {} };
    if (!isIsoDate(input.date)) return { code: "answer.not_a_date", params: { text: input.date.slice(0, 40) } };
    if (input.date <= today) return { code: "answer.date_not_future", params: { date: ukDate(input.date) } };
    if (input.date > addDays(today, MAX_DAYS_AHEAD)) return { code: "answer.date_too_far", params: { date: ukDate(input.date) } };
  }
  if ((input.kind === "delayed" || input.kind === "blocked") && !input.reason?.trim()) return { code: `answer.${input.kind}_needs_reason`, params: {} };
  if (input.kind === "note" && !input.note?.trim()) return { code: "answer.note_needs_text", params: {} };
  return null;
}

function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/**
 * Records one answer: checks it, checks the person may answer for the action and that the card
 * is not stale, then writes the action's new state, the answer and a history entry in one
 * transaction. A key seen before records nothing and says so.
 */
export async function recordAnswer(db: Db, input: AnswerInput): Promise<AnswerResult> {
  const today = londonDate(input.now);
  const invalid = checkAnswer(input, today);
  if (invalid) return { outcome: "invalid", ...invalid };
  try {
    return await db.$transaction(async (tx) => {
      const action = await tx.action.findUnique({ where: { id: input.actionId }, include: ACTION_CARD_INCLUDE });
      if (!action) return { outcome: "not_found" } as const;
      if (await tx.answer.findUnique({ where: { key: input.key } })) return { outcome: "duplicate", action } as const;
      if (!(await canAnswer(tx as unknown as Db, input.personId, action, today))) return { outcome: "forbidden", action } as const;
      // A card shows the state when it was sent; someone may have closed the action since.
      if (action.status && CLOSED_STATUSES.has(action.status as Status) && input.kind !== "note") return { outcome: "stale", action } as const;

      // ── Checked changes (issue 10): the plan may hold a new target or a completion for a decision.
      const held = await holdAnswer(tx, action, input);
      if (held) return { outcome: "recorded", action: { ...action, ...held.fields } as CardAction, held } as const;
      // ── end checked changes
      const change = changeFor(action, input, today);
      await tx.answer.create({
        data: {
          key: input.key,
          actionId: action.id,
          personId: input.personId,
          messageId: input.messageId,
          kind: input.kind,
          via: input.via,
          payload: JSON.stringify({ date: input.date ?? undefined, reason: input.reason ?? undefined, note: input.note ?? undefined, evidence: input.evidence ?? undefined }),
          createdAt: input.now,
        },
      });
      await tx.action.update({ where: { id: action.id }, data: { ...change, lastUpdateAt: input.now } });
      // The owners, plan and recommendation did not change: no need to read them again.
      const updated = { ...action, ...change, lastUpdateAt: input.now } as CardAction;
      await tx.history.create({
        data: {
          at: input.now,
          planId: action.planId,
          actionId: action.id,
          entity: "action",
          entityId: action.id,
          via: input.via,
          actorPersonId: input.personId,
          actorLabel: input.actorLabel,
          before: JSON.stringify(Object.fromEntries(Object.keys(change).map((k) => [k, (action as Record<string, unknown>)[k] ?? null]))),
          after: JSON.stringify(change),
          note: `${input.kind}${input.reason ? `: ${input.reason}` : input.note ? `: ${input.note}` : ""}`,
        },
      });
      return { outcome: "recorded", action: updated } as const;
      // Under a burst of presses answers queue for the database rather than being dropped.
    }, { maxWait: 15_000, timeout: 20_000 });
  } catch (error) {
    // Two deliveries of the same answer racing: the second insert of the key fails.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const action = await db.action.findUnique({ where: { id: input.actionId }, include: ACTION_CARD_INCLUDE });
      if (action) return { outcome: "duplicate", action };
    }
    throw error;
  }
}

/** The action fields an answer changes. RAG follows what the owner said; the original target never moves. */
function changeFor(action: CardAction, input: AnswerInput, today: string): Record<string, string | Date | null> {
  const status = (next: Status, statusText: string | null, rag: string | null = action.rag) => ({
    status: next,
    statusText,
    rag,
    statusSource: "chat",
    statusUpdatedAt: input.now,
  });
  switch (input.kind) {
    case "on_track":
      return status(action.status === "ongoing" ? "ongoing" : "in_progress", null, "green");
    case "complete":
      return {
        ...status("complete", input.note?.trim() || null),
        completedAt: input.now,
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
      return { reassignRequestedAt: input.now };
  }
}
