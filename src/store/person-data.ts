import type { Store } from "./open-store.js";
import { writeHistory } from "./history.js";
import type { Via } from "../domain/vocabulary.js";

/** Everything Chaser holds about one person, for a subject access request (UK GDPR, article 15). */
export interface PersonData {
  person: {
    id: string;
    name: string;
    email: string | null;
    locale: string;
    teamsUserId: string | null;
    slackUserId: string | null;
    isAdmin: boolean;
    origin: string;
    createdAt: string;
  };
  roles: string[];
  adminOfPlans: string[];
  covers: { for: string; until: string | null }[];
  coveredBy: { by: string; until: string | null }[];
  answers: { at: string; plan: string; action: string; kind: string; via: string; details: unknown }[];
  /** Files they sent as evidence: what Chaser keeps of each (the platform holds the bytes). */
  evidenceFiles: { at: string; plan: string; action: string; name: string; size: number; sha256: string; platform: string; link: string | null }[];
  actions: { at: string; entity: string; via: string; note: string | null }[];
  messages: { at: string; kind: string; platform: string; status: string }[];
}

/** Finds a person by the email an admin or a platform gave, or by Chaser's id for them. */
export async function findPersonForData(store: Store, who: { email?: string; id?: string }): Promise<{ id: string; name: string } | null> {
  const where = who.id ? { id: who.id } : who.email ? { email: who.email.trim().toLowerCase() } : null;
  if (!where) return null;
  return store.db.person.findFirst({ where, select: { id: true, name: true } });
}

export async function exportPersonData(store: Store, personId: string): Promise<PersonData | null> {
  const db = store.db;
  const p = await db.person.findUnique({
    where: { id: personId },
    include: {
      assignments: { include: { role: { select: { name: true } } } },
      adminOf: true,
      delegates: { include: { delegate: { select: { name: true } } } },
      covering: { include: { principal: { select: { name: true } } } },
    },
  });
  if (!p) return null;
  const [answers, files, acts, messages, plans] = await Promise.all([
    db.answer.findMany({ where: { personId }, orderBy: { createdAt: "asc" }, include: { action: { select: { ref: true, key: true, plan: { select: { slug: true } } } } } }),
    db.evidenceFile.findMany({ where: { personId }, orderBy: { createdAt: "asc" } }),
    db.history.findMany({ where: { actorPersonId: personId }, orderBy: { at: "asc" }, select: { at: true, entity: true, via: true, note: true } }),
    db.chatMessage.findMany({ where: { personId }, orderBy: { createdAt: "asc" }, select: { createdAt: true, kind: true, platform: true, status: true } }),
    db.plan.findMany({ where: { id: { in: p.adminOf.map((a) => a.planId) } }, select: { slug: true } }),
  ]);
  // Evidence files name their action by id: the actions' refs and plans, in one read.
  const fileActions = new Map(
    (await db.action.findMany({ where: { id: { in: [...new Set(files.map((f) => f.actionId))] } }, select: { id: true, ref: true, key: true, plan: { select: { slug: true } } } })).map((a) => [a.id, a]),
  );
  return {
    person: { id: p.id, name: p.name, email: p.email, locale: p.locale, teamsUserId: p.teamsUserId, slackUserId: p.slackUserId, isAdmin: p.isAdmin, origin: p.origin, createdAt: p.createdAt.toISOString() },
    roles: p.assignments.map((a) => a.role.name),
    adminOfPlans: plans.map((pl) => pl.slug),
    // `delegates` are the people who cover for this person; `covering`, those this person covers.
    covers: p.covering.map((d) => ({ for: d.principal.name, until: d.until })),
    coveredBy: p.delegates.map((d) => ({ by: d.delegate.name, until: d.until })),
    answers: answers.map((a) => ({ at: a.createdAt.toISOString(), plan: a.action.plan.slug, action: a.action.ref ?? a.action.key, kind: a.kind, via: a.via, details: JSON.parse(a.payload) as unknown })),
    evidenceFiles: files.map((f) => {
      const a = fileActions.get(f.actionId);
      return { at: f.createdAt.toISOString(), plan: a?.plan.slug ?? "", action: a ? (a.ref ?? a.key) : "", name: f.name, size: f.size, sha256: f.sha256, platform: f.platform, link: f.link };
    }),
    actions: acts.map((h) => ({ at: h.at.toISOString(), entity: h.entity, via: h.via, note: h.note })),
    messages: messages.map((m) => ({ at: m.createdAt.toISOString(), kind: m.kind, platform: m.platform, status: m.status })),
  };
}

export interface Erasure {
  label: string;
  answersKept: number;
}

/**
 * Erases a person (UK GDPR, article 17) in one transaction: their name, email and every platform
 * id go, with their roles, cover and admin rights; messages not yet sent to them are cancelled and
 * the cards kept of sent ones dropped. Their answers stay in the plan's history, as a plan's record
 * must, attributed to an anonymous label. The erasure itself is recorded, without the name.
 */
export async function erasePerson(store: Store, personId: string, actor: { label: string; personId: string | null; via: Via }, label: string, now: Date): Promise<Erasure | null> {
  return store.db.$transaction(async (tx) => {
    const person = await tx.person.findUnique({ where: { id: personId }, select: { id: true, name: true, email: true } });
    if (!person) return null;
    await tx.person.update({
      where: { id: personId },
      data: {
        name: label,
        email: null,
        teamsUserId: null,
        teamsTenantId: null,
        teamsConversation: null,
        slackUserId: null,
        slackTeamId: null,
        slackChannelId: null,
        webUserId: null,
        isAdmin: false,
        preferredPlatform: null,
        unreachableAt: now,
        origin: "erased",
      },
    });
    await tx.roleAssignment.deleteMany({ where: { personId } });
    await tx.delegation.deleteMany({ where: { OR: [{ principalId: personId }, { delegateId: personId }] } });
    await tx.planAdmin.deleteMany({ where: { personId } });
    await tx.personClaim.deleteMany({ where: { OR: [{ personId }, { claimantId: personId }] } });
    await tx.chatMessage.updateMany({ where: { personId, status: { in: ["pending", "failed"] } }, data: { status: "cancelled", card: null, address: "" } });
    await tx.chatMessage.updateMany({ where: { personId }, data: { card: null, address: "" } });
    // What they did stays, under the label; what was recorded about them (bindings, claims) loses its details.
    await tx.history.updateMany({ where: { actorPersonId: personId }, data: { actorLabel: label } });
    await tx.history.updateMany({ where: { entityId: personId }, data: { before: null, after: null } });
    // Elsewhere (a role mapped to them, cover given) their name or email is replaced by the label.
    const names = [person.name, person.email].filter((n): n is string => Boolean(n && n.length >= 3));
    const mentions = await tx.history.findMany({
      where: { OR: names.flatMap((n) => [{ before: { contains: n } }, { after: { contains: n } }, { note: { contains: n } }]) },
      select: { id: true, before: true, after: true, note: true },
    });
    const scrub = (text: string | null) => (text === null ? null : names.reduce((out, n) => out.split(n).join(label), text));
    for (const h of mentions) await tx.history.update({ where: { id: h.id }, data: { before: scrub(h.before), after: scrub(h.after), note: scrub(h.note) } });
    const answersKept = await tx.answer.count({ where: { personId } });
    await writeHistory(tx, { personId: actor.personId, label: actor.label, via: actor.via, now }, { entity: "person", entityId: personId, note: "erased" });
    return { label, answersKept };
  });
}
