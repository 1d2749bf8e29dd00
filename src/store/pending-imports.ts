import { z } from "zod";
import type { Via } from "../domain/vocabulary.js";
import { COLUMN_ROLES, type ColumnRole } from "../import/match-columns.js";
import type { ColumnChoice } from "../import/read-columns.js";
import type { Db, Tx } from "./open-store.js";
import { writeHistory } from "./history.js";

const Choices = z.array(z.object({ column: z.string().min(1).max(300), role: z.enum(COLUMN_ROLES as [ColumnRole, ...ColumnRole[]]).nullable() }));

export type PendingStatus = "waiting" | "importing" | "imported" | "cancelled";

/** A plan file sent in chat, previewed and waiting for its Import or Cancel press. */
export interface PendingImport {
  id: string;
  personId: string;
  fileName: string;
  bytes: Uint8Array;
  /** Roles the person gave columns on the card so far, in the order given. */
  choices: ColumnChoice[];
  status: PendingStatus;
  planSlug: string | null;
  expiresAt: Date;
}

interface Actor {
  via: Via;
  actorLabel: string;
  actorPersonId?: string | null;
}

type Row = { id: string; personId: string; fileName: string; bytes: Uint8Array; choices: string; status: string; planSlug: string | null; expiresAt: Date };

function fromRow(row: Row): PendingImport {
  const choices = Choices.safeParse(JSON.parse(row.choices));
  return {
    id: row.id,
    personId: row.personId,
    fileName: row.fileName,
    bytes: new Uint8Array(row.bytes),
    // Choices written by a later version and not understood are dropped: the preview asks again.
    choices: choices.success ? choices.data : [],
    status: row.status as PendingStatus,
    planSlug: row.planSlug,
    expiresAt: row.expiresAt,
  };
}

async function history(tx: Tx, id: string, actor: Actor, before: unknown, after: unknown, note?: string): Promise<void> {
  await writeHistory(tx, { personId: actor.actorPersonId ?? null, label: actor.actorLabel, via: actor.via, now: new Date() }, {
    entity: "pending-import",
    entityId: id,
    before,
    after,
    note,
  });
}

/** Forgets files whose previews expired before anyone pressed Import; each leaves a history entry. */
async function sweepExpired(tx: Tx, now: Date, actor: Actor): Promise<void> {
  const expired = await tx.pendingImport.findMany({ where: { expiresAt: { lte: now } }, select: { id: true, fileName: true, status: true } });
  if (expired.length === 0) return;
  await tx.pendingImport.deleteMany({ where: { id: { in: expired.map((e) => e.id) } } });
  for (const e of expired) await history(tx, e.id, actor, { fileName: e.fileName, status: e.status }, null, "expired");
}

/** Keeps a previewed file until `expiresAt`, sweeping those that expired. */
export async function holdPendingImport(
  db: Db,
  input: { id: string; personId: string; fileName: string; bytes: Uint8Array; expiresAt: Date; now: Date } & Actor,
): Promise<void> {
  await db.$transaction(async (tx) => {
    await sweepExpired(tx, input.now, input);
    await tx.pendingImport.create({
      data: { id: input.id, personId: input.personId, fileName: input.fileName, bytes: new Uint8Array(input.bytes), expiresAt: input.expiresAt },
    });
    await history(tx, input.id, input, null, { fileName: input.fileName, bytes: input.bytes.length, expiresAt: input.expiresAt.toISOString() });
  });
}

/** The pending import, whatever its status, or null when there is none or it expired. */
export async function findPendingImport(db: Db, id: string, now: Date): Promise<PendingImport | null> {
  const row = await db.pendingImport.findUnique({ where: { id } });
  if (!row || row.expiresAt <= now) return null;
  return fromRow(row);
}

/** Records a role the person gave a column on the card; a later choice for the same column replaces it. */
export async function chooseColumn(db: Db, input: { id: string; choice: ColumnChoice; now: Date } & Actor): Promise<PendingImport | null> {
  return db.$transaction(async (tx) => {
    const row = await tx.pendingImport.findUnique({ where: { id: input.id } });
    if (!row || row.expiresAt <= input.now || row.status !== "waiting") return null;
    const before = fromRow(row).choices;
    const choices = [...before.filter((c) => c.column !== input.choice.column), input.choice];
    const updated = await tx.pendingImport.update({ where: { id: input.id }, data: { choices: JSON.stringify(Choices.parse(choices)) } });
    await history(tx, input.id, input, { choices: before }, { choices });
    return fromRow(updated);
  });
}

/**
 * Claims a waiting import for this press: only one press (of two at once, or one repeated after a
 * restart) moves it on from "waiting", so the plan is written once. Null when it was not waiting.
 */
export async function claimPendingImport(db: Db, input: { id: string; to: "importing" | "cancelled"; now: Date } & Actor): Promise<PendingImport | null> {
  return db.$transaction(async (tx) => {
    const claimed = await tx.pendingImport.updateMany({ where: { id: input.id, status: "waiting", expiresAt: { gt: input.now } }, data: input.to === "cancelled" ? { status: input.to, bytes: new Uint8Array(0) } : { status: input.to } });
    if (claimed.count !== 1) return null;
    await history(tx, input.id, input, { status: "waiting" }, { status: input.to });
    const row = await tx.pendingImport.findUniqueOrThrow({ where: { id: input.id } });
    return fromRow(row);
  });
}

/**
 * How a claimed import ended: imported (its file is no longer needed, so its bytes are dropped), or
 * back to waiting when it could not be written, so the person can press again.
 */
export async function settlePendingImport(db: Db, input: { id: string; outcome: "imported" | "waiting"; planSlug?: string } & Actor): Promise<void> {
  await db.$transaction(async (tx) => {
    const claimed = await tx.pendingImport.updateMany({
      where: { id: input.id, status: "importing" },
      data: input.outcome === "imported" ? { status: "imported", planSlug: input.planSlug ?? null, bytes: new Uint8Array(0) } : { status: "waiting" },
    });
    if (claimed.count === 1) await history(tx, input.id, input, { status: "importing" }, { status: input.outcome, ...(input.planSlug ? { planSlug: input.planSlug } : {}) });
  });
}
