import type { Actor } from "./history.js";
import { writeHistory } from "./history.js";
import type { Db } from "./open-store.js";

/** What a person may do, for the deployment or one plan. */
export interface Rights {
  admin: boolean;
  planAdmin: boolean;
  viewer: boolean;
}

/** A person's rights: Chaser admin, admin of the plan, or a read-only viewer of it (directors). */
export async function rightsOf(db: Db, personId: string, planId: string | null): Promise<Rights> {
  const person = await db.person.findUnique({ where: { id: personId }, select: { isAdmin: true } });
  const admin = person?.isAdmin ?? false;
  if (!planId) return { admin, planAdmin: false, viewer: false };
  const [planAdmin, viewer] = await Promise.all([
    db.planAdmin.findUnique({ where: { planId_personId: { planId, personId } } }),
    db.planViewer.findUnique({ where: { planId_personId: { planId, personId } } }),
  ]);
  return { admin, planAdmin: planAdmin !== null, viewer: viewer !== null };
}

/** Whether someone covers `principalId` today (their cover may change their own cover). */
export async function covers(db: Db, delegateId: string, principalId: string, today: string): Promise<boolean> {
  const found = await db.delegation.findFirst({ where: { delegateId, principalId, OR: [{ until: null }, { until: { gte: today } }] } });
  return found !== null;
}

/** The names of those who may do what someone was refused: the plan's admins, else Chaser's. */
export async function whoCan(db: Db, planId: string | null): Promise<string[]> {
  const planAdmins = planId ? await db.planAdmin.findMany({ where: { planId }, include: { person: { select: { name: true } } } }) : [];
  const admins = await db.person.findMany({ where: { isAdmin: true }, select: { name: true }, orderBy: { name: "asc" } });
  return [...new Set([...planAdmins.map((a) => a.person.name), ...admins.map((a) => a.name)])];
}

export type Grant = "admin" | "viewer";

/** Makes a person a Chaser admin (no plan), a plan's admin, or a plan's read-only viewer. */
export async function grant(db: Db, personId: string, planId: string | null, what: Grant, actor: Actor): Promise<{ changed: boolean }> {
  return db.$transaction(async (tx) => {
    let changed: boolean;
    if (!planId) {
      const before = await tx.person.findUniqueOrThrow({ where: { id: personId }, select: { isAdmin: true } });
      changed = !before.isAdmin;
      if (changed) await tx.person.update({ where: { id: personId }, data: { isAdmin: true } });
    } else if (what === "admin") {
      changed = (await tx.planAdmin.findUnique({ where: { planId_personId: { planId, personId } } })) === null;
      if (changed) await tx.planAdmin.create({ data: { planId, personId } });
    } else {
      changed = (await tx.planViewer.findUnique({ where: { planId_personId: { planId, personId } } })) === null;
      if (changed) await tx.planViewer.create({ data: { planId, personId } });
    }
    if (changed) await writeHistory(tx, actor, { entity: what === "viewer" ? "viewer" : "admin", entityId: personId, planId, before: { granted: false }, after: { granted: what } });
    return { changed };
  });
}

/**
 * The admins named at install (CHASER_ADMINS, emails): made admins once, as the platform vouches
 * for them when they first speak. Someone an admin later removes is not made admin again only
 * because they are still listed, so this runs for emails with no person yet or never granted.
 */
export async function ensureInstallAdmins(db: Db, emails: string[], now: Date): Promise<number> {
  let made = 0;
  for (const raw of emails) {
    const email = raw.trim().toLowerCase();
    if (!email) continue;
    await db.$transaction(async (tx) => {
      const found = await tx.person.findUnique({ where: { email } });
      if (found?.isAdmin) return;
      const granted = await tx.history.findFirst({ where: { entity: "admin", entityId: found?.id ?? "", via: "import" } });
      if (found && granted) return;
      const person = found
        ? await tx.person.update({ where: { id: found.id }, data: { isAdmin: true } })
        : await tx.person.create({ data: { name: email.split("@")[0]!, email, origin: "admin", isAdmin: true } });
      await writeHistory(tx, { personId: null, label: "CHASER_ADMINS", via: "import", now }, { entity: "admin", entityId: person.id, before: { granted: false }, after: { granted: "admin" } });
      made += 1;
    });
  }
  return made;
}
