import type { Locale } from "../i18n.js";

/**
 * Names of Chaser's languages as people write them, in either language: "Welsh", "Cymraeg" (and
 * its soft mutation "Gymraeg", as in "i Gymraeg"), "cy"; "English", "Saesneg", "en". Lower case.
 */
const LANGUAGE_WORDS: Record<string, Locale> = {
  cy: "cy",
  "cy-gb": "cy",
  welsh: "cy",
  cymraeg: "cy",
  gymraeg: "cy",
  en: "en-GB",
  "en-gb": "en-GB",
  english: "en-GB",
  saesneg: "en-GB",
};

/** The language a word names, or null when it names none. */
export function languageWord(word: string): Locale | null {
  return LANGUAGE_WORDS[word.trim().toLowerCase()] ?? null;
}

/**
 * "language Welsh", "iaith Cymraeg", "language cy" (Slack's `/chaser language cy`), "iaith i
 * Saesneg": the person chooses the language Chaser speaks to them in. `locale` is null when no
 * language was named (or one Chaser does not speak): the person is told which it speaks.
 */
export type LanguageCommand = { kind: "language"; locale: Locale | null };

const LANGUAGE = /^(?:language|iaith)(?:\s+(?:to|i))?(?:\s+(\S+))?$/i;

export function parseLanguageCommand(text: string): LanguageCommand | null {
  const match = LANGUAGE.exec(text.trim().replace(/\s+/g, " ").replace(/[.!]+$/, ""));
  if (!match) return null;
  return { kind: "language", locale: match[1] ? languageWord(match[1]) : null };
}

/**
 * A language named at the end of other words ("subscribe plan-a cy", "tanysgrifio cynllun-a
 * Cymraeg"): the words before it, and the language, or the words as they were and null.
 */
export function trailingLanguage(text: string): { rest: string; locale: Locale | null } {
  const match = /^(.*\S)\s+(\S+)$/.exec(text.trim());
  const locale = match ? languageWord(match[2]!) : null;
  return locale ? { rest: match![1]!, locale } : { rest: text.trim(), locale: null };
}
