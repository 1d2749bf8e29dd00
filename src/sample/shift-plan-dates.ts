import { addDays, ukDate } from "../domain/london-date.js";
import type { Target } from "../domain/target.js";
import type { ParsedPlan } from "../import/parsed-plan.js";

/**
 * A plan with every target moved by `days`, so an old committee paper reads as live today. The
 * target's words are rewritten from its moved dates (the old "31/12/20" would contradict them);
 * prose in titles and progress notes is left as the paper wrote it.
 */
export function shiftPlanDates(plan: ParsedPlan, days: number): ParsedPlan {
  const move = (target: Target | null): Target | null => {
    if (!target || (!target.from && !target.to)) return target;
    const from = target.from && addDays(target.from, days);
    const to = target.to && addDays(target.to, days);
    const text = from && to && from !== to ? `${ukDate(from)} – ${ukDate(to)}` : ukDate((to ?? from)!);
    return { ...target, from, to, text };
  };
  return {
    ...plan,
    recommendations: plan.recommendations.map((r) => ({ ...r, actions: r.actions.map((a) => ({ ...a, target: move(a.target) })) })),
  };
}
