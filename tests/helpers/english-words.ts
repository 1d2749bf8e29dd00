import { readFileSync } from "node:fs";
import { resolve } from "node:path";

/**
 * Finds English left in Welsh text. English is every word of locales/en-GB.json, and the commonest
 * English words besides (for words written in code rather than in locales/), less the words Welsh
 * shares with English (SHARED, reviewed by hand). Literals people type or read as they are (command
 * lines, flags, environment variables, file types, acronyms) are not words of either language.
 */

const LOCALES = resolve(__dirname, "../../locales");

function values(file: string): [string, string][] {
  const flat = (node: unknown, prefix: string): [string, string][] =>
    node && typeof node === "object"
      ? Object.entries(node as Record<string, unknown>).flatMap(([k, v]) => flat(v, prefix ? `${prefix}.${k}` : k))
      : [[prefix, String(node)]];
  return flat(JSON.parse(readFileSync(resolve(LOCALES, file), "utf8")), "");
}

/** Text as words, with placeholders and literals removed. */
export function wordsOf(text: string): string[] {
  const plain = text
    .replace(/\{\{[^}]*\}\}|\{[a-z]+\}/g, " ")
    .replace(/`[^`]*`/g, " ")
    .replace(/https?:\/\/\S+/g, " ")
    .replace(/(?:npx )?chaser (?:import|plans|actions|map-role|settings|pause|resume|subscribe|admin|delegate|outbox|claim|digest|export)\b[^.;:)\n]*/gi, " ")
    .replace(/--[a-z-]+(?:\s+"[^"]*")?/g, " ")
    .replace(/"[^"\n]*=[^"\n]*"/g, " ")
    .replace(/\.[a-z]{2,4}\b/g, " ")
    // File types named as they are typed (export PLAN docx).
    .replace(/\b(?:xlsx|docx|csv)\b/g, " ")
    .replace(/:[a-z_]+:/g, " ")
    .replace(/\b[A-Z][A-Z0-9_]+\b/g, " ")
    // Identifiers typed as they are (setting names such as promptTime, dueSoonDays).
    .replace(/\b[a-z]+[A-Z][A-Za-z]*\b/g, " ");
  // A letter alone is a column ("G"), an initial, or Welsh ("a", "i", "y", "o"): no sign of English.
  return (plain.toLowerCase().match(/\p{L}[\p{L}'’-]*\p{L}/gu) ?? []).map((w) => w.replace(/’/g, "'"));
}

/**
 * Words that are Welsh as well as English, or names, reviewed one by one: a Welsh string may hold
 * them. Anything else English in locales/cy.json fails the locales test until it is translated
 * (or, if it truly is Welsh too, added here).
 */
export const SHARED = new Set([
  // Welsh words spelt like English ones: "a" (and), "i" (to), "at" (towards), "all" (can), "does"
  // (there is not), "go" (quite), "e" (in "e.e."), "to" (roof), "hen" (old), "dim", "man".
  "a", "i", "at", "all", "does", "go", "e", "hen", "man", "cell", "person",
  // Names of products and bodies, the same in both languages.
  "chaser", "microsoft", "teams", "slack", "word", "excel", "opendocument", "cabinet", "zip", "loopback", "block", "kit", "onedrive",
  // Loanwords Welsh computing uses as they are: "id" (a record's id), "log" (a server's log).
  "id", "log",
  // Welsh written in English strings (the language command is said in Welsh too).
  "iaith", "cymraeg", "dywedwch", "gael",
]);

/** The commonest English words, so English written in code (not in locales/) is caught as well. */
const COMMON = [
  "the", "and", "of", "to", "is", "are", "was", "were", "be", "been", "your", "you", "for", "with", "not", "has", "have", "this",
  "that", "these", "by", "on", "in", "it", "will", "no", "yes", "more", "than", "from", "or", "as", "if", "when", "what", "which",
  "who", "week", "weeks", "day", "days", "overdue", "due", "done", "show", "all", "none", "error", "sorry", "please", "update",
  "updated", "recorded", "action", "actions", "plan", "owner", "target", "status", "today", "monday", "tuesday", "wednesday",
  "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july", "august",
  "september", "october", "november", "december", "something", "went", "wrong", "page", "next", "back", "close", "cancel", "save",
];

/** Every English word Chaser could say. */
export const ENGLISH: ReadonlySet<string> = new Set(
  [...values("en-GB.json").flatMap(([, v]) => wordsOf(v)), ...COMMON].filter((w) => !SHARED.has(w)),
);

/**
 * Strings for the command line's syntax, whose command names, options and values are typed as
 * they are in either language: not checked for English.
 */
export function isCommandSyntax(key: string): boolean {
  // A language is offered in its own name ("English", "Cymraeg") whichever language the page is in.
  if (key.startsWith("sample.lang.")) return true;
  // A command's example names people as an admin would type them: names are data, not English.
  if (/^commands\.topic\.\w+\.example$/.test(key)) return true;
  return key === "cli.help" || /^cli\.\w+_usage$/.test(key) || key.startsWith("reading.cli.") || key === "reading.unknown_role" || key === "reading.bad_map";
}

/** Every locale string of Welsh, by key. */
export function welshStrings(): [string, string][] {
  return values("cy.json");
}

/** English strings by key. */
export function englishStrings(): [string, string][] {
  return values("en-GB.json");
}

/**
 * The English words in `text`, once `data` (what the plan and people wrote: titles, refs, names)
 * is taken out: what Chaser itself says must all be Welsh.
 */
export function englishIn(text: string, data: readonly string[] = []): string[] {
  let rest = text;
  for (const d of [...data].sort((a, b) => b.length - a.length)) rest = rest.split(d).join(" ");
  return [...new Set(wordsOf(rest).filter((w) => ENGLISH.has(w)))];
}
