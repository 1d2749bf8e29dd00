import type { types, webApi } from "@slack/bolt";
import { findSlackUserByEmail } from "./find-slack-user-by-email.js";
import { digestImageBlock, renderBlockKit } from "../../cards/render-block-kit.js";
import type { Card, DigestCard, FileCard } from "../../conversation/card.js";
import { digestChartAlt, digestChartPng } from "../../digest/render-digest-chart.js";
import type { Logger } from "../../log.js";
import { UnreachableError, type ChatChannel } from "../../conversation/chat-channel.js";
import { ChaserError } from "../../domain/chaser-error.js";
import { parseJson, SlackMessageRef } from "./slack-payloads.js";
import { slackErrorCode } from "./slack-error-code.js";

/**
 * Slack's refusals that retrying will not mend: the person left, was deactivated, or cannot be
 * messaged there. `user_disabled` is what conversations.open says of a deactivated account.
 */
export const UNREACHABLE_ERRORS = new Set([
  "account_inactive",
  "user_not_found",
  "user_disabled",
  "cannot_dm_bot",
  "not_in_channel",
  "channel_not_found",
  "is_archived",
]);

/** A Slack user id (U…, or W… on Enterprise Grid): messages to it go to the person's DM with Chaser. */
const USER_ID = /^[UW][A-Z0-9]{2,}$/;

/**
 * The Slack side of ChatChannel. An address is a Slack user id (the DM is opened on send) or a
 * channel id (C…, G…, D…) for digests; the messageRef is `{"channel","ts"}` as chat.update needs it.
 */
export class SlackChannel implements ChatChannel {
  readonly platform = "slack" as const;
  /** DM channel ids never change for a user; the core also keeps them on the person, across restarts. */
  private readonly dms = new Map<string, string>();

  constructor(
    private readonly client: webApi.WebClient,
    private readonly log?: Logger,
  ) {}

  async send(address: string, card: Card, options: { directChannel?: string | null } = {}): Promise<{ messageRef: string; directChannel?: string }> {
    const channel = await this.channelFor(address, options.directChannel ?? null);
    if (card.type === "file") return this.sendFile(address, channel, card);
    const { text, blocks } = renderBlockKit(card);
    if (card.type === "digest") {
      const image = await this.uploadDigestChart(card);
      // After the header and subtitle; the numbers are in the text too.
      if (image) blocks.splice(2, 0, image);
    }
    const posted = await this.call(() => this.client.chat.postMessage({ channel, text, blocks: blocks as unknown as types.KnownBlock[] }), address);
    const ref = SlackMessageRef.safeParse({ channel: posted.channel ?? channel, ts: posted.ts });
    if (!ref.success) throw new ChaserError("slack.unexpected_response", { method: "chat.postMessage" });
    if (!USER_ID.test(address)) return { messageRef: JSON.stringify(ref.data) };
    // The DM it went to, for chat.update and the next send: kept here and, by the core, on the person.
    if (ref.data.channel !== address) this.dms.set(address, ref.data.channel);
    return { messageRef: JSON.stringify(ref.data), ...(ref.data.channel !== address ? { directChannel: ref.data.channel } : {}) };
  }

  async update(address: string, messageRef: string, card: Card): Promise<void> {
    const ref = SlackMessageRef.safeParse(parseJson(messageRef));
    if (!ref.success) throw new ChaserError("slack.bad_message_ref", { ref: messageRef.slice(0, 100) });
    const { text, blocks } = renderBlockKit(card);
    await this.call(() => this.client.chat.update({ channel: ref.data.channel, ts: ref.data.ts, text, blocks: blocks as unknown as types.KnownBlock[] }), address);
  }

  findUser(email: string): Promise<{ userId: string; locale: string | null } | null> {
    return findSlackUserByEmail(this.client, email);
  }

  /**
   * A file (an export) shared into the conversation with its words as the comment, through the same
   * external upload as the digest's picture; completing it with the channel posts it there. Slack
   * gives no message ts for that post, so the reference is the channel and the file.
   */
  private async sendFile(address: string, channel: string, card: FileCard): Promise<{ messageRef: string; directChannel?: string }> {
    const uploaded = await this.call(
      () => this.client.filesUploadV2({ channel_id: channel, file: Buffer.from(card.file.base64, "base64"), filename: card.file.name, title: card.file.name, initial_comment: card.text }),
      address,
    );
    const id = (uploaded.files as { files?: { id?: string }[] }[] | undefined)?.[0]?.files?.[0]?.id ?? null;
    const direct = USER_ID.test(address) && channel !== address ? { directChannel: channel } : {};
    return { messageRef: JSON.stringify({ channel, file: id }), ...direct };
  }

  /**
   * The digest's charts as a PNG uploaded with Slack's external upload (files.getUploadURLExternal,
   * the bytes, files.completeUploadExternal, all through the SDK's filesUploadV2) and shown by an
   * image block. A digest without its picture is still a digest: a failed upload is logged, not fatal.
   */
  private async uploadDigestChart(card: DigestCard): Promise<Record<string, unknown> | null> {
    const alt = digestChartAlt(card);
    try {
      const png = digestChartPng(card);
      if (!png) return null;
      const uploaded = await this.client.filesUploadV2({ file: png, filename: "digest-charts.png", title: card.chart.title, alt_text: alt.slice(0, 1000) });
      const id = (uploaded.files as { files?: { id?: string }[] }[] | undefined)?.[0]?.files?.[0]?.id;
      return id ? digestImageBlock(id, alt, card.chart.title) : null;
    } catch (error) {
      this.log?.warn({ err: error }, "slack: the digest's chart could not be uploaded; sending the digest without it");
      return null;
    }
  }

  /**
   * The channel to post to: a user's DM, known to this process or kept on the person (so a restart
   * does not open it again), else opened once; or the channel named.
   */
  private async channelFor(address: string, known: string | null): Promise<string> {
    if (!USER_ID.test(address)) return address;
    const dm = known ?? this.dms.get(address);
    if (dm) return dm;
    const opened = await this.call(() => this.client.conversations.open({ users: address }), address);
    const id = opened.channel?.id;
    if (!id) throw new ChaserError("slack.unexpected_response", { method: "conversations.open" });
    this.dms.set(address, id);
    return id;
  }

  private async call<T>(run: () => Promise<T>, address: string): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const code = slackErrorCode(error);
      if (code && UNREACHABLE_ERRORS.has(code)) {
        this.dms.delete(address);
        throw new UnreachableError("slack", code);
      }
      throw error;
    }
  }
}
