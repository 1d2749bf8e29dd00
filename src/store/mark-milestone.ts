import { ChaserError } from "../domain/chaser-error.js";
import { refSpellings } from "../domain/ref-spellings.js";
import type { Db } from "./open-store.js";
import { writeHistory } from "./history.js";
import type { Via } from "../domain/vocabulary.js";

export interface MarkMilestone {
  /** The plan's slug or title; null: the one plan holding an action with this ref. */
  plan: string | null;
  /** What people type: the action's key ("2.3") or its ref as written. */
  ref: string;
  on: boolean;
  via: Via;
  actorLabel: string;
  actorPersonId?: string | null;
  /** Asked once the plan is known: may this person mark its milestones? (CLI: always.) */
  mayMark?: (planId: string) => Promise<boolean>;
}

export interface MarkedMilestone {
  planId: string;
  planSlug: string;
  planTitle: string;
  ref: string;
  title: string;
  on: boolean;
  /** False when it already was (or was not) a milestone: nothing was written. */
  changed: boolean;
}

/**
 * Marks an action as a key milestone of its plan (or takes the mark off), with its history row in
 * the same transaction. The digest lists milestones with their state, next first.
 * Errors: milestone.no_plan, milestone.no_action, milestone.which_plan, milestone.not_admin.
 */
export async function markMilestone(db: Db, input: MarkMilestone): Promise<MarkedMilestone> {
  const ref = input.ref.trim();
  // "R6" finds the action the plan writes "R 6", as answers in words do.
  const spellings = refSpellings(ref);
  const candidates = await db.action.findMany({
    where: {
      OR: [{ key: { in: spellings } }, { ref: { in: spellings } }],
      ...(input.plan ? { plan: { OR: [{ slug: input.plan.trim().toLowerCase() }, { title: input.plan.trim() }] } } : {}),
    },
    select: { id: true, key: true, ref: true, title: true, milestone: true, planId: true, plan: { select: { slug: true, title: true } } },
  });
  if (candidates.length === 0) {
    if (input.plan && !(await db.plan.findFirst({ where: { OR: [{ slug: input.plan.trim().toLowerCase() }, { title: input.plan.trim() }] }, select: { id: true } }))) {
      throw new ChaserError("milestone.no_plan", { plan: input.plan });
    }
    throw new ChaserError("milestone.no_action", { ref });
  }
  // The key is unique in a plan; a ref as written may repeat, and several plans may share a key.
  const plans = new Set(candidates.map((a) => a.planId));
  if (plans.size > 1) throw new ChaserError("milestone.which_plan", { ref, plans: [...new Set(candidates.map((a) => a.plan.slug))].join(", ") });
  const action = candidates.find((a) => a.key === ref) ?? candidates.find((a) => a.ref === ref) ?? candidates[0]!;
  if (input.mayMark && !(await input.mayMark(action.planId))) throw new ChaserError("milestone.not_admin");
  const result = { planId: action.planId, planSlug: action.plan.slug, planTitle: action.plan.title, ref: action.ref ?? action.key, title: action.title, on: input.on };
  if (action.milestone === input.on) return { ...result, changed: false };
  await db.$transaction(async (tx) => {
    await tx.action.update({ where: { id: action.id }, data: { milestone: input.on } });
    await writeHistory(tx, { personId: input.actorPersonId ?? null, label: input.actorLabel, via: input.via, now: new Date() }, {
      entity: "action",
      entityId: action.id,
      planId: action.planId,
      actionId: action.id,
      before: { milestone: action.milestone },
      after: { milestone: input.on },
      note: input.on ? "milestone" : "milestone off",
    });
  });
  return { ...result, changed: true };
}
