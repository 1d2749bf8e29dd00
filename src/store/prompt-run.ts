import { ACTION_CARD_INCLUDE, type CardAction } from "./card-action.js";
import { inChunks } from "./in-chunks.js";
import type { Db } from "./open-store.js";
import type { Person } from "./people.js";

/** When each action was last answered, since `since`. */
export async function lastAnswers(db: Db, since: Date): Promise<Map<string, Date>> {
  const out = new Map<string, Date>();
  for (const a of await db.answer.findMany({ where: { createdAt: { gte: since } }, orderBy: { createdAt: "asc" }, select: { actionId: true, createdAt: true } })) out.set(a.actionId, a.createdAt);
  return out;
}

/** These actions with what their cards show, by id. */
export async function cardActions(db: Db, ids: string[]): Promise<Map<string, CardAction>> {
  const rows = await inChunks(ids, (slice) => db.action.findMany({ where: { id: { in: slice } }, include: ACTION_CARD_INCLUDE }));
  return new Map(rows.map((a) => [a.id, a]));
}

/** Who is mapped to these roles, and who covers whom today (the delegate hears instead). */
export async function ownersAndCover(db: Db, roleIds: string[], today: string): Promise<{ assignments: { roleId: string; personId: string; person: Person }[]; cover: Map<string, Person> }> {
  const [assignments, delegations] = await Promise.all([
    inChunks(roleIds, (slice) => db.roleAssignment.findMany({ where: { roleId: { in: slice } }, include: { person: true } })),
    db.delegation.findMany({ where: { OR: [{ until: null }, { until: { gte: today } }] }, include: { delegate: true }, orderBy: { createdAt: "asc" } }),
  ]);
  return { assignments, cover: new Map(delegations.map((d) => [d.principalId, d.delegate])) };
}

/** The prompts and escalations recorded since `since`: who was asked about what, and when. */
export async function asksSince(db: Db, since: Date): Promise<{ prompts: { actionId: string; at: Date; personId: string }[]; escalations: { actionId: string; at: Date }[] }> {
  const [prompts, escalations] = await Promise.all([
    db.promptedAction.findMany({ where: { at: { gte: since }, kind: "prompt" }, select: { actionId: true, at: true, personId: true } }),
    db.promptedAction.findMany({ where: { at: { gte: since }, kind: "escalation" }, select: { actionId: true, at: true } }),
  ]);
  return { prompts, escalations };
}
