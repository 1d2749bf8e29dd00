/**
 * A prompt card as an Adaptive Card: the frame from cards/prompt.json with each item from
 * cards/prompt-item.json, items drawn once and kept. Kept items must not change what is drawn.
 */
import { describe, expect, it } from "vitest";
import { renderAdaptiveCard } from "../src/cards/render-adaptive-card.js";
import type { CardItem, PromptCard } from "../src/conversation/card.js";

type Json = Record<string, any>;

const item = (n: number, over: Partial<CardItem> = {}): CardItem => ({
  actionId: `action-${n}`,
  heading: `1.${n} · Review the arrangements`,
  facts: [{ label: "Plan", value: "Fire safety" }],
  reason: n % 2 ? "Overdue by 3 days" : null,
  recorded: null,
  buttons: [{ label: "On track", style: "default", answer: { v: 1, m: "m1", a: `action-${n}`, k: "on_track" }, form: null }],
  ...over,
});
const card = (items: CardItem[], footer: string | null = "Answer with the buttons."): PromptCard => ({ type: "prompt", messageId: "m1", title: "Your actions", intro: "3 need an update", items, footer, counts: { total: 3, hidden: 0 } });

describe("renderAdaptiveCard, prompt cards", () => {
  it("puts the items between the intro and the footer, one container each, and leaves no marker", () => {
    const drawn = renderAdaptiveCard(card([item(1), item(2), item(3)])) as Json;
    expect(drawn.body.map((e: Json) => e.type)).toEqual(["TextBlock", "TextBlock", "Container", "Container", "Container", "TextBlock"]);
    expect(drawn.body[2].items[0].text).toBe("1.1 · Review the arrangements");
    expect(drawn.body.at(-1).text).toBe("Answer with the buttons.");
    expect(JSON.stringify(drawn)).not.toContain("chaser.items");
    expect((renderAdaptiveCard(card([], null)) as Json).body.map((e: Json) => e.type)).toEqual(["TextBlock", "TextBlock"]);
  });

  it("draws a kept item as it drew it afresh, gives each card its own copy, and draws a changed item anew", () => {
    const first = renderAdaptiveCard(card([item(1), item(2)])) as Json;
    const again = renderAdaptiveCard(card([item(1), item(2)])) as Json;
    expect(again).toEqual(first);
    // Changing what one card holds changes no other card drawn from the same items.
    again.body[2].items[0].text = "changed";
    expect((renderAdaptiveCard(card([item(1), item(2)])) as Json).body[2].items[0].text).toBe("1.1 · Review the arrangements");
    // The pressed item, now answered: drawn anew, its buttons gone; the other as before.
    const pressed = renderAdaptiveCard(card([item(1, { recorded: "Recorded: on track", buttons: [] }), item(2)])) as Json;
    expect(pressed.body[2].items.map((e: Json) => e.type)).toEqual(["TextBlock", "TextBlock", "FactSet", "TextBlock"]);
    expect(pressed.body[2].items[3].text).toBe("✔ Recorded: on track");
    expect(pressed.body[3]).toEqual(first.body[3]);
  });
});
