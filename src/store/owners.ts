import { Prisma } from "../generated/sqlite/client.js";
import { CLOSED_STATUSES } from "../domain/vocabulary.js";
import { refSpellings } from "../domain/ref-spellings.js";
import type { Actor } from "./history.js";
import { writeHistory } from "./history.js";
import type { Db } from "./open-store.js";
import type { Person } from "./people.js";
import { normaliseAlias } from "./resolve-roles.js";
import { findOrNamePerson, openClaimsForNamed } from "./people.js";

/**
 * How a command names a person. Never a chat display name: a platform id (an @mention), an email,
 * or a name an admin gave (people Chaser made from a plan's owner list or an admin's command).
 */
export type PersonRef =
  | { by: "platform"; platform: "teams" | "slack" | "web"; userId: string; name?: string | null }
  | { by: "email"; email: string }
  | { by: "name"; name: string; email?: string };

export type PersonLookup = { person: Person } | { problem: "unknown" } | { problem: "ambiguous"; matches: string[] };

/**
 * The person a command names. Someone @mentioned whom Chaser has not met is made from the
 * platform's id (`create`), so they can be given a role before they first speak to Chaser.
 */
export async function findPerson(db: Db, ref: PersonRef, options: { create?: boolean } = {}): Promise<PersonLookup> {
  if (ref.by === "platform" && ref.platform === "web") {
    // The playground's personas, by the name they were given there; never a real person.
    const found = await db.person.findUnique({ where: { webUserId: ref.userId } });
    return found ? { person: found } : { problem: "unknown" };
  }
  if (ref.by === "platform") {
    const field = ref.platform === "teams" ? "teamsUserId" : "slackUserId";
    const found = await db.person.findFirst({ where: { [field]: ref.userId } });
    if (found) return { person: found };
    if (!options.create) return { problem: "unknown" };
    const name = ref.name?.trim() || ref.userId;
    return { person: await db.person.create({ data: { name, origin: ref.platform, [field]: ref.userId, preferredPlatform: ref.platform } }) };
  }
  if (ref.by === "email") {
    const email = ref.email.trim().toLowerCase();
    const found = await db.person.findUnique({ where: { email } });
    if (found) return { person: found };
    if (!options.create) return { problem: "unknown" };
    const name = email.split("@")[0]!.replace(/[._-]+/g, " ").replace(/\b\w/g, (c) => c.toUpperCase());
    return { person: await db.person.create({ data: { name, email, origin: "admin" } }) };
  }
  // Only among people an admin named: a chat user who calls themselves this is not them.
  const named = await db.person.findMany({ where: { origin: "admin" }, orderBy: { createdAt: "asc" } });
  const wanted = ref.name.trim().toLowerCase().replace(/\s+/g, " ");
  const matches = named.filter((p) => p.name.toLowerCase().replace(/\s+/g, " ") === wanted);
  if (matches.length === 1) return { person: matches[0]! };
  if (matches.length === 0) return { problem: "unknown" };
  return { problem: "ambiguous", matches: matches.map((p) => (p.email ? `${p.name} <${p.email}>` : `${p.name} (${p.id})`)) };
}

export type MapResult = { outcome: "mapped"; role: string; person: string; created: boolean } | { outcome: "unknown_role" };

/** Maps an owner role (by name or alias) to a known person; idempotent, with history. */
export async function mapRoleToPerson(db: Db, roleName: string, personId: string, actor: Actor): Promise<MapResult> {
  return db.$transaction(async (tx) => {
    const alias = await tx.ownerAlias.findUnique({ where: { alias: normaliseAlias(roleName) }, include: { role: true } });
    if (!alias) return { outcome: "unknown_role" as const };
    const person = await tx.person.findUniqueOrThrow({ where: { id: personId } });
    const existing = await tx.roleAssignment.findUnique({ where: { roleId_personId: { roleId: alias.roleId, personId } } });
    if (!existing) {
      const before = await tx.roleAssignment.findMany({ where: { roleId: alias.roleId }, include: { person: { select: { name: true } } } });
      await tx.roleAssignment.create({ data: { roleId: alias.roleId, personId } });
      await writeHistory(tx, actor, {
        entity: "role-assignment",
        entityId: `${alias.roleId}:${personId}`,
        before: { role: alias.role.name, people: before.map((b) => b.person.name) },
        after: { role: alias.role.name, people: [...before.map((b) => b.person.name), person.name], email: person.email },
      });
    }
    return { outcome: "mapped" as const, role: alias.role.name, person: person.name, created: !existing };
  });
}

/** The plans whose actions a role (by name or alias) owns. */
export async function rolePlans(db: Db, roleName: string): Promise<string[]> {
  const alias = await db.ownerAlias.findUnique({ where: { alias: normaliseAlias(roleName) }, select: { roleId: true } });
  if (!alias) return [];
  const owned = await db.actionOwner.findMany({ where: { roleId: alias.roleId }, select: { action: { select: { planId: true } } } });
  return [...new Set(owned.map((o) => o.action.planId))];
}

export interface UnmappedRole {
  role: string;
  openActions: number;
  plans: string[];
}

/**
 * Roles that own open actions but have nobody mapped, so nobody is chased for those actions, with
 * how many each owns: for the `unmapped` command, counted in the database.
 */
export async function unmappedRoles(db: Db, planId: string | null): Promise<UnmappedRole[]> {
  const rows = await db.$queryRaw<{ role: string; plan: string; open: number | bigint }[]>`
    SELECT r."name" AS "role", p."slug" AS "plan", COUNT(*) AS "open"
    FROM "OwnerRole" r
      JOIN "ActionOwner" o ON o."roleId" = r."id" AND o."kind" = 'responsible'
      JOIN "Action" a ON a."id" = o."actionId"
      JOIN "Plan" p ON p."id" = a."planId"
    WHERE NOT EXISTS (SELECT 1 FROM "RoleAssignment" ra WHERE ra."roleId" = r."id")
      AND (a."status" IS NULL OR a."status" NOT IN (${Prisma.join([...CLOSED_STATUSES])}))
      ${planId ? Prisma.sql`AND a."planId" = ${planId}` : Prisma.empty}
    GROUP BY r."name", p."slug"
    ORDER BY r."name", p."slug"`;
  const roles = new Map<string, UnmappedRole>();
  for (const row of rows) {
    const role = roles.get(row.role) ?? { role: row.role, openActions: 0, plans: [] };
    role.openActions += Number(row.open);
    role.plans.push(row.plan);
    roles.set(row.role, role);
  }
  return [...roles.values()];
}

/**
 * The names of a plan's roles that own an open action and have nobody mapped: what the digest
 * tells admins. Asks only whether each role owns one, so it stops at the first; counting them
 * takes seconds on a plan of a hundred thousand actions. The CROSS JOIN keeps SQLite walking from
 * the role's owner rows to their actions, not the plan's every action for each role (PostgreSQL
 * reads it as a plain join and plans it as it likes).
 */
export async function rolesNobodyMapped(db: Db, planId: string): Promise<string[]> {
  const rows = await db.$queryRaw<{ role: string }[]>`
    SELECT r."name" AS "role" FROM "OwnerRole" r
    WHERE NOT EXISTS (SELECT 1 FROM "RoleAssignment" ra WHERE ra."roleId" = r."id")
      AND EXISTS (
        SELECT 1 FROM "ActionOwner" o CROSS JOIN "Action" a
        WHERE o."roleId" = r."id" AND o."kind" = 'responsible' AND a."id" = o."actionId" AND a."planId" = ${planId}
          AND (a."status" IS NULL OR a."status" NOT IN (${Prisma.join([...CLOSED_STATUSES])})))
    ORDER BY r."name"`;
  return rows.map((r) => r.role);
}

export type AssignResult =
  | { outcome: "assigned"; ref: string; title: string; role: string; before: string[] }
  | { outcome: "unknown_action" }
  | { outcome: "ambiguous_action"; matches: string[] }
  | { outcome: "unknown_role" };

/** Makes a role the one responsible for an action of a plan, in place of whoever was. */
export async function assignAction(db: Db, planId: string, ref: string, roleName: string, actor: Actor): Promise<AssignResult> {
  return db.$transaction(async (tx) => {
    const spellings = refSpellings(ref);
    const actions = await tx.action.findMany({
      where: { planId, OR: [{ ref: { in: spellings } }, { key: { in: spellings } }] },
      include: { owners: { include: { role: true } } },
    });
    if (actions.length === 0) return { outcome: "unknown_action" as const };
    if (actions.length > 1) return { outcome: "ambiguous_action" as const, matches: actions.map((a) => `${a.ref ?? a.key}: ${a.title.slice(0, 60)}`) };
    const action = actions[0]!;
    const alias = await tx.ownerAlias.findUnique({ where: { alias: normaliseAlias(roleName) } });
    if (!alias) return { outcome: "unknown_role" as const };
    const role = await tx.ownerRole.findUniqueOrThrow({ where: { id: alias.roleId } });
    const before = action.owners.filter((o) => o.kind === "responsible").map((o) => o.role.name);
    await tx.actionOwner.deleteMany({ where: { actionId: action.id, kind: "responsible" } });
    await tx.actionOwner.create({ data: { actionId: action.id, roleId: role.id, kind: "responsible", position: 0 } });
    await writeHistory(tx, actor, { entity: "action-owner", entityId: action.id, planId, actionId: action.id, before: { responsible: before }, after: { responsible: [role.name] } });
    return { outcome: "assigned" as const, ref: action.ref ?? action.key, title: action.title, role: role.name, before };
  });
}

/** Cover while someone is away: the delegate answers for them until `until` (inclusive), or until removed. */
export async function setCover(db: Db, principalId: string, delegateId: string, until: string | null, remove: boolean, actor: Actor): Promise<{ changed: boolean }> {
  return db.$transaction(async (tx) => {
    const where = { principalId_delegateId: { principalId, delegateId } };
    const before = await tx.delegation.findUnique({ where });
    if (remove && !before) return { changed: false };
    if (remove) await tx.delegation.delete({ where });
    else await tx.delegation.upsert({ where, create: { principalId, delegateId, until }, update: { until } });
    await writeHistory(tx, actor, {
      entity: "delegation",
      entityId: `${principalId}:${delegateId}`,
      before: before ? { until: before.until } : null,
      after: remove ? null : { until },
    });
    return { changed: true };
  });
}

/**
 * Hands over everything someone held (they left): their roles, and so their actions, go to another
 * person, and anyone's cover of them ends. One transaction, one history row per role moved.
 */
export async function handOver(db: Db, fromId: string, toId: string, actor: Actor): Promise<{ roles: string[] }> {
  return db.$transaction(async (tx) => {
    const held = await tx.roleAssignment.findMany({ where: { personId: fromId }, include: { role: true }, orderBy: { role: { name: "asc" } } });
    for (const a of held) {
      await tx.roleAssignment.delete({ where: { roleId_personId: { roleId: a.roleId, personId: fromId } } });
      await tx.roleAssignment.upsert({ where: { roleId_personId: { roleId: a.roleId, personId: toId } }, create: { roleId: a.roleId, personId: toId }, update: {} });
      await writeHistory(tx, actor, { entity: "role-assignment", entityId: `${a.roleId}:${fromId}`, before: { role: a.role.name, personId: fromId }, after: { role: a.role.name, personId: toId } });
    }
    await tx.delegation.deleteMany({ where: { principalId: fromId } });
    return { roles: held.map((a) => a.role.name) };
  });
}

/**
 * Someone named at the terminal: found by email, else among the people admins named, else made.
 * Someone new may be a chat user already known under that name: a claim is opened for an admin to confirm.
 */
export async function findOrNameAtTerminal(db: Db, name: string, email: string | null, actor: Actor): Promise<{ person: Person; claims: number }> {
  return db.$transaction(async (tx) => {
    const named = await findOrNamePerson(tx, name, email);
    return { person: named.person, claims: named.created ? await openClaimsForNamed(tx, named.person, actor.via, actor.label) : 0 };
  });
}

/** Every owner role with the names of the people mapped to it, by name. */
export async function rolesWithPeople(db: Db): Promise<{ name: string; people: string[] }[]> {
  const roles = await db.ownerRole.findMany({ orderBy: { name: "asc" }, include: { assignments: { include: { person: { select: { name: true } } } } } });
  return roles.map((r) => ({ name: r.name, people: r.assignments.map((a) => a.person.name) }));
}
