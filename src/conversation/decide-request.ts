import type { TFunction } from "i18next";
import { z } from "zod";
import { ukDate } from "../domain/london-date.js";
import type { Via } from "../domain/vocabulary.js";
import { pickLocale, translator } from "../i18n.js";
import { askReason, decideCheckedChange, decidersFor, findCheckedChange, mayDecide, reasonAskedOf, type CheckedChange, type Decision } from "../store/checked-changes.js";
import type { HeldAnswer } from "../store/hold-answer.js";
import type { Person } from "../store/people.js";
import type { AnswerPayload, Card, NoticeCard } from "./card.js";
import { deliver } from "./deliver.js";
import type { ConversationDeps, Outcome } from "./handle-event.js";

/** What an Approve, Reject, Accept or Send back button carries: q, the request; y, yes or no. */
export const DecisionPayload = z.object({ v: z.literal(1), q: z.string().min(1).max(64), y: z.boolean() });
export type DecisionPayload = z.infer<typeof DecisionPayload>;

const date = (t: TFunction, iso: string | null) => (iso ? ukDate(iso) : t("checked.none"));
const ref = (c: CheckedChange) => c.actionRef;

/** What the owner is told when their answer is held for a decision. */
export function heldNotice(t: TFunction, held: HeldAnswer, action: { ref: string | null; key: string; targetTo: string | null }): NoticeCard {
  const r = action.ref ?? action.key;
  return held.kind === "target"
    ? { type: "notice", text: t("checked.held.target", { ref: r, date: date(t, held.newTarget ?? null), old: date(t, action.targetTo) }) }
    : { type: "notice", text: t("checked.held.completion", { ref: r }) };
}

/** The request card a decider sees: the action, who asked and why, the old and new dates, and the two decisions. */
export function decisionCard(t: TFunction, change: CheckedChange): Card {
  // Renderers carry a button's payload back untouched; the core tells a decision by its `q`.
  const button = (label: string, y: boolean) => ({ label, answer: { v: 1, q: change.id, y } satisfies DecisionPayload as unknown as AnswerPayload });
  const common = { plan: change.planTitle, ref: ref(change), title: change.actionTitle, who: change.requestedBy.name };
  return change.kind === "target"
    ? {
        type: "choose",
        text: t("checked.card.target", { ...common, reason: change.reason ?? t("checked.none"), old: date(t, change.oldTarget), new: date(t, change.newTarget) }),
        options: [button(t("checked.approve"), true), button(t("checked.reject"), false)],
      }
    : {
        type: "choose",
        text: t("checked.card.completion", { ...common, note: change.reason ?? t("checked.none"), evidence: change.evidence ?? t("checked.none") }),
        options: [button(t("checked.accept"), true), button(t("checked.send_back"), false)],
      };
}

/** After a held answer is stored: each person who may decide gets the request card, in their language. */
export async function askDeciders(deps: ConversationDeps, held: HeldAnswer, now: Date): Promise<void> {
  const change = await findCheckedChange(deps.store.db, held.requestId);
  if (!change) return;
  for (const decider of await decidersFor(deps.store.db, change)) {
    const t = translator(pickLocale(decider.locale));
    await deliver(deps, { key: `checked:${change.id}:${decider.id}`, kind: "notice", to: { person: decider }, actionIds: [change.actionId], card: () => decisionCard(t, change) }, now);
  }
}

/**
 * A decision button pressed. Approve and Accept decide at once; Reject and Send back need a reason,
 * so the decider is asked for it and their next message decides. Someone not allowed is refused,
 * plainly, and nothing changes.
 */
export async function decisionPressed(deps: ConversationDeps, person: Person, t: TFunction, via: Via, payload: DecisionPayload, now: Date): Promise<Outcome> {
  const notice = (text: string): Outcome => ({ pressed: null, reply: { type: "notice", text } });
  const change = await findCheckedChange(deps.store.db, payload.q);
  if (!change) return notice(t("checked.unknown"));
  if (!(await mayDecide(deps.store.db, person, change))) return notice(refusal(t, person, change));
  if (change.status !== "pending") return notice(t("checked.already", { status: t(`checked.status.${change.status}`) }));
  if (payload.y) return notice(await decide(deps, person, t, via, change.id, { approve: true }, now));
  await askReason(deps.store.db, change.id, person.id);
  return notice(t(`checked.ask_reason.${change.kind}`, { ref: ref(change), who: change.requestedBy.name }));
}

/** The message after a Reject or Send back is its reason; null when no reason was asked of this person. */
export async function reasonGiven(deps: ConversationDeps, person: Person, t: TFunction, via: Via, text: string, now: Date): Promise<Card | null> {
  const id = await reasonAskedOf(deps.store.db, person.id);
  if (!id) return null;
  return { type: "notice", text: await decide(deps, person, t, via, id, { approve: false, reason: text.slice(0, 1000) }, now) };
}

function refusal(t: TFunction, person: Person, change: CheckedChange): string {
  if (change.requestedBy.id === person.id) return t("checked.own_request");
  return t(change.kind === "target" ? "checked.only_admin_target" : "checked.only_verifier");
}

async function decide(deps: ConversationDeps, person: Person, t: TFunction, via: Via, id: string, decision: Decision, now: Date): Promise<string> {
  const result = await decideCheckedChange(deps.store.db, id, person, decision, via, now);
  switch (result.outcome) {
    case "not_found":
      return t("checked.unknown");
    case "forbidden":
      return refusal(t, person, result.change);
    case "already":
      return t("checked.already", { status: t(`checked.status.${(await findCheckedChange(deps.store.db, id))?.status ?? "pending"}`) });
    case "decided": {
      const change = result.change;
      const owner = change.requestedBy;
      const to = translator(pickLocale(owner.locale));
      const words = { ref: ref(change), title: change.actionTitle, date: date(to, change.newTarget), old: date(to, change.oldTarget), by: person.name, reason: change.decisionReason ?? "" };
      deps.later(() => deliver(deps, { key: `checked-outcome:${change.id}`, kind: "notice", to: { person: owner }, actionIds: [change.actionId], card: () => ({ type: "notice", text: to(`checked.owner.${change.status}`, words) }) }, now));
      return t(`checked.decided.${change.status}`, { ref: ref(change), date: date(t, change.newTarget), old: date(t, change.oldTarget), who: owner.name });
    }
  }
}
