import type { Actor } from "./history.js";
import { writeHistory } from "./history.js";
import type { Db } from "./open-store.js";

export interface Subscription {
  id: string;
  planId: string;
  themeId: string | null;
  platform: string;
  address: string;
  name: string | null;
  locale: string;
}

export interface SubscribeInput {
  planId: string;
  /** A theme of the plan by name (ignoring case), or the whole plan. */
  theme: string | null;
  platform: string;
  address: string;
  locale: string;
  /** A channel subscribed again keeps its language unless one is named. */
  localeNamed?: boolean;
  name?: string | null;
}

export type SubscribeResult = { outcome: "subscribed"; theme: string | null; created: boolean; locale: string } | { outcome: "unknown_theme"; themes: string[] };

/** Subscribes a channel to a plan's (or one theme's) weekly digest; subscribing again changes the theme. */
export async function subscribe(db: Db, input: SubscribeInput, actor: Actor): Promise<SubscribeResult> {
  return db.$transaction(async (tx) => {
    const themes = await tx.theme.findMany({ where: { planId: input.planId }, orderBy: { position: "asc" }, select: { id: true, name: true } });
    const theme = input.theme ? themes.find((th) => th.name.toLowerCase() === input.theme!.trim().toLowerCase()) : undefined;
    if (input.theme && !theme) return { outcome: "unknown_theme" as const, themes: themes.map((th) => th.name) };
    const where = { planId_platform_address: { planId: input.planId, platform: input.platform, address: input.address } };
    const before = await tx.digestSubscription.findUnique({ where });
    const after = await tx.digestSubscription.upsert({
      where,
      create: { planId: input.planId, themeId: theme?.id ?? null, platform: input.platform, address: input.address, locale: input.locale, name: input.name ?? null },
      update: { themeId: theme?.id ?? null, ...(input.localeNamed ? { locale: input.locale } : {}), ...(input.name !== undefined ? { name: input.name } : {}) },
    });
    await writeHistory(tx, actor, { entity: "digest-subscription", entityId: after.id, planId: input.planId, before: before ? shown(before) : null, after: shown(after) });
    return { outcome: "subscribed" as const, theme: theme?.name ?? null, created: before === null, locale: after.locale };
  });
}

/** Stops a channel's digest of a plan; false when it had none. */
export async function unsubscribe(db: Db, planId: string, platform: string, address: string, actor: Actor): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const before = await tx.digestSubscription.findUnique({ where: { planId_platform_address: { planId, platform, address } } });
    if (!before) return false;
    await tx.digestSubscription.delete({ where: { id: before.id } });
    await writeHistory(tx, actor, { entity: "digest-subscription", entityId: before.id, planId, before: shown(before), after: null });
    return true;
  });
}

export async function listSubscriptions(db: Db, options: { planId?: string } = {}): Promise<Subscription[]> {
  return db.digestSubscription.findMany({ where: options.planId ? { planId: options.planId } : {}, orderBy: { createdAt: "asc" } });
}

/** When a channel last received a digest of this subscription, if ever. */
export async function lastDigestSent(db: Db, sub: Subscription): Promise<Date | null> {
  const previous = await db.chatMessage.findFirst({
    where: { kind: "digest", platform: sub.platform, address: sub.address, status: "sent", key: { endsWith: `:${sub.id}` } },
    orderBy: { createdAt: "desc" },
    select: { createdAt: true },
  });
  return previous?.createdAt ?? null;
}

/** A theme of a plan by name, ignoring case. */
export async function findTheme(db: Db, planId: string, name: string): Promise<{ theme: { id: string; name: string } | null; themes: string[] }> {
  const themes = await db.theme.findMany({ where: { planId }, orderBy: { position: "asc" }, select: { id: true, name: true } });
  return { theme: themes.find((th) => th.name.toLowerCase() === name.trim().toLowerCase()) ?? null, themes: themes.map((th) => th.name) };
}

function shown(s: { platform: string; address: string; themeId: string | null; name: string | null }) {
  return { platform: s.platform, address: s.address.slice(0, 200), themeId: s.themeId, name: s.name };
}
