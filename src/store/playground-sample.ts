import type { Actor } from "./history.js";
import { writeHistory } from "./history.js";
import type { Db } from "./open-store.js";

const PLAYGROUND = (now: Date): Actor => ({ personId: null, label: "playground", via: "chat:web", now });

/** What the playground's sample is made of, so it can be taken away again and nothing else. */
export interface SampleScope {
  slug: string;
  /** The personas' names (their webUserId). */
  personas: string[];
  /** The playground's leadership channel address. */
  channel: string;
  /** The playground clock's schedule namespace (its runs' keys start with it). */
  namespace: string;
}

/**
 * Removes the playground's sample: its plan (actions, answers and prompts go with it), its
 * personas, their messages and the channel's, and the runs the playground's clock claimed. Real
 * plans and people are never touched: everything is found by the sample's slug, by persona (origin
 * "playground") or by the clock's namespace. The history keeps a row saying it was reset.
 */
export async function removePlaygroundSample(db: Db, scope: SampleScope, now: Date): Promise<void> {
  await db.$transaction(async (tx) => {
    const plan = await tx.plan.findUnique({ where: { slug: scope.slug } });
    const personas = await tx.person.findMany({ where: { webUserId: { in: scope.personas }, origin: "playground" }, select: { id: true } });
    const ids = personas.map((p) => p.id);
    await tx.chatMessage.deleteMany({ where: { OR: [{ personId: { in: ids } }, { platform: "web", address: { in: [scope.channel, ...scope.personas] } }] } });
    await tx.scheduleRun.deleteMany({ where: { key: { startsWith: `${scope.namespace}:` } } });
    if (plan) {
      await tx.digestSubscription.deleteMany({ where: { planId: plan.id } });
      await tx.digestFigures.deleteMany({ where: { planId: plan.id } });
      await tx.planAdmin.deleteMany({ where: { planId: plan.id } });
      await tx.plan.delete({ where: { id: plan.id } });
    }
    await tx.columnMapping.deleteMany({ where: { planSlug: scope.slug } });
    await tx.personClaim.deleteMany({ where: { OR: [{ personId: { in: ids } }, { claimantId: { in: ids } }] } });
    await tx.person.deleteMany({ where: { id: { in: ids } } });
    await writeHistory(tx, PLAYGROUND(now), { entity: "playground-sample", entityId: scope.slug, planId: plan?.id ?? null, after: { removed: true, personas: scope.personas } });
  });
}

/** The sample plan's id, or null when it is not there. */
export async function samplePlanId(db: Db, slug: string): Promise<string | null> {
  return (await db.plan.findUnique({ where: { slug }, select: { id: true } }))?.id ?? null;
}

/**
 * Makes a persona the sample's admin: Chaser admin and the plan's admin, so admin commands work as
 * them. Only a persona (origin "playground") can be made one here; a real person never is.
 */
export async function makePlaygroundAdmin(db: Db, personId: string, slug: string, now: Date): Promise<void> {
  await db.$transaction(async (tx) => {
    const person = await tx.person.findUniqueOrThrow({ where: { id: personId } });
    if (person.origin !== "playground") throw new Error(`person ${personId} is not a playground persona`);
    const plan = await tx.plan.findUniqueOrThrow({ where: { slug } });
    await tx.person.update({ where: { id: personId }, data: { isAdmin: true } });
    await tx.planAdmin.upsert({ where: { planId_personId: { planId: plan.id, personId } }, create: { planId: plan.id, personId }, update: {} });
    await writeHistory(tx, PLAYGROUND(now), { entity: "plan-admin", entityId: `${plan.id}:${personId}`, planId: plan.id, after: { person: person.name, isAdmin: true } });
  });
}

/** The language a channel's digests come in, as the channel's settings would set it. */
export async function setChannelLocale(db: Db, platform: string, address: string, locale: string): Promise<number> {
  return (await db.digestSubscription.updateMany({ where: { platform, address }, data: { locale } })).count;
}

/** The language a channel's digests come in (its first subscription's), or null when it has none. */
export async function channelLocale(db: Db, platform: string, address: string): Promise<string | null> {
  return (await db.digestSubscription.findFirst({ where: { platform, address }, orderBy: { createdAt: "asc" }, select: { locale: true } }))?.locale ?? null;
}
