import type { Rag, Status } from "./vocabulary.js";

/**
 * Status words as plans write them, mapped to the one vocabulary. The leading words decide: a
 * status followed by commentary ("Complete, and processes incorporated into…") is read by its
 * first words only, so commentary that mentions another status cannot change it.
 */

interface Rule {
  /** Regex source matched at the start of the lower-cased text, followed by a non-letter. */
  words: string;
  status: Status | null;
  rag: Rag | null;
}

const rule = (words: string, status: Status | null, rag: Rag | null = null): Rule => ({ words, status, rag });

// Welsh: "wedi'i" is also written "wedi ei".
const WEDI_I = "wedi(?:'i| ei| i)";

const RULES: Rule[] = [
  // Slippage and lateness first: "medium slippage" is a risk rating as well as a status.
  rule("significant(?:ly)? slip(?:page|ped)", "delayed", "red"),
  rule("(?:medium|moderate|minor|slight|some) slip(?:page|ped)", "delayed", "amber"),
  rule("slip(?:page|ped|ping)", "delayed"),
  rule("behind (?:schedule|target|plan)", "delayed"),
  rule("off (?:track|target)", "delayed"),
  rule("not on (?:track|target|schedule)", "delayed"),
  rule("overdue", "delayed"),
  rule("delay(?:ed|s)?", "delayed"),
  rule("at risk", "in_progress", "amber"),
  rule("blocked|stalled", "blocked"),
  rule("on[ -]hold|paused|suspended|deferred", "on_hold"),
  rule("cancell?ed|withdrawn|superseded|no longer (?:required|needed|applicable|relevant)|not required", "cancelled"),
  // Partly done before done, so "partially complete" is not complete.
  rule(
    "(?:partially|partly|part|substantially|largely|mostly|nearly|almost|not yet|not fully|not) (?:complete(?:d)?|implemented|achieved|delivered)|incomplete",
    "in_progress",
  ),
  rule("(?:fully )?(?:complete(?:d)?|implemented|achieved|delivered|done|finished|closed)", "complete"),
  rule("not (?:yet )?(?:started|commenced|begun|due(?: to (?:start|commence|begin))?)|yet to (?:start|commence|begin)|planned|future action", "not_started"),
  rule("on (?:track|target|schedule)|ahead of (?:schedule|target)", "in_progress", "green"),
  rule("(?:work )?in[ -]progress|wip|progressing|under[ -]?way|commenced|started|in hand|being (?:progressed|implemented)", "in_progress"),
  rule("on[ -]?going|continuous|continuing|business as usual|bau", "ongoing"),
  // Welsh.
  rule(`${WEDI_I} (?:g|ch)wblhau|wedi cwblhau|cwblhawyd|${WEDI_I} gyflawni|cyflawnwyd`, "complete"),
  rule("ar y trywydd (?:iawn|cywir)", "in_progress", "green"),
  rule("ar y gweill|yn mynd rhagddo|yn mynd rhagddi|ar waith|wedi dechrau", "in_progress"),
  rule(`wedi(?:'i)? oedi|oedi`, "delayed"),
  rule("heb (?:ei )?(?:ddechrau|gychwyn)", "not_started"),
  rule(`${WEDI_I} ganslo|canslwyd`, "cancelled"),
  rule(`${WEDI_I} atal`, "on_hold"),
  rule("parhaus|yn parhau", "ongoing"),
];

const COMPILED = RULES.map((r) => ({ ...r, re: new RegExp(`^(?:${r.words})(?![a-z\\u00C0-\\u024F])`) }));

const RAG_WORDS: Record<string, Rag> = {
  red: "red",
  amber: "amber",
  green: "green",
  r: "red",
  a: "amber",
  g: "green",
  // Welsh.
  coch: "red",
  ambr: "amber",
  gwyrdd: "green",
};
const RAG_WORD = "(red|amber|green|coch|ambr|gwyrdd)";
const RAG_LETTER_OR_WORD = "(red|amber|green|coch|ambr|gwyrdd|r|a|g)";
/** One or two colours ("Amber/Green"), full words only. */
const RAG_PHRASE = new RegExp(`^${RAG_WORD}(?:\\s*[/-]\\s*${RAG_WORD})?(?![a-z])`);
/** The whole text is a colour, letters allowed ("A", "R/A", "Amber/Green"). */
const RAG_ONLY = new RegExp(`^${RAG_LETTER_OR_WORD}(?:\\s*[/-]\\s*${RAG_LETTER_OR_WORD})?$`);
/** A colour right after the status: "In progress (Amber)", "Complete - Green", "In progress (A)". */
const RAG_AFTER = new RegExp(
  `^\\s*(?:[-:,(]\\s*)*(?:rag(?: status| rating)?\\s*[:-]?\\s*)?(?:${RAG_WORD}(?:\\s*[/-]\\s*${RAG_WORD})?|\\((r|a|g)\\))\\s*\\)?\\s*(?:[.;,)]|$)`,
);

const RAG_ORDER: Rag[] = ["green", "amber", "red"];

/** The worse of the colours given ("Amber/Green" is amber). */
export function worstRag(rags: (Rag | null | undefined)[]): Rag | null {
  let worst: Rag | null = null;
  for (const r of rags) {
    if (r && (worst === null || RAG_ORDER.indexOf(r) > RAG_ORDER.indexOf(worst))) worst = r;
  }
  return worst;
}

function ragOf(...words: (string | undefined)[]): Rag | null {
  return worstRag(words.map((w) => (w ? RAG_WORDS[w] : undefined)));
}

/** Lower case, one apostrophe and one dash, same length as the input so offsets carry over. */
function fold(text: string): string {
  let out = "";
  for (const c of text) {
    const lower = c.toLowerCase();
    out += lower.length === c.length ? lower : c;
  }
  return out.replace(/[\u2018\u2019\u02BC`]/g, "'").replace(/[\u2010-\u2015\u2212]/g, "-");
}

const LEAD_RE = /^[\s•*·:\-]+/;
const PREFIX_RE = /^(?:current )?(?:status|rag(?: status| rating)?|progress)\s*[:\-]\s*/;

function stripLead(s: string): string {
  let t = s.replace(LEAD_RE, "");
  t = t.replace(PREFIX_RE, "");
  return t;
}

/** The status rule matching at the start of `folded`, with the length it matched. */
function leadingStatus(folded: string): { rule: Rule; length: number } | null {
  for (const r of COMPILED) {
    const m = r.re.exec(folded);
    if (m) return { rule: r, length: m[0].length };
  }
  return null;
}

/** Status and RAG colour of one status text; both null when the words are not recognised. */
export function normaliseStatus(text: string): { status: Status | null; rag: Rag | null } {
  const s = stripLead(fold(text).trim()).trim();
  if (s === "") return { status: null, rag: null };

  const only = RAG_ONLY.exec(s.replace(/[.;,]+$/, ""));
  if (only) return { status: null, rag: ragOf(only[1], only[2]) };

  // A leading colour: "Amber - in progress", "Red: significant slippage", "Green".
  const lead = RAG_PHRASE.exec(s);
  if (lead) {
    const rag = ragOf(lead[1], lead[2]);
    const rest = s.slice(lead[0].length);
    const restStatus = leadingStatus(stripLead(rest.replace(/^[\s(),:;.\-]+/, "")));
    if (restStatus) return { status: restStatus.rule.status, rag: worstRag([rag, restStatus.rule.rag]) };
    // "Red flags remain" is commentary; "Red - see note" is a colour.
    if (rest === "" || /^\s*[-:,;.()/]/.test(rest)) return { status: null, rag };
    return { status: null, rag: null };
  }

  const found = leadingStatus(s);
  if (!found) return { status: null, rag: null };
  let rag = found.rule.rag;
  if (rag === null) {
    const after = RAG_AFTER.exec(s.slice(found.length));
    if (after) rag = ragOf(after[1], after[2], after[3]);
  }
  return { status: found.rule.status, rag };
}

// --------------------------------------------------------------------------------------------

/** Length of a bare status or colour phrase starting at `pos` of `folded`, 0 if none. */
function phraseAt(folded: string, pos: number): number {
  const rest = folded.slice(pos);
  const status = leadingStatus(rest);
  if (status) return status.length;
  const rag = RAG_PHRASE.exec(rest);
  return rag ? rag[0].length : 0;
}

const ITEM_TRIM = /[\s,;/]+$/;

/**
 * Splits a cell holding one status per sub-row ("Complete Complete Complete", "Complete In
 * progress") into its statuses. A status with commentary stays one item. A new item starts where
 * a status word follows a bare status, starts a new line, or stands alone after a full stop
 * ("team meetings & 1:1s. Complete" → the commentary, then "Complete").
 */
export function splitStatuses(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed === "") return [];
  const folded = fold(trimmed);
  const words = [...folded.matchAll(/\S+/g)].map((m) => m.index);

  const starts: number[] = [];
  let itemStart = 0;
  /** Where the status phrase that opens the current item ends; -1 when the item is commentary. */
  let phraseEnd = -1;
  let lastWordEnd = 0;

  const open = (pos: number): void => {
    itemStart = pos;
    starts.push(pos);
    const len = phraseAt(folded, pos);
    phraseEnd = len > 0 ? pos + len : -1;
  };

  for (const pos of words) {
    if (starts.length === 0) {
      open(pos);
    } else if (pos >= (phraseEnd === -1 ? itemStart : phraseEnd) && pos > itemStart) {
      const len = phraseAt(folded, pos);
      if (len > 0) {
        const gap = folded.slice(lastWordEnd, pos);
        const itemSoFar = folded.slice(itemStart, lastWordEnd);
        const bareItem = phraseEnd !== -1 && /^[\s,;/&-]*$/.test(folded.slice(phraseEnd, pos));
        const newLine = gap.includes("\n");
        const afterStop = /[.;!?]\s*$/.test(itemSoFar);
        const rest = folded.slice(pos + len);
        const bareHere = /^\s*[.;]?\s*(?:\n|$)/.test(rest) || phraseAt(folded, pos + len + (rest.length - rest.trimStart().length)) > 0;
        if (bareItem || newLine || (afterStop && bareHere)) open(pos);
      }
    }
    const m = /\S+/y;
    m.lastIndex = pos;
    lastWordEnd = pos + (m.exec(folded)?.[0].length ?? 0);
  }

  return starts
    .map((start, i) => trimmed.slice(start, starts[i + 1] ?? trimmed.length).replace(ITEM_TRIM, "").trim())
    .filter((item) => item.length > 0);
}

/**
 * One status for a cell that holds several: all alike gives that one; any blocked gives blocked,
 * then any delayed gives delayed; cancelled parts are set aside; parts all not started or on hold
 * give on_hold; any other mix (some complete, some not) gives in_progress. Nulls are ignored.
 */
export function combineStatuses(statuses: (Status | null)[]): Status | null {
  const known = statuses.filter((s): s is Status => s !== null);
  if (known.length === 0) return null;
  const distinct = new Set(known);
  if (distinct.size === 1) return known[0]!;
  if (distinct.has("blocked")) return "blocked";
  if (distinct.has("delayed")) return "delayed";
  distinct.delete("cancelled");
  if (distinct.size === 1) return [...distinct][0]!;
  if ([...distinct].every((s) => s === "not_started" || s === "on_hold")) return "on_hold";
  return "in_progress";
}
