import { ChaserError } from "../domain/chaser-error.js";
import type { Via } from "../domain/vocabulary.js";
import type { Db } from "./open-store.js";
import { writeHistory } from "./history.js";
import { normaliseAlias } from "./resolve-roles.js";
import { findOrNamePerson, openClaimsForNamed, playgroundPersona } from "./people.js";

export interface MapRoleInput {
  role: string;
  personName: string;
  email?: string | null;
  via: Via;
  actorLabel: string;
  actorPersonId?: string | null;
  /** The playground maps roles to its own personas, never to real people. */
  playground?: boolean;
}

/**
 * Maps an owner role (by name or alias) to a person, creating the person if new (matched by email,
 * else by name among the people admins named, never a chat user who merely has that name). Someone
 * named without an email may already be a chat user of that name: a claim is opened for an admin
 * to confirm (`claims`). Idempotent; history records the mapping.
 */
export async function mapRole(db: Db, input: MapRoleInput): Promise<{ role: string; person: string; created: boolean; claims: number }> {
  const persona = input.playground ? await playgroundPersona(db, input.personName, null) : null;
  return db.$transaction(async (tx) => {
    const alias = await tx.ownerAlias.findUnique({ where: { alias: normaliseAlias(input.role) }, include: { role: true } });
    if (!alias) throw new ChaserError("roles.unknown_role", { role: input.role });
    const email = input.email?.trim().toLowerCase() || null;
    const named = persona ? { person: persona, created: false } : await findOrNamePerson(tx, input.personName, email);
    const person = named.person;
    const claims = named.created ? await openClaimsForNamed(tx, person, input.via, input.actorLabel) : 0;
    const existing = await tx.roleAssignment.findUnique({ where: { roleId_personId: { roleId: alias.roleId, personId: person.id } } });
    if (!existing) {
      await tx.roleAssignment.create({ data: { roleId: alias.roleId, personId: person.id } });
      await writeHistory(tx, { personId: input.actorPersonId ?? null, label: input.actorLabel, via: input.via, now: new Date() }, {
        entity: "role-assignment",
        entityId: `${alias.roleId}:${person.id}`,
        after: { role: alias.role.name, person: person.name, email: person.email },
      });
    }
    return { role: alias.role.name, person: person.name, created: !existing, claims };
  });
}
