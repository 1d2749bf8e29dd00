import { DateTime } from "luxon";
import { addDays } from "./london-date.js";
import { isMonthName, isReadableDay, parseTarget } from "./parse-target.js";
import type { Target } from "./target.js";

/**
 * Reads an officer's plain-text answer to a chase card ("2.3 done", "delayed to end of March,
 * waiting for Cabinet", "wedi'i rwystro: dim cyllideb") as one intent. Pure: no clock is read,
 * `options.today` stands in for it.
 *
 * It never guesses. The rules for doubt:
 * - Greetings, thanks and acknowledgements alone ("hello", "thanks", "ok") give intent null with
 *   `confident` true: the parser is sure there is no update in them.
 * - Anything else it cannot read ("", "lol", "not sure", over 2000 characters) gives intent null
 *   with `confident` false.
 * - A negated or partial status ("not done yet", "not complete", "nearly done", "heb ei wneud")
 *   gives `confident` false with the intent it implies, when it clearly implies one ("not on
 *   track" → delayed, "no delay" → on_track), else intent null.
 * - Two different intents in one message ("done but delayed") give intent null, `confident` false.
 * - Hedges ("maybe on track?", "I think it's done", a trailing question mark) and weak phrases
 *   ("in progress", "on hold") keep their intent with `confident` false.
 * - Two different action refs in one message give ref null and `confident` false.
 *
 * Free text (a reason, a note) is the rest of the message as written, less the status words, the
 * ref and the date, and less a leading "because", "because of", "due to", "as", "by" (for reasons).
 */

export type ReplyIntent =
  | { kind: "on_track" }
  | { kind: "complete"; note: string | null; evidenceUrl: string | null }
  | { kind: "delayed"; newTarget: Target | null; reason: string | null }
  | { kind: "blocked"; reason: string | null }
  | { kind: "note"; text: string }
  | { kind: "snooze"; until: Target | null }
  | { kind: "not_mine"; note: string | null }
  | { kind: "my_actions" }
  | { kind: "help" };

export interface ParsedReply {
  /** Null when the text holds no intent Chaser understood. */
  intent: ReplyIntent | null;
  /** The action ref as the person wrote it ("2.3", "R 6", "KLOE A1-1"), punctuation trimmed. */
  ref: string | null;
  /** False when the words were ambiguous and the caller should ask back. */
  confident: boolean;
  /**
   * Set when the message held status words that gave no one intent ("nearly done", "done but
   * delayed"): an answer was meant, so the caller asks which, rather than saying it did not understand.
   */
  statusWords?: true;
}

export interface ParseReplyOptions {
  /** ISO date (YYYY-MM-DD, Europe/London, 1900–2199) that "end of March" and "in 2 weeks" are read against. */
  today: string;
}

/** Longer messages are not read at all: they are not answers to a chase. */
export const MAX_REPLY_LENGTH = 2000;

/** Intents that status words in running text can signal (the others are commands or prefixes). */
type SignalIntent = "complete" | "on_track" | "delayed" | "blocked" | "snooze" | "not_mine";

interface Phrase {
  intent: SignalIntent;
  /** Regex source, matched case-insensitively as whole words. */
  words: string;
  /** The phrase only suggests the intent ("in progress" → on_track): `confident` false. */
  weak?: boolean;
  /** The phrase denies the intent ("not yet", "incomplete"). */
  negated?: boolean;
}

const phrase = (intent: SignalIntent, words: string, flags: Pick<Phrase, "weak" | "negated"> = {}): Phrase => ({
  intent,
  words,
  ...flags,
});

// ============================================================================================
// Vocabulary: English

const ENGLISH: Phrase[] = [
  phrase("complete", "(?:all |job |now |fully )?(?:done|complete|completed|finished|finalised|finalized|sorted)"),
  phrase("complete", "delivered|implemented|signed off"),
  phrase("complete", "not yet|incomplete|unfinished|not there yet|still to do", { negated: true }),

  phrase("on_track", "on (?:track|target|schedule|course)|ahead of (?:schedule|target)"),
  phrase("on_track", "going (?:well|fine|ok|okay|to plan)|progressing(?: well| fine| nicely| ok)?|(?:good|great|steady) progress"),
  phrase("on_track", "all (?:fine|good|ok|okay)|fine|no (?:issues|problems|concerns)"),
  phrase("on_track", "in progress|under ?way|unblocked|no change", { weak: true }),

  phrase("delayed", "delayed|delays?|running (?:late|behind)|behind (?:schedule|target|plan)|overdue|off (?:track|target)"),
  phrase("delayed", "slipping|slipped|slippage|slip|postponed|deferred|rescheduled|extended|(?:need|needs) (?:more time|an extension)"),
  phrase("delayed", "(?:push|pushed|pushing|put|putting|moved|moving) (?:it )?back"),
  phrase("delayed", "new (?:target )?date|new target|revised (?:target )?date|now due"),

  phrase("blocked", "blocked|blocker|stuck|stalled|held up"),
  phrase("blocked", "(?:can't|cannot|can not|unable to) (?:progress|proceed|move (?:forward|on)|go any further)"),
  phrase("blocked", "on hold|paused", { weak: true }),

  phrase("snooze", "snooze|snoozed|remind me(?: again)?(?: later)?|chase me(?: again)?(?: later)?"),
  phrase("snooze", "ask (?:me )?(?:again )?later|ask me again|check (?:back|again) later|not now"),

  phrase("not_mine", "(?:is not|isn't|not) (?:mine|me|for me)|not my (?:action|actions|one|responsibility|area|job|team|department)"),
  phrase("not_mine", "isn't my (?:action|one|responsibility|area|job)|is not my (?:action|one|responsibility|area|job)"),
  phrase("not_mine", "wrong (?:person|owner|officer|team|department|service)|not (?:responsible|the owner|the right person)"),
  phrase("not_mine", "nothing to do with (?:me|us)|no longer (?:mine|my action|responsible)|someone else's"),
];

// ============================================================================================
// Vocabulary: Welsh

/**
 * A Welsh word with its consonant mutations, as a regex group: "cwblhau" → "(?:cwblhau|gwblhau|
 * nghwblhau|chwblhau)". "wedi'i gwblhau" and "wedi cwblhau" are both right; people write either.
 */
function mutated(radical: string): string {
  const rules: Array<[string, string[]]> = [
    ["rh", ["r"]],
    ["ll", ["l"]],
    ["c", ["g", "ngh", "ch"]],
    ["p", ["b", "mh", "ph"]],
    ["t", ["d", "nh", "th"]],
    ["g", ["", "ng"]],
    ["b", ["f", "m"]],
    ["d", ["dd", "n"]],
    ["m", ["f"]],
  ];
  const rule = rules.find(([from]) => radical.startsWith(from));
  if (!rule) return radical;
  const [from, tos] = rule;
  const stem = radical.slice(from.length);
  return `(?:${[radical, ...tos.map((to) => to + stem)].join("|")})`;
}

/** "wedi", "wedi'i", "wedi ei", "wedi eu": perfect tense, with or without the object pronoun. */
const WEDI = "wedi(?:'i|'u| ei| eu| i)?";
const DONE_VERBS = ["gwneud", "gorffen", "cwblhau", "cwpla", "cyflawni"].map(mutated).join("|");

const WELSH: Phrase[] = [
  phrase("complete", `${WEDI} (?:${DONE_VERBS})|cwblhawyd|gorffenwyd|cyflawnwyd|yn gyflawn`),
  phrase("complete", `heb (?:ei |eu )?(?:${DONE_VERBS})|(?:ddim|dim) eto|anghyflawn`, { negated: true }),
  phrase("complete", `bron (?:â|a) (?:${DONE_VERBS})`, { negated: true }),

  phrase("on_track", "ar y trywydd (?:iawn|cywir)|ar (?:amser|darged|y targed)|yn mynd yn dda|popeth yn iawn|dim problemau?"),
  phrase("on_track", "ar y gweill|yn mynd rhagddo|yn mynd rhagddi", { weak: true }),

  phrase("delayed", `${WEDI} oedi|oedi|oediad|${WEDI} ${mutated("gohirio")}|gohiriwyd|yn hwyr`),
  phrase("delayed", `ar ei h[oô]l hi|(?:wedi )?llithro|dyddiad (?:targed )?newydd`),

  phrase("blocked", `${WEDI} ${mutated("rhwystro")}|${mutated("rhwystr")}|yn sownd|sownd`),
  phrase("blocked", "methu (?:symud ymlaen|bwrw ymlaen|mynd ymlaen|datblygu)"),
  phrase("blocked", "ar stop|wedi'i atal", { weak: true }),

  phrase("snooze", "atgoffa fi(?: eto)?|atgoffwch fi(?: eto)?|gofyn(?:wch|a)? (?:i mi )?eto|(?:nid|ddim) nawr"),

  phrase("not_mine", "nid fi(?: sy'n gyfrifol)?|(?:ddim|dim) fi|nid i fi|nid fy (?:un|ngweithred|ngham|nghyfrifoldeb)(?: i)?"),
  phrase("not_mine", "(?:ddim|dim) yn gyfrifol|person anghywir|dim byd i'w wneud (?:â|a) fi"),
];

const PHRASES: Phrase[] = [...ENGLISH, ...WELSH];

// ============================================================================================
// Vocabulary: words around the status words

/** A negation right before a status word: "not done", "isn't finished", "ddim wedi gorffen". */
const NEGATION_BEFORE =
  /(?:^|\s)(?:not|never|no|no longer|\w*n't|cannot|ddim|dim|nid yw|nid ydy|nad yw|nad ydy|dyw|heb)\s+(?:(?:yet|quite|fully|been|be|really|entirely|actually|totally|ei|wedi|yn|eto)\s+)*$/i;

/** A qualifier that makes "done" partial: "nearly done", "80% complete", "bron wedi gorffen". */
const PARTIAL_BEFORE =
  /(?:^|\s)(?:nearly|almost|mostly|partly|partially|part|half|largely|substantially|practically|virtually|not quite|bron(?: iawn)?|\d{1,2}\s?%)\s+(?:(?:been|be|all)\s+)?$/i;

/** "to complete", "will be done": a plan, not a report. Such "complete" words are not signals. */
const FUTURE_BEFORE =
  /(?:^|\s)(?:to|be|will|\w+'ll|shall|should|would|could|might|must|gonna|bydd|fydd|i'w)\s+(?:be\s+)?(?:fully\s+)?$/i;

/** Doubt anywhere in the message keeps the intent but makes it unsure (and is not a note). */
const HEDGE =
  /(?<![\p{L}])(?:maybe|perhaps|probably|possibly|hopefully|i think|i believe|i guess|i hope|not sure|unsure|not certain|might be|should be|kind of|sort of|more or less|ish|efallai|falle|gobeithio|(?:dwi|rwy|dw i)'n meddwl|(?:ddim|dim) yn si[wŵ]r)(?![\p{L}])/iu;

/** Commands, matched against the whole message. */
const COMMANDS: Array<{ kind: "help" | "my_actions"; re: RegExp }> = [
  { kind: "help", re: /^(?:\?+|help(?: me)?|cymorth|help(?:u)? os gwelwch yn dda|what can i (?:say|do)|how does this work|commands)$/i },
  {
    kind: "my_actions",
    re: /^(?:(?:show |list )?(?:me )?my (?:actions|list|tasks)|list|what do i have|what have i got|what(?:'s| is) on my list|fy (?:ngweithredoedd|nghamau|nhasgau)(?: i)?|rhestr|beth sydd (?:gen i|gyda fi))$/i,
  },
];

/** A message that starts by saying it is a note: "note:", "update:", "fyi", "nodyn:". */
const NOTE_KEYWORD = /^(?:note|notes|update|progress update|fyi|for info|nodyn|diweddariad|er gwybodaeth)(?![\p{L}])/iu;
/** Note keywords that may run straight into the text with no colon. */
const NOTE_KEYWORD_BARE = /^(?:note|fyi|for info|nodyn|er gwybodaeth)$/i;

const GREETING = String.raw`hi|hello|hey|hiya|morning|afternoon|good (?:morning|afternoon|evening)|hi there|hello there|helo|shwmae|s'mae|su'mae|sut mae|bore da|prynhawn da|noswaith dda`;
const THANKS = String.raw`thanks|thank you|thanks very much|many thanks|thx|ta|cheers|diolch(?: yn fawr)?(?: iawn)?|regards|kind regards|best wishes|please|plz|pls|os gwelwch yn dda|plis|plîs`;
/** Acknowledgements; the first few may run straight into the answer ("ok done"). */
const SOFT_ACKS = String.raw`ok|okay|ok then|sure|right|iawn`;
const ACKS = String.raw`${SOFT_ACKS}|great|cool|nice|lovely|noted|got it|will do|no worries|no problem|grand|gwych|da iawn`;
/** A name after a greeting or thanks ("Hi Sam,", "Thanks, Sam"): capitalised, so matched case-sensitively. */
const NAME = String.raw`\p{Lu}[\p{L}'-]*`;
/** `source` matching in any case, for regexes that must be case-sensitive elsewhere (NAME). */
const anyCase = (source: string): string => source.replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`);
const LEADING_COURTESY = [
  new RegExp(String.raw`^(?:${GREETING})(?:\s+(?:all|there|team|everyone))?\s*(?:[,.!:;-]+\s*|$)`, "i"),
  new RegExp(String.raw`^(?:${anyCase(GREETING)}|${anyCase(THANKS)})[\s,]+${NAME}\s*(?:[,.!:;-]+\s*|$)`, "u"),
  new RegExp(String.raw`^(?:${GREETING}|${THANKS}|${SOFT_ACKS})(?:[\s,.!:;-]+|$)`, "i"),
  new RegExp(String.raw`^(?:${ACKS})(?:\s*[,.!:;-]+\s*|$)`, "i"),
];
const TRAILING_COURTESY = [
  new RegExp(String.raw`(?:^|[\s,.!;-]+)(?:${THANKS})[\s.!]*$`, "i"),
  new RegExp(String.raw`(?:^|[\s,.!;-]+)(?:${anyCase(THANKS)})[\s,]+${NAME}[\s.!]*$`, "u"),
];
const ONLY_ACK = new RegExp(String.raw`^(?:${ACKS})$`, "i");

/** Words around a status word that say nothing: "R 6 *is* complete", "*I'm* stuck", "done *now*". */
const FILLER_WORDS = new Set(
  `is are was were been has have had it it's its this that that's now i i've i'm im we we've we're am currently
  still really just already also action the all then here and & mae mae'n ydy ydi hyn yn fe mi 'n`.split(/\s+/),
);

/** A filler word, as written: "IT" in capitals is the department, not "it". */
function isFiller(word: string): boolean {
  return FILLER_WORDS.has(word.toLowerCase()) && !(word.length > 1 && /^\p{Lu}+$/u.test(word));
}

/** Words that introduce a reason: stripped from the front of one. */
const REASON_LEAD = /^(?:because of|because|'cause|cos|coz|due to|owing to|as a result of|as|since|by|on|oherwydd(?: bod)?|o achos|achos|gan fod|gan|am fod)(?![\p{L}])\s*/iu;
/** Words that lead from a reason to the status word: "no budget *so* blocked". */
const REASON_TAIL = /\s*(?:so|and|hence|therefore|thus|but|felly|ac|a|ond)$/i;
/** Words that introduce evidence: "evidence at <url>", "see <url>", "tystiolaeth yma". */
const EVIDENCE_LEAD = /(?:^|\s)(?:evidence|proof|link|see|tystiolaeth|dolen|gweler)(?:\s+(?:is|at|here|in|on|yma|yn))*\s*[:-]?\s*$/i;

// ============================================================================================
// Refs

/** Ref shapes: "2.3", "R6", "R 6", "PC1.6", "KLOE A1-1", "#34", "T2.M5", "6". */
const REF_SHAPE = /^(?:kloe ?[a-z]?\d+(?:-\d+)?|#\d+|t\d+\.m\d+|\d+(?:\.\d+)+|[a-z]{1,4} ?\d+[a-z]?(?:\.\d+)*|\d+)$/i;
/** Letter prefixes that are never refs: quarters, halves, financial years, weeks ("Q3", "FY24"). */
const NOT_REF_PREFIX = /^(?:q|h|fy|wk)$/i;
/** Short words that may sit before a number without being a ref prefix ("in 2", "to 6"). */
const COMMON_SHORT_WORDS = new Set(
  "a i o y an as at be by do go he if in is it me my no of on or so to up us we am and for the due tan mis yn ar".split(" "),
);
/** Words after a number that make it a quantity, not a ref ("2 weeks", "3 March", "50%"). */
const UNIT_AFTER = /^(?:days?|weeks?|wks?|months?|years?|yrs?|hours?|hrs?|mins?|minutes?|%|percent|per|times|people|staff|wythnos(?:au)?|diwrnod(?:au)?|mis(?:oedd)?|mlynedd|blwyddyn|awr|oriau)$/i;
/** Words that introduce a ref inside a sentence: "done for 2.3", "nid fi sy'n gyfrifol am R6". */
const REF_INTRO = /^(?:for|on|am)$/i;
/** Words that may introduce a ref at the start or end: "re 2.3: done", "done (action 6)". */
const REF_LEAD = /^(?:for|on|am|re|ref|action|item|gweithred|cam)$/i;
/** Words joining a list of refs: "2.3 and 2.4 done". */
const REF_JOIN = /^(?:and|&|a|ac|\/|\+)$/i;

/** A ref for matching against the plan's: "R 6", "r6", "R6." → "r6"; "KLOE A1-1" → "kloea1-1"; "#34" → "#34". */
export function normaliseRef(ref: string): string {
  return ref
    .toLowerCase()
    .replace(/\s+/g, "")
    .replace(/^[([]+|[)\].,;:!?]+$/g, "");
}

interface Word {
  text: string;
  start: number;
  end: number;
}

function words(s: string): Word[] {
  return [...s.matchAll(/\S+/g)].map((m) => ({ text: m[0], start: m.index, end: m.index + m[0].length }));
}

/** A word without the punctuation around it: "2.3:" → "2.3", "(R6)." → "R6". */
function bare(word: string): string {
  return word.replace(/^[([]+/, "").replace(/[)\].,;:!?]+$/, "");
}

/** True when `candidate` (one or two words) is a ref here, not a date, quantity or word. */
function isRef(candidate: string, prev: string | undefined, next: string | undefined): boolean {
  if (!REF_SHAPE.test(candidate)) return false;
  const prefix = /^([a-z]+)( ?)\d/i.exec(candidate);
  if (prefix && !/^kloe/i.test(candidate)) {
    const [, letters = "", space] = prefix;
    if (NOT_REF_PREFIX.test(letters)) return false;
    // "R 6" and "PC 1.6" yes; "in 2", "done 2.3", "date 31" no.
    if (space && (letters.length > 3 || (letters.length > 1 && letters !== letters.toUpperCase()))) return false;
    if (space && COMMON_SHORT_WORDS.has(letters.toLowerCase())) return false;
    return true;
  }
  if (/^\d/.test(candidate)) {
    if (next !== undefined && (isMonthName(bare(next)) || UNIT_AFTER.test(bare(next)))) return false;
    if (prev !== undefined && isMonthName(bare(prev))) return false; // "May 31"
    if (/^(?:19|20|21)\d\d$/.test(candidate)) return false; // a year
    if (/^\d{1,2}\.\d{2}\.(?:\d{2}|\d{4})$/.test(candidate)) return false; // 31.03.27
  }
  return true;
}

interface FoundRef {
  text: string;
  /** Span to remove from the message, with any word that introduced the ref. */
  start: number;
  end: number;
}

/** The ref whose first word is ws[i], trying two words ("R 6") before one ("R6"). */
function refAt(ws: Word[], i: number): FoundRef | null {
  for (const n of [2, 1]) {
    const first = ws[i];
    const last = ws[i + n - 1];
    if (!first || !last) continue;
    // Only the last word may carry trailing punctuation, only the first leading.
    if (n === 2 && (bare(first.text) !== first.text.replace(/^[([]+/, ""))) continue;
    const text = bare(ws.slice(i, i + n).map((w) => w.text).join(" "));
    if (isRef(text, ws[i - 1]?.text, ws[i + n]?.text)) return { text, start: first.start, end: last.end };
  }
  return null;
}

/** A ref (or list of refs) at the start of `s`, optionally led by "re", "for", "action"... */
function leadingRefs(s: string): FoundRef[] {
  const ws = words(s);
  let i = ws[0] && REF_LEAD.test(bare(ws[0].text)) && ws.length > 1 ? 1 : 0;
  const first = refAt(ws, i);
  if (!first) return [];
  const found = [{ ...first, start: 0 }];
  i = ws.findIndex((w) => w.end === first.end) + 1;
  // "2.3 and 2.4", "2.3, 2.4"
  for (;;) {
    const prevWord = ws[i - 1];
    const joiner = ws[i] && REF_JOIN.test(ws[i]!.text) ? 1 : prevWord?.text.endsWith(",") ? 0 : -1;
    if (joiner < 0) break;
    const next = refAt(ws, i + joiner);
    if (!next) break;
    found.push({ ...next, start: found[found.length - 1]!.end });
    i = ws.findIndex((w) => w.end === next.end) + 1;
  }
  return found;
}

/** A ref as the last word(s) of `s` ("done 2.3", "done (R 6).", "nid fi sy'n gyfrifol am R6"). */
function trailingRef(s: string): FoundRef | null {
  const ws = words(s);
  for (const n of [2, 1]) {
    const i = ws.length - n;
    if (i < 1) continue; // a ref alone is a leading ref
    const found = refAt(ws, i);
    if (!found || found.end !== ws[ws.length - 1]!.end) continue;
    const lead = ws[i - 1]!;
    const start = REF_LEAD.test(bare(lead.text)) && i > 1 ? lead.start : found.start;
    return { ...found, start };
  }
  return null;
}

/** Refs after "for", "on", "am" anywhere: "update on 2.3: ...". */
function introducedRefs(s: string): FoundRef[] {
  const ws = words(s);
  const found: FoundRef[] = [];
  ws.forEach((w, i) => {
    if (!REF_INTRO.test(w.text)) return;
    const ref = refAt(ws, i + 1);
    if (ref) found.push({ ...ref, start: w.start });
  });
  return found;
}

/** Words after which a date follows a ref named right after the status word. */
const DATE_AFTER_REF = /^(?:until|till|til|to|by|tan|hyd|nes|erbyn)$/i;

/**
 * A ref right after the first word and before a date: "snooze 2.6 until 1 March", "delay 2.6 to
 * end of March". Only the ref is taken out, leaving the status word and its date. A bare number
 * before "to" is a range ("delayed 2 to 3 weeks"), not a ref.
 */
function verbLedRef(s: string): FoundRef | null {
  const ws = words(s);
  if (ws.length < 4 || !/^\p{L}+$/u.test(ws[0]!.text)) return null;
  const found = refAt(ws, 1);
  if (!found) return null;
  const next = ws.find((w) => w.start > found.end);
  if (!next || !DATE_AFTER_REF.test(next.text)) return null;
  if (/^\d+$/.test(found.text) && /^to$/i.test(next.text)) return null;
  return found;
}

/** `s` with the spans blanked out, spaces tidied. */
function without(s: string, spans: Array<{ start: number; end: number }>): string {
  let out = s;
  for (const span of [...spans].sort((a, b) => b.start - a.start)) {
    out = `${out.slice(0, span.start)} ${out.slice(span.end)}`;
  }
  return out.replace(/\s+/g, " ").trim();
}

// ============================================================================================
// Dates after a status word: "delayed *to end of March*", "snooze *until 1 March*"

const WHEN_LEAD = /^(?:until|till|til|to|into|back to|out to|now due|is now|now|is|tan|hyd at|hyd|i|nes|erbyn|by|for|in|on|mewn|am)\s+/i;

const NUMBER_WORDS: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6,
  un: 1, dau: 2, dwy: 2, tri: 3, tair: 3, pedwar: 4, pedair: 4,
};
/** "in 2 weeks", "for a month", "mewn pythefnos", "tomorrow", "next week". */
const RELATIVE =
  /^(?:(?:(in|for|within|by|mewn|am)\s+)?(?:(a|an|one|two|three|four|five|six|un|dau|dwy|tri|tair|pedwar|pedair|\d{1,2})\s+)?(days?|weeks?|wks?|fortnights?|months?|diwrnod(?:au)?|wythnos(?:au)?|pythefnos|mis(?:oedd)?)|(tomorrow|yfory|fory)|(next week|(?:yr )?wythnos nesa(?:f)?))(?![\p{L}\d])/iu;

const DATE_WORD =
  /^(?:\d{1,2}(?:st|nd|rd|th)?|\d{4}|'\d\d|\d{1,4}(?:[/.-]\d{1,4}){1,2}|q[1-4]|h[12]|fy\d{0,4}|quarter|of|the|end|start|beginning|early|mid|middle|late|(?:early|mid|late)-\p{L}+|next|this|month|year|financial|calendar|first|second|1st|2nd|half|spring|summer|autumn|fall|winter|diwedd|ddiwedd|dechrau|ddechrau|canol|ganol|mis|fis|ym|nesaf|nesa|y|yr|flwyddyn|blwyddyn|ariannol|hwn)$/iu;
/** Month words that are also ordinary words ("may", Welsh "mai" = that): dates only when capitalised. */
const AMBIGUOUS_MONTHS = /^(?:may|mai|mar)$/;

/** Date words that on their own show a date was meant ("Q3", "June", "2027"), unlike "the", "end". */
const STRONG_DATE_WORD = /^(?:.*\d.*|q[1-4]|h[12]|fy|quarter|spring|summer|autumn|fall|winter|month|year|mis|fis|flwyddyn|blwyddyn)$/i;

function isDateWord(word: string): boolean {
  if (AMBIGUOUS_MONTHS.test(word)) return false;
  return DATE_WORD.test(word) || isMonthName(word);
}

interface When {
  start: number;
  end: number;
  /**
   * Null when the words are a shift ("by 2 weeks") whose date depends on the old target, or a
   * date parseTarget cannot read ("Q3" with no year).
   */
  target: Target | null;
  /** A date was meant but could not be read: the caller should ask for it. */
  unread: boolean;
}

function relativeTarget(m: RegExpExecArray, written: string, today: string, shiftOnly: boolean): Target | null {
  const [, prep, count, unit, tomorrow, nextWeek] = m;
  if (shiftOnly || prep?.toLowerCase() === "by") return null;
  let date: string;
  if (tomorrow) date = addDays(today, 1);
  else if (nextWeek) date = addDays(today, 7);
  else {
    const n = count ? (NUMBER_WORDS[count.toLowerCase()] ?? Number(count)) : 1;
    const u = unit!.toLowerCase();
    if (/^(?:mis|month)/.test(u)) date = DateTime.fromISO(today, { zone: "UTC" }).plus({ months: n }).toISODate()!;
    else if (/^(?:fortnight|pythefnos)/.test(u)) date = addDays(today, 14 * n);
    else if (/^(?:w|wythnos)/.test(u)) date = addDays(today, 7 * n);
    else date = addDays(today, n);
  }
  return { text: written, from: date, to: date, ongoing: false };
}

/**
 * The date named right after `from` in `s`: optional separator and lead word ("to", "until",
 * "tan"), then date words parseTarget understands, or a relative phrase. Null when there is none.
 * `shiftOnly`: relative phrases shift an unknown old date, so they give no target (delayed).
 */
function readWhen(s: string, from: number, today: string, shiftOnly: boolean): When | null {
  const rest = s.slice(from);
  const sep = /^\s*(?:[,:]|\s-)?\s*/.exec(rest)![0];
  const lead = WHEN_LEAD.exec(rest.slice(sep.length))?.[0] ?? "";
  const at = sep.length + lead.length;
  const body = rest.slice(at);

  // A relative phrase keeps its preposition ("in 2 weeks"); a lead such as "in" is read by it.
  const relative = RELATIVE.exec(rest.slice(sep.length));
  if (relative && (relative[1] || relative[2] || relative[4] || relative[5])) {
    const written = relative[0];
    const end = from + sep.length + written.length;
    return { start: from, end, target: relativeTarget(relative, written, today, shiftOnly), unread: false };
  }

  const ws = words(body);
  const taken: Word[] = [];
  for (const w of ws) {
    const core = w.text.replace(/[,;:.!?)]+$/, "");
    if (!isDateWord(core)) break;
    taken.push({ ...w, text: core, end: w.start + core.length });
    if (core !== w.text) break; // punctuation ends the date
  }
  for (let n = taken.length; n > 0; n--) {
    const last = taken[n - 1]!;
    const written = body.slice(0, last.end);
    const target = parseTarget(written, { today });
    if (target && target.from !== null) return { start: from, end: from + at + last.end, target, unread: false };
  }
  // "delayed to Q3": a date, but not one that can be pinned down. Taken, so it is not a reason.
  const strong = taken.filter((w) => isMonthName(w.text) || STRONG_DATE_WORD.test(w.text));
  const lastStrong = strong[strong.length - 1];
  if (lastStrong) return { start: from, end: from + at + lastStrong.end, target: null, unread: true };
  return null;
}

// ============================================================================================
// Pipeline

interface Prepared {
  /** The message with quotes, dashes and spaces normalised, emoji and URLs taken out. */
  text: string;
  urls: string[];
}

/** URLs become "\uE000<n>\uE001" so their digits and dots are never read as refs or dates. */
const URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>"]+/gi;
const URL_MARK = /\uE000(\d+)\uE001/g;

function prepare(raw: string): Prepared {
  const urls: string[] = [];
  const text = raw
    .normalize("NFC")
    .replace(/[\u2018\u2019\u02BC`]/g, "'")
    .replace(/[\u201C\u201D]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, "-")
    .replace(/[\p{Extended_Pictographic}\u{1F3FB}-\u{1F3FF}\uFE0F\u200D]/gu, " ")
    // The URL marks are private-use characters: typed ones would be taken for URLs never seen.
    .replace(/[\uE000\uE001]/g, " ")
    .replace(URL_RE, (url) => {
      const trimmed = url.replace(/[.,;:!?)\]]+$/, "");
      urls.push(trimmed);
      return `\uE000${urls.length - 1}\uE001${url.slice(trimmed.length)}`;
    })
    .replace(/\s+/g, " ")
    .trim();
  return { text, urls };
}

function restoreUrls(s: string, urls: string[]): string {
  return s.replace(URL_MARK, (_, i: string) => urls[Number(i)] ?? "");
}

/** The message without greetings, thanks and sign-offs; `courteous` when any were there. */
function stripCourtesy(s: string): { rest: string; courteous: boolean } {
  if (ONLY_ACK.test(s.replace(/[.!]+$/, ""))) return { rest: "", courteous: true };
  let rest = s;
  for (let prev = ""; prev !== rest; ) {
    prev = rest;
    for (const re of LEADING_COURTESY) rest = rest.replace(re, "");
    for (const re of TRAILING_COURTESY) rest = rest.replace(re, "");
    rest = rest.trim();
  }
  return { rest, courteous: rest !== s };
}

interface Signal {
  intent: SignalIntent;
  start: number;
  end: number;
  /** Where the words to drop from free text start: before a negation or qualifier ("not on track"). */
  dropFrom: number;
  weak: boolean;
  negated: boolean;
  /** A partial "done" ("nearly done"). */
  partial: boolean;
}

const COMPILED = PHRASES.map((p) => ({
  ...p,
  re: new RegExp(`(?<![\\p{L}\\p{N}'])(?:${p.words})(?![\\p{L}\\p{N}])`, "giu"),
}));

/** Status words in `s`, left to right; where two overlap, the earlier (then longer) one wins. */
function findSignals(s: string, today: string): Signal[] {
  const all: Signal[] = [];
  for (const p of COMPILED) {
    for (const m of s.matchAll(p.re)) {
      const before = s.slice(0, m.index);
      const negation = NEGATION_BEFORE.exec(before);
      const partial = PARTIAL_BEFORE.exec(before);
      const signal: Signal = {
        intent: p.intent,
        start: m.index,
        end: m.index + m[0].length,
        dropFrom: Math.min(m.index, negation?.index ?? m.index, partial?.index ?? m.index),
        weak: p.weak ?? false,
        negated: (p.negated ?? false) || negation !== null,
        partial: partial !== null,
      };
      if (p.intent === "complete" && !p.negated && isFutureDone(s, signal, today)) continue;
      all.push(signal);
    }
  }
  all.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Signal[] = [];
  for (const signal of all) {
    if (kept.some((k) => signal.start < k.end && k.start < signal.end)) continue;
    kept.push(signal);
  }
  return kept;
}

/** "to complete", "will be done", "complete by end of March": a plan, not a report. */
function isFutureDone(s: string, signal: { start: number; end: number }, today: string): boolean {
  if (FUTURE_BEFORE.test(s.slice(0, signal.start))) return true;
  const after = s.slice(signal.end);
  const by = /^\s*(?:by|before|erbyn)\s/i.exec(after);
  return by !== null && readWhen(s, signal.end + by[0].length - 1, today, false) !== null;
}

/** What a negated status word most likely means instead; null when it means nothing definite. */
const WHEN_NEGATED: Record<SignalIntent, SignalIntent | null> = {
  complete: null, // "not done yet": in progress, on track or late, nobody can tell
  on_track: "delayed", // "not on track"
  delayed: "on_track", // "no delay", "not delayed"
  blocked: null, // "no longer blocked" says nothing about the date
  snooze: null,
  not_mine: null,
};

interface Reading {
  intent: SignalIntent | null;
  /** Signals the intent rests on. */
  signals: Signal[];
  confident: boolean;
}

/** The one intent the signals agree on, or null when they are absent, negated or mixed. */
function decide(signals: Signal[]): Reading {
  const effective = signals.map((sig) => {
    const denied = sig.negated || (sig.intent === "complete" && sig.partial);
    return { sig, intent: denied ? WHEN_NEGATED[sig.intent] : sig.intent, sure: !denied && !sig.weak && !sig.partial };
  });
  const intents = new Set(effective.flatMap((e) => (e.intent ? [e.intent] : [])));
  if (intents.size !== 1) return { intent: null, signals: [], confident: false };
  const [intent] = [...intents] as [SignalIntent];
  const own = effective.filter((e) => e.intent === intent);
  const denials = effective.filter((e) => e.intent === null).length;
  return { intent, signals: own.map((e) => e.sig), confident: own.some((e) => e.sure) && denials === 0 };
}

// ============================================================================================
// Free text around the status words

type TextRole = "note" | "reason";

/** True when every word of `s` is filler ("is", "now", "it's"). */
function onlyFiller(s: string): boolean {
  return s.split(/[\s,.;:!?-]+/).filter(Boolean).every(isFiller);
}

function trimEdges(s: string): string {
  return s.replace(/^[\s,.;:!?)\]-]+/, "").replace(/[\s,.;:!?(\[-]+$/, "");
}

/**
 * The message less the removed spans, as free text: a piece before a status word loses trailing
 * filler ("R 6 *is*"), a piece after one loses a leading "because"/"due to" (reasons only).
 */
function freeText(s: string, removed: Array<{ start: number; end: number }>, role: TextRole): string | null {
  const spans = [...removed].sort((a, b) => a.start - b.start);
  const pieces: string[] = [];
  let at = 0;
  for (let i = 0; i <= spans.length; i++) {
    const end = spans[i]?.start ?? s.length;
    let piece = trimEdges(s.slice(at, Math.max(at, end)));
    if (i > 0 && role === "reason") {
      for (let prev = ""; prev !== piece; ) {
        prev = piece;
        piece = trimEdges(piece.replace(REASON_LEAD, ""));
      }
    }
    if (i < spans.length) {
      for (let prev = ""; prev !== piece; ) {
        prev = piece;
        const lastWord = /(?:^|\s)(\S+)$/.exec(piece);
        if (lastWord && isFiller(lastWord[1]!)) piece = trimEdges(piece.slice(0, lastWord.index));
        if (role === "reason") piece = trimEdges(piece.replace(REASON_TAIL, ""));
      }
    }
    if (piece && !onlyFiller(piece)) pieces.push(piece);
    if (spans[i]) at = Math.max(at, spans[i]!.end);
  }
  return pieces.length > 0 ? pieces.join("; ") : null;
}

// ============================================================================================
// Building each intent

interface Context {
  body: string;
  urls: string[];
  today: string;
  reading: Reading;
}

function buildIntent(intent: SignalIntent, ctx: Context): { intent: ReplyIntent; doubt: boolean } {
  const { body, urls, today, reading } = ctx;
  const hedges = [...body.matchAll(new RegExp(HEDGE.source, "giu"))].map((m) => ({ start: m.index, end: m.index + m[0].length }));
  const spans = [...reading.signals.map((sig) => ({ start: sig.dropFrom, end: sig.end })), ...hedges];
  const text = (role: TextRole, extra: Array<{ start: number; end: number }> = []): string | null => {
    const t = freeText(body, [...spans, ...extra], role);
    return t === null ? null : restoreUrls(t, urls);
  };

  switch (intent) {
    case "on_track":
      return { intent: { kind: "on_track" }, doubt: false };

    case "complete": {
      const marks = [...body.matchAll(URL_MARK)];
      const evidenceUrl = marks[0] ? (urls[Number(marks[0][1])] ?? null) : null;
      const first = marks[0];
      // "evidence at <url>": the lead-in and the URL are the evidence, not the note.
      const extra: Array<{ start: number; end: number }> = [];
      if (first) {
        const lead = EVIDENCE_LEAD.exec(body.slice(0, first.index));
        extra.push({ start: lead ? lead.index : first.index, end: first.index + first[0].length });
      }
      return { intent: { kind: "complete", note: text("note", extra), evidenceUrl }, doubt: false };
    }

    case "delayed": {
      // The new date follows one of the delay words: "delayed to ...", "new date 31 May".
      const whens = reading.signals.flatMap((sig) => {
        const when = readWhen(body, sig.end, today, true);
        return when ? [when] : [];
      });
      const newTarget = whens.find((w) => w.target)?.target ?? null;
      const unread = newTarget === null && whens.some((w) => w.unread);
      return { intent: { kind: "delayed", newTarget, reason: text("reason", whens) }, doubt: unread };
    }

    case "blocked":
      return { intent: { kind: "blocked", reason: text("reason") }, doubt: false };

    case "snooze": {
      const whens = reading.signals.flatMap((sig) => {
        const when = readWhen(body, sig.end, today, false);
        return when ? [when] : [];
      });
      const until = whens.find((w) => w.target)?.target ?? null;
      // "remind me after the budget": a time was given that could not be read.
      const leftover = text("note", whens);
      const unread = whens.some((w) => w.unread) || leftover !== null;
      return { intent: { kind: "snooze", until }, doubt: until === null && unread };
    }

    case "not_mine":
      return { intent: { kind: "not_mine", note: text("note") }, doubt: false };
  }
}

/** "note: ...", "update on 2.3: ...", "fyi ...": the text after the keyword, or null. */
function readNote(s: string): { text: string; ref: FoundRef | null } | null {
  const keyword = NOTE_KEYWORD.exec(s);
  if (!keyword) return null;
  let rest = s.slice(keyword[0].length);
  let ref: FoundRef | null = null;
  const ws = words(rest);
  if (ws[0] && REF_INTRO.test(ws[0].text)) {
    ref = refAt(ws, 1);
    if (ref) rest = rest.slice(ref.end);
  }
  const sep = /^\s*(?:[:-]|\s(?=\S))\s*/.exec(rest);
  if (!sep) return null;
  const hasColon = /[:-]/.test(sep[0]);
  if (!hasColon && !ref && !NOTE_KEYWORD_BARE.test(keyword[0])) return null;
  return { text: rest.slice(sep[0].length).trim(), ref };
}

// ============================================================================================

const UNREAD: ParsedReply = { intent: null, ref: null, confident: false };

export function parseReply(text: string, options: ParseReplyOptions): ParsedReply {
  // Refused here, as parseTarget would refuse it half-way through reading a date (a year past 2199).
  if (!isReadableDay(options.today)) {
    throw new RangeError(`parseReply: today must be an ISO date (YYYY-MM-DD) from 1900 to 2199, got "${options.today}"`);
  }
  if (text.length > MAX_REPLY_LENGTH) return UNREAD;
  const { today } = options;

  // 1. Normalise; take out URLs and emoji.
  const { text: prepared, urls } = prepare(text);
  if (prepared === "") return UNREAD;

  // 2. Courtesy: "hello" or "thanks" alone is understood as having nothing in it.
  const { rest, courteous } = stripCourtesy(prepared);
  if (rest === "") return { intent: null, ref: null, confident: courteous };

  // 3. Whole-message commands.
  const command = COMMANDS.find((c) => c.re.test(rest) || c.re.test(rest.replace(/[?.!\s]+$/, "")));
  if (command) return { intent: { kind: command.kind }, ref: null, confident: true };

  // 4. A ref at the start, then a note keyword: "2.3 note: ...", "update on R6: ...".
  const leading = leadingRefs(rest);
  let body = without(rest, leading);
  const note = readNote(body);
  if (note) {
    const refs = note.ref ? [...leading, note.ref] : leading;
    const ref = oneRef(refs);
    const noteText = restoreUrls(note.text, urls);
    if (noteText === "") return { intent: null, ref: ref.ref, confident: false };
    // A status word inside a note ("update: 2.3 is done") may be the real answer: ask.
    const statusInside = findSignals(note.text, today).length > 0;
    return { intent: { kind: "note", text: noteText }, ref: ref.ref, confident: ref.sure && !statusInside };
  }

  // 5. Refs at the end and after "for"/"on"/"am".
  const later = [trailingRef(body), verbLedRef(body), ...introducedRefs(body)].filter((r): r is FoundRef => r !== null);
  body = without(body, dedupe(later));
  const ref = oneRef([...leading, ...later]);

  // 6. Status words, then the intent they agree on.
  const signals = findSignals(body, today);
  const reading = decide(signals);
  const hedged = HEDGE.test(body) || /\?\s*$/.test(prepared);
  if (!reading.intent) return { intent: null, ref: ref.ref, confident: false, ...(signals.length > 0 ? { statusWords: true as const } : {}) };

  // 7. The intent with its reason, note or date.
  const built = buildIntent(reading.intent, { body, urls, today, reading });
  return { intent: built.intent, ref: ref.ref, confident: reading.confident && ref.sure && !hedged && !built.doubt };
}

/** Overlapping finds of the same ref (end and after "for") counted once. */
function dedupe(refs: FoundRef[]): FoundRef[] {
  const out: FoundRef[] = [];
  for (const r of refs) {
    const overlap = out.findIndex((o) => r.start < o.end && o.start < r.end);
    if (overlap < 0) out.push(r);
    else if (r.start < out[overlap]!.start) out[overlap] = { ...r, end: Math.max(r.end, out[overlap]!.end) };
  }
  return out;
}

/** The one ref named, as written; null with `sure` false when two different refs are named. */
function oneRef(refs: FoundRef[]): { ref: string | null; sure: boolean } {
  const distinct = new Set(refs.map((r) => normaliseRef(r.text)));
  if (distinct.size === 0) return { ref: null, sure: true };
  if (distinct.size > 1) return { ref: null, sure: false };
  return { ref: refs[0]!.text, sure: true };
}
