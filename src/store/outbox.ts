import { randomUUID } from "node:crypto";
import type { ChatMessage } from "../generated/sqlite/client.js";
import type { Db } from "./open-store.js";

/** A message claimed for sending, with the person's Slack DM channel when Chaser knows it. */
export interface ClaimedMessage {
  message: ChatMessage;
  /** Person.slackChannelId: where a Slack user's messages go, kept so the DM is not opened again. */
  directChannel: string | null;
}

const dueWhere = (now: Date) => ({ status: { in: ["pending", "sending"] }, nextAttemptAt: { lte: now }, OR: [{ claimedUntil: null }, { claimedUntil: { lt: now } }] });

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
