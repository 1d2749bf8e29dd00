import { CLOSED_STATUSES } from "../domain/vocabulary.js";
import type { Db } from "./open-store.js";

export { ACTION_CARD_INCLUDE, type CardAction } from "./card-action.js";
import { ACTION_CARD_INCLUDE, type CardAction } from "./card-action.js";

/** People whose actions this person answers for today: themselves and anyone they cover. */
export async function answeringFor(db: Db, personId: string, today: string): Promise<string[]> {
  const cover = await db.delegation.findMany({
    where: { delegateId: personId, OR: [{ until: null }, { until: { gte: today } }] },
    select: { principalId: true },
  });
  return [personId, ...cover.map((c) => c.principalId)];
}

/**
 * The open actions a person owns (through their roles) or covers for, least recently updated first;
 * with `closed`, the ones already complete or cancelled instead.
 */
export async function findPersonActions(db: Db, personId: string, today: string, options: { closed?: boolean } = {}): Promise<CardAction[]> {
  const people = await answeringFor(db, personId, today);
  const roles = await db.roleAssignment.findMany({ where: { personId: { in: people } }, select: { roleId: true } });
  if (roles.length === 0) return [];
  return db.action.findMany({
    where: {
      owners: { some: { roleId: { in: roles.map((r) => r.roleId) }, kind: "responsible" } },
      ...(options.closed ? { status: { in: [...CLOSED_STATUSES] } } : { OR: [{ status: null }, { status: { notIn: [...CLOSED_STATUSES] } }] }),
    },
    include: ACTION_CARD_INCLUDE,
    // Least recently updated first: a card shows a few at a time, and answering moves one along.
    orderBy: [{ lastUpdateAt: { sort: "asc", nulls: "first" } }, { plan: { slug: "asc" } }, { position: "asc" }],
  });
}

/**
 * Whether a person may update an action: an owner (responsible or accountable, through their
 * roles), someone covering for an owner, an admin of its plan, or a Chaser admin.
 */
export async function canAnswer(db: Db, personId: string, action: { id: string; planId: string }, today: string): Promise<boolean> {
  const person = await db.person.findUnique({ where: { id: personId }, select: { isAdmin: true } });
  if (person?.isAdmin) return true;
  if (await db.planAdmin.findUnique({ where: { planId_personId: { planId: action.planId, personId } } })) return true;
  const people = await answeringFor(db, personId, today);
  const owned = await db.actionOwner.findFirst({
    where: { actionId: action.id, role: { assignments: { some: { personId: { in: people } } } } },
  });
  return owned !== null;
}
