import { addDays, daysBetween, londonDate } from "../domain/london-date.js";
import { CLOSED_STATUSES, type Status } from "../domain/vocabulary.js";
import type { Prisma } from "../generated/sqlite/client.js";
import type { Db } from "./open-store.js";
import { normaliseAlias } from "./resolve-roles.js";

export interface ActionFilter {
  plan?: string;
  /** An owner role name or alias, or a person's name or email mapped to roles. */
  owner?: string;
  overdue?: boolean;
  dueWithinDays?: number;
  status?: Status;
  limit?: number;
}

export interface ActionRow {
  id: string;
  plan: string;
  ref: string;
  title: string;
  owners: string[];
  targetText: string | null;
  targetTo: string | null;
  originalTargetText: string | null;
  status: Status | null;
  rag: string | null;
  /** Days past target (positive) or until it (negative); null when there is no dated target. */
  daysLate: number | null;
}

/** Actions matching the filter, ordered by plan then position. `now` decides overdue and due soon. */
export async function listActions(db: Db, filter: ActionFilter, now: Date): Promise<ActionRow[]> {
  const today = londonDate(now);
  const where: Prisma.ActionWhereInput = {};
  if (filter.plan) where.plan = { slug: filter.plan };
  if (filter.status) where.status = filter.status;
  const open: Prisma.ActionWhereInput = { OR: [{ status: null }, { status: { notIn: [...CLOSED_STATUSES] } }] };
  const and: Prisma.ActionWhereInput[] = [];
  if (filter.overdue) and.push(open, { targetTo: { lt: today } });
  if (filter.dueWithinDays !== undefined) and.push(open, { targetTo: { gte: today, lte: addDays(today, filter.dueWithinDays) } });
  if (filter.owner) {
    const roleIds = await rolesForOwner(db, filter.owner);
    and.push({ owners: { some: { roleId: { in: roleIds } } } });
  }
  if (and.length > 0) where.AND = and;
  const rows = await db.action.findMany({
    where,
    include: { plan: { select: { slug: true } }, owners: { include: { role: true }, orderBy: { position: "asc" } } },
    orderBy: [{ plan: { slug: "asc" } }, { position: "asc" }],
    take: filter.limit,
  });
  return rows.map((a) => ({
    id: a.id,
    plan: a.plan.slug,
    ref: a.ref ?? a.key,
    title: a.title,
    owners: a.owners.filter((o) => o.kind === "responsible").map((o) => o.role.name),
    targetText: a.targetText,
    targetTo: a.targetTo,
    originalTargetText: a.originalTargetText,
    status: a.status as Status | null,
    rag: a.rag,
    daysLate: a.targetTo ? daysBetween(a.targetTo, today) : null,
  }));
}

/** Role ids an owner filter names: a role by name or alias, or the roles mapped to a person. */
async function rolesForOwner(db: Db, owner: string): Promise<string[]> {
  const alias = await db.ownerAlias.findUnique({ where: { alias: normaliseAlias(owner) } });
  const people = await db.person.findMany({
    where: { OR: [{ email: owner.toLowerCase() }, { name: owner }] },
    include: { assignments: true },
  });
  return [...new Set([...(alias ? [alias.roleId] : []), ...people.flatMap((p) => p.assignments.map((a) => a.roleId))])];
}
