import { z } from "zod";

/**
 * A card is plain data with its words already in the reader's language. Each platform has one
 * renderer that lays it out (Adaptive Card for Teams, Block Kit for Slack, HTML for the playground).
 */
export type Card = PromptCard | ChooseCard | NoticeCard | DigestCard | FileCard | FileOfferCard | FileSentCard;

export interface PromptCard {
  type: "prompt";
  /** The Chaser message this card is, when it was recorded as one (so it can be updated later). */
  messageId: string | null;
  title: string;
  intro: string;
  items: CardItem[];
  footer: string | null;
  /**
   * What the header and footer count (actions open, or waiting for an answer, and how many of them
   * are not on this card), kept so a press can draw the card again without counting afresh.
   */
  counts?: { total: number; hidden: number };
}

export interface CardItem {
  actionId: string;
  heading: string;
  facts: { label: string; value: string }[];
  /** Why Chaser is asking ("Overdue by 12 days"); null on a card listing actions on request. */
  reason: string | null;
  /** What was recorded from this card, once answered. */
  recorded: string | null;
  buttons: CardButton[];
}

export interface CardButton {
  label: string;
  style: "positive" | "default" | "destructive";
  answer: AnswerPayload;
  /** Answers that need more than a press (a new date and a reason) open a form first. */
  form: CardForm | null;
}

export interface CardForm {
  title: string;
  submitLabel: string;
  fields: FormField[];
}

export type FormField =
  | { kind: "choice"; id: "kind"; label: string; required: boolean; options: { value: AnswerKind; label: string }[]; initial: AnswerKind }
  | { kind: "date"; id: "date"; label: string; required: boolean; min: string }
  | { kind: "text"; id: "reason" | "note" | "evidence" | "text"; label: string; required: boolean; maxLength: number; multiline: boolean };

/** Asks which action (or which answer) was meant, rather than guessing. */
export interface ChooseCard {
  type: "choose";
  text: string;
  options: { label: string; answer: AnswerPayload | ClaimPayload }[];
  links?: CardLink[];
}

export interface NoticeCard {
  type: "notice";
  text: string;
  links?: CardLink[];
}

/** A link shown by its name (a file attached as evidence), opened in the browser. */
export interface CardLink {
  label: string;
  /** A web address (http or https): renderers draw nothing else (see usableLinks). */
  url: string;
}

/** An address a link may open: the web's, nothing that could break out of Slack's <url|label>. */
const LINKABLE = /^https?:\/\/[^\s<>|"]+$/;

/** The links a renderer draws: web addresses only, at most ten. */
export function usableLinks(links: CardLink[] | undefined): CardLink[] {
  return (links ?? []).filter((l) => LINKABLE.test(l.url)).slice(0, 10);
}

/**
 * A file sent back in the chat where it was asked for (an export), with a line saying what it is.
 * The bytes travel as base64 so the card stays plain data; each adapter delivers the file its way.
 */
export interface FileCard {
  type: "file";
  text: string;
  file: { name: string; mediaType: string; base64: string };
}

/**
 * A file offered rather than sent, where the platform asks the person before a bot may put a file in
 * their storage (Teams' file consent card, 1:1 chats only). `offer` is what comes back with their
 * answer: enough to make the file again and to check who may have it, never the file itself.
 */
export interface FileOfferCard {
  type: "file_offer";
  /** The message the offer was recorded as, so the card can be replaced once it is answered. */
  messageId: string;
  /** What the file is, shown on the offer. */
  text: string;
  file: { name: string; sizeInBytes: number };
  offer: ExportOffer;
}

/**
 * A file put where the person agreed to take it (Teams: their OneDrive), shown by the platform as
 * a file they can open. The fields are the platform's own handles on the file, passed through.
 */
export interface FileSentCard {
  type: "file_sent";
  text: string;
  file: { name: string; contentUrl: string; uniqueId: string; fileType: string };
}

/** A weekly digest for a leadership channel: short, with the full lists one click away. */
export interface DigestCard {
  type: "digest";
  title: string;
  subtitle: string;
  /** Says when RAG was derived by the rule, or that figures are as a theme summary stated them. */
  note: string | null;
  /** Main actions by RAG for a chart; each slice is labelled in words, never by colour alone. */
  chart: { title: string; slices: DigestBar[] };
  /** Main actions by RAG, theme by theme. */
  themeChart: { title: string; themes: { name: string; bars: DigestBar[] }[] } | null;
  /** Main actions by RAG over the last digests, oldest first. */
  trendChart: { title: string; series: { rag: "red" | "amber" | "green"; label: string; values: { x: string; y: number }[] }[] } | null;
  /** The trend in words: "Red 3 → 2 (down), …". */
  trendText: string;
  sections: DigestSection[];
  /** Every theme together with the full lists, behind a "show all". */
  detail: DigestSection[];
  showAllLabel: string;
  footer: string | null;
}

export interface DigestBar {
  label: string;
  value: number;
  rag: "red" | "amber" | "green" | "complete" | "none";
}

export interface DigestSection {
  heading: string;
  /** The summary statement, from templates and the figures. */
  summary: string;
  /** Main actions by RAG with the trend, in words. */
  ragLine: string;
  bars: DigestBar[];
  lines: { label: string; items: string[]; more: string | null }[];
}

export const ANSWER_KINDS = ["on_track", "complete", "delayed", "blocked", "note", "snooze", "not_mine"] as const;
export type AnswerKind = (typeof ANSWER_KINDS)[number];

/**
 * What a button carries back. Keys are short because Slack allows 2,000 characters a button value.
 * m: the message the card was sent in; a: the action; k: the answer; d, r: a date and a text
 * already given in a free-text reply that is being confirmed.
 */
export const AnswerPayload = z.object({
  v: z.literal(1),
  m: z.string().max(64).nullable(),
  a: z.string().min(1).max(64),
  k: z.enum(ANSWER_KINDS),
  d: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  r: z.string().max(1000).optional(),
});
export type AnswerPayload = z.infer<typeof AnswerPayload>;

/**
 * An admin's answer to "is this chat user the person you named?": c, the claim; y, yes or no.
 */
export const ClaimPayload = z.object({ v: z.literal(1), c: z.string().min(1).max(64), y: z.boolean() });
export type ClaimPayload = z.infer<typeof ClaimPayload>;

/**
 * What a file offer carries back when the person answers it (Teams: the consent card's accept and
 * decline context): m, the offer's message; the plan and format to make the file again; by, who
 * asked. It is checked against the offer as recorded, so an altered one is refused.
 */
export const ExportOffer = z.object({
  v: z.literal(1),
  m: z.string().min(1).max(64),
  plan: z.string().min(1).max(64),
  format: z.enum(["xlsx", "docx", "csv"]),
  by: z.string().min(1).max(64),
});
export type ExportOffer = z.infer<typeof ExportOffer>;

/** Form inputs as they arrive from any platform; every field optional, checked per answer kind. */
export const AnswerInputs = z
  .object({
    /** From the "More…" form: which answer, and one text that is its reason, note or evidence. */
    kind: z.enum(ANSWER_KINDS).optional(),
    text: z.string().optional(),
    date: z.string().trim().optional(),
    reason: z.string().optional(),
    note: z.string().optional(),
    evidence: z.string().optional(),
  })
  .partial();
export type AnswerInputs = z.infer<typeof AnswerInputs>;
