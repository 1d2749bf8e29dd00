import { randomUUID } from "node:crypto";
import type { ChatMessage } from "../generated/sqlite/client.js";
import { Batches } from "./batches.js";
import type { Db, Store } from "./open-store.js";
import type { Person } from "./people.js";

/** A message in the outbox, as the sender sees it. */
export interface OutboxMessage {
  id: string;
  key: string;
  kind: string;
  personId: string | null;
  platform: string;
  address: string;
  messageRef: string | null;
  card: string | null;
  attempts: number;
  status: string;
}

/** A message claimed for sending, with the person's Slack DM channel when Chaser knows it. */
export interface ClaimedMessage {
  message: OutboxMessage;
  /** Person.slackChannelId: where a Slack user's messages go, kept so the DM is not opened again. */
  directChannel: string | null;
}

/**
 * Due by `now`: waiting to be sent, or held by a sender whose lease has run out. A pending message
 * holds no lease (every write that makes one pending clears it), so only a sending message's lease
 * is read: on SQLite it sits past the card in the row, and reading it for every waiting message made
 * each claim walk every card of the queue.
 */
const dueWhere = (now: Date) => ({ nextAttemptAt: { lte: now }, OR: [{ status: "pending" }, { status: "sending", claimedUntil: { lt: now } }] });

/**
 * Claims up to `limit` messages due by `now`, oldest first, in three statements whatever the
 * number: the due ids, one conditional update taking the lease (so of two processes only one gets
 * each message), and the rows this claim took. `lease` ends the claim.
 */
export async function claimDue(db: Db, worker: string, now: Date, lease: Date, limit: number): Promise<ClaimedMessage[]> {
  const due = await db.chatMessage.findMany({ where: dueWhere(now), orderBy: { createdAt: "asc" }, select: { id: true }, take: limit });
  if (due.length === 0) return [];
  // This claim's own name: the rows it took are the ones carrying it.
  const claim = `${worker} ${randomUUID().slice(0, 8)}`;
  await db.chatMessage.updateMany({ where: { id: { in: due.map((d) => d.id) }, ...dueWhere(now) }, data: { status: "sending", claimedBy: claim, claimedUntil: lease } });
  const messages = await db.chatMessage.findMany({ where: { id: { in: due.map((d) => d.id) }, claimedBy: claim }, orderBy: { createdAt: "asc" } });
  return withDirectChannels(db, messages);
}

/** Claims one message, if it is still to be sent and no one else holds it. */
export async function claimOne(db: Db, worker: string, messageId: string, now: Date, lease: Date): Promise<{ claimed: ClaimedMessage | null; status: string | null }> {
  const claimed = await db.chatMessage.updateMany({
    where: { id: messageId, status: { in: ["pending", "sending"] }, OR: [{ claimedUntil: null }, { claimedUntil: { lt: now } }] },
    data: { status: "sending", claimedBy: worker, claimedUntil: lease },
  });
  const message = await db.chatMessage.findUnique({ where: { id: messageId } });
  if (!message || claimed.count === 0) return { claimed: null, status: message?.status ?? null };
  return { claimed: (await withDirectChannels(db, [message]))[0]!, status: message.status };
}

async function withDirectChannels(db: Db, messages: ChatMessage[]): Promise<ClaimedMessage[]> {
  const ids = [...new Set(messages.filter((m) => m.platform === "slack" && m.personId).map((m) => m.personId!))];
  const people = ids.length > 0 ? await db.person.findMany({ where: { id: { in: ids } }, select: { id: true, slackChannelId: true } }) : [];
  const channelOf = new Map(people.map((p) => [p.id, p.slackChannelId]));
  return messages.map((message) => ({ message, directChannel: message.platform === "slack" && message.personId ? (channelOf.get(message.personId) ?? null) : null }));
}

/** Keeps the Slack DM channel a send went to, so a restarted process posts there without opening it. */
export async function rememberDirectChannel(db: Db, personId: string, slackUserId: string, channel: string): Promise<void> {
  // Only while the person is still that Slack user: an id moved meanwhile is not given their DM.
  await db.person.updateMany({ where: { id: personId, slackUserId }, data: { slackChannelId: channel } });
}

export interface NewMessage extends Pick<OutboxMessage, "id" | "key" | "kind" | "personId" | "platform" | "address"> {
  actionIds: string[];
  locale: string;
  card: string;
  /** Prompts and escalations count as asks of the person about each action. */
  asks: boolean;
  /**
   * Sent by the adapter in the same turn (a reply card): "replying" until markReplySent says where
   * it went, and never taken up by the sender.
   */
  inTurn?: boolean;
}

/** The message recorded under this key, if any. */
export async function messageIdByKey(db: Db, key: string): Promise<string | null> {
  return (await db.chatMessage.findUnique({ where: { key }, select: { id: true } }))?.id ?? null;
}

/**
 * Records a message before anything is sent. Its key is unique, so a second process (or a second
 * run) recording the same message at the same moment records nothing and gets the first one's id.
 */
export async function recordMessage(db: Db, message: NewMessage, now: Date): Promise<{ recorded: boolean; id: string }> {
  const { asks, actionIds, inTurn, ...row } = message;
  try {
    await db.chatMessage.create({ data: { ...row, actionIds: JSON.stringify(actionIds), createdAt: now, ...(inTurn ? { status: "replying" } : { nextAttemptAt: now }) } });
  } catch (error) {
    const raced = await messageIdByKey(db, message.key);
    if (raced) return { recorded: false, id: raced };
    throw error;
  }
  if (asks && message.personId && actionIds.length > 0) {
    const personId = message.personId;
    await db.promptedAction.createMany({ data: actionIds.map((actionId) => ({ messageId: message.id, actionId, personId, kind: message.kind, at: now })) });
  }
  return { recorded: true, id: message.id };
}

/**
 * A reply card, recorded before it is shown so its buttons carry its id (and kept, so a press on it
 * is drawn from the answer rather than read again); the adapter sends it in the same turn.
 */
export async function recordReply(db: Db, person: Person, reply: { id: string; key: string; actionIds: string[]; card: string }, now: Date): Promise<void> {
  await recordMessage(db, { ...reply, kind: "reply", personId: person.id, platform: person.preferredPlatform ?? "web", address: "", locale: person.locale, asks: false, inTurn: true }, now);
}

export interface SentMark {
  messageRef: string;
  sentAt: Date;
  attempts: number;
}

/**
 * Records that the platform has a message. Sends finishing together are recorded together, in one
 * statement (a group commit, see batches.ts): a day's prompts wrote one transaction a message,
 * each read back whole with its card, which cost the sender more than the send.
 */
export function markSent(store: Store, messageId: string, sent: SentMark): Promise<void> {
  let marks = sentMarks.get(store.db);
  // A failed statement fails every mark in it; each caller retries its own (the database is away, or the store is closing).
  if (!marks) {
    const markAll = async (rows: SentRow[]) => {
      await markSentNow(store, rows);
      return rows.map(() => ({ ok: true as const, value: undefined }));
    };
    sentMarks.set(store.db, (marks = new Batches<SentRow, void>(markAll, MARK_BATCH)));
  }
  return marks.add({ id: messageId, sent });
}

/** Sends recorded in one statement at most: a second's worth on Teams, four parameters each. */
const MARK_BATCH = 250;
type SentRow = { id: string; sent: SentMark };
const sentMarks = new WeakMap<Db, Batches<SentRow, void>>();

/** One UPDATE for many sent messages: each row's reference, time and attempts chosen by its id. */
async function markSentNow(store: Store, rows: SentRow[]): Promise<void> {
  const values: unknown[] = [];
  const pg = store.provider === "postgresql";
  const param = (value: unknown, pgType?: string): string => {
    values.push(value);
    const placeholder = pg ? `$${values.length}` : "?";
    // PostgreSQL types a CASE's parameters from nothing but the CASE: they are said.
    return pg && pgType ? `CAST(${placeholder} AS ${pgType})` : placeholder;
  };
  const byId = (pick: (sent: SentMark) => unknown, pgType: string) => `CASE "id" ${rows.map((r) => `WHEN ${param(r.id)} THEN ${param(pick(r.sent), pgType)}`).join(" ")} END`;
  const sql =
    `UPDATE "ChatMessage" SET "status" = 'sent', "claimedUntil" = NULL, "updatedAt" = ${param(new Date(), "TIMESTAMP(3)")}, ` +
    `"messageRef" = ${byId((s) => s.messageRef, "TEXT")}, "sentAt" = ${byId((s) => s.sentAt, "TIMESTAMP(3)")}, "attempts" = ${byId((s) => s.attempts, "INTEGER")} ` +
    `WHERE "id" IN (${rows.map((r) => param(r.id)).join(",")})`;
  await store.db.$executeRawUnsafe(sql, ...values);
}

/** The person blocked or removed the bot: the message is not retried and the person is marked. */
export async function markUnreachable(db: Db, message: OutboxMessage, error: string, attempts: number, now: Date): Promise<Person | null> {
  await db.chatMessage.update({ where: { id: message.id }, data: { status: "unreachable", lastError: error, attempts, claimedUntil: null } });
  return message.personId ? db.person.update({ where: { id: message.personId }, data: { unreachableAt: now } }) : null;
}

/** A failed send: back to pending until `retryAt`, or parked as failed when there is none. */
export async function markFailed(db: Db, messageId: string, error: string, attempts: number, retryAt: Date | null): Promise<void> {
  await db.chatMessage.update({ where: { id: messageId }, data: { status: retryAt ? "pending" : "failed", lastError: error, attempts, claimedUntil: null, nextAttemptAt: retryAt } });
}

export async function findMessage(db: Db, messageId: string): Promise<OutboxMessage | null> {
  return db.chatMessage.findUnique({ where: { id: messageId } });
}

/** Keeps a message's card as it now stands, so a press on it is drawn from it. */
export async function keepCard(db: Db, messageId: string, card: string): Promise<void> {
  await db.chatMessage.update({ where: { id: messageId }, data: { card } });
}

/** Where a reply card went, sent by the adapter in the same turn. */
export async function markReplySent(db: Db, messageId: string, sent: { platform: string; address: string; messageRef: string }, now: Date): Promise<void> {
  await db.chatMessage.updateMany({ where: { id: messageId, kind: "reply" }, data: { ...sent, status: "sent", sentAt: now } });
}

/**
 * Replaces a message's card only while it is still `from`: of two answers to one card (a double
 * press, the same answer from two devices) only one changes it. True for the one that did.
 */
export async function swapCard(db: Db, messageId: string, from: string, to: string): Promise<boolean> {
  const swapped = await db.chatMessage.updateMany({ where: { id: messageId, card: from }, data: { card: to } });
  return swapped.count === 1;
}

/**
 * The messages recorded under keys starting with `prefix`: every copy of one card sent to several
 * people (a request card each decider got), with the language each was drawn in.
 */
export async function messagesByKeyPrefix(db: Db, prefix: string): Promise<{ id: string; personId: string | null; locale: string }[]> {
  return db.chatMessage.findMany({ where: { key: { startsWith: prefix } }, select: { id: true, personId: true, locale: true }, orderBy: { createdAt: "asc" } });
}
