import { ActivityTypes, TeamsInfo, TurnContext, type InvokeResponse } from "botbuilder";
import { z } from "zod";
import { formValues, renderAdaptiveCard } from "../../cards/render-adaptive-card.js";
import type { Card } from "../../conversation/card.js";
import type { ChatAddress, ChatUser } from "../../conversation/chat-user.js";
import { replySent } from "../../conversation/deliver.js";
import { handleEvent, type ConversationDeps, type InboundEvent } from "../../conversation/handle-event.js";
import type { ChatFile } from "../../conversation/import-from-chat.js";
import { downloadFile } from "../download-file.js";
import { pickLocale, translator } from "../../i18n.js";
import { putInUploadSession } from "./put-in-upload-session.js";
import { AdaptiveCardAction, FileConsentInvoke, filesOf, localeOf, mentionsOf, TeamsActivity } from "./teams-activity.js";
import { cardActivity } from "./teams-channel.js";

/** The verb every Chaser button carries (cards/*.json). */
export const ANSWER_VERB = "chaser.answer";
const ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive";
/** An Action.Execute answer Teams shows as a message, leaving the card in place. */
const INVOKE_MESSAGE = "application/vnd.microsoft.activity.message";
const Email = z.email().max(320);

export interface TeamsTurnOptions {
  deps: ConversationDeps;
  now: () => Date;
}

/**
 * What Chaser does with each Teams activity: convert it into the core's InboundEvent, forward it to
 * handleEvent, and show the Outcome (a reply card, or the invoke's answer). Nothing is decided here.
 */
export function teamsTurn({ deps, now }: TeamsTurnOptions): (context: TurnContext) => Promise<void> {
  return async (context) => {
    const parsed = TeamsActivity.safeParse(context.activity);
    if (!parsed.success) {
      deps.log.warn({ type: context.activity.type, issues: parsed.error.issues.map((i) => i.path.join(".")) }, "teams: activity not understood, ignored");
      if (context.activity.type === ActivityTypes.Invoke) await invokeError(context, 400, "BadRequest", badButton(z.string().safeParse(context.activity.locale).data));
      return;
    }
    const activity = parsed.data;
    switch (activity.type) {
      case ActivityTypes.ConversationUpdate:
        return onConversationUpdate(context, activity, deps, now);
      case ActivityTypes.InstallationUpdate:
        return onInstallationUpdate(context, activity, deps, now);
      case ActivityTypes.Message:
        return onMessage(context, activity, deps, now);
      case ActivityTypes.Invoke:
        return onInvoke(context, activity, deps, now);
      default:
        // Reactions, typing, message edits: nothing for Chaser; botbuilder answers 200.
        return;
    }
  };
}

function isPersonal(activity: TeamsActivity): boolean {
  return activity.conversation.conversationType ? activity.conversation.conversationType === "personal" : activity.conversation.isGroup !== true;
}

function userOf(activity: TeamsActivity): ChatUser {
  const tenantId = activity.conversation.tenantId ?? activity.channelData?.tenant?.id;
  const locale = localeOf(activity);
  return {
    platform: "teams",
    userId: activity.from.id,
    ...(tenantId ? { tenantId: tenantId.slice(0, 200) } : {}),
    ...(activity.from.name ? { name: activity.from.name.slice(0, 200) } : {}),
    ...(locale && locale.length <= 20 ? { locale } : {}),
  };
}

/**
 * Where to reach the person later: only a 1:1 chat's reference. A group chat's or channel's would
 * send their prompts to everyone there, so those turns leave the stored address alone.
 */
function addressOf(context: TurnContext, activity: TeamsActivity): ChatAddress | undefined {
  if (!isPersonal(activity)) return undefined;
  return { platform: "teams", address: referenceOf(context) };
}

/**
 * The conversation's reference as stored, without the id of the activity it was taken from: that
 * id is not used to reach anyone (TeamsChannel drops it), and as it changes with every activity,
 * keeping it would rewrite the person's row on every message and button press.
 */
function referenceOf(context: TurnContext): string {
  const { activityId: _activityId, ...reference } = TurnContext.getConversationReference(context.activity);
  return JSON.stringify(reference);
}

async function onConversationUpdate(context: TurnContext, activity: TeamsActivity, deps: ConversationDeps, now: () => Date): Promise<void> {
  // In a 1:1 chat the members added are the person and/or the bot (Teams sends the bot's id when
  // the app is installed); either way it is the person (`from`) who now has a chat with Chaser.
  // In teams and group chats, members come and go without a chat of their own with Chaser.
  if (!isPersonal(activity) || !activity.membersAdded?.length || activity.from.id === activity.recipient.id) return;
  const outcome = await contact(context, activity, deps, now);
  await reply(context, deps, outcome.reply);
}

async function onInstallationUpdate(context: TurnContext, activity: TeamsActivity, deps: ConversationDeps, now: () => Date): Promise<void> {
  // Only the person's own (1:1) installation is theirs; a team's or group chat's says nothing of it.
  if (!isPersonal(activity)) return;
  // Teams also sends a conversationUpdate for the same installation, a few milliseconds apart and in
  // either order. The core gives the one welcome to whichever event claims it first, so each shows
  // what the core answered: dropping this one's reply would lose the welcome whenever it came first.
  if (activity.action?.startsWith("add")) {
    const outcome = await contact(context, activity, deps, now);
    await reply(context, deps, outcome.reply);
    return;
  }
  // The person uninstalled Chaser: nothing sent to them now would arrive. "remove-upgrade" (the bot
  // dropped by an app upgrade; Chaser's app always has its bot) is not taken as leaving: a wrong
  // "gone" would stop their prompts, whereas a send that really fails is reported unreachable anyway.
  if (activity.action === "remove") await handleEvent(deps, { type: "gone", user: userOf(activity) }, now());
}

async function contact(context: TurnContext, activity: TeamsActivity, deps: ConversationDeps, now: () => Date) {
  const address = addressOf(context, activity)!;
  return handleEvent(deps, { type: "contact", user: userOf(activity), address, vouchEmail: vouchEmail(context, activity, deps) }, now());
}

/**
 * The person's email as Teams vouches for it: the roster's (TeamsInfo.getMember) email, else UPN.
 * The core asks only for someone it does not know by Teams id, so an admin's mapping by email finds them.
 */
function vouchEmail(context: TurnContext, activity: TeamsActivity, deps: ConversationDeps): () => Promise<string | undefined> {
  return () => emailOf(context, activity, deps);
}

/** Who is speaking and where, as every event from a person carries it; the delivery id makes a redelivery known. */
function speaker(context: TurnContext, activity: TeamsActivity, deps: ConversationDeps, now: () => Date) {
  return {
    user: userOf(activity),
    address: addressOf(context, activity),
    deliveryId: activity.id ?? `${activity.conversation.id}:${now().getTime()}`,
    vouchEmail: vouchEmail(context, activity, deps),
  };
}

async function emailOf(context: TurnContext, activity: TeamsActivity, deps: ConversationDeps): Promise<string | undefined> {
  try {
    const member = await TeamsInfo.getMember(context, activity.from.id);
    const email = Email.safeParse(member.email ?? member.userPrincipalName);
    return email.success ? email.data : undefined;
  } catch (error) {
    deps.log.debug({ err: error }, "teams: roster lookup failed; continuing without an email");
    return undefined;
  }
}

async function onMessage(context: TurnContext, activity: TeamsActivity, deps: ConversationDeps, now: () => Date): Promise<void> {
  const personal = isPersonal(activity);
  let text = activity.text?.trim() ?? "";
  if (!personal && text) {
    // In a group chat or channel Chaser answers only when it is @mentioned, and reads what follows.
    const mention = mentionsOf(activity).find((m) => m.mentioned.id === activity.recipient.id);
    if (!mention) return;
    text = text.replace(mention.text, "").trim();
  }
  // Anyone else @mentioned is written as the core reads a mention, <@id|name>, as Slack writes it:
  // commands then name people by their Teams id, never by the name shown.
  for (const other of mentionsOf(activity)) {
    if (other.mentioned.id === activity.recipient.id) continue;
    const shown = (other.mentioned.name ?? other.text.replace(/<\/?at>/g, "")).replace(/[|>]/g, " ").trim();
    text = text.replace(other.text, `<@${other.mentioned.id}|${shown}>`);
  }
  let event: InboundEvent;
  const file = personal ? filesOf(activity)[0] : undefined;
  if (file) {
    // The download address Teams gives is pre-authorised and short-lived: fetched at once, and
    // only as far as the core's limit (Teams says nothing of a file's size).
    const download = (maxBytes: number) => downloadFile(file.content.downloadUrl, {}, maxBytes, "teams");
    const chatFile: ChatFile = {
      name: file.name,
      download,
      ...(file.content.uniqueId ? { id: file.content.uniqueId } : {}),
      ...(file.contentUrl ? { link: file.contentUrl } : {}),
      ...(file.content.fileType ? { type: file.content.fileType } : {}),
    };
    // Words sent with the file ("R3 done") say what it is for.
    event = { type: "file", ...speaker(context, activity, deps, now), file: chatFile, ...(text ? { text } : {}) };
  } else if (text) {
    // Said in a channel or group chat: the core takes admins' commands there (subscribe this channel…).
    const room = personal ? undefined : { platform: "teams" as const, address: referenceOf(context) };
    event = { type: "text", ...speaker(context, activity, deps, now), ...(room ? { room } : {}), text };
  } else if (activity.value !== undefined) {
    // Action.Submit (the fallback of Action.Execute): the button's data with the form's inputs merged in.
    event = { type: "answer", ...speaker(context, activity, deps, now), ...splitSubmit(activity.value), inline: false };
  } else {
    return;
  }
  const outcome = await handleEvent(deps, event, now());
  // The pressed card itself is updated by the core through TeamsChannel.update (deps.later).
  await reply(context, deps, outcome.reply);
}

async function onInvoke(context: TurnContext, activity: TeamsActivity, deps: ConversationDeps, now: () => Date): Promise<void> {
  if (activity.name === "fileConsent/invoke") return onFileConsent(context, activity, deps, now);
  if (activity.name !== "adaptiveCard/action") {
    // Not something Chaser offers (message extensions, task modules…); as botbuilder's ActivityHandler does.
    return invokeResponse(context, { status: 501 });
  }
  const invoke = AdaptiveCardAction.safeParse(activity.value);
  if (!invoke.success) return invokeError(context, 400, "BadRequest", badButton(localeOf(activity)));
  if (invoke.data.action.verb !== ANSWER_VERB) return invokeError(context, 400, "NotSupported", badButton(localeOf(activity)));
  const outcome = await handleEvent(
    deps,
    {
      type: "answer",
      ...speaker(context, activity, deps, now),
      ...splitSubmit(invoke.data.action.data),
      inline: true,
    },
    now(),
  );
  if (outcome.keepCard && outcome.reply?.type === "notice") {
    // Said as a message beside the card, which stays as it was, its buttons there to press again
    // (or for the person the card is for).
    return invokeResponse(context, { status: 200, body: { statusCode: 200, type: INVOKE_MESSAGE, value: outcome.reply.text } });
  }
  // Answered first, within Teams' ~10 s: the card as it now stands replaces the pressed one; the
  // core's slower work (other cards, admins) already runs in deps.later.
  const card: Card = outcome.pressed ?? outcome.reply ?? { type: "notice", text: translator(pickLocale(localeOf(activity)))("teams.received") };
  await invokeResponse(context, { status: 200, body: { statusCode: 200, type: ADAPTIVE_CARD, value: renderAdaptiveCard(card) } });
  // When the card was replaced by the updated card, words that go with it come as a message.
  if (outcome.pressed) await reply(context, deps, outcome.reply);
}

/**
 * The person allowed or declined a file Chaser offered (a file consent card). The core checks the
 * answer and, when it was allowed, makes the file and has it put in the upload session Teams opened
 * after this turn (deps.later), so Teams has its 200 at once; refusals and a decline's
 * acknowledgement are replied here. The adapter decides nothing: it converts, and does the PUT.
 */
async function onFileConsent(context: TurnContext, activity: TeamsActivity, deps: ConversationDeps, now: () => Date): Promise<void> {
  const parsed = FileConsentInvoke.safeParse(activity.value);
  if (!parsed.success) {
    // Not what Teams sends for a consent card: answered as a bad request, and said in words.
    const text = translator(pickLocale(localeOf(activity)))("chat_export.offer_invalid");
    await invokeError(context, 400, "BadRequest", text);
    await reply(context, deps, { type: "notice", text });
    return;
  }
  const answer = parsed.data;
  const upload =
    answer.action === "accept"
      ? {
          name: answer.uploadInfo.name,
          contentUrl: answer.uploadInfo.contentUrl,
          uniqueId: answer.uploadInfo.uniqueId,
          fileType: answer.uploadInfo.fileType,
          put: (bytes: Uint8Array) => putInUploadSession(answer.uploadInfo.uploadUrl, bytes),
        }
      : null;
  const outcome = await handleEvent(
    deps,
    {
      type: "file_answer",
      ...speaker(context, activity, deps, now),
      accepted: answer.action === "accept",
      context: answer.context,
      upload,
    },
    now(),
  );
  await invokeResponse(context, { status: 200 });
  await reply(context, deps, outcome.reply);
}

/**
 * Sends a card in this turn's conversation. A card the core recorded as a message (a list of the
 * person's actions) is then tied to what Teams made of it, in the address and messageRef
 * TeamsChannel uses, so the core can update it in place when one of its buttons is pressed.
 */
async function reply(context: TurnContext, deps: ConversationDeps, card: Card | null): Promise<void> {
  if (!card) return;
  const sent = await context.sendActivity(cardActivity(card));
  // A list of actions, and a file offer (replaced once answered), are updated later.
  const messageId = card.type === "prompt" || card.type === "file_offer" ? card.messageId : null;
  if (!messageId) return;
  if (!sent?.id) return deps.log.warn({ messageId }, "teams: the reply card was sent but Teams returned no id, so it cannot be updated in place");
  try {
    const address = referenceOf(context);
    await replySent(deps, messageId, { platform: "teams", address, messageRef: sent.id });
  } catch (error) {
    // The card has gone; only its later updates are lost, so the turn is not failed (Teams would resend it).
    deps.log.warn({ err: error, messageId }, "teams: could not record where the reply card went");
  }
}

/**
 * A button's data carries Chaser's answer ({v, m, a, k…}); Teams merges the form's inputs into it,
 * under ids `field.actionId.kind`. The two are handed to the core apart, unchecked: it checks them.
 */
function splitSubmit(data: unknown): { payload: unknown; inputs: Record<string, string> } {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return { payload: data, inputs: {} };
  const record = data as Record<string, unknown>;
  const { a, k } = record;
  const inputs = typeof a === "string" && typeof k === "string" ? formValues(record, a, k) : {};
  const payload = Object.fromEntries(Object.entries(record).filter(([key]) => !key.includes(".")));
  return { payload, inputs };
}

function badButton(locale: string | undefined): string {
  return translator(pickLocale(locale))("answer.bad_button");
}

async function invokeResponse(context: TurnContext, value: InvokeResponse): Promise<void> {
  await context.sendActivity({ type: ActivityTypes.InvokeResponse, value });
}

async function invokeError(context: TurnContext, status: number, code: string, message: string): Promise<void> {
  await invokeResponse(context, { status, body: { statusCode: status, type: "application/vnd.microsoft.error", value: { code, message } } });
}
