import { ukDate } from "../domain/london-date.js";
import { evidenceFilesOf, type EvidenceFile } from "./evidence-files.js";
import { planSettings } from "../schedule/plan-settings.js";
import { DEFAULT_SCHEDULE_SETTINGS } from "../schedule/schedule-settings.js";
import type { Via } from "../domain/vocabulary.js";
import { writeHistory, type Actor as HistoryActor } from "./history.js";
import type { Db, Tx } from "./open-store.js";
import type { Person } from "./people.js";

export interface CheckSettings {
  approveTargetChanges: boolean;
  verifyCompletion: boolean;
  verifierRole?: string;
}

/** The settings that are checked changes: a plan's own, never set for every plan at once. */
export const CHECK_SETTING_KEYS = ["approveTargetChanges", "verifyCompletion", "verifierRole"] as const satisfies readonly (keyof CheckSettings)[];

/**
 * The checked-change settings of a plan's stored settings, off unless the plan says so. Read by the
 * schedule's one reader of a plan's settings, so the checks stand whatever else the plan sets wrong.
 */
export function checkSettings(stored: string | null | undefined): CheckSettings {
  const { approveTargetChanges = false, verifyCompletion = false, verifierRole } = planSettings(DEFAULT_SCHEDULE_SETTINGS, stored);
  return { approveTargetChanges, verifyCompletion, ...(verifierRole ? { verifierRole } : {}) };
}

export type CheckedKind = "target" | "completion";
export type CheckedStatus = "pending" | "approved" | "rejected" | "accepted" | "returned";

/** A checked change with what a decision card and the owner's notice need. */
export interface CheckedChange {
  id: string;
  kind: CheckedKind;
  status: CheckedStatus;
  planId: string;
  planTitle: string;
  actionId: string;
  actionRef: string;
  actionTitle: string;
  requestedBy: Person;
  oldTarget: string | null;
  newTarget: string | null;
  reason: string | null;
  evidence: string | null;
  /** Files attached in chat as evidence of a completion. */
  files: EvidenceFile[];
  createdAt: Date;
  decidedById: string | null;
  /** Who decided, by name as Chaser knows them, and when. */
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionReason: string | null;
}

/** Who asked or decided: checked changes are made in chat, by a person. */
export type Actor = Omit<HistoryActor, "now" | "room"> & { personId: string };

/** The History row every request and decision writes, in the transaction that makes it. */
export async function checkHistory(tx: Tx, change: { id: string; planId: string; actionId: string }, actor: Actor, before: object | null, after: object, note: string, now: Date): Promise<void> {
  await writeHistory(tx, { ...actor, now }, { entity: "checked-change", entityId: change.id, planId: change.planId, actionId: change.actionId, before, after, note });
}

export async function findCheckedChange(db: Db | Tx, id: string): Promise<CheckedChange | null> {
  const row = await db.checkedChange.findUnique({ where: { id } });
  if (!row) return null;
  const action = await db.action.findUnique({ where: { id: row.actionId }, include: { plan: { select: { title: true } } } });
  const requestedBy = await db.person.findUnique({ where: { id: row.requestedById } });
  if (!action || !requestedBy) return null;
  const decidedBy = row.decidedById ? await db.person.findUnique({ where: { id: row.decidedById }, select: { name: true } }) : null;
  return {
    id: row.id,
    kind: row.kind as CheckedKind,
    status: row.status as CheckedStatus,
    planId: row.planId,
    planTitle: action.plan.title,
    actionId: row.actionId,
    actionRef: action.ref ?? action.key,
    actionTitle: action.title,
    requestedBy,
    oldTarget: row.oldTarget,
    newTarget: row.newTarget,
    reason: row.reason,
    evidence: row.evidence,
    files: row.kind === "completion" ? await evidenceFilesOf(db, [row.id]) : [],
    createdAt: row.createdAt,
    decidedById: row.decidedById,
    decidedBy: decidedBy?.name ?? null,
    decidedAt: row.decidedAt,
    decisionReason: row.decisionReason,
  };
}

/**
 * Who may decide: Chaser's admins and the plan's admins; for a completion, also the people mapped
 * to the plan's verifier role. Never the person who asked.
 */
export async function mayDecide(db: Db | Tx, person: Person, change: Pick<CheckedChange, "kind" | "planId" | "requestedBy">): Promise<boolean> {
  if (change.requestedBy.id === person.id) return false;
  if (person.isAdmin) return true;
  if (await db.planAdmin.findUnique({ where: { planId_personId: { planId: change.planId, personId: person.id } } })) return true;
  if (change.kind !== "completion") return false;
  const plan = await db.plan.findUnique({ where: { id: change.planId }, select: { settings: true } });
  const role = checkSettings(plan?.settings).verifierRole;
  if (!role) return false;
  const mapped = await db.roleAssignment.findFirst({ where: { personId: person.id, role: { name: role } } });
  return mapped !== null;
}

/** The people asked to decide: the plan's admins (Chaser's admins when it has none), and its verifiers for a completion. */
export async function decidersFor(db: Db, change: Pick<CheckedChange, "kind" | "planId" | "requestedBy">): Promise<Person[]> {
  const planAdmins = (await db.planAdmin.findMany({ where: { planId: change.planId }, include: { person: true } })).map((a) => a.person);
  const people = planAdmins.length > 0 ? planAdmins : await db.person.findMany({ where: { isAdmin: true } });
  if (change.kind === "completion") {
    const plan = await db.plan.findUnique({ where: { id: change.planId }, select: { settings: true } });
    const role = checkSettings(plan?.settings).verifierRole;
    if (role) people.push(...(await db.roleAssignment.findMany({ where: { role: { name: role } }, include: { person: true } })).map((a) => a.person));
  }
  const unique = new Map(people.filter((p) => p.id !== change.requestedBy.id && !p.unreachableAt).map((p) => [p.id, p]));
  return [...unique.values()];
}

/** "Reject" or "Send back" pressed: the decider's next message is taken as the reason. Nothing else changes. */
export async function askReason(db: Db, id: string, deciderId: string): Promise<void> {
  // One open question per decider: an earlier unanswered one is forgotten.
  await db.checkedChange.updateMany({ where: { reasonAskedById: deciderId, NOT: { id } }, data: { reasonAskedById: null } });
  await db.checkedChange.updateMany({ where: { id, status: "pending" }, data: { reasonAskedById: deciderId } });
}

/** The pending change whose reason this person was asked for, if any. */
export async function reasonAskedOf(db: Db, personId: string): Promise<string | null> {
  const row = await db.checkedChange.findFirst({ where: { reasonAskedById: personId, status: "pending" }, select: { id: true } });
  return row?.id ?? null;
}

export type Decision = { approve: true } | { approve: false; reason: string };

export type DecideResult =
  | { outcome: "not_found" }
  | { outcome: "forbidden"; change: CheckedChange }
  | { outcome: "already"; change: CheckedChange }
  | { outcome: "decided"; change: CheckedChange };

/**
 * A decision on a pending change, in one transaction with its History row: an approved target
 * moves the action's target (the original never moves); an accepted completion closes the action;
 * a completion sent back reopens it. A rejected target leaves the action as it was.
 */
export async function decideCheckedChange(db: Db, id: string, decider: Person, decision: Decision, via: Via, now: Date): Promise<DecideResult> {
  return db.$transaction(async (tx) => {
    const change = await findCheckedChange(tx, id);
    if (!change) return { outcome: "not_found" } as const;
    if (!(await mayDecide(tx, decider, change))) return { outcome: "forbidden", change } as const;
    const status: CheckedStatus = change.kind === "target" ? (decision.approve ? "approved" : "rejected") : decision.approve ? "accepted" : "returned";
    const reason = decision.approve ? null : decision.reason;
    // Two deciders pressing at once: only the first conditional update finds it pending.
    const claimed = await tx.checkedChange.updateMany({
      where: { id, status: "pending" },
      data: { status, decidedAt: now, decidedById: decider.id, decisionReason: reason, reasonAskedById: null },
    });
    if (claimed.count === 0) return { outcome: "already", change: (await findCheckedChange(tx, id)) ?? change } as const;
    const action = await tx.action.findUniqueOrThrow({ where: { id: change.actionId } });
    const fields = actionChange(change, status, now);
    if (fields) await tx.action.update({ where: { id: action.id }, data: { ...fields, lastUpdateAt: now } });
    const before = { status: "pending", ...(fields ? Object.fromEntries(Object.keys(fields).map((k) => [k, (action as Record<string, unknown>)[k] ?? null])) : {}) };
    await checkHistory(tx, change, { personId: decider.id, label: decider.name, via }, before, { status, ...(fields ?? {}) }, `${change.kind} ${status}${reason ? `: ${reason}` : ""}`, now);
    return { outcome: "decided", change: { ...change, status, decidedById: decider.id, decidedBy: decider.name, decidedAt: now, decisionReason: reason } } as const;
  });
}

function actionChange(change: CheckedChange, status: CheckedStatus, now: Date): Record<string, string | Date | null> | null {
  switch (status) {
    case "approved":
      return { targetText: ukDate(change.newTarget!), targetFrom: change.newTarget, targetTo: change.newTarget, status: "delayed", statusText: change.reason, rag: "amber", statusSource: "chat", statusUpdatedAt: now, snoozedUntil: null };
    case "accepted":
      return { status: "complete", completedAt: now, statusSource: "chat", statusUpdatedAt: now, snoozedUntil: null };
    case "returned":
      return { status: "in_progress", completedAt: null, statusSource: "chat", statusUpdatedAt: now };
    default:
      return null;
  }
}
