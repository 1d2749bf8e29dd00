import { compile } from "html-to-text";

// Only formatting tags mark a cell as HTML; "<script>" or "<TBC>" typed into a plan is text.
const TAG = /<\/?(?:p|ul|ol|li|b|i|u|br|div|span|a|strong|em|h[1-6]|table|tr|td|th|font|sup|sub)\b[^>]*>/i;
// Word and PDF extraction turn list bullets into assorted glyphs, some from the private-use area.
const BULLETS = /[\uF0B7\uF0A7\uF076\u2022\u25CB\u25AA\u25CF\u25E6\u2023\u2043\u00B7]/g;

// Compiled once: html-to-text builds a selector decision tree per call otherwise, which cost more
// than the rest of an import put together.
const htmlToText = compile({
  wordwrap: false,
  // html-to-text walks the tree by recursion: a cell of thousands of unclosed tags overflows the
  // stack. No real cell nests anywhere near this deep; what lies deeper becomes "…".
  limits: { maxDepth: 100, ellipsis: "…" },
  selectors: [
    { selector: "a", options: { ignoreHref: true } },
    { selector: "ul", options: { itemPrefix: "• " } },
    { selector: "ol", options: { itemPrefix: "• " } },
    { selector: "p", options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    { selector: "img", format: "skip" },
  ],
});

// The same cell is read several times (looking for the header row, inferring columns, parsing);
// converting its HTML is the dear part, so the last few thousand conversions are kept.
const converted = new Map<string, string>();
function htmlFolded(html: string): string {
  let text = converted.get(html);
  if (text === undefined) {
    text = htmlToText(html);
    if (converted.size >= 5000) converted.clear();
    converted.set(html, text);
  }
  return text;
}

/**
 * Plain text from a cell as committee papers give it: HTML (lists and paragraphs become lines),
 * entities decoded, bullet glyphs unified to "•", runs of spaces folded. Lines are kept because
 * paragraphs and list items carry meaning (milestones, sub-activities).
 */
// Most cells are one plain line: nothing below would change them but the trim.
const NEEDS_CLEANING = /[\r\n\t<\u00A0\uF0B7\uF0A7\uF076\u2022\u25CB\u25AA\u25CF\u25E6\u2023\u2043\u00B7]| {2}/;

export function cleanText(raw: string | null | undefined): string {
  if (!raw) return "";
  if (!NEEDS_CLEANING.test(raw)) return raw.trim();
  let text = raw.replace(/\r\n?/g, "\n");
  if (TAG.test(text)) text = htmlFolded(text);
  return text
    .replace(BULLETS, "•")
    .replace(/\u00A0/g, " ")
    .replace(/•(\s*•)+/g, "•")
    .split("\n")
    .map((line) => line.replace(/[ \t]+/g, " ").trim())
    .filter((line) => line.length > 0)
    .join("\n");
}

/** cleanText folded onto one line, for titles, refs and owners. */
export function cleanLine(raw: string | null | undefined): string {
  const text = cleanText(raw);
  return text.includes("\n") ? text.replace(/\n+/g, " ").trim() : text;
}
