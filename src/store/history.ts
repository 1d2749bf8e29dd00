import type { Via } from "../domain/vocabulary.js";
import type { Tx } from "./open-store.js";

/** Who made a change, when, and through which channel: written on every history row. */
export interface Actor {
  personId: string | null;
  label: string;
  via: Via;
  /** The chat room (channel, group chat) the command was given in, when not a 1:1 chat. */
  room?: string | null;
  now: Date;
}

export interface HistoryEntry {
  entity: string;
  entityId: string;
  planId?: string | null;
  actionId?: string | null;
  before?: unknown;
  after?: unknown;
  /** What the change was, in words, where before and after do not say it (a reason given, "erased"); else the chat room it was made in, if any. */
  note?: string | null;
}

/** One history row, written inside the caller's transaction so it stands or falls with the change. */
export async function writeHistory(tx: Tx, actor: Actor, entry: HistoryEntry): Promise<void> {
  await tx.history.create({
    data: {
      at: actor.now,
      entity: entry.entity,
      entityId: entry.entityId,
      planId: entry.planId ?? null,
      actionId: entry.actionId ?? null,
      via: actor.via,
      actorPersonId: actor.personId,
      actorLabel: actor.label,
      before: entry.before == null ? null : JSON.stringify(entry.before),
      after: entry.after == null ? null : JSON.stringify(entry.after),
      note: entry.note ?? (actor.room ? `room:${actor.room.slice(0, 500)}` : null),
    },
  });
}
