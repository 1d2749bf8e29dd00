import { CLOSED_STATUSES } from "../domain/vocabulary.js";
import type { Db } from "./open-store.js";

export interface OverdueRow {
  plan: string;
  ref: string;
  title: string;
  targetTo: string;
  owners: string[];
}

/** Open actions past their target on the UK day `today`, oldest target first. */
export async function overdueActions(db: Db, today: string, planId: string | null, limit = 50): Promise<{ rows: OverdueRow[]; total: number }> {
  const where = { ...(planId ? { planId } : {}), plan: { archivedAt: null }, targetTo: { lt: today }, OR: [{ status: null }, { status: { notIn: [...CLOSED_STATUSES] } }] };
  const [total, rows] = await Promise.all([
    db.action.count({ where }),
    db.action.findMany({
      where,
      orderBy: [{ targetTo: "asc" }, { position: "asc" }],
      take: limit,
      include: { plan: { select: { slug: true } }, owners: { where: { kind: "responsible" }, include: { role: true } } },
    }),
  ]);
  return { total, rows: rows.map((a) => ({ plan: a.plan.slug, ref: a.ref ?? a.key, title: a.title, targetTo: a.targetTo!, owners: a.owners.map((o) => o.role.name) })) };
}

export interface UnansweredRow {
  person: string;
  actions: number;
  since: Date;
}

/** People asked about actions since `since` who have not answered about them since being asked. */
export async function notAnswered(db: Db, since: Date, planId: string | null): Promise<UnansweredRow[]> {
  const asked = await db.promptedAction.findMany({ where: { at: { gte: since }, kind: "prompt" }, orderBy: { at: "asc" }, select: { actionId: true, personId: true, at: true } });
  const actionIds = [...new Set(asked.map((a) => a.actionId))];
  const inPlan = planId ? new Set((await db.action.findMany({ where: { id: { in: actionIds }, planId }, select: { id: true } })).map((a) => a.id)) : null;
  const answers = await db.answer.findMany({ where: { actionId: { in: actionIds }, createdAt: { gte: since } }, select: { actionId: true, createdAt: true } });
  const byPerson = new Map<string, { actions: Set<string>; since: Date }>();
  for (const a of asked) {
    if (inPlan && !inPlan.has(a.actionId)) continue;
    if (answers.some((x) => x.actionId === a.actionId && x.createdAt >= a.at)) continue;
    const entry = byPerson.get(a.personId) ?? { actions: new Set<string>(), since: a.at };
    entry.actions.add(a.actionId);
    byPerson.set(a.personId, entry);
  }
  const people = await db.person.findMany({ where: { id: { in: [...byPerson.keys()] } }, select: { id: true, name: true } });
  return people
    .map((p) => ({ person: p.name, actions: byPerson.get(p.id)!.actions.size, since: byPerson.get(p.id)!.since }))
    .sort((x, y) => y.actions - x.actions || x.person.localeCompare(y.person));
}

export interface UndeliveredRow {
  key: string;
  kind: string;
  platform: string;
  status: string;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
}

/** Messages parked as failed or to people who cannot be reached; with `pending`, those still waiting too. */
export async function undelivered(db: Db, options: { pending?: boolean } = {}): Promise<{ messages: UndeliveredRow[]; unreachable: string[] }> {
  const messages = await db.chatMessage.findMany({
    where: { status: options.pending ? { not: "sent" } : { in: ["failed", "unreachable"] } },
    orderBy: { createdAt: "desc" },
    take: 200,
    select: { key: true, kind: true, platform: true, status: true, attempts: true, lastError: true, createdAt: true },
  });
  const unreachable = await db.person.findMany({ where: { unreachableAt: { not: null } }, select: { name: true }, orderBy: { name: "asc" } });
  return { messages, unreachable: unreachable.map((p) => p.name) };
}
