import { randomUUID } from "node:crypto";
import type { Logger } from "../log.js";
import type { Store } from "../store/open-store.js";
import { claimDue, claimOne, findMessage, keepCard, markFailed, markReplySent, markSent, markUnreachable, messageIdByKey, recordMessage, rememberDirectChannel, type ClaimedMessage, type OutboxMessage } from "../store/outbox.js";
import { bindSlackUserFoundByEmail, reachableAdmins, type Person } from "../store/people.js";
import { londonDate } from "../domain/london-date.js";
import { pickLocale, translator } from "../i18n.js";
import type { Card } from "./card.js";
import { UnreachableError, type ChatChannel } from "./chat-channel.js";
import type { Platform } from "./chat-user.js";
import { Pacer } from "./pacer.js";

export interface Deliverer {
  store: Store;
  log: Logger;
  channels: Partial<Record<Platform, ChatChannel>>;
  /** Keeps sends within the platforms' documented limits; one per process. */
  pacer?: Pacer;
  /** Names this process in message leases. */
  workerId?: string;
}

/** Sends that fail this many times are parked as failed, where admins can see them. */
export const MAX_ATTEMPTS = 5;
/** How long a sender may hold a message before another process may take it over. */
export const LEASE_MS = 2 * 60_000;

const DEFAULT_WORKER = `${process.pid}-${randomUUID().slice(0, 8)}`;
const DEFAULT_PACER = new Pacer();

/**
 * Where a person can be reached now: their preferred platform first, then any other they use; only
 * on `only` when the message means nothing elsewhere (a Teams file offer).
 */
export function addressOf(person: Person, channels: Deliverer["channels"], only?: Platform): { platform: Platform; address: string } | null {
  const options: { platform: Platform; address: string | null }[] = [
    { platform: "teams", address: person.teamsConversation },
    { platform: "slack", address: person.slackUserId },
    // Playground personas only: a real person is never reached through the playground.
    { platform: "web", address: person.webUserId },
  ];
  const usable = options.filter((o): o is { platform: Platform; address: string } => Boolean(o.address && channels[o.platform] && (!only || o.platform === only)));
  return usable.find((o) => o.platform === person.preferredPlatform) ?? usable.find((o) => o.platform !== "web") ?? usable[0] ?? null;
}

export interface Delivery {
  /** What, for whom, for which period: recording the same key twice fails, so it is sent once. */
  key: string;
  kind: "prompt" | "reply" | "notice" | "escalation" | "digest";
  /**
   * A person, reached on the platform they use (or only on `platform`); or an explicit platform
   * address (a channel).
   */
  to: { person: Person; platform?: Platform } | { platform: Platform; address: string; locale: string };
  /** Builds the card once the message id (carried by its buttons) is known. */
  card: (messageId: string) => Card;
  actionIds?: string[];
}

export type DeliveryResult =
  | { status: "sent"; messageId: string }
  | { status: "duplicate"; messageId: string }
  | { status: "unreachable"; messageId: string | null }
  | { status: "retrying"; messageId: string; error: string }
  | { status: "failed"; messageId: string; error: string };

/**
 * Records a message in the outbox before anything is sent. Its key is unique, so a second process
 * (or a second run) recording the same message gets "duplicate" and sends nothing.
 */
export async function enqueue(deps: Deliverer, delivery: Delivery, now: Date): Promise<{ status: "queued" | "duplicate"; messageId: string } | { status: "unreachable"; messageId: null }> {
  const existing = await messageIdByKey(deps.store.db, delivery.key);
  if (existing) return { status: "duplicate", messageId: existing };
  let person = "person" in delivery.to ? delivery.to.person : null;
  const only = "person" in delivery.to ? delivery.to.platform : undefined;
  if (person && !addressOf(person, deps.channels, only)) person = await findByEmail(deps, person, now);
  const target = person ? addressOf(person, deps.channels, only) : (delivery.to as { platform: Platform; address: string });
  if (!target) return { status: "unreachable", messageId: null };
  const id = randomUUID();
  const { recorded, id: messageId } = await recordMessage(deps.store.db, {
    id,
    key: delivery.key,
    kind: delivery.kind,
    personId: person?.id ?? null,
    platform: target.platform,
    address: target.address,
    actionIds: delivery.actionIds ?? [],
    locale: person?.locale ?? (delivery.to as { locale: string }).locale,
    card: JSON.stringify(delivery.card(id)),
    asks: delivery.kind === "prompt" || delivery.kind === "escalation",
  }, now);
  return { status: recorded ? "queued" : "duplicate", messageId };
}

/** Records a message and sends it now (replies, notices); the schedule enqueues then dispatches in bulk. */
export async function deliver(deps: Deliverer, delivery: Delivery, now: Date): Promise<DeliveryResult> {
  const queued = await enqueue(deps, delivery, now);
  if (queued.status === "unreachable") return queued;
  if (queued.status === "duplicate") return { status: "duplicate", messageId: queued.messageId };
  return sendQueued(deps, queued.messageId, now);
}

/**
 * Sends one recorded message if this process can claim it: a lease is taken with a conditional
 * update, so of two processes only one sends. Failures back off and retry; after MAX_ATTEMPTS the
 * message is parked as failed. A person who blocked the bot is marked unreachable, not retried.
 */
export async function sendQueued(deps: Deliverer, messageId: string, now: Date): Promise<DeliveryResult> {
  const worker = deps.workerId ?? DEFAULT_WORKER;
  const { claimed, status } = await claimOne(deps.store.db, worker, messageId, now, new Date(now.getTime() + LEASE_MS));
  if (!claimed) return status === "sent" ? { status: "duplicate", messageId } : { status: "retrying", messageId, error: "claimed elsewhere" };
  return send(deps, claimed, now);
}

async function send(deps: Deliverer, { message, directChannel }: ClaimedMessage, now: Date): Promise<DeliveryResult> {
  const channel = deps.channels[message.platform as Platform];
  const attempts = message.attempts + 1;
  let sent: { messageRef: string; directChannel?: string };
  try {
    if (!channel) throw new Error(`no ${message.platform} channel in this process`);
    await (deps.pacer ?? DEFAULT_PACER).take(message.platform as Platform, message.address);
    sent = await channel.send(message.address, JSON.parse(message.card ?? "null") as Card, { directChannel });
  } catch (error) {
    return sendFailed(deps, message, attempts, error, now);
  }
  await recordSent(deps, message.id, { messageRef: sent.messageRef, sentAt: new Date(), attempts });
  if (message.personId && sent.directChannel && sent.directChannel !== directChannel) {
    await rememberDirectChannel(deps.store.db, message.personId, message.address, sent.directChannel).catch((error: unknown) => deps.log.warn({ err: error, messageId: message.id }, "sent, but the DM channel could not be kept"));
  }
  return { status: "sent", messageId: message.id };
}

/** How long a sent message's "sent" is retried while the database is away: within its lease. */
export const RECORD_SENT_MS = LEASE_MS - 15_000;

/**
 * The platform has the message: until that is recorded, a later dispatch would send it again, so
 * the record is retried while the database is away (within the lease, so no other process takes the
 * message over meanwhile). Only a process that dies here, or an outage longer than that, repeats it.
 */
async function recordSent(deps: Deliverer, messageId: string, data: { messageRef: string; sentAt: Date; attempts: number }): Promise<void> {
  const started = Date.now();
  for (let wait = 250; ; wait = Math.min(wait * 2, 5_000)) {
    try {
      await markSent(deps.store, messageId, data);
      return;
    } catch (error) {
      if (Date.now() - started + wait > RECORD_SENT_MS) throw error;
      deps.log.warn({ err: error, messageId }, "sent, but could not record it yet; retrying");
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

async function sendFailed(deps: Deliverer, message: OutboxMessage, attempts: number, error: unknown, now: Date): Promise<DeliveryResult> {
  if (error instanceof UnreachableError) {
    const person = await markUnreachable(deps.store.db, message, error.message, attempts, now);
    if (person) await reportUnreachable(deps, person, message.platform, now);
    return { status: "unreachable", messageId: message.id };
  }
  const text = (error instanceof Error ? error.message : String(error)).slice(0, 500);
  const parked = attempts >= MAX_ATTEMPTS;
  deps.log.warn({ err: error, key: message.key, attempts, parked }, "send failed");
  // Exponential backoff with jitter: 30 s, 1 min, 2 min, 4 min…
  const retryAt = parked ? null : new Date(now.getTime() + 30_000 * 2 ** (attempts - 1) * (0.75 + Math.random() / 2));
  await markFailed(deps.store.db, message.id, text, attempts, retryAt);
  return parked ? { status: "failed", messageId: message.id, error: text } : { status: "retrying", messageId: message.id, error: text };
}

/** Messages claimed at a time; the next batch is claimed while the last half of this one is sent. */
export const CLAIM_BATCH = 100;
/** Sends in flight at once, across conversations: enough to fill the platforms' per-app limits at a few hundred ms a send. */
export const MAX_IN_FLIGHT = 32;

/**
 * Sends every message due by `now` that this process can claim; returns what happened, in the
 * order the messages were recorded. Messages are claimed in batches and sent concurrently, each
 * conversation's in order, one at a time, and every send waits for the Pacer's windows (per
 * conversation and per app), so the platforms' limits, not the round trip, set the pace.
 */
export async function dispatchPending(deps: Deliverer, now: Date, options: { limit?: number } = {}): Promise<DeliveryResult[]> {
  const limit = options.limit ?? 10_000;
  const worker = deps.workerId ?? DEFAULT_WORKER;
  const results: DeliveryResult[] = [];
  const conversations = new Map<string, Promise<void>>();
  const slots = new Slots(MAX_IN_FLIGHT);
  let outstanding = 0;
  let wake: (() => void) | null = null;
  for (let claimedSoFar = 0; claimedSoFar < limit; ) {
    const batch = await claimDue(deps.store.db, worker, now, new Date(now.getTime() + LEASE_MS), Math.min(CLAIM_BATCH, limit - claimedSoFar));
    claimedSoFar += batch.length;
    for (const claimed of batch) {
      const index = results.length;
      results.push({ status: "retrying", messageId: claimed.message.id, error: "not sent" });
      const key = `${claimed.message.platform}\n${claimed.message.address}`;
      outstanding += 1;
      const next = (conversations.get(key) ?? Promise.resolve()).then(async () => {
        await slots.take();
        try {
          results[index] = await send(deps, claimed, now);
        } catch (error) {
          // Only the database failing to record a send lands here; the lease expires and it is retried.
          deps.log.error({ err: error, messageId: claimed.message.id }, "could not record a send");
          results[index] = { status: "retrying", messageId: claimed.message.id, error: String(error).slice(0, 200) };
        } finally {
          slots.give();
          outstanding -= 1;
          wake?.();
        }
      });
      conversations.set(key, next);
      void next.then(() => {
        if (conversations.get(key) === next) conversations.delete(key);
      });
    }
    if (batch.length < CLAIM_BATCH) break;
    // Claim more once half of what is claimed is sent: the lease is never held long for a queue.
    while (outstanding > CLAIM_BATCH / 2) await new Promise<void>((resolve) => (wake = resolve));
    wake = null;
  }
  await Promise.all(conversations.values());
  return results;
}

/** A counting semaphore: at most `size` holders at once, served in order. */
class Slots {
  private readonly waiting: (() => void)[] = [];
  constructor(private free: number) {}

  take(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free += 1;
  }
}

/**
 * Replaces a sent card in place and keeps it as the message's card; a platform's refusal is
 * logged, never thrown at the person. `show: false` only keeps it (the platform already shows it,
 * as when the press was answered with the card); `store: false` only shows it (already kept).
 */
export async function updateMessage(deps: Deliverer, messageId: string, card: Card, options: { show?: boolean; store?: boolean } = {}): Promise<boolean> {
  const { show = true, store = true } = options;
  const message = await findMessage(deps.store.db, messageId);
  const channel = message ? deps.channels[message.platform as Platform] : undefined;
  if (show && (!message?.messageRef || !channel)) return false;
  try {
    if (show) await channel!.update(message!.address, message!.messageRef!, card);
    if (store && message) await keepCard(deps.store.db, messageId, JSON.stringify(card));
    return true;
  } catch (error) {
    deps.log.warn({ err: error, messageId }, "card update failed");
    return false;
  }
}

/** Tells Chaser's admins, once a day, that a person has blocked or removed the bot. */
export async function reportUnreachable(deps: Deliverer, person: Person, platform: string, now: Date): Promise<void> {
  const admins = await reachableAdmins(deps.store.db, person.id);
  for (const admin of admins) {
    const t = translator(pickLocale(admin.locale));
    await deliver(deps, {
      key: `unreachable:${person.id}:${londonDate(now)}:${admin.id}`,
      kind: "notice",
      to: { person: admin },
      card: () => ({ type: "notice", text: t("chat.unreachable_admin", { name: person.name, platform }) }),
    }, now);
  }
}

/**
 * Records where a reply card went, once the adapter has sent it in the same turn, so the card can
 * be updated in place when one of its buttons is pressed (Action.Submit, Slack buttons).
 */
export async function replySent(deps: Pick<Deliverer, "store">, messageId: string, sent: { platform: Platform; address: string; messageRef: string }, now = new Date()): Promise<void> {
  await markReplySent(deps.store.db, messageId, sent, now);
}

/**
 * Someone an admin mapped by email who has not yet spoken to Chaser: a platform that can look
 * people up by email (Slack) is asked, and what it says is kept, so they can be prompted.
 */
async function findByEmail(deps: Deliverer, person: Person, now: Date): Promise<Person> {
  if (!person.email) return person;
  for (const channel of Object.values(deps.channels)) {
    if (!channel?.findUser || channel.platform !== "slack") continue;
    const found = await channel.findUser(person.email).catch(() => null);
    if (!found) continue;
    return bindSlackUserFoundByEmail(deps.store.db, person, { userId: found.userId, locale: found.locale ? pickLocale(found.locale) : null }, now);
  }
  return person;
}
