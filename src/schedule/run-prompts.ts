import type { TFunction } from "i18next";
import { londonDate, ukDate } from "../domain/london-date.js";
import type { AskReason } from "../domain/why-ask.js";
import type { Person } from "../store/people.js";
import { asksSince, cardActions, lastAnswers, ownersAndCover } from "../store/prompt-run.js";
import { pickLocale, translator } from "../i18n.js";
import { buildPromptCard, MAX_CARD_ITEMS, reasonText } from "../conversation/build-card.js";
import { enqueue, type Deliverer } from "../conversation/deliver.js";
import type { CardAction } from "../store/card-action.js";
import { cadencePeriod, needsEscalation } from "./cadence.js";
import { claimRun, finishRun, releaseRun } from "./claim-run.js";
import { scanActions, type ScannedAction } from "./scan-actions.js";
import { readEscalationPeople, type EscalationPeople } from "../store/escalation-people.js";
import { loadPlanSettings } from "./plan-settings.js";
import type { ScheduleSettings } from "./schedule-settings.js";

/** How far back prompts and answers are read for the cadence and escalation rules. */
const HISTORY_DAYS = 90;

export interface PromptRunReport {
  claimed: boolean;
  prompts: number;
  escalations: number;
  /** People who have blocked or removed the bot: reported to admins, not retried. */
  unreachable: string[];
  /** Owners with actions to chase but no way to reach them (no role mapping, no chat identity). */
  unmapped: number;
}

/**
 * One day's prompts: every owner hears once about all their actions that need an answer, unless
 * asked within the cadence and nothing changed; a delegate covering an owner hears instead of them;
 * overdue or unanswered actions escalate to the accountable person or the plan's admins. The run
 * is claimed by its key, and every message is recorded in the outbox under its own key, so a second
 * process or a restart enqueues nothing twice. Sending is the dispatcher's job.
 */
export async function runPrompts(deps: Deliverer, slot: { key: string; date: string }, now: Date, defaults: ScheduleSettings): Promise<PromptRunReport> {
  const report: PromptRunReport = { claimed: false, prompts: 0, escalations: 0, unreachable: [], unmapped: 0 };
  if (!(await claimRun(deps, slot.key, now))) return report;
  try {
    report.claimed = true;
    const { db } = deps.store;
    const today = londonDate(now);

    // A plan paused by its admins (or archived) is left out of the scan altogether: no prompts and
    // no escalations for its actions until it is resumed; the others run as usual.
    const plans = new Map([...(await loadPlanSettings(db, defaults))].filter(([, settings]) => !settings.paused));
    // The scan applies the cadence (shouldPromptAgain) in its query: promptDue.
    const scanned = await scanActions(deps.store, now, defaults, plans);
    // Prompts and answers within the last quarter are all the escalation rules look at.
    const horizon = new Date(now.getTime() - HISTORY_DAYS * 86_400_000);
    const lastAnswered = await lastAnswers(db, horizon);

    const due = scanned.filter((a) => a.promptDue);
    const cards = await cardActions(db, due.map((a) => a.id));
    const asked = due
      .map((a) => ({ action: cards.get(a.id)!, reason: a.reason, settings: plans.get(a.planId) ?? defaults }))
      .sort((x, y) => x.action.plan.slug.localeCompare(y.action.plan.slug) || x.action.position - y.action.position);

    // Owners through role mappings; a delegate with cover set today hears instead of the owner.
    const roleIds = [...new Set(asked.flatMap((a) => a.action.owners.map((o) => o.roleId)))];
    const { assignments, cover } = await ownersAndCover(db, roleIds, today);
    const byRecipient = new Map<string, { person: Person; entries: typeof asked }>();
    for (const entry of asked) {
      const owners = entry.action.owners.filter((o) => o.kind === "responsible");
      const people = assignments.filter((a) => owners.some((o) => o.roleId === a.roleId)).map((a) => cover.get(a.personId) ?? a.person);
      if (people.length === 0) report.unmapped += 1;
      for (const person of people) {
        const bucket = byRecipient.get(person.id) ?? { person, entries: [] };
        if (!bucket.entries.some((e) => e.action.id === entry.action.id)) bucket.entries.push(entry);
        byRecipient.set(person.id, bucket);
      }
    }
    for (const { person, entries } of byRecipient.values()) {
      if (person.unreachableAt) {
        report.unreachable.push(person.name);
        continue;
      }
      const t = translator(pickLocale(person.locale));
      const result = await enqueue(deps, {
        key: `${slot.key}:${person.id}`,
        kind: "prompt",
        to: { person },
        // Only what the card shows counts as asked; the rest waits for the next prompt.
        actionIds: entries.slice(0, MAX_CARD_ITEMS).map((e) => e.action.id),
        card: (messageId) => buildPromptCard({ t, messageId, entries: entries.map((e) => ({ action: e.action, reason: e.reason, recorded: null })), today, now, purpose: "prompt" }),
      }, now);
      if (result.status === "queued") report.prompts += 1;
      if (result.status === "unreachable") report.unreachable.push(person.name);
    }

    // Escalations: once per action per cadence period, gathered into one card per person who hears.
    // Read again: today's prompts, just recorded, count as asks.
    const { prompts, escalations: escalated } = await asksSince(db, horizon);
    const promptsOf = new Map<string, typeof prompts>();
    for (const p of prompts) promptsOf.set(p.actionId, [...(promptsOf.get(p.actionId) ?? []), p]);
    // First which actions escalate; then everyone they may go to, read in one go for the run.
    const escalating: { scannedAction: ScannedAction; why: EscalationItem["why"]; unanswered: { personId: string; at: Date }[] }[] = [];
    for (const scannedAction of scanned) {
      const settings = plans.get(scannedAction.planId) ?? defaults;
      const since = lastAnswered.get(scannedAction.id) ?? new Date(0);
      const unanswered = (promptsOf.get(scannedAction.id) ?? []).filter((p) => p.at > since);
      const escalation = needsEscalation({ reason: scannedAction.reason, unansweredPrompts: unanswered.length, settings });
      if (!escalation) continue;
      const period = cadencePeriod(now, settings.cadenceDays, settings.timeZone);
      if (escalated.some((e) => e.actionId === scannedAction.id && cadencePeriod(e.at, settings.cadenceDays, settings.timeZone) === period)) continue;
      escalating.push({ scannedAction, why: escalation.why, unanswered });
    }
    const lookups = await readEscalationPeople(db, {
      known: cards,
      actionIds: escalating.map((e) => e.scannedAction.id),
      planIds: [...new Set(escalating.map((e) => e.scannedAction.planId))],
      personIds: [...new Set(escalating.flatMap((e) => e.unanswered.map((p) => p.personId)))],
    });
    const actionOf = (id: string) => cards.get(id) ?? lookups.actions.get(id)!;
    const owed = new Map<string, { person: Person; items: EscalationItem[] }>();
    for (const { scannedAction, why, unanswered } of escalating) {
      const action = actionOf(scannedAction.id);
      // Never back to the people asked, nor to the owners (an owner may also be the accountable role).
      const askedIds = [...new Set(unanswered.map((p) => p.personId))];
      const ownerIds = assignments.filter((a) => action.owners.some((o) => o.kind === "responsible" && o.roleId === a.roleId)).flatMap((a) => [a.personId, ...(cover.has(a.personId) ? [cover.get(a.personId)!.id] : [])]);
      const route = whoHears(action, new Set([...askedIds, ...ownerIds]), lookups);
      const askedPeople = askedIds.map((id) => lookups.people.get(id)).filter((p): p is Person => p !== undefined);
      for (const person of route.people) {
        const bucket = owed.get(person.id) ?? { person, items: [] };
        bucket.items.push({ action, reason: scannedAction.reason, why, route: route.why, asked: askedPeople.map((p) => p.name), when: unanswered.map((p) => p.at) });
        owed.set(person.id, bucket);
      }
    }
    for (const { person, items } of owed.values()) {
      items.sort((x, y) => x.action.plan.slug.localeCompare(y.action.plan.slug) || x.action.position - y.action.position);
      const t = translator(pickLocale(person.locale));
      const result = await enqueue(deps, {
        key: `${slot.key}:escalation:${person.id}`,
        kind: "escalation",
        to: { person },
        actionIds: items.map((i) => i.action.id),
        card: () => escalationCard(t, items),
      }, now);
      if (result.status === "queued") report.escalations += 1;
    }
    await finishRun(deps, slot.key, report);
    return report;
  } finally {
    releaseRun(deps, slot.key);
  }
}

/** Actions listed on one escalation card; the rest are counted. */
const MAX_ESCALATION_LINES = 15;

interface EscalationItem {
  action: CardAction;
  reason: AskReason;
  why: "overdue" | "unanswered";
  /** Why this person hears: accountable for it, or an admin because nobody accountable can be told. */
  route: "accountable" | "unmapped" | "self";
  asked: string[];
  when: Date[];
}

/**
 * Who hears of an action escalated: the people mapped to its accountable roles; when none is
 * mapped, or the only one is who was asked, its plan's admins; else Chaser's admins. Never anyone
 * in `exclude` (the people asked and the owners). Pure: the people come read for the whole run.
 */
function whoHears(action: CardAction, exclude: Set<string>, people: Pick<EscalationPeople, "byRole" | "planAdmins" | "admins">): { people: Person[]; why: EscalationItem["route"] } {
  const roleIds = action.owners.filter((o) => o.kind === "accountable").map((o) => o.roleId);
  const mapped = unique(roleIds.flatMap((id) => people.byRole.get(id) ?? []));
  const accountable = mapped.filter((p) => !exclude.has(p.id));
  if (accountable.length > 0) return { people: accountable, why: "accountable" };
  const why = mapped.length > 0 ? "self" : "unmapped";
  const planAdmins = (people.planAdmins.get(action.planId) ?? []).filter((p) => !exclude.has(p.id));
  if (planAdmins.length > 0) return { people: planAdmins, why };
  return { people: people.admins.filter((p) => !exclude.has(p.id)), why };
}

function unique(people: Person[]): Person[] {
  return [...new Map(people.map((p) => [p.id, p])).values()];
}

/** One card for everything escalated to one person in a run: one line per action, plainly. */
function escalationCard(t: TFunction, items: EscalationItem[]) {
  const asAdmin = items.some((i) => i.route !== "accountable");
  const lines = items.map((item) => {
    const { action } = item;
    const owners = action.owners.filter((o) => o.kind === "responsible").map((o) => o.role.name).join(", ") || t("card.none");
    const dates = item.when.map((d) => ukDate(londonDate(d))).join(", ");
    const who = item.asked.join(", ");
    const asked = who
      ? item.why === "unanswered"
        ? t("officer.escalation.asked", { who, count: item.when.length, dates })
        : t("officer.escalation.overdue_asked", { who, dates })
      : t(item.why === "unanswered" ? "officer.escalation.not_asked" : "officer.escalation.overdue_not_asked", { owners });
    const accountableRoles = action.owners.filter((o) => o.kind === "accountable").map((o) => o.role.name);
    const why =
      item.route === "unmapped"
        ? t("officer.escalation.why_unmapped", { roles: accountableRoles.length > 0 ? ` (${accountableRoles.join(", ")})` : "" })
        : item.route === "self"
          ? t("officer.escalation.why_self")
          : "";
    return `• ${t("officer.escalation.item", { ref: action.ref ?? action.key, title: clip(action.title, 90), plan: action.plan.title, reason: reasonText(item.reason, t), owners, asked, why }).trim()}`;
  });
  // A card stays within Teams' and Slack's limits however many actions a run escalates.
  const shown = lines.slice(0, MAX_ESCALATION_LINES);
  const more = lines.length - shown.length;
  return {
    type: "notice" as const,
    text: [t(asAdmin ? "officer.escalation.admin_intro" : "officer.escalation.intro", { count: items.length }), ...shown, ...(more > 0 ? [t("officer.escalation.more", { count: more })] : [])].join("\n"),
  };
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
