import * as ACData from "adaptivecards-templating";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { textBar } from "./text-bar.js";
import { usableLinks, type Card, type CardLink, type DigestCard, type DigestSection, type PromptCard } from "../conversation/card.js";

const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "cards");
const load = (name: string) => new ACData.Template(JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")));
const templates = { prompt: load("prompt"), promptItem: load("prompt-item"), choose: load("choose"), notice: load("notice"), digest: load("digest") };

/** Where a prompt card's items go in cards/prompt.json: a marker container, replaced by the items. */
const ITEMS_MARKER = "chaser.items";
/** Items drawn lately, as JSON by their view model's JSON: enough for every card being pressed at once. */
const ITEMS_KEPT = 2000;

export type AdaptiveCardJson = Record<string, unknown> & { type: "AdaptiveCard"; version: string };

/**
 * A card as an Adaptive Card 1.5 for Teams: Action.Execute buttons (falling back to Action.Submit
 * on older clients), forms as Action.ShowCard. Input ids carry the action and answer, since an
 * Adaptive Card needs every input id unique.
 */
export function renderAdaptiveCard(card: Card): AdaptiveCardJson {
  switch (card.type) {
    case "prompt":
      return renderPrompt(card);
    case "choose":
      return withLinks(templates.choose.expand({ $root: card }) as AdaptiveCardJson, card.links, card.options.length === 0);
    case "notice":
      return withLinks(templates.notice.expand({ $root: { lines: noticeLines(card.text) } }) as AdaptiveCardJson, card.links, false);
    // A file (or a file offered, or put in the person's storage) the platform could not attach is
    // said in words; the adapters that can deliver it (Teams' file cards) do so themselves.
    case "file":
    case "file_offer":
    case "file_sent":
      return templates.notice.expand({ $root: { lines: noticeLines(card.text) } }) as AdaptiveCardJson;
    case "digest":
      return fitDigest(card);
  }
}

/**
 * Links by name (evidence files) as Action.OpenUrl buttons under the text, before any answer
 * buttons; a choice with nothing to choose loses its empty ActionSet, which Teams would refuse.
 */
function withLinks(json: AdaptiveCardJson, links: CardLink[] | undefined, dropEmptyActions: boolean): AdaptiveCardJson {
  let body = (json.body as Record<string, unknown>[] | undefined) ?? [];
  if (dropEmptyActions) body = body.filter((e) => e.type !== "ActionSet" || ((e.actions as unknown[] | undefined)?.length ?? 0) > 0);
  const usable = usableLinks(links);
  if (usable.length > 0) {
    const set = { type: "ActionSet", actions: usable.map((l) => ({ type: "Action.OpenUrl", title: l.label, url: l.url })) };
    const at = body.findIndex((e) => e.type === "ActionSet");
    body = at < 0 ? [...body, set] : [...body.slice(0, at), set, ...body.slice(at)];
  }
  return { ...json, body };
}

/**
 * A notice's lines as TextBlocks of their own: Teams joins single line breaks inside a TextBlock
 * into one paragraph, so help and lists of actions would run together.
 */
function noticeLines(text: string): { text: string; spacing: string }[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, i) => ({ text: line, spacing: i === 0 ? "Default" : /^[•-] /.test(line) ? "None" : "Small" }));
}

/** Teams refuses cards over 28 KB: themes are left to "Show all" until the card fits, and the long lists shortened. */
export const TEAMS_CARD_BUDGET = 27 * 1024;

function fitDigest(card: DigestCard): AdaptiveCardJson {
  let fitted = card;
  for (;;) {
    const json = templates.digest.expand({ $root: digestData(fitted) }) as AdaptiveCardJson;
    if (JSON.stringify(json).length <= TEAMS_CARD_BUDGET) return json;
    if (fitted.sections.length > 1) fitted = { ...fitted, sections: fitted.sections.slice(0, -1) };
    else if (fitted.detail.some((d) => d.lines.some((l) => l.items.length > 1)))
      fitted = { ...fitted, detail: fitted.detail.map((d) => ({ ...d, lines: d.lines.map((l) => ({ ...l, items: l.items.slice(0, Math.max(1, l.items.length - 1)) })) })) };
    else return json;
  }
}

/** Teams chart colours: RAG slices in red, amber and green (always beside their words). */
export const RAG_CHART_COLOURS = { red: "categoricalRed", amber: "categoricalMarigold", green: "categoricalGreen", complete: "neutral", none: "neutral" } as const;

function digestData(card: DigestCard) {
  const withBars = <T extends { value: number; rag: keyof typeof RAG_CHART_COLOURS }>(bars: T[]) => {
    const max = Math.max(0, ...bars.map((b) => b.value));
    return bars.map((b) => ({ ...b, bar: textBar(b.value, max), color: RAG_CHART_COLOURS[b.rag] }));
  };
  const section = (s: DigestSection) => ({
    ...s,
    bars: withBars(s.bars),
    // "and N more" is its own paragraph, or Markdown glues it to the last bullet.
    lines: s.lines.map((l) => ({ ...l, text: [l.items.map((i) => `- ${i}`).join("\n"), l.more ?? ""].filter(Boolean).map((part) => `\n\n${part}`).join("") })),
  });
  return {
    ...card,
    chart: { ...card.chart, slices: withBars(card.chart.slices) },
    themeChart: card.themeChart && {
      ...card.themeChart,
      themes: card.themeChart.themes.map((th) => ({ ...th, bars: withBars(th.bars), text: th.bars.map((b) => `${b.label} ${b.value}`).join(", ") })),
    },
    trendChart: card.trendChart && {
      ...card.trendChart,
      series: card.trendChart.series.map((s) => ({ ...s, color: RAG_CHART_COLOURS[s.rag], text: s.values.map((v) => `${v.x} ${v.y}`).join(", ") })),
    },
    sections: card.sections.map(section),
    detail: card.detail.map(section),
  };
}

const drawnItems = new Map<string, string>();

/**
 * A prompt card: its frame from cards/prompt.json, each item from cards/prompt-item.json. An item
 * is drawn once for its view model and kept as JSON: a press changes one item of a card, and the
 * templating engine takes about a millisecond over the six (each card gets its own copy, parsed).
 */
function renderPrompt(card: PromptCard): AdaptiveCardJson {
  const data = promptData(card);
  const frame = templates.prompt.expand({ $root: { ...data, items: [] } }) as AdaptiveCardJson & { body: { id?: string }[] };
  const items = data.items.map((item) => {
    const key = JSON.stringify(item);
    let drawn = drawnItems.get(key);
    if (drawn === undefined) {
      drawn = JSON.stringify(templates.promptItem.expand({ $root: item }));
      if (drawnItems.size >= ITEMS_KEPT) drawnItems.delete(drawnItems.keys().next().value!);
    } else {
      drawnItems.delete(key);
    }
    drawnItems.set(key, drawn);
    return JSON.parse(drawn) as Record<string, unknown>;
  });
  const at = frame.body.findIndex((element) => element.id === ITEMS_MARKER);
  frame.body.splice(at, 1, ...items);
  return frame;
}

function promptData(card: PromptCard) {
  return {
    ...card,
    items: card.items.map((item) => ({
      ...item,
      buttons: item.buttons.map((button) => ({
        ...button,
        form: button.form && {
          ...button.form,
          fields: button.form.fields.map((field) => ({
            ...field,
            inputId: inputId(field.id, button.answer.a, button.answer.k),
            errorMessage: field.label,
          })),
        },
      })),
    })),
  };
}

export function inputId(field: string, actionId: string, kind: string): string {
  return `${field}.${actionId}.${kind}`;
}

/** Form values from an Adaptive Card submit, keyed back by field name ("date", "reason"…). */
export function formValues(data: Record<string, unknown>, actionId: string, kind: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of ["kind", "text", "date", "reason", "note", "evidence"]) {
    const value = data[inputId(field, actionId, kind)];
    if (typeof value === "string") out[field] = value;
  }
  return out;
}
