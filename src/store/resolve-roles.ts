import type { ParsedRole } from "../import/parsed-plan.js";
import type { Tx } from "./open-store.js";

/** Aliases are matched ignoring case and spacing: "Monitoring  officer" is the Monitoring Officer. */
export function normaliseAlias(text: string): string {
  return text.toLowerCase().replace(/\s+/g, " ").trim();
}

/**
 * Finds or creates the owner role for every name, honouring aliases already stored and those the
 * file defines (a title followed by its acronym). Returns normalised name → role id.
 */
export async function resolveRoles(tx: Tx, names: string[], defined: ParsedRole[]): Promise<Map<string, string>> {
  const wanted = new Set([...names, ...defined.flatMap((r) => [r.name, ...r.aliases])].map(normaliseAlias).filter(Boolean));
  const found = new Map<string, string>();
  const all = [...wanted];
  for (let i = 0; i < all.length; i += 500) {
    const rows = await tx.ownerAlias.findMany({ where: { alias: { in: all.slice(i, i + 500) } } });
    for (const row of rows) found.set(row.alias, row.roleId);
  }
  const ensure = async (name: string, aliases: string[]): Promise<void> => {
    const keys = [name, ...aliases].map((text) => ({ text, alias: normaliseAlias(text) }));
    let roleId = keys.map((k) => found.get(k.alias)).find(Boolean);
    if (!roleId) {
      const role = await tx.ownerRole.upsert({ where: { name }, create: { name }, update: {} });
      roleId = role.id;
    }
    for (const k of keys) {
      if (found.has(k.alias)) continue;
      await tx.ownerAlias.create({ data: { alias: k.alias, text: k.text, roleId } });
      found.set(k.alias, roleId);
    }
  };
  for (const role of defined) await ensure(role.name, role.aliases);
  for (const name of names) if (!found.has(normaliseAlias(name))) await ensure(name, []);
  return found;
}
