import type { TFunction } from "i18next";
import { z } from "zod";
import { fileSize } from "../domain/file-size.js";
import { ukDate, ukDateTime } from "../domain/london-date.js";
import type { Via } from "../domain/vocabulary.js";
import { pickLocale, translator } from "../i18n.js";
import { askReason, decideCheckedChange, decidersFor, findCheckedChange, mayDecide, reasonAskedOf, type CheckedChange, type Decision } from "../store/checked-changes.js";
import type { HeldAnswer } from "../store/hold-answer.js";
import { messagesByKeyPrefix } from "../store/outbox.js";
import type { Person } from "../store/people.js";
import type { AnswerPayload, Card, CardLink, NoticeCard } from "./card.js";
import { deliver, updateMessage } from "./deliver.js";
import type { ConversationDeps, Outcome } from "./handle-event.js";

/**
 * What an Approve, Reject, Accept or Send back button carries: q, the request; y, yes or no; m, the
 * message the card was sent in (so the card pressed is the one redrawn; older cards lack it).
 */
export const DecisionPayload = z.object({ v: z.literal(1), q: z.string().min(1).max(64), y: z.boolean(), m: z.string().min(1).max(64).optional() });
export type DecisionPayload = z.infer<typeof DecisionPayload>;

const date = (t: TFunction, iso: string | null) => (iso ? ukDate(iso) : t("checked.none"));
const ref = (c: CheckedChange) => c.actionRef;
/** Every copy of a request card (one per decider) is recorded under this key, so all can be redrawn. */
const copyKey = (changeId: string, deciderId: string) => `${copyPrefix(changeId)}${deciderId}`;
const copyPrefix = (changeId: string) => `checked:${changeId}:`;

/** What the owner is told when their answer is held for a decision. */
export function heldNotice(t: TFunction, held: HeldAnswer, action: { ref: string | null; key: string; targetTo: string | null }, file?: { name: string; size: number }): NoticeCard {
  const r = action.ref ?? action.key;
  if (held.kind === "target") return { type: "notice", text: t("checked.held.target", { ref: r, date: date(t, held.newTarget ?? null), old: date(t, action.targetTo) }) };
  if (file) return { type: "notice", text: t(held.added ? "evidence.attached" : "checked.held.completion_file", { ref: r, file: file.name, size: fileSize(file.size) }) };
  if (held.added) return { type: "notice", text: t("checked.held.evidence_added", { ref: r }) };
  // Pressed Complete with nothing to show for it: the owner is told how to add evidence.
  return { type: "notice", text: t(held.hasEvidence ? "checked.held.completion" : "checked.held.completion_ask_evidence", { ref: r }) };
}

/** The evidence in words: the link given, then each file by name and size. */
function evidenceWords(t: TFunction, change: CheckedChange): string {
  const files = change.files.map((f) => `${f.name} (${fileSize(f.size)})`);
  return [change.evidence, ...files].filter(Boolean).join("; ") || t("checked.none");
}

/** Files with a lasting address, as links by name. */
function evidenceLinks(change: CheckedChange): CardLink[] {
  return change.files.flatMap((f) => (f.link ? [{ label: f.name, url: f.link }] : []));
}

/**
 * The request card a decider sees: the action, who asked and why, the old and new dates or the
 * evidence, and the two decisions. Once decided, the same card says who decided, when, what and
 * why, and has no buttons. `messageId`: the message the card is sent in.
 */
export function decisionCard(t: TFunction, change: CheckedChange, messageId: string | null): Card {
  const common = { plan: change.planTitle, ref: ref(change), title: change.actionTitle, who: change.requestedBy.name };
  const details = change.kind === "target"
    ? { ...common, reason: change.reason ?? t("checked.none"), old: date(t, change.oldTarget), new: date(t, change.newTarget) }
    : { ...common, note: change.reason ?? t("checked.none"), evidence: evidenceWords(t, change) };
  const links = evidenceLinks(change);
  if (change.status !== "pending") {
    const outcome = t(`checked.outcome.${change.status}`, {
      by: change.decidedBy ?? t("checked.none"),
      when: change.decidedAt ? ukDateTime(change.decidedAt) : t("checked.none"),
      reason: change.decisionReason ?? t("checked.none"),
    });
    return { type: "notice", text: t(`checked.card.${change.kind}_decided`, { ...details, outcome }), ...(links.length ? { links } : {}) };
  }
  // Renderers carry a button's payload back untouched; the core tells a decision by its `q`.
  const button = (label: string, y: boolean) => ({ label, answer: { v: 1, q: change.id, y, ...(messageId ? { m: messageId } : {}) } satisfies DecisionPayload as unknown as AnswerPayload });
  return change.kind === "target"
    ? { type: "choose", text: t("checked.card.target", details), options: [button(t("checked.approve"), true), button(t("checked.reject"), false)] }
    : { type: "choose", text: t("checked.card.completion", details), options: [button(t("checked.accept"), true), button(t("checked.send_back"), false)], ...(links.length ? { links } : {}) };
}

/**
 * After a held answer is stored: each person who may decide gets the request card, in their
 * language; a completion that took more evidence has the cards already sent redrawn with it.
 */
export async function askDeciders(deps: ConversationDeps, held: HeldAnswer, now: Date): Promise<void> {
  if (held.added) return redrawDecisionCards(deps, held.requestId);
  const change = await findCheckedChange(deps.store.db, held.requestId);
  if (!change) return;
  for (const decider of await decidersFor(deps.store.db, change)) {
    const t = translator(pickLocale(decider.locale));
    await deliver(deps, { key: copyKey(change.id, decider.id), kind: "notice", to: { person: decider }, actionIds: [change.actionId], card: (messageId) => decisionCard(t, change, messageId) }, now);
  }
}

/**
 * Every copy of a request's card drawn again as the request now stands (more evidence, or decided
 * with its buttons gone), in place, each in the language it was sent in. `shown`: the copy the
 * platform has already replaced (a Teams invoke's answer, a Slack press), which is only kept.
 */
export async function redrawDecisionCards(deps: ConversationDeps, changeId: string, shown?: string): Promise<void> {
  const change = await findCheckedChange(deps.store.db, changeId);
  if (!change) return;
  for (const copy of await messagesByKeyPrefix(deps.store.db, copyPrefix(changeId))) {
    const card = decisionCard(translator(pickLocale(copy.locale)), change, copy.id);
    await updateMessage(deps, copy.id, card, { show: copy.id !== shown });
  }
}

/**
 * A decision button pressed. Approve and Accept decide at once; Reject and Send back need a reason,
 * so the decider is asked for it and their next message decides. Someone not allowed is refused,
 * plainly, and nothing changes. `inline`: the platform shows the card this answers with in place
 * of the one pressed.
 */
export async function decisionPressed(deps: ConversationDeps, person: Person, t: TFunction, via: Via, payload: DecisionPayload, inline: boolean, now: Date): Promise<Outcome> {
  const refuse = (text: string): Outcome => ({ pressed: null, reply: { type: "notice", text }, keepCard: true });
  const change = await findCheckedChange(deps.store.db, payload.q);
  if (!change) return refuse(t("checked.unknown"));
  if (!(await mayDecide(deps.store.db, person, change))) return refuse(refusal(t, person, change));
  const shown = inline ? payload.m : undefined;
  if (change.status !== "pending") {
    // Decided already (by someone else, or this card was not redrawn): the card as it now stands, and who decided.
    // Only the request's own copies are redrawn: `m` comes from the button, and names no other message.
    deps.later(() => redrawDecisionCards(deps, change.id, shown));
    return { pressed: decisionCard(t, change, payload.m ?? null), reply: { type: "notice", text: already(t, change) } };
  }
  if (payload.y) {
    const decided = await decide(deps, person, t, via, change.id, { approve: true }, now, shown);
    return { pressed: decided.change ? decisionCard(t, decided.change, payload.m ?? null) : null, reply: { type: "notice", text: decided.text } };
  }
  await askReason(deps.store.db, change.id, person.id);
  // The card keeps its buttons until the reason comes (another decider may still decide meanwhile).
  return { pressed: decisionCard(t, change, payload.m ?? null), reply: { type: "notice", text: t(`checked.ask_reason.${change.kind}`, { ref: ref(change), who: change.requestedBy.name }) } };
}

/** The message after a Reject or Send back is its reason; null when no reason was asked of this person. */
export async function reasonGiven(deps: ConversationDeps, person: Person, t: TFunction, via: Via, text: string, now: Date): Promise<Card | null> {
  const id = await reasonAskedOf(deps.store.db, person.id);
  if (!id) return null;
  return { type: "notice", text: (await decide(deps, person, t, via, id, { approve: false, reason: text.slice(0, 1000) }, now)).text };
}

function refusal(t: TFunction, person: Person, change: CheckedChange): string {
  if (change.requestedBy.id === person.id) return t("checked.own_request");
  return t(change.kind === "target" ? "checked.only_admin_target" : "checked.only_verifier");
}

function already(t: TFunction, change: CheckedChange): string {
  return t("checked.already", { by: change.decidedBy ?? t("checked.none"), status: t(`checked.status.${change.status}`) });
}

/**
 * Decides, then (without keeping the decider waiting) tells the owner and redraws every copy of the
 * request card with the outcome. Returns what the decider is told, and the change as decided.
 */
async function decide(deps: ConversationDeps, person: Person, t: TFunction, via: Via, id: string, decision: Decision, now: Date, shown?: string): Promise<{ text: string; change: CheckedChange | null }> {
  const result = await decideCheckedChange(deps.store.db, id, person, decision, via, now);
  switch (result.outcome) {
    case "not_found":
      return { text: t("checked.unknown"), change: null };
    case "forbidden":
      return { text: refusal(t, person, result.change), change: null };
    case "already":
      deps.later(() => redrawDecisionCards(deps, id, shown));
      return { text: already(t, result.change), change: result.change };
    case "decided": {
      const change = result.change;
      const owner = change.requestedBy;
      const to = translator(pickLocale(owner.locale));
      const words = { ref: ref(change), title: change.actionTitle, date: date(to, change.newTarget), old: date(to, change.oldTarget), by: person.name, reason: change.decisionReason ?? "" };
      deps.later(() => deliver(deps, { key: `checked-outcome:${change.id}`, kind: "notice", to: { person: owner }, actionIds: [change.actionId], card: () => ({ type: "notice", text: to(`checked.owner.${change.status}`, words) }) }, now));
      deps.later(() => redrawDecisionCards(deps, id, shown));
      return { text: t(`checked.decided.${change.status}`, { ref: ref(change), date: date(t, change.newTarget), old: date(t, change.oldTarget), who: owner.name }), change };
    }
  }
}
