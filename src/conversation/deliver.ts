import type { Person } from "../generated/sqlite/client.js";
import type { Logger } from "../log.js";
import type { Store } from "../store/open-store.js";
import type { Card } from "./card.js";
import { UnreachableError, type ChatChannel } from "./chat-channel.js";
import type { Platform } from "./chat-user.js";

export interface Deliverer {
  store: Store;
  log: Logger;
  channels: Partial<Record<Platform, ChatChannel>>;
}

/** Where a person can be reached now: their preferred platform first, then any other they use. */
export function addressOf(person: Person, channels: Deliverer["channels"]): { platform: Platform; address: string } | null {
  const options: { platform: Platform; address: string | null }[] = [
    { platform: "teams", address: person.teamsConversation },
    { platform: "slack", address: person.slackUserId },
    { platform: "web", address: person.name },
  ];
  const usable = options.filter((o): o is { platform: Platform; address: string } => Boolean(o.address && channels[o.platform]));
  return usable.find((o) => o.platform === person.preferredPlatform) ?? usable.find((o) => o.platform !== "web") ?? usable[0] ?? null;
}

export interface Delivery {
  /** What, for whom, for which period: recording the same key twice fails, so it is sent once. */
  key: string;
  kind: "prompt" | "reply" | "notice" | "escalation" | "digest";
  person: Person;
  /** Builds the card once the message id (carried by its buttons) is known. */
  card: (messageId: string) => Card;
  actionIds?: string[];
}

export type DeliveryResult =
  | { status: "sent"; messageId: string }
  | { status: "duplicate"; messageId: string }
  | { status: "unreachable"; messageId: string | null }
  | { status: "failed"; messageId: string; error: string };

/**
 * Sends a card to a person through the platform they use. The message is recorded first (its key
 * unique), then sent, then marked sent with the platform's reference so it can be updated later.
 */
export async function deliver(deps: Deliverer, delivery: Delivery, now: Date): Promise<DeliveryResult> {
  const { db } = deps.store;
  const target = addressOf(delivery.person, deps.channels);
  if (!target) return { status: "unreachable", messageId: null };
  const existing = await db.chatMessage.findUnique({ where: { key: delivery.key } });
  if (existing) return { status: "duplicate", messageId: existing.id };
  let message;
  try {
    message = await db.chatMessage.create({
      data: {
        key: delivery.key,
        kind: delivery.kind,
        personId: delivery.person.id,
        platform: target.platform,
        address: target.address,
        actionIds: JSON.stringify(delivery.actionIds ?? []),
        locale: delivery.person.locale,
        createdAt: now,
      },
    });
  } catch (error) {
    const raced = await db.chatMessage.findUnique({ where: { key: delivery.key } });
    if (raced) return { status: "duplicate", messageId: raced.id };
    throw error;
  }
  const channel = deps.channels[target.platform]!;
  try {
    const sent = await channel.send(target.address, delivery.card(message.id));
    await db.chatMessage.update({ where: { id: message.id }, data: { status: "sent", messageRef: sent.messageRef, sentAt: new Date(), attempts: { increment: 1 } } });
    return { status: "sent", messageId: message.id };
  } catch (error) {
    if (error instanceof UnreachableError) {
      await db.chatMessage.update({ where: { id: message.id }, data: { status: "unreachable", lastError: error.message, attempts: { increment: 1 } } });
      await db.person.update({ where: { id: delivery.person.id }, data: { unreachableAt: now } });
      return { status: "unreachable", messageId: message.id };
    }
    const text = error instanceof Error ? error.message : String(error);
    deps.log.warn({ err: error, key: delivery.key }, "send failed");
    await db.chatMessage.update({ where: { id: message.id }, data: { status: "failed", lastError: text.slice(0, 500), attempts: { increment: 1 } } });
    return { status: "failed", messageId: message.id, error: text };
  }
}

/** Replaces a sent card in place; a platform's refusal is logged, never thrown at the person. */
export async function updateMessage(deps: Deliverer, messageId: string, card: Card): Promise<boolean> {
  const message = await deps.store.db.chatMessage.findUnique({ where: { id: messageId } });
  const channel = message ? deps.channels[message.platform as Platform] : undefined;
  if (!message?.messageRef || !channel) return false;
  try {
    await channel.update(message.address, message.messageRef, card);
    return true;
  } catch (error) {
    deps.log.warn({ err: error, messageId }, "card update failed");
    return false;
  }
}
