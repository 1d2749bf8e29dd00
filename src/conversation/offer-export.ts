import { randomUUID } from "node:crypto";
import type { TFunction } from "i18next";
import { exportPlan, type ExportFormat } from "../export/export-plan.js";
import { findMessage, recordReply, swapCard } from "../store/outbox.js";
import type { Person } from "../store/people.js";
import { rightsOf, whoCan } from "../store/permissions.js";
import { planById, type PlanRef } from "../store/plans.js";
import { ExportOffer, type Card, type FileOfferCard } from "./card.js";
import type { ChatAddress, Platform } from "./chat-user.js";
import { deliver, updateMessage, type Deliverer } from "./deliver.js";

/**
 * Where the person agreed to take an offered file (Teams: a OneDrive upload session), as the
 * adapter was told it: the file's handles, and `put`, which sends the bytes there.
 */
export interface FileUpload {
  name: string;
  contentUrl: string;
  uniqueId: string;
  fileType: string;
  put: (bytes: Uint8Array) => Promise<void>;
}

/** The person's answer to a file offer, as the adapter converted it; `context` is unchecked. */
export interface FileAnswer {
  accepted: boolean;
  context: unknown;
  /** Where to put the file; present when they accepted. */
  upload: FileUpload | null;
}

interface OfferDeps extends Deliverer {
  later: (task: () => Promise<unknown>) => void;
}

const notice = (text: string): Card => ({ type: "notice", text });

/**
 * An export asked for on a platform where a bot may not attach a file but may offer one (Teams: a
 * file consent card, which works only in a 1:1 chat). The file is made now to say its name and
 * size, and made again when the offer is accepted. Asked in the 1:1 chat, the offer is the reply;
 * asked in a channel or group chat, it goes to the person's 1:1 chat when Chaser has one with them,
 * and the room is told where it went, or where to ask.
 */
export async function offerExport(
  deps: Deliverer,
  input: { person: Person; platform: Platform; plan: PlanRef; format: ExportFormat; room: ChatAddress | null; t: TFunction; now: Date },
): Promise<{ text: string; card?: Card }> {
  const { person, plan, format, t, now } = input;
  const file = await exportPlan(deps.store, { slug: plan.slug, format, t, now });
  const offer = (messageId: string): FileOfferCard => ({
    type: "file_offer",
    messageId,
    text: t("chat_export.offer", { plan: plan.title, what: t(`chat_export.what.${format}`) }),
    file: { name: file.fileName, sizeInBytes: file.bytes.length },
    offer: { v: 1, m: messageId, plan: plan.id, format, by: person.id },
  });
  if (!input.room) {
    // Recorded before it is shown, as a reply; the adapter records where it went, so the offer can
    // be replaced once it is answered.
    const id = randomUUID();
    const card = offer(id);
    await recordReply(deps.store.db, person, { id, key: `export-offer:${id}`, actionIds: [], card: JSON.stringify(card) }, now);
    return { text: card.text, card };
  }
  const said = { name: person.name, file: file.fileName, slug: plan.slug, format };
  const sent = await deliver(deps, { key: `export-offer:${randomUUID()}`, kind: "reply", to: { person, platform: input.platform }, card: offer }, now).catch((error: unknown) => {
    deps.log.warn({ err: error }, "could not offer an export in the person's 1:1 chat");
    return null;
  });
  const offered = sent !== null && (sent.status === "sent" || sent.status === "retrying");
  return { text: t(offered ? "chat_export.offered_in_chat" : "chat_export.ask_in_chat", said) };
}

/**
 * The person answered a file offer. The answer is checked against the offer as recorded: it must be
 * theirs, unanswered and unaltered, and on accepting, the plan must still exist and they must still
 * be allowed to read it. Anything else is refused in words and changes nothing. The first answer replaces the
 * offer, so it cannot be answered twice; an accepted file is made and put where the person agreed
 * after the platform has had its answer (Teams wants one within seconds), then shown to them.
 */
export async function fileAnswered(deps: OfferDeps, person: Person, t: TFunction, platform: Platform, answer: FileAnswer, now: Date): Promise<Card | null> {
  const db = deps.store.db;
  const parsed = ExportOffer.safeParse(answer.context);
  if (!parsed.success) return notice(t("chat_export.offer_invalid"));
  const given = parsed.data;
  if (given.by !== person.id) return notice(t("chat_export.offer_not_yours"));
  const message = await findMessage(db, given.m);
  if (!message?.card) return notice(t("chat_export.offer_invalid"));
  if (message.personId !== person.id) return notice(t("chat_export.offer_not_yours"));
  const recorded = JSON.parse(message.card) as Card;
  if (recorded.type !== "file_offer") return notice(t("chat_export.offer_answered"));
  if (JSON.stringify(ExportOffer.parse(recorded.offer)) !== JSON.stringify(given)) return notice(t("chat_export.offer_invalid"));
  const name = recorded.file.name;

  const plan = await planById(db, given.plan);
  if (!answer.accepted) {
    const declined = notice(t("chat_export.offer_declined", { file: name }));
    if (!(await swapCard(db, message.id, message.card, JSON.stringify(declined)))) return notice(t("chat_export.offer_answered"));
    deps.later(() => updateMessage(deps, message.id, declined, { store: false }));
    return plan ? notice(t("chat_export.declined", { slug: plan.slug, format: given.format })) : declined;
  }

  if (!plan) return notice(t("chat_export.offer_plan_gone"));
  const rights = await rightsOf(db, person.id, plan.id);
  if (!rights.admin && !rights.planAdmin && !rights.viewer) {
    const who = (await whoCan(db, plan.id)).slice(0, 5).join(", ") || t("card.none");
    return notice(t("chat_export.offer_refused", { plan: plan.title, who }));
  }
  const upload = answer.upload;
  if (!upload) return notice(t("chat_export.offer_invalid"));
  const sending = notice(t("chat_export.offer_sending", { file: name }));
  if (!(await swapCard(db, message.id, message.card, JSON.stringify(sending)))) return notice(t("chat_export.offer_answered"));
  deps.later(() => putOffered(deps, person, t, platform, plan, given.format, upload, message.id, now));
  return null;
}

/** Makes the accepted file, puts it where the person agreed, and shows it; or says it could not. */
async function putOffered(deps: OfferDeps, person: Person, t: TFunction, platform: Platform, plan: PlanRef, format: ExportFormat, upload: FileUpload, offerId: string, now: Date): Promise<void> {
  const name = upload.name;
  try {
    const file = await exportPlan(deps.store, { slug: plan.slug, format, t, now });
    await upload.put(file.bytes);
  } catch (error) {
    deps.log.warn({ err: error, offerId }, "could not put an accepted export where the person agreed to take it");
    await updateMessage(deps, offerId, notice(t("chat_export.offer_failed", { file: name })));
    await deliver(deps, { key: `export-failed:${offerId}`, kind: "notice", to: { person, platform }, card: () => notice(t("chat_export.upload_failed", { file: name, slug: plan.slug, format })) }, now);
    return;
  }
  const text = t("chat_export.sent", { plan: plan.title, what: t(`chat_export.what.${format}`), file: name });
  await deliver(deps, {
    key: `export-sent:${offerId}`,
    kind: "notice",
    to: { person, platform },
    card: () => ({ type: "file_sent", text, file: { name, contentUrl: upload.contentUrl, uniqueId: upload.uniqueId, fileType: upload.fileType } }),
  }, now);
  await updateMessage(deps, offerId, notice(t("chat_export.offer_accepted", { file: name })));
}
