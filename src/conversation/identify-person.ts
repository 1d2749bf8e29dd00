import type { Person } from "../generated/sqlite/client.js";
import { pickLocale } from "../i18n.js";
import type { Db } from "../store/open-store.js";
import type { ChatAddress, ChatUser } from "./chat-user.js";

const ID_FIELD = { teams: "teamsUserId", slack: "slackUserId" } as const;

/**
 * The person behind a chat user: found by their platform id, else by email (an admin may have
 * added them by email before they ever spoke to Chaser), else created. What the platform says of
 * them (name, email, locale) is kept current, and the address to reach them is stored.
 */
export async function identifyPerson(db: Db, user: ChatUser, address?: ChatAddress): Promise<Person> {
  const email = user.email?.trim().toLowerCase() || null;
  const locale = user.locale ? pickLocale(user.locale) : undefined;
  const platformFields = (): Record<string, unknown> => {
    if (user.platform === "teams") {
      return { teamsUserId: user.userId, teamsTenantId: user.tenantId ?? null, ...(address ? { teamsConversation: address.address } : {}) };
    }
    if (user.platform === "slack") return { slackUserId: user.userId, slackTeamId: user.tenantId ?? null };
    return {};
  };
  const byPlatform =
    user.platform === "web"
      ? await db.person.findFirst({ where: { name: user.userId } })
      : await db.person.findUnique({ where: { [ID_FIELD[user.platform]]: user.userId } as { teamsUserId: string } });
  const byEmail = !byPlatform && email ? await db.person.findUnique({ where: { email } }) : null;
  // An admin may have mapped a role to a name before the person ever spoke to Chaser.
  const byName =
    !byPlatform && !byEmail && user.name && user.platform !== "web"
      ? await db.person.findMany({ where: { name: user.name, teamsUserId: null, slackUserId: null }, take: 2 })
      : [];
  const existing = byPlatform ?? byEmail ?? (byName.length === 1 ? byName[0]! : null);
  const data = {
    ...platformFields(),
    ...(user.name && user.platform !== "web" ? { name: user.name } : {}),
    ...(email && !existing?.email ? { email } : {}),
    ...(locale ? { locale } : {}),
    preferredPlatform: user.platform,
    unreachableAt: null,
  };
  // Most events come from someone already known and unchanged: no write, so no lock taken.
  if (existing && Object.entries(data).every(([k, v]) => (existing as Record<string, unknown>)[k] === v)) return existing;
  if (existing) return db.person.update({ where: { id: existing.id }, data });
  return db.person.create({ data: { name: user.name ?? user.userId, ...data, ...(user.platform === "web" ? { name: user.userId } : {}) } });
}
