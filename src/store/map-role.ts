import { ChaserError } from "../domain/chaser-error.js";
import type { Via } from "../domain/vocabulary.js";
import type { Db } from "./open-store.js";
import { normaliseAlias } from "./resolve-roles.js";

export interface MapRoleInput {
  role: string;
  personName: string;
  email?: string | null;
  via: Via;
  actorLabel: string;
  actorPersonId?: string | null;
}

/**
 * Maps an owner role (by name or alias) to a person, creating the person if new (matched by email,
 * else by name). Idempotent; history records the mapping.
 */
export async function mapRole(db: Db, input: MapRoleInput): Promise<{ role: string; person: string; created: boolean }> {
  return db.$transaction(async (tx) => {
    const alias = await tx.ownerAlias.findUnique({ where: { alias: normaliseAlias(input.role) }, include: { role: true } });
    if (!alias) throw new ChaserError("roles.unknown_role", { role: input.role });
    const email = input.email?.trim().toLowerCase() || null;
    let person = email
      ? await tx.person.findUnique({ where: { email } })
      : await tx.person.findFirst({ where: { name: input.personName } });
    person ??= await tx.person.create({ data: { name: input.personName, email } });
    const existing = await tx.roleAssignment.findUnique({ where: { roleId_personId: { roleId: alias.roleId, personId: person.id } } });
    if (!existing) {
      await tx.roleAssignment.create({ data: { roleId: alias.roleId, personId: person.id } });
      await tx.history.create({
        data: {
          entity: "role-assignment",
          entityId: `${alias.roleId}:${person.id}`,
          via: input.via,
          actorLabel: input.actorLabel,
          actorPersonId: input.actorPersonId ?? null,
          after: JSON.stringify({ role: alias.role.name, person: person.name, email: person.email }),
        },
      });
    }
    return { role: alias.role.name, person: person.name, created: !existing };
  });
}
