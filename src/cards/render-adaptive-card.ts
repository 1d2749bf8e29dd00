import * as ACData from "adaptivecards-templating";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { textBar } from "./text-bar.js";
import type { Card, DigestCard, DigestSection, PromptCard } from "../conversation/card.js";

const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "cards");
const load = (name: string) => new ACData.Template(JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")));
const templates = { prompt: load("prompt"), choose: load("choose"), notice: load("notice"), digest: load("digest") };

export type AdaptiveCardJson = Record<string, unknown> & { type: "AdaptiveCard"; version: string };

/**
 * A card as an Adaptive Card 1.5 for Teams: Action.Execute buttons (falling back to Action.Submit
 * on older clients), forms as Action.ShowCard. Input ids carry the action and answer, since an
 * Adaptive Card needs every input id unique.
 */
export function renderAdaptiveCard(card: Card): AdaptiveCardJson {
  switch (card.type) {
    case "prompt":
      return templates.prompt.expand({ $root: promptData(card) }) as AdaptiveCardJson;
    case "choose":
      return templates.choose.expand({ $root: card }) as AdaptiveCardJson;
    case "notice":
      return templates.notice.expand({ $root: { lines: noticeLines(card.text) } }) as AdaptiveCardJson;
    case "digest":
      return templates.digest.expand({ $root: digestData(card) }) as AdaptiveCardJson;
  }
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

function digestData(card: DigestCard) {
  const withBars = <T extends { value: number }>(bars: T[]) => {
    const max = Math.max(0, ...bars.map((b) => b.value));
    return bars.map((b) => ({ ...b, bar: textBar(b.value, max) }));
  };
  const section = (s: DigestSection) => ({
    ...s,
    bars: withBars(s.bars),
    // "and 2 more" is a paragraph of its own: straight after a list item it would join the last bullet.
    lines: s.lines.map((l) => ({ ...l, text: [l.items.map((i) => `- ${i}`).join("\n"), ...(l.more ? [l.more] : [])].join("\n\n") })),
  });
  return { ...card, chart: { ...card.chart, slices: withBars(card.chart.slices) }, sections: card.sections.map(section), detail: card.detail.map(section) };
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
