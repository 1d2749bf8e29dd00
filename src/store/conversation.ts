import type { Db, Store } from "./open-store.js";
import type { Person } from "./people.js";
import { ACTION_CARD_INCLUDE, type CardAction } from "./find-person-actions.js";
import { inChunks } from "./in-chunks.js";
import { findByPlatformId } from "./people.js";

/** A person Chaser knows, by id; throws when there is none (the caller had the id from the store). */
export async function personById(db: Db, id: string): Promise<Person> {
  return db.person.findUniqueOrThrow({ where: { id } });
}

/** Claims the one welcome a person gets: true for the first contact event only, whichever process has it. */
export async function claimWelcome(db: Db, personId: string, now: Date): Promise<boolean> {
  const first = await db.person.updateMany({ where: { id: personId, welcomedAt: null }, data: { welcomedAt: now } });
  return first.count === 1;
}

/** An answer already recorded under this key (a platform's redelivery), with its action's ref. */
export async function answerByKey(db: Db, key: string): Promise<{ ref: string } | null> {
  const seen = await db.answer.findUnique({ where: { key }, include: { action: { select: { ref: true, key: true } } } });
  return seen ? { ref: seen.action.ref ?? seen.action.key } : null;
}

/** Actions whose own ref or key, or whose recommendation's ref, is written one of these ways. */
export async function actionsByRef(db: Db, spellings: string[], take = 20): Promise<CardAction[]> {
  return db.action.findMany({
    where: { OR: [{ ref: { in: spellings } }, { key: { in: spellings } }, { recommendation: { ref: { in: spellings } } }] },
    include: ACTION_CARD_INCLUDE,
    take,
  });
}

/** The people mapped to each of these roles, by role id. */
export async function peopleInRoles(db: Db, roleIds: string[]): Promise<Map<string, string[]>> {
  const rows = await db.roleAssignment.findMany({ where: { roleId: { in: roleIds } }, include: { person: { select: { name: true } } } });
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.roleId, [...(out.get(r.roleId) ?? []), r.person.name]);
  return out;
}

/** The person's latest sent card (prompt or list) showing this action, other than `except`. */
export async function latestCardShowing(store: Store, personId: string, actionId: string, except: string | null): Promise<string | null> {
  // Asked after every answer: straight on the driver (see DriverSql).
  const recent = await store.driver.sql().rows<{ id: string; actionIds: string }>(
    `SELECT "id", "actionIds" FROM "ChatMessage" WHERE "personId" = ? AND "kind" IN ('prompt', 'reply') AND "status" = 'sent' AND "id" <> ? ORDER BY "createdAt" DESC LIMIT 5`,
    personId,
    except ?? "",
  );
  return recent.find((m) => (JSON.parse(m.actionIds) as string[]).includes(actionId))?.id ?? null;
}

/** Who hears about a plan's action: its plan's admins, else Chaser's. */
export async function planAdminsOrAdmins(db: Db, planId: string): Promise<Person[]> {
  const planAdmins = await db.planAdmin.findMany({ where: { planId }, include: { person: true } });
  return planAdmins.length > 0 ? planAdmins.map((a) => a.person) : db.person.findMany({ where: { isAdmin: true } });
}

/**
 * The person removed or blocked the bot on one platform: that address is forgotten, and with no
 * other way to reach them they are marked unreachable. Returns them, and whether they still can be reached.
 */
export async function forgetPlatform(db: Db, platform: "teams" | "slack" | "web", userId: string, now: Date): Promise<{ person: Person; stillReachable: boolean } | null> {
  const known = await findByPlatformId(db, platform, userId);
  if (!known) return null;
  const forget = platform === "teams" ? { teamsConversation: null } : platform === "slack" ? { slackChannelId: null } : {};
  const stillReachable = platform === "teams" ? Boolean(known.slackUserId) : platform === "slack" ? Boolean(known.teamsConversation) : false;
  const person = await db.person.update({
    where: { id: known.id },
    data: { ...forget, ...(stillReachable ? { preferredPlatform: platform === "teams" ? "slack" : "teams" } : { unreachableAt: now }) },
  });
  return { person, stillReachable };
}

export interface SentCard {
  id: string;
  kind: string;
  personId: string | null;
  actionIds: string[];
  locale: string;
  createdAt: Date;
}

/** A message Chaser sent, with the actions it showed in the order shown. */
export async function sentCard(db: Db, messageId: string): Promise<{ message: SentCard; actions: CardAction[] } | null> {
  const message = await db.chatMessage.findUnique({ where: { id: messageId }, select: { id: true, kind: true, personId: true, actionIds: true, locale: true, createdAt: true } });
  if (!message) return null;
  const ids = JSON.parse(message.actionIds) as string[];
  const found = ids.length > 0 ? await db.action.findMany({ where: { id: { in: ids } }, include: ACTION_CARD_INCLUDE }) : [];
  const actions = ids.map((id) => found.find((a) => a.id === id)).filter((a): a is CardAction => Boolean(a));
  return { message: { ...message, actionIds: ids }, actions };
}

export interface AnswerShown {
  id: string;
  actionId: string;
  kind: string;
  payload: string;
  createdAt: Date;
  person: { name: string };
}

/** Answers given about these actions since `since`, oldest first. */
export async function answersSince(db: Db, actionIds: string[], since: Date): Promise<AnswerShown[]> {
  if (actionIds.length === 0) return [];
  const found = await inChunks(actionIds, (slice) =>
    db.answer.findMany({
      where: { actionId: { in: slice }, createdAt: { gte: since } },
      include: { person: { select: { name: true } } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    }),
  );
  // Slices come back one after another; the whole is put in order again.
  return found.sort((x, y) => x.createdAt.getTime() - y.createdAt.getTime() || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}
