import { usableLinks, type AnswerPayload, type Card, type CardLink, type ClaimPayload, type CardButton, type CardForm, type CardItem, type DigestCard, type DigestSection, type FormField } from "../conversation/card.js";
import { textBar } from "./text-bar.js";

export type Block = Record<string, unknown>;
export interface BlockKitMessage {
  /** Shown in notifications and where blocks cannot be. */
  text: string;
  blocks: Block[];
}

/** Slack's documented limits for one message. */
export const SLACK_LIMITS = { blocks: 50, sectionText: 3000, buttonLabel: 75, buttonValue: 2000, plainHeader: 150, fieldText: 2000, fields: 10 };

/** Buttons that answer at once start with this; those that open a form first with FORM_ACTION. */
export const ANSWER_ACTION = "chaser.answer";
export const FORM_ACTION = "chaser.form";
export const MODAL_CALLBACK = "chaser.modal";

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A card as Block Kit for Slack. */
export function renderBlockKit(card: Card): BlockKitMessage {
  switch (card.type) {
    case "prompt": {
      const blocks: Block[] = [
        { type: "header", text: { type: "plain_text", text: clip(card.title, SLACK_LIMITS.plainHeader) } },
        { type: "section", text: { type: "mrkdwn", text: clip(escape(card.intro), SLACK_LIMITS.sectionText) } },
        ...card.items.flatMap(itemBlocks),
      ];
      if (card.footer) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: clip(escape(card.footer), SLACK_LIMITS.sectionText) }] });
      return { text: `${card.title}: ${card.intro}`, blocks };
    }
    case "choose":
      return {
        text: card.text,
        blocks: [
          { type: "section", text: { type: "mrkdwn", text: clip(escape(card.text), SLACK_LIMITS.sectionText) } },
          ...linkBlocks(card.links),
          // A choice with nothing to choose shows no row of buttons: an empty one is not valid Block Kit.
          ...(card.options.length > 0 ? [{ type: "actions", elements: card.options.slice(0, 25).map((o, i) => buttonElement(o.label, o.answer, `${ANSWER_ACTION}.choose.${i}`)) }] : []),
        ],
      };
    case "notice":
      return { text: card.text, blocks: [{ type: "section", text: { type: "mrkdwn", text: clip(escape(card.text), SLACK_LIMITS.sectionText) } }, ...linkBlocks(card.links)] };
    // A file's words; SlackChannel uploads the file itself into the conversation with them. A file
    // offered or put in someone's storage (Teams' consent flow) never goes to Slack: words only.
    case "file":
    case "file_offer":
    case "file_sent":
      return { text: card.text, blocks: [{ type: "section", text: { type: "mrkdwn", text: clip(escape(card.text), SLACK_LIMITS.sectionText) } }] };
    case "digest":
      return digestBlocks(card);
  }
}

/** Links by name (evidence files), as Slack writes them: <url|label>, in one context line. */
function linkBlocks(links: CardLink[] | undefined): Block[] {
  const usable = usableLinks(links);
  if (usable.length === 0) return [];
  const text = usable.map((l) => `:paperclip: <${l.url}|${escape(l.label).replace(/\|/g, "/")}>`).join("   ");
  return [{ type: "context", elements: [{ type: "mrkdwn", text: clip(text, SLACK_LIMITS.sectionText) }] }];
}

/** The digest's "Show all" button: opens the full lists in a modal (renderDigestModal). */
export const DIGEST_SHOW_ALL = "chaser.digest.show_all";

const RAG_EMOJI = { red: ":red_circle:", amber: ":large_orange_circle:", green: ":large_green_circle:", complete: ":white_check_mark:", none: ":white_circle:" } as const;

/** RAG counts as labelled text bars: the word and the number are always there, the colour only helps. */
function ragText(items: DigestCard["chart"]["slices"]): string {
  const max = Math.max(0, ...items.map((b) => b.value));
  const width = Math.max(...items.map((b) => b.label.length), 0);
  return items.map((b) => `${RAG_EMOJI[b.rag]} \`${b.label.padEnd(width)} ${textBar(b.value, max)}\``).join("\n");
}

function linesText(lines: DigestSection["lines"]): string {
  return lines.map((l) => `*${escape(l.label)}*${l.items.length ? `\n${l.items.map((i) => `• ${escape(i)}`).join("\n")}` : ""}${l.more ? `\n_${escape(l.more)}_` : ""}`).join("\n\n");
}

/**
 * The digest as Block Kit: within 50 blocks and Slack's 13,000 characters for any plan. Charts
 * come as an image the adapter uploads (digestImageBlock); the numbers are in the text as well.
 */
/** Slack fails messages near 13,000 characters of blocks: themes are left to "Show all" until it fits. */
export const SLACK_DIGEST_BUDGET = 12_000;

function digestBlocks(card: DigestCard): BlockKitMessage {
  let fitted = card;
  for (;;) {
    const message = digestBlocksOf(fitted);
    if (JSON.stringify(message.blocks).length <= SLACK_DIGEST_BUDGET || fitted.sections.length === 0) return message;
    fitted = { ...fitted, sections: fitted.sections.slice(0, -1) };
  }
}

function digestBlocksOf(card: DigestCard): BlockKitMessage {
  const blocks: Block[] = [
    { type: "header", text: { type: "plain_text", text: clip(card.title, SLACK_LIMITS.plainHeader) } },
    { type: "context", elements: [{ type: "mrkdwn", text: clip(escape([card.subtitle, card.note].filter(Boolean).join(" ")), SLACK_LIMITS.sectionText) }] },
  ];
  if (card.chart.slices.length > 0) {
    blocks.push({ type: "section", text: { type: "mrkdwn", text: clip(`*${escape(card.chart.title)}*\n${ragText(card.chart.slices)}\n${escape(card.trendText)}`, SLACK_LIMITS.sectionText) } });
  }
  if (card.themeChart) {
    const rows = card.themeChart.themes.map((th) => `${escape(th.name)}: ${th.bars.filter((b) => b.value > 0).map((b) => `${b.label} ${b.value}`).join(", ")}`);
    blocks.push({ type: "section", text: { type: "mrkdwn", text: clip(`*${escape(card.themeChart.title)}*\n${rows.join("\n")}`, SLACK_LIMITS.sectionText) } });
  }
  // Each theme takes three blocks; past the block limit the rest are counted, not dropped silently.
  const room = Math.floor((SLACK_LIMITS.blocks - blocks.length - 3) / 3);
  for (const section of card.sections.slice(0, room)) {
    blocks.push(
      { type: "divider" },
      { type: "section", text: { type: "mrkdwn", text: clip(`*${escape(section.heading)}*\n${escape(section.summary)}\n_${escape(section.ragLine)}_`, SLACK_LIMITS.sectionText) } },
      { type: "section", text: { type: "mrkdwn", text: clip(linesText(section.lines) || " ", SLACK_LIMITS.sectionText) } },
    );
  }
  const footer = [card.sections.length > room ? `+${card.sections.length - room}` : null, card.footer].filter(Boolean).join(" ");
  if (footer) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: clip(escape(footer), SLACK_LIMITS.sectionText) }] });
  if (card.detail.length > 0) {
    blocks.push({ type: "actions", elements: [{ type: "button", action_id: DIGEST_SHOW_ALL, text: { type: "plain_text", text: clip(card.showAllLabel, SLACK_LIMITS.buttonLabel) }, value: "1" }] });
  }
  return { text: `${card.title}: ${card.subtitle} ${card.trendText}`, blocks };
}

/** An image block for the digest's charts, uploaded to Slack first; alt text carries the numbers. */
export function digestImageBlock(fileId: string, alt: string, title: string): Block {
  return { type: "image", slack_file: { id: fileId }, alt_text: clip(alt, 2000), title: { type: "plain_text", text: clip(title, 2000) } };
}

/** "Show all" as a modal: every theme's lines in full, within Slack's 100 blocks a view. */
export function renderDigestModal(card: DigestCard, title: string, closeLabel: string): Block {
  const blocks: Block[] = [];
  for (const section of card.detail) {
    blocks.push({ type: "section", text: { type: "mrkdwn", text: clip(`*${escape(section.heading)}*\n${escape(section.summary)}\n_${escape(section.ragLine)}_`, SLACK_LIMITS.sectionText) } });
    for (const line of section.lines) {
      if (blocks.length >= 99) break;
      blocks.push({ type: "section", text: { type: "mrkdwn", text: clip(linesText([line]), SLACK_LIMITS.sectionText) } });
    }
  }
  return { type: "modal", title: { type: "plain_text", text: clip(title, 24) }, close: { type: "plain_text", text: clip(closeLabel, 24) }, blocks: blocks.slice(0, 100) };
}

function itemBlocks(item: CardItem): Block[] {
  const blocks: Block[] = [
    { type: "divider" },
    {
      type: "section",
      text: { type: "mrkdwn", text: clip(`*${escape(item.heading)}*${item.reason ? `\n:warning: *${escape(item.reason)}*` : ""}`, SLACK_LIMITS.sectionText) },
      fields: item.facts.slice(0, SLACK_LIMITS.fields).map((f) => ({ type: "mrkdwn", text: clip(`*${escape(f.label)}*\n${escape(f.value)}`, SLACK_LIMITS.fieldText) })),
    },
  ];
  if (item.recorded) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: clip(`:white_check_mark: ${escape(item.recorded)}`, SLACK_LIMITS.sectionText) }] });
  if (item.buttons.length > 0) {
    blocks.push({
      type: "actions",
      block_id: `actions.${item.actionId}`,
      elements: item.buttons.map((b) => buttonElement(b.label, b.answer, `${b.form ? FORM_ACTION : ANSWER_ACTION}.${b.answer.k}.${item.actionId}`, b.style)),
    });
  }
  return blocks;
}

function buttonElement(label: string, answer: AnswerPayload | ClaimPayload, actionId: string, style?: CardButton["style"]): Block {
  return {
    type: "button",
    action_id: actionId,
    text: { type: "plain_text", text: clip(label, SLACK_LIMITS.buttonLabel) },
    value: JSON.stringify(answer).slice(0, SLACK_LIMITS.buttonValue),
    ...(style === "positive" ? { style: "primary" } : style === "destructive" ? { style: "danger" } : {}),
  };
}

/** The modal a form button opens; what it needs to record the answer rides in private_metadata. */
export function renderSlackModal(form: CardForm, answer: AnswerPayload, cancelLabel: string): Block {
  return {
    type: "modal",
    callback_id: MODAL_CALLBACK,
    private_metadata: JSON.stringify(answer),
    title: { type: "plain_text", text: clip(form.title, 24) },
    submit: { type: "plain_text", text: clip(form.submitLabel, 24) },
    close: { type: "plain_text", text: clip(cancelLabel, 24) },
    blocks: form.fields.map((field) => ({
      type: "input",
      block_id: field.id,
      optional: !field.required,
      label: { type: "plain_text", text: clip(field.label, 2000) },
      element: modalElement(field),
    })),
  };
}

function modalElement(field: FormField): Block {
  switch (field.kind) {
    case "choice": {
      const options = field.options.map((o) => ({ text: { type: "plain_text", text: clip(o.label, 75) }, value: o.value }));
      return { type: "static_select", action_id: field.id, options, initial_option: options.find((o) => o.value === field.initial) ?? options[0] };
    }
    case "date":
      return { type: "datepicker", action_id: field.id, ...(field.required ? { initial_date: field.min } : {}) };
    case "text":
      return { type: "plain_text_input", action_id: field.id, multiline: field.multiline, max_length: field.maxLength };
  }
}

/** Values from a submitted modal, keyed by field name. */
export function modalValues(state: { values?: Record<string, Record<string, { value?: string | null; selected_date?: string | null; selected_option?: { value?: string } | null }>> }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [blockId, inputs] of Object.entries(state.values ?? {})) {
    for (const input of Object.values(inputs)) {
      const value = input.selected_option?.value ?? input.selected_date ?? input.value;
      if (typeof value === "string") out[blockId] = value;
    }
  }
  return out;
}
