import type { TFunction } from "i18next";
import { renderAdaptiveCard, type AdaptiveCardJson } from "../../cards/render-adaptive-card.js";
import { DIGEST_SHOW_ALL, FORM_ACTION, renderBlockKit, renderDigestModal, renderSlackModal, type Block, type BlockKitMessage } from "../../cards/render-block-kit.js";
import type { WebMessage } from "./web-channel.js";

export interface MessageView extends WebMessage {
  /** The card as Teams gets it, for Microsoft's renderer in the page. */
  adaptive: AdaptiveCardJson | null;
  /** The card as Slack gets it, drawn in the page as Slack shows it. */
  slack: BlockKitMessage | null;
  /** The modals Slack would open, by the action_id of the button that opens them. */
  modals: Record<string, Block>;
  /** A file sent back (an export), offered as a download link in the page. */
  download: { name: string; href: string; label: string } | null;
}

/** A message with its card rendered both ways, by the same renderers the Teams and Slack adapters use. */
export function messageView(message: WebMessage, t: TFunction): MessageView {
  const card = message.card;
  if (!card) return { ...message, adaptive: null, slack: null, modals: {}, download: null };
  const modals: Record<string, Block> = {};
  if (card.type === "prompt") {
    for (const item of card.items) {
      for (const button of item.buttons) {
        if (button.form) modals[`${FORM_ACTION}.${button.answer.k}.${item.actionId}`] = renderSlackModal(button.form, button.answer, t("slack.cancel"));
      }
    }
  }
  if (card.type === "digest" && card.detail.length > 0) modals[DIGEST_SHOW_ALL] = renderDigestModal(card, t("digest.show_all_title"), t("digest.close"));
  const download = card.type === "file" ? { name: card.file.name, href: `data:${card.file.mediaType.split(";")[0]};base64,${card.file.base64}`, label: t("chat_export.download", { name: card.file.name }) } : null;
  // The bytes travel once, in the link, not again inside the card.
  const shown = card.type === "file" ? { ...message, card: { ...card, file: { ...card.file, base64: "" } } } : message;
  return { ...shown, adaptive: renderAdaptiveCard(card), slack: renderBlockKit(card), modals, download };
}
