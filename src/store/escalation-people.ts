import type { Person } from "../generated/sqlite/client.js";
import { ACTION_CARD_INCLUDE, type CardAction } from "./card-action.js";
import { inChunks } from "./in-chunks.js";
import type { Db } from "./open-store.js";

/** Everyone an escalation run may name or tell, read once for the whole run. */
export interface EscalationPeople {
  /** The actions escalated that the run did not already hold, with what their cards show. */
  actions: Map<string, CardAction>;
  /** People mapped to each role. */
  byRole: Map<string, Person[]>;
  /** Each plan's admins. */
  planAdmins: Map<string, Person[]>;
  /** Chaser's admins. */
  admins: Person[];
  /** The people asked, by id. */
  people: Map<string, Person>;
}

/**
 * The lookups of a run's escalations in a few statements, however many actions escalate: the
 * accountable roles' people, the plans' admins, Chaser's admins, the people asked, and any action
 * not already in `known`. One query per kind rather than one per action or per route.
 */
export async function readEscalationPeople(db: Db, wanted: { known: Map<string, CardAction>; actionIds: string[]; planIds: string[]; personIds: string[] }): Promise<EscalationPeople> {
  const missing = wanted.actionIds.filter((id) => !wanted.known.has(id));
  const actions = await inChunks(missing, (slice) => db.action.findMany({ where: { id: { in: slice } }, include: ACTION_CARD_INCLUDE }));
  const read = new Map(actions.map((a) => [a.id, a]));
  const roleIds = [...new Set(wanted.actionIds.flatMap((id) => (wanted.known.get(id) ?? read.get(id))?.owners.filter((o) => o.kind === "accountable").map((o) => o.roleId) ?? []))];
  const [assignments, planAdmins, admins, people] = await Promise.all([
    inChunks(roleIds, (slice) => db.roleAssignment.findMany({ where: { roleId: { in: slice } }, include: { person: true } })),
    inChunks(wanted.planIds, (slice) => db.planAdmin.findMany({ where: { planId: { in: slice } }, include: { person: true } })),
    db.person.findMany({ where: { isAdmin: true } }),
    inChunks(wanted.personIds, (slice) => db.person.findMany({ where: { id: { in: slice } } })),
  ]);
  const group = <T>(rows: T[], key: (row: T) => string, value: (row: T) => Person) => {
    const map = new Map<string, Person[]>();
    for (const row of rows) map.set(key(row), [...(map.get(key(row)) ?? []), value(row)]);
    return map;
  };
  return {
    actions: read,
    byRole: group(assignments, (a) => a.roleId, (a) => a.person),
    planAdmins: group(planAdmins, (a) => a.planId, (a) => a.person),
    admins,
    people: new Map(people.map((p) => [p.id, p])),
  };
}
