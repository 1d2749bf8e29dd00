import { CardFactory, MessageFactory, type Activity, type CloudAdapter, type ConversationParameters, type ConversationReference, type FileConsentCard, type FileInfoCard, type TurnContext } from "botbuilder";
import { z } from "zod";
import { renderAdaptiveCard } from "../../cards/render-adaptive-card.js";
import type { Card } from "../../conversation/card.js";
import { UnreachableError, type ChatChannel } from "../../conversation/chat-channel.js";

/** A stored ConversationReference, checked before botbuilder is asked to use it. */
const StoredReference = z.looseObject({
  serviceUrl: z.string().min(1),
  channelId: z.string().min(1),
  conversation: z.looseObject({ id: z.string().min(1) }),
  bot: z.looseObject({ id: z.string().min(1) }),
  user: z.looseObject({ id: z.string().min(1) }).optional(),
});

/**
 * Teams' refusals that retrying will not mend (msteams-docs, bots/build-conversational-capability
 * and rate-limit status codes): the person blocked the bot or uninstalled the app, an admin
 * disabled it, or the chat is gone.
 */
const UNREACHABLE: Record<number, string[]> = {
  403: ["MessageWritesBlocked", "ConversationBlockedByUser", "BotNotInConversationRoster", "BotDisabledByAdmin"],
  404: ["ConversationNotFound"],
};

/** Teams' attachment asking the person to let the bot put a file in their OneDrive (1:1 chats only). */
export const FILE_CONSENT = "application/vnd.microsoft.teams.card.file.consent";
/** Teams' attachment showing a file in the person's OneDrive, to open or download. */
export const FILE_INFO = "application/vnd.microsoft.teams.card.file.info";

/**
 * A card as the message activity Teams shows it in: an Adaptive Card, or for a file Chaser offers
 * or has put in the person's OneDrive, Teams' own file consent or file card. The consent card's
 * accept and decline context is the offer as the core made it, sent back with the answer.
 */
export function cardActivity(card: Card): Partial<Activity> {
  if (card.type === "file_offer") {
    const content: FileConsentCard = { description: card.text, sizeInBytes: card.file.sizeInBytes, acceptContext: card.offer, declineContext: card.offer };
    return MessageFactory.attachment({ contentType: FILE_CONSENT, name: card.file.name, content });
  }
  if (card.type === "file_sent") {
    const content: FileInfoCard = { uniqueId: card.file.uniqueId, fileType: card.file.fileType };
    return MessageFactory.attachment({ contentType: FILE_INFO, name: card.file.name, contentUrl: card.file.contentUrl, content }, card.text);
  }
  return MessageFactory.attachment(CardFactory.adaptiveCard(renderAdaptiveCard(card)));
}

/**
 * Teams as a ChatChannel: the address is the person's ConversationReference as JSON, kept from
 * their installation or last message; cards are Adaptive Cards sent and replaced proactively.
 */
export class TeamsChannel implements ChatChannel {
  readonly platform = "teams" as const;

  constructor(
    private readonly adapter: CloudAdapter,
    /** Empty when authentication is off (local use). */
    private readonly appId: string,
  ) {}

  async send(address: string, card: Card): Promise<{ messageRef: string }> {
    const reference = parseReference(address);
    if (reference.conversation?.conversationType === "channel") return this.postInChannel(reference, card);
    let id: string | undefined;
    await this.continueWith(reference, async (context) => {
      id = (await context.sendActivity(cardActivity(card)))?.id;
    });
    if (!id) throw new Error("Teams accepted the card but returned no activity id, so it could not be updated later");
    return { messageRef: id };
  }

  async update(address: string, messageRef: string, card: Card): Promise<void> {
    let reference = parseReference(address);
    // A channel post lives in the thread it started, not in the one its reference was taken from.
    if (reference.conversation?.conversationType === "channel") {
      reference = { ...reference, conversation: { ...reference.conversation, id: `${reference.conversation.id.split(";")[0]};messageid=${messageRef}` } };
    }
    await this.continueWith(reference, async (context) => {
      await context.updateActivity({ ...cardActivity(card), type: "message", id: messageRef });
    });
  }

  /**
   * A new post in a team's channel (a digest): a conversation created in the channel, as Teams
   * documents for proactive channel messages. Sent into the stored reference it would be a reply
   * in the thread of whatever message it was taken from (the admin's "subscribe").
   */
  private async postInChannel(reference: Partial<ConversationReference>, card: Card): Promise<{ messageRef: string }> {
    const channelId = reference.conversation!.id.split(";")[0]!;
    const tenantId = reference.conversation!.tenantId;
    let created: string | undefined;
    try {
      await this.adapter.createConversationAsync(
        this.appId,
        reference.channelId ?? "msteams",
        reference.serviceUrl!,
        undefined as unknown as string,
        {
          isGroup: true,
          bot: reference.bot!,
          channelData: { channel: { id: channelId }, ...(tenantId ? { tenant: { id: tenantId } } : {}) },
          ...(tenantId ? { tenantId } : {}),
          activity: cardActivity(card) as Activity,
        } as ConversationParameters,
        async (context) => {
          created = context.activity.conversation?.id;
        },
      );
    } catch (error) {
      const reason = unreachableReason(error);
      if (reason) throw new UnreachableError("teams", reason);
      throw error;
    }
    if (!created) throw new Error("Teams created no conversation for the channel post");
    // "19:…@thread.tacv2;messageid=123": the post's own id is the thread's root message.
    return { messageRef: /;messageid=(.+)$/.exec(created)?.[1] ?? created };
  }

  private async continueWith(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    try {
      await this.adapter.continueConversationAsync(this.appId, reference, async (context) => {
        // botbuilder gives the continuation a made-up id and sends everything as a reply to it;
        // without it the card is posted to the conversation, Teams' documented proactive call.
        delete context.activity.id;
        await logic(context);
      });
    } catch (error) {
      const reason = unreachableReason(error);
      if (reason) throw new UnreachableError("teams", reason);
      // Anything else may pass (botbuilder already retried a 429 three times): the caller records it.
      throw error;
    }
  }
}

function parseReference(address: string): Partial<ConversationReference> {
  let json: unknown;
  try {
    json = JSON.parse(address);
  } catch {
    throw new Error("the stored Teams address is not a ConversationReference (not JSON)");
  }
  const parsed = StoredReference.safeParse(json);
  if (!parsed.success) throw new Error(`the stored Teams address is not a ConversationReference: ${parsed.error.issues.map((i) => i.path.join(".")).join(", ")}`);
  // Checked above; botbuilder takes the reference as stored, with whatever else Teams put in it.
  // The id of the activity it was taken from would make every send a reply to that old message.
  const { activityId: _activityId, ...reference } = json as Partial<ConversationReference>;
  return reference;
}

/** "403 MessageWritesBlocked" when the connector's error says the person cannot be reached; else null. */
export function unreachableReason(error: unknown): string | null {
  if (typeof error !== "object" || error === null) return null;
  const { statusCode, code } = error as { statusCode?: unknown; code?: unknown };
  if (typeof statusCode !== "number" || typeof code !== "string") return null;
  return UNREACHABLE[statusCode]?.includes(code) ? `${statusCode} ${code}` : null;
}
