import { Prisma } from "../generated/sqlite/client.js";
import type { Locale } from "../i18n.js";
import type { Db, Store, Tx } from "./open-store.js";
import { writeHistory } from "./history.js";
import { choosePersonLocale } from "./person-locale.js";
import type { Via } from "../domain/vocabulary.js";

/** A person as Chaser knows them. */
export interface Person {
  id: string;
  name: string;
  email: string | null;
  locale: string;
  /** When the person chose their language (by command or the playground's switch); null while it follows the platform. */
  localeChosenAt: Date | null;
  teamsUserId: string | null;
  teamsTenantId: string | null;
  teamsConversation: string | null;
  slackUserId: string | null;
  slackTeamId: string | null;
  slackChannelId: string | null;
  isAdmin: boolean;
  preferredPlatform: string | null;
  unreachableAt: Date | null;
  welcomedAt: Date | null;
  origin: string;
  webUserId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Where a Person record came from; admins' name lookups only see people an admin named. */
export type PersonOrigin = "admin" | "teams" | "slack" | "playground";

/** A chat user as the platform identifies them: its own stable id, within a tenant or workspace. */
export interface ChatIdentity {
  platform: "teams" | "slack";
  userId: string;
  tenantId: string | null;
  /** The platform's display name: shown, never used to decide who someone is. */
  name: string | null;
  locale: string | null;
  /** The language of a person Chaser makes when the platform reports none (CHASER_LOCALE). */
  defaultLocale?: string;
  /** Teams: the 1:1 ConversationReference to reach them by. */
  teamsConversation?: string | null;
}

export type BoundBy = "id" | "email" | "new";

export interface Identified {
  person: Person;
  boundBy: BoundBy;
}

const ID_FIELD = { teams: "teamsUserId", slack: "slackUserId" } as const;
/** Every column of a person, named (DriverSql takes no `*`). */
const PERSON_COLUMNS = Object.values(Prisma.PersonScalarFieldEnum).map((c) => `"${c}"`).join(", ");

function platformFields(identity: ChatIdentity): Prisma.PersonUpdateInput {
  if (identity.platform === "teams") {
    return {
      teamsUserId: identity.userId,
      teamsTenantId: identity.tenantId,
      ...(identity.teamsConversation ? { teamsConversation: identity.teamsConversation } : {}),
    };
  }
  return { slackUserId: identity.userId, slackTeamId: identity.tenantId };
}

function byPlatformId(identity: ChatIdentity): Prisma.PersonWhereUniqueInput {
  return (identity.platform === "teams" ? { teamsUserId: identity.userId } : { slackUserId: identity.userId }) as Prisma.PersonWhereUniqueInput;
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

/**
 * The person behind a chat user, by the platform's stable id only; someone Chaser has not met is
 * bound to an existing person only through an email the platform vouches for (`vouchedEmail`,
 * asked only then), else a new person is made. Never by display name. Each binding is written to
 * the history in the same transaction.
 */
export async function identifyChatUser(store: Store, identity: ChatIdentity, vouchedEmail: () => Promise<string | null>, now: Date): Promise<Identified> {
  const { db } = store;
  // Every message and button press starts here: read straight on the driver (see DriverSql).
  const [known] = await store.driver.sql().rows<Person>(`SELECT ${PERSON_COLUMNS} FROM "Person" WHERE "${ID_FIELD[identity.platform]}" = ?`, identity.userId);
  if (known) return { person: await refresh(db, known, identity), boundBy: "id" };
  const email = (await vouchedEmail())?.trim().toLowerCase() || null;
  try {
    return await db.$transaction((tx) => bindOrCreate(tx, identity, email, now));
  } catch (error) {
    // Two deliveries from the same new user at once: the other one made them; that is who they are.
    if (!isUniqueViolation(error)) throw error;
    const raced = await db.person.findUnique({ where: byPlatformId(identity) });
    if (!raced) throw error;
    return { person: await refresh(db, raced, identity), boundBy: "id" };
  }
}

async function bindOrCreate(tx: Tx, identity: ChatIdentity, email: string | null, now: Date): Promise<Identified> {
  const holder = email ? await tx.person.findUnique({ where: { email } }) : null;
  // Someone holding another id on this platform already is someone else: the email is not proof enough to move it.
  if (holder && holder[ID_FIELD[identity.platform]] === null && holder.origin !== "playground") {
    const person = await tx.person.update({
      where: { id: holder.id },
      data: { ...platformFields(identity), ...platformLocale(holder, identity), preferredPlatform: identity.platform, unreachableAt: null },
    });
    await bound(tx, person, identity, now, { by: "email", email });
    return { person, boundBy: "email" };
  }
  const person = await tx.person.create({
    data: {
      ...(platformFields(identity) as Prisma.PersonCreateInput),
      name: identity.name ?? identity.userId,
      // A vouched email already held by someone else stays theirs.
      email: holder ? null : email,
      origin: identity.platform,
      ...((identity.locale ?? identity.defaultLocale) ? { locale: (identity.locale ?? identity.defaultLocale)! } : {}),
      preferredPlatform: identity.platform,
    },
  });
  await bound(tx, person, identity, now, { by: "new", email: person.email, name: person.name });
  return { person, boundBy: "new" };
}

/** The history row of a chat user bound to a person (by a vouched email) or made one (new). */
function bound(tx: Tx, person: Person, identity: ChatIdentity, now: Date, how: Record<string, unknown>): Promise<void> {
  return writeHistory(tx, { personId: person.id, label: person.name, via: `chat:${identity.platform}`, now }, {
    entity: "person-binding",
    entityId: person.id,
    after: { platform: identity.platform, userId: identity.userId, tenantId: identity.tenantId, ...how },
  });
}

/** The platform's locale, which a language the person chose themselves outranks. */
function platformLocale(person: Pick<Person, "localeChosenAt">, identity: ChatIdentity): { locale?: string } {
  return identity.locale && !person.localeChosenAt ? { locale: identity.locale } : {};
}

/**
 * Keeps what the platform says of a known person current. The name follows the platform only for
 * people Chaser met there: a name an admin gave is theirs, so a renamed account cannot take another
 * person's name and with it their place in admins' name lookups.
 */
async function refresh(db: Db, person: Person, identity: ChatIdentity): Promise<Person> {
  const data: Record<string, unknown> = {
    ...platformFields(identity),
    ...(identity.name && person.origin === identity.platform ? { name: identity.name } : {}),
    ...platformLocale(person, identity),
    preferredPlatform: identity.platform,
    unreachableAt: null,
  };
  // Most events come from someone already known and unchanged: no write, so no lock taken.
  if (Object.entries(data).every(([k, v]) => (person as unknown as Record<string, unknown>)[k] === v)) return person;
  return db.person.update({ where: { id: person.id }, data });
}

/**
 * People with the same name as a new chat user, which the name alone must not settle: people an
 * admin named without an email or chat identity (`unclaimed`, whom an admin may confirm this user
 * is), and anyone else so called (`others`, whom this user may be imitating).
 */
export async function namesakes(db: Db, person: Person): Promise<{ unclaimed: Person[]; others: Person[] }> {
  const same = await db.person.findMany({ where: { name: person.name, id: { not: person.id }, origin: { not: "playground" } }, take: 20 });
  const unclaimed = same.filter(isUnclaimed);
  return { unclaimed, others: same.filter((p) => !isUnclaimed(p)) };
}

/** Named by an admin, with nothing a platform could vouch for yet. */
export function isUnclaimed(person: Person): boolean {
  return person.origin === "admin" && !person.email && !person.teamsUserId && !person.slackUserId && !person.webUserId;
}

export interface Claim {
  id: string;
  status: "pending" | "confirmed" | "rejected" | "superseded";
  platform: string;
  createdAt: Date;
  person: { id: string; name: string } | null;
  claimant: { id: string; name: string; platform: string; userId: string | null; tenantId: string | null; email: string | null } | null;
}

/** Opens a claim per unclaimed person that this chat user may be; returns the new ones only. */
export async function openClaims(db: Db, claimant: Person, people: Person[], now: Date): Promise<string[]> {
  const opened: string[] = [];
  for (const person of people) {
    try {
      const claim = await db.$transaction(async (tx) => {
        const created = await tx.personClaim.create({ data: { personId: person.id, claimantId: claimant.id, platform: claimant.preferredPlatform ?? claimant.origin, createdAt: now } });
        await writeHistory(tx, { personId: claimant.id, label: claimant.name, via: `chat:${created.platform}` as Via, now }, {
          entity: "person-claim",
          entityId: created.id,
          after: { status: "pending", person: person.name, personId: person.id, claimantId: claimant.id },
        });
        return created;
      });
      opened.push(claim.id);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  return opened;
}

/**
 * When an admin names someone without an email, chat users already known by that name may be
 * them: a claim is opened for each, for an admin to confirm. Runs in the admin's transaction.
 */
export async function openClaimsForNamed(tx: Tx, person: Person, via: Via, actorLabel: string): Promise<number> {
  if (!isUnclaimed(person)) return 0;
  const candidates = await tx.person.findMany({ where: { name: person.name, origin: { in: ["teams", "slack"] } }, take: 20 });
  let opened = 0;
  for (const claimant of candidates) {
    const existing = await tx.personClaim.findUnique({ where: { personId_claimantId: { personId: person.id, claimantId: claimant.id } } });
    if (existing) continue;
    const claim = await tx.personClaim.create({ data: { personId: person.id, claimantId: claimant.id, platform: claimant.origin } });
    await writeHistory(tx, { personId: null, label: actorLabel, via, now: new Date() }, {
      entity: "person-claim",
      entityId: claim.id,
      after: { status: "pending", person: person.name, personId: person.id, claimantId: claimant.id },
    });
    opened += 1;
  }
  return opened;
}

export async function listClaims(db: Db, options: { status?: Claim["status"] } = {}): Promise<Claim[]> {
  const rows = await db.personClaim.findMany({ where: options.status ? { status: options.status } : {}, orderBy: { createdAt: "asc" }, take: 500 });
  const ids = [...new Set(rows.flatMap((r) => [r.personId, r.claimantId]))];
  const people = new Map((await db.person.findMany({ where: { id: { in: ids } } })).map((p) => [p.id, p]));
  return rows.map((r) => {
    const person = people.get(r.personId);
    const claimant = people.get(r.claimantId);
    return {
      id: r.id,
      status: r.status as Claim["status"],
      platform: r.platform,
      createdAt: r.createdAt,
      person: person ? { id: person.id, name: person.name } : null,
      claimant: claimant
        ? {
            id: claimant.id,
            name: claimant.name,
            platform: r.platform,
            userId: r.platform === "teams" ? claimant.teamsUserId : claimant.slackUserId,
            tenantId: r.platform === "teams" ? claimant.teamsTenantId : claimant.slackTeamId,
            email: claimant.email,
          }
        : null,
    };
  });
}

export async function findClaim(db: Db, id: string): Promise<Claim | null> {
  const row = await db.personClaim.findUnique({ where: { id } });
  if (!row) return null;
  return (await listClaims(db, {})).find((c) => c.id === id) ?? null;
}

export type ClaimDecision =
  | { outcome: "confirmed"; person: Person }
  | { outcome: "rejected" }
  | { outcome: "already"; status: string }
  | { outcome: "stale" }
  | { outcome: "not_found" };

/**
 * An admin's answer to a claim. Confirmed: the chat user becomes the person the admin named (their
 * roles, adminship, plans and cover move to the chat user's record, which keeps its platform id),
 * and other claims on that person are closed. Rejected: nothing is bound. One transaction, with
 * its history.
 */
export async function decideClaim(db: Db, claimId: string, confirm: boolean, actor: { personId: string | null; label: string; via: Via }, now: Date): Promise<ClaimDecision> {
  return db.$transaction(async (tx) => {
    const claim = await tx.personClaim.findUnique({ where: { id: claimId } });
    if (!claim) return { outcome: "not_found" as const };
    // Only one decision counts, whoever presses or types first.
    const taken = await tx.personClaim.updateMany({
      where: { id: claim.id, status: "pending" },
      data: { status: confirm ? "confirmed" : "rejected", decidedAt: now, decidedBy: actor.label },
    });
    if (taken.count === 0) return { outcome: "already" as const, status: claim.status };
    const record = (after: Record<string, unknown>, before?: Record<string, unknown>) =>
      writeHistory(tx, { personId: actor.personId, label: actor.label, via: actor.via, now }, { entity: "person-claim", entityId: claim.id, before, after });
    if (!confirm) {
      await record({ status: "rejected", personId: claim.personId, claimantId: claim.claimantId });
      return { outcome: "rejected" as const };
    }
    const named = await tx.person.findUnique({ where: { id: claim.personId } });
    const claimant = await tx.person.findUnique({ where: { id: claim.claimantId } });
    if (!named || !claimant || !isUnclaimed(named)) {
      await tx.personClaim.update({ where: { id: claim.id }, data: { status: "superseded" } });
      await record({ status: "superseded", personId: claim.personId, claimantId: claim.claimantId });
      return { outcome: "stale" as const };
    }
    await foldInto(tx, named, claimant);
    const person = await tx.person.update({
      where: { id: claimant.id },
      data: { name: named.name, origin: "admin", isAdmin: claimant.isAdmin || named.isAdmin },
    });
    await tx.personClaim.updateMany({ where: { personId: named.id, status: "pending" }, data: { status: "superseded", decidedAt: now, decidedBy: actor.label } });
    await record(
      { status: "confirmed", personId: person.id, name: person.name, isAdmin: person.isAdmin, teamsUserId: person.teamsUserId, slackUserId: person.slackUserId },
      { namedPersonId: named.id, name: named.name, isAdmin: named.isAdmin },
    );
    await writeHistory(tx, { personId: actor.personId, label: actor.label, via: actor.via, now }, {
      entity: "person-binding",
      entityId: person.id,
      before: { namedPersonId: named.id },
      after: { by: "admin-confirmed", claimId: claim.id, teamsUserId: person.teamsUserId, slackUserId: person.slackUserId },
    });
    return { outcome: "confirmed" as const, person };
  });
}

/** Moves what hangs on the named record to the claimant's, then removes the named record. */
async function foldInto(tx: Tx, from: Person, to: Person): Promise<void> {
  for (const a of await tx.roleAssignment.findMany({ where: { personId: from.id } })) {
    const has = await tx.roleAssignment.findUnique({ where: { roleId_personId: { roleId: a.roleId, personId: to.id } } });
    if (!has) await tx.roleAssignment.create({ data: { roleId: a.roleId, personId: to.id, createdAt: a.createdAt } });
  }
  for (const a of await tx.planAdmin.findMany({ where: { personId: from.id } })) {
    const has = await tx.planAdmin.findUnique({ where: { planId_personId: { planId: a.planId, personId: to.id } } });
    if (!has) await tx.planAdmin.create({ data: { planId: a.planId, personId: to.id } });
  }
  for (const d of await tx.delegation.findMany({ where: { OR: [{ principalId: from.id }, { delegateId: from.id }] } })) {
    const principalId = d.principalId === from.id ? to.id : d.principalId;
    const delegateId = d.delegateId === from.id ? to.id : d.delegateId;
    if (principalId === delegateId) continue;
    const has = await tx.delegation.findUnique({ where: { principalId_delegateId: { principalId, delegateId } } });
    if (!has) await tx.delegation.create({ data: { principalId, delegateId, until: d.until, createdAt: d.createdAt } });
  }
  await tx.answer.updateMany({ where: { personId: from.id }, data: { personId: to.id } });
  await tx.chatMessage.updateMany({ where: { personId: from.id }, data: { personId: to.id } });
  await tx.promptedAction.updateMany({ where: { personId: from.id }, data: { personId: to.id } });
  await tx.person.delete({ where: { id: from.id } });
}

/**
 * A playground persona: a person of the playground only, found by the name typed there. Personas
 * have no email and no platform id, so they never bind to, or act as, a real Teams or Slack person.
 */
export async function playgroundPersona(db: Db, name: string, locale: Locale | null, now: Date = new Date(), defaultLocale?: Locale): Promise<Person> {
  const found = await db.person.findUnique({ where: { webUserId: name } });
  // The playground's language switch is the persona's own choice, like the language command.
  if (found) return locale && found.locale !== locale ? choosePersonLocale(db, found, locale, { personId: found.id, label: found.name, via: "chat:web", now }) : found;
  try {
    const created = await db.person.create({ data: { name, webUserId: name, origin: "playground", preferredPlatform: "web", ...((locale ?? defaultLocale) ? { locale: (locale ?? defaultLocale)! } : {}) } });
    return locale ? choosePersonLocale(db, created, locale, { personId: created.id, label: created.name, via: "chat:web", now }) : created;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return db.person.findUniqueOrThrow({ where: { webUserId: name } });
  }
}

export async function findPlaygroundPersona(db: Db, name: string): Promise<Person | null> {
  return db.person.findUnique({ where: { webUserId: name } });
}

/**
 * Someone an admin names: by email when given, else by name among the people admins named (never a
 * chat user who merely calls themselves that). Made if new.
 */
export async function findOrNamePerson(tx: Tx | Db, name: string, email: string | null): Promise<{ person: Person; created: boolean }> {
  const found = email ? await tx.person.findUnique({ where: { email } }) : await tx.person.findFirst({ where: { name, origin: "admin" }, orderBy: { createdAt: "asc" } });
  if (found) return { person: found, created: false };
  return { person: await tx.person.create({ data: { name, email, origin: "admin" } }), created: true };
}

/** The known person a chat platform's "gone" event is about, if any. */
export async function findByPlatformId(db: Db, platform: "teams" | "slack" | "web", userId: string): Promise<Person | null> {
  if (platform === "web") return db.person.findUnique({ where: { webUserId: userId } });
  return db.person.findUnique({ where: byPlatformId({ platform, userId, tenantId: null, name: null, locale: null }) });
}

/** Durable de-duplication of platform deliveries: true when this key was handled before. */
export async function deliverySeen(db: Db, key: string): Promise<boolean> {
  return (await db.inboundDelivery.findUnique({ where: { key } })) !== null;
}

let recorded = 0;
/** Keeps deliveries two days: platforms retry within minutes (Slack: three times over about five). */
const KEEP_DELIVERIES_MS = 2 * 24 * 60 * 60 * 1000;

export async function recordDelivery(db: Db, key: string, now: Date): Promise<void> {
  try {
    await db.inboundDelivery.create({ data: { key, at: now } });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  if (++recorded % 500 === 0) await db.inboundDelivery.deleteMany({ where: { at: { lt: new Date(now.getTime() - KEEP_DELIVERIES_MS) } } });
}

/** Chaser's admins who can be told something now (not `except`, the person it is about). */
export async function reachableAdmins(db: Db, except?: string): Promise<Person[]> {
  return db.person.findMany({ where: { isAdmin: true, unreachableAt: null, ...(except ? { id: { not: except } } : {}) } });
}

/** Whether a person holds rights a namesake must never be taken to have: Chaser admin or plan admin. */
export async function isPrivileged(db: Db, person: Person): Promise<boolean> {
  return person.isAdmin || (await db.planAdmin.findFirst({ where: { personId: person.id }, select: { personId: true } })) !== null;
}

/**
 * Binds someone an admin named by email to the Slack user Slack found for that email, unless that
 * user is already someone else; the binding is recorded like any other. Returns the person as now.
 */
export async function bindSlackUserFoundByEmail(db: Db, person: Person, found: { userId: string; locale: string | null }, now: Date): Promise<Person> {
  return db.$transaction(async (tx) => {
    const taken = await tx.person.findUnique({ where: { slackUserId: found.userId } });
    if (taken && taken.id !== person.id) return person;
    const bound = await tx.person.update({
      where: { id: person.id },
      data: { slackUserId: found.userId, preferredPlatform: "slack", ...(found.locale && !person.localeChosenAt ? { locale: found.locale } : {}) },
    });
    await writeHistory(tx, { personId: null, label: "slack users.lookupByEmail", via: "chat:slack", now }, {
      entity: "person-binding",
      entityId: person.id,
      after: { platform: "slack", userId: found.userId, by: "email", email: person.email },
    });
    return bound;
  });
}
