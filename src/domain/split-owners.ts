import type { ParsedRole } from "../import/parsed-plan.js";

/**
 * Owner cells as plans write them, split into owner units: roles ("Monitoring Officer"), teams
 * ("Procurement"), acronyms ("CDAI") and people ("Allister Bannin"). A cell can hold several owners
 * (one per sub-row, or a list); each comes back once, in order.
 *
 * Two kinds of definition are recognised and returned as roles:
 * - a title followed by an acronym made from its initials:
 *   "Corporate Director, Commercial Development, Asset and Investment CDAI" → CDAI;
 * - a person's name followed by a comma and a title:
 *   "Allister Bannin, Director of Finance (Deputy S151 Officer)" → Allister Bannin.
 *
 * Teams that PDF extraction ran together ("Transformation Team Procurement Commissioning",
 * "PolicyCommissioning") are split with a lexicon of units the same file names on their own
 * (see buildOwnerLexicon). Pure: no I/O.
 */
export interface SplitOwners {
  owners: string[];
  roles: ParsedRole[];
}

// --------------------------------------------------------------------------------------------
// Word lists (lower case)

/** Words that make a phrase a person's role or a body that can own an action on its own. */
const ROLE_WORDS = new Set([
  "director", "directors", "officer", "officers", "head", "heads", "manager", "managers", "executive",
  "executives", "chief", "lead", "leads", "leader", "leaders", "member", "members", "holder", "holders",
  "mayor", "councillor", "councillors", "cllr", "partner", "partners", "clerk", "secretary", "treasurer",
  "auditor", "auditors", "controller", "coordinator", "co-ordinator", "adviser", "advisor", "consultant",
  "solicitor", "commissioner", "chair", "chairman", "chairperson", "team", "teams", "board", "group",
  "panel", "committee", "leadership", "cedr", "clt", "slt", "elt", "cmt",
]);

/** Words that name a service or subject, never part of a person's name. */
const ORG_WORDS = new Set([
  "finance", "financial", "resources", "policy", "procurement", "commissioning", "transformation",
  "commercial", "development", "asset", "assets", "investment", "investments", "housing", "planning",
  "legal", "audit", "risk", "governance", "performance", "strategy", "strategic", "communications",
  "digital", "technology", "people", "property", "estates", "education", "health", "care", "social",
  "adult", "adults", "children", "children's", "families", "community", "communities", "public",
  "business", "customer", "customers", "service", "services", "democratic", "democracy", "regeneration",
  "environment", "economy", "economic", "growth", "culture", "leisure", "highways", "transport", "waste",
  "revenues", "benefits", "contract", "contracts", "management", "human", "organisational", "operations",
  "change", "improvement", "programme", "project", "projects", "quality", "safeguarding", "place",
  "neighbourhoods", "infrastructure", "council", "county", "city", "district", "borough", "corporate",
  "support", "information", "data", "insight", "workforce", "payroll", "pensions", "treasury", "capital",
  "accounts", "internal", "external", "scrutiny", "elections", "licensing", "regulatory", "partnerships",
  "equalities", "monitoring", "deputy", "assistant", "interim", "acting", "senior", "principal",
  "section", "unit", "department", "directorate", "office", "hub", "function", "division", "risk",
  "learning", "skills", "training", "protection", "safety", "emergency", "resilience", "facilities",
]);

/** Nouns that never own an action alone; a run of them belongs to the unit beside it. */
const GENERIC = new Set([
  "team", "teams", "officer", "officers", "manager", "managers", "lead", "leads", "leader", "director",
  "directors", "head", "unit", "group", "board", "service", "services", "department", "directorate",
  "panel", "committee", "section", "division", "function", "hub", "office", "staff",
]);

/** Lower-case words after which a title continues ("Head of Procurement"). */
const CONNECTORS = new Set(["of", "for", "the", "to", "and", "&", "with", "in", "on", "at", "de", "la", "van", "von", "der"]);

/** Words that qualify the role after them ("Assistant Chief Executive", "Deputy Monitoring Officer"). */
const MODIFIERS = new Set([
  "assistant", "deputy", "interim", "acting", "associate", "senior", "principal", "joint", "executive",
  "corporate", "strategic",
]);

/** Statutory and common council roles, known without a lexicon. */
const BUILTIN_ROLES = [
  "Monitoring Officer",
  "Chief Executive",
  "Chief Finance Officer",
  "Section 151 Officer",
  "S151 Officer",
  "Head of Paid Service",
  "Chief Operating Officer",
];

const HONORIFICS = new Set(["dr", "mr", "mrs", "ms", "miss", "mx", "cllr", "prof", "sir", "dame"]);

// --------------------------------------------------------------------------------------------
// Text helpers

function bare(word: string): string {
  return word.toLowerCase().replace(/^[^\p{L}\p{N}&]+|[^\p{L}\p{N}&']+$/gu, "");
}

function words(text: string): string[] {
  return text.split(/\s+/).filter((w) => w.length > 0);
}

function key(ws: string[]): string {
  return ws.map(bare).join(" ");
}

/** "PolicyCommissioning" → "Policy Commissioning"; leaves "McDonald", "MacLeod", "eEvaluation". */
function splitCamel(text: string): string {
  let out = text;
  for (let prev = ""; prev !== out; ) {
    prev = out;
    out = out.replace(/(?<![\p{L}'’])([A-Z][a-z]{3,})([A-Z][a-z]{2,})/gu, "$1 $2");
  }
  return out;
}

const ACRONYM = /^[A-Z]{2,8}$/;
const NAME_WORD = /^(?:Mc|Mac|O['’])?[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)*$/;

/** Parenthesised text is held aside as a placeholder so separators inside it do not split. */
interface Masked {
  text: string;
  restore: (s: string) => string;
  inner: (word: string) => string | null;
}

const OPEN = "\u0001";
const CLOSE = "\u0002";

function maskParens(text: string): Masked {
  const saved: string[] = [];
  let out = "";
  let depth = 0;
  let current = "";
  for (const c of text) {
    if (c === "(") {
      depth++;
      current += c;
    } else if (c === ")" && depth > 0) {
      depth--;
      current += c;
      if (depth === 0) {
        out += `${OPEN}${saved.length}${CLOSE}`;
        saved.push(current);
        current = "";
      }
    } else if (depth > 0) {
      current += c;
    } else {
      out += c;
    }
  }
  out += current; // an unclosed parenthesis stays as written
  const re = new RegExp(`${OPEN}(\\d+)${CLOSE}`, "g");
  const restore = (s: string): string => s.replace(re, (_, i: string) => saved[Number(i)] ?? "");
  const inner = (word: string): string | null => {
    const m = new RegExp(`^${OPEN}(\\d+)${CLOSE}$`).exec(word);
    return m ? (saved[Number(m[1])] ?? "").slice(1, -1).trim() : null;
  };
  return { text: out, restore, inner };
}

function isMasked(word: string): boolean {
  return word.includes(OPEN);
}

function hasRoleWord(text: string): boolean {
  return words(text).some((w) => ROLE_WORDS.has(bare(w)));
}

function isCapitalised(word: string): boolean {
  return /^[\p{Lu}\p{N}]/u.test(word);
}

/**
 * `text` less the characters `drop` matches at its end. Scanned back from the end: a `[…]+$` regex
 * retries from every character of each run of them, which is quadratic in a long cell.
 */
function trimEndWhere(text: string, drop: RegExp): string {
  let end = text.length;
  while (end > 0 && drop.test(text[end - 1]!)) end--;
  return text.slice(0, end);
}

/** `text` less trailing ",", spaces, "and", "with" and "&"; linear, unlike the nested regex it replaces. */
function dropTrailingSeparators(text: string): string {
  let out = text;
  for (;;) {
    out = trimEndWhere(out, /[\s,]/);
    const joiner = /\s(?:and|with|&)$/i.exec(out.slice(-5));
    if (!joiner) return out;
    out = out.slice(0, out.length - joiner[0].length + 1);
  }
}

// --------------------------------------------------------------------------------------------
// Lexicon matching

interface Index {
  entries: Set<string>;
  longest: number;
}

function indexOf(lexicon: Iterable<string>): Index {
  const entries = new Set<string>();
  let longest = 0;
  for (const entry of [...lexicon, ...BUILTIN_ROLES]) {
    const ws = words(splitCamel(entry));
    if (ws.length === 0) continue;
    entries.add(key(ws));
    longest = Math.max(longest, ws.length);
  }
  return { entries, longest };
}

/** Whether a new unit may start at `next` after `prev`. */
function canBreak(prev: string, next: string): boolean {
  if (isMasked(next) || !isCapitalised(next)) return false;
  const p = bare(prev);
  return !CONNECTORS.has(p) && !MODIFIERS.has(p) && !/[-&]$/.test(prev);
}

/** "CDAI CDAI" → "CDAI"; "Monitoring Officer Monitoring Officer" → "Monitoring Officer". */
function collapseRepeats(ws: string[]): string[] {
  for (let size = 1; size <= ws.length / 2; size++) {
    if (ws.length % size !== 0) continue;
    const first = key(ws.slice(0, size));
    let all = true;
    for (let i = size; i < ws.length && all; i += size) all = key(ws.slice(i, i + size)) === first;
    if (all) return ws.slice(0, size);
  }
  return ws;
}

/**
 * Splits a run of words into units: lexicon entries where they start at a word boundary, and
 * runs of other words kept together. Stray single letters are dropped.
 */
function segment(text: string, index: Index): string[] {
  const ws = words(text);
  const units: string[][] = [];
  let run: string[] = [];
  const flush = (): void => {
    if (run.length > 0) units.push(collapseRepeats(run));
    run = [];
  };
  for (let i = 0; i < ws.length; ) {
    if (i === 0 || canBreak(ws[i - 1]!, ws[i]!)) {
      let matched = 0;
      for (let len = Math.min(index.longest, ws.length - i); len >= 1 && matched === 0; len--) {
        const end = i + len;
        if (index.entries.has(key(ws.slice(i, end))) && (end === ws.length || canBreak(ws[end - 1]!, ws[end]!))) {
          matched = len;
        }
      }
      if (matched > 0) {
        flush();
        units.push(ws.slice(i, i + matched));
        i += matched;
        continue;
      }
    }
    run.push(ws[i]!);
    i++;
  }
  flush();

  // A lone "Team" or "Officer" belongs to the unit before it (or after it, when first).
  const merged: string[][] = [];
  let pending: string[] = [];
  for (const unit of units) {
    if (unit.every((w) => GENERIC.has(bare(w)))) {
      const last = merged[merged.length - 1];
      if (last) last.push(...unit);
      else pending.push(...unit);
      continue;
    }
    merged.push([...pending, ...unit]);
    pending = [];
  }
  if (pending.length > 0) merged.push(pending);

  return merged
    .map((u) => trimEndWhere(u.join(" ").replace(/^[\s,.:;-]+/, ""), /[\s,.:;-]/))
    .filter((u) => u.length > 1 || /\d/.test(u));
}

// --------------------------------------------------------------------------------------------
// Cell structure

const SOFT_SEPARATOR = /(\s*,\s*|\s+(?:and|with)\s+|\s*&\s*)/i;

/**
 * Splits on ",", "and", "&", "with", keeping a title together where the words after the
 * separator only continue it ("Director of Children, Families and Education",
 * "Corporate Director, Commercial Development").
 */
function softSplit(piece: string, index: Index): string[] {
  const bits = piece.split(SOFT_SEPARATOR);
  const parts: string[] = [];
  let acc = bits[0] ?? "";
  let listTitle = /\s(?:of|for)\s/i.test(acc);
  for (let i = 1; i + 1 < bits.length; i += 2) {
    const sep = bits[i]!;
    const part = bits[i + 1]!;
    const isComma = sep.trim() === ",";
    const partWords = words(part);
    const standalone =
      hasRoleWord(part) ||
      partWords.some((w) => ACRONYM.test(w)) ||
      index.entries.has(key(partWords)) ||
      looksLikeName(part, index);
    const continues =
      partWords.length > 0 &&
      partWords.length <= 3 &&
      !standalone &&
      (listTitle || (isComma && hasRoleWord(acc)));
    if (continues) {
      acc += sep + part;
      listTitle = true;
    } else {
      parts.push(acc);
      acc = part;
      listTitle = /\s(?:of|for)\s/i.test(acc);
    }
  }
  parts.push(acc);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

/** Two or three capitalised words with no role or service words: "Stephen Lawrence-Orumwense". */
function looksLikeName(text: string, index: Index): boolean {
  let ws = words(text);
  if (ws.length > 0 && HONORIFICS.has(bare(ws[0]!))) ws = ws.slice(1);
  if (ws.length < 2 || ws.length > 3) return false;
  if (index.entries.has(key(ws))) return false;
  return ws.every((w) => NAME_WORD.test(w) && !ROLE_WORDS.has(bare(w)) && !ORG_WORDS.has(bare(w)) && !GENERIC.has(bare(w)) && !index.entries.has(bare(w)));
}

/** Letters of `acronym` appear, in order, among `initials`, the first at the start. */
function isAcronymOf(acronym: string, initials: string[]): boolean {
  if (initials[0] !== acronym[0]) return false;
  let j = 0;
  for (const c of initials) if (c === acronym[j]) j++;
  return j === acronym.length;
}

interface Token {
  text: string;
  start: number;
  end: number;
}

function tokens(text: string): Token[] {
  return [...text.matchAll(/\S+/g)].map((m) => ({ text: m[0], start: m.index, end: m.index + m[0].length }));
}

/** Words a title is made of at most: longer is prose, not a definition, and the search stays linear. */
const MAX_TITLE_WORDS = 16;

class Splitter {
  readonly owners: string[] = [];
  readonly roles = new Map<string, string[]>();
  private readonly seen = new Set<string>();

  constructor(
    private readonly index: Index,
    private readonly masked: Masked,
  ) {}

  addOwner(unit: string): void {
    const text = this.masked.restore(unit).replace(/\s+/g, " ").trim();
    if (text.length === 0) return;
    const k = text.toLowerCase();
    if (this.seen.has(k)) return;
    this.seen.add(k);
    this.owners.push(text);
  }

  addRole(name: string, alias: string): void {
    const a = trimEndWhere(this.masked.restore(alias).replace(/\s+/g, " "), /[\s,]/).trim();
    const n = this.masked.restore(name).trim();
    if (!a || a.toLowerCase() === n.toLowerCase()) return;
    const aliases = this.roles.get(n) ?? [];
    if (!aliases.some((x) => x.toLowerCase() === a.toLowerCase())) aliases.push(a);
    this.roles.set(n, aliases);
  }

  piece(piece: string): void {
    // What follows a definition is read as a piece of its own, in this loop rather than by recursion,
    // which a cell of thousands of definitions would take past the stack's depth.
    for (let rest: string | null = piece; rest !== null; ) {
      const text = trimEndWhere(rest.trim().replace(/^[-*·\s]+/, ""), /[\s,.;:]/);
      if (text === "") return;
      if (this.personWithTitle(text)) return;
      rest = this.acronymDefinition(text);
      if (rest === null) {
        for (const part of softSplit(text, this.index)) {
          for (const unit of segment(part, this.index)) this.addOwner(unit);
        }
        return;
      }
    }
  }

  /** "Allister Bannin, Director of Finance (Deputy S151 Officer)". */
  private personWithTitle(text: string): boolean {
    // A name is two or three words: only the start of a long cell is searched for its comma.
    const comma = text.slice(0, 200).indexOf(",");
    if (comma < 0) return false;
    const name = text.slice(0, comma).trim();
    const title = text.slice(comma + 1).trim();
    if (!looksLikeName(name, this.index) || !hasRoleWord(this.masked.restore(title))) return false;
    this.addOwner(name);
    this.addRole(name, title);
    return true;
  }

  /**
   * "Corporate Director, Commercial Development, Asset and Investment CDAI" defines CDAI. Reads the
   * first definition in `text`, and returns what follows it (to be read as a piece), or null when
   * `text` defines nothing. Words are taken one at a time up to the first definition, and a title is
   * looked for only in the MAX_TITLE_WORDS words before an acronym, so a long cell costs linear time.
   */
  private acronymDefinition(text: string): string | null {
    const toks: Token[] = [];
    for (const m of text.matchAll(/\S+/g)) {
      toks.push({ text: m[0], start: m.index, end: m.index + m[0].length });
      const k = toks.length - 1;
      if (k === 0) continue;
      const word = toks[k]!.text.replace(/[.,;:]+$/, "");
      const inParens = this.masked.inner(word);
      const acronym = inParens ?? word;
      if (!ACRONYM.test(acronym)) continue;
      for (let s = Math.max(0, k - MAX_TITLE_WORDS); s < k; s++) {
        const prev = s > 0 ? toks[s - 1]!.text : null;
        const startsPart = prev === null || prev.endsWith(",") || ["and", "&", "with"].includes(bare(prev));
        if (!startsPart) continue;
        const initials = toks
          .slice(s, k)
          .map((t) => t.text)
          .filter((w) => /^\p{Lu}/u.test(w) && !ACRONYM.test(w))
          .map((w) => w[0]!);
        if (initials.length < 2 || !isAcronymOf(acronym, initials)) continue;
        const prefix = dropTrailingSeparators(text.slice(0, toks[s]!.start));
        const alias = text.slice(toks[s]!.start, toks[k - 1]!.end);
        const suffix = text.slice(toks[k]!.end).replace(/^[\s,]+|^\s*(?:and|with|&)\s+/i, "");
        if (prefix.trim()) this.piece(prefix);
        this.addOwner(acronym);
        this.addRole(acronym, alias);
        return suffix;
      }
    }
    return null;
  }
}

/** Newlines, ";", "•", "|", " / ", and "A/B" between two words. */
function hardSplit(text: string): string[] {
  return text
    .replace(/(?<=\p{L}{3})\/(?=\p{Lu}\p{Ll}{2})/gu, " / ")
    .split(/\n|\r|\t|;|•|\||\s\/\s/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

/**
 * The owner units in one cell, and any roles the cell defines. `lexicon` (from
 * buildOwnerLexicon over the same file) lets run-together team names be split.
 */
export function splitOwners(cell: string, lexicon: ReadonlySet<string> = new Set()): SplitOwners {
  // A cell that defines an alias ("Name, Title", "Title ACRONYM") says who it means outright; the
  // lexicon, learnt from other cells, must not cut it up.
  const plain = split(cell, indexOf([]));
  if (plain.roles.length > 0 || lexicon.size === 0) return plain;
  return split(cell, indexOf(lexicon));
}

function split(cell: string, index: Index): SplitOwners {
  const masked = maskParens(cell);
  const splitter = new Splitter(index, masked);
  for (const piece of hardSplit(splitCamel(masked.text))) splitter.piece(piece);
  return {
    owners: splitter.owners,
    roles: [...splitter.roles].map(([name, aliases]) => ({ name, aliases })),
  };
}

/** Could `unit` be a lexicon entry: a short label of capitalised words, not just "Team". */
function labelLike(unit: string): boolean {
  const ws = words(unit);
  if (ws.length === 0 || ws.length > 6 || unit.length < 2) return false;
  if (/[()\d]/.test(unit) && !/^S151\b/.test(unit)) return false;
  if (!isCapitalised(ws[0]!)) return false;
  if (ws.every((w) => GENERIC.has(bare(w)))) return false;
  return ws.every((w) => isCapitalised(w) || CONNECTORS.has(bare(w)));
}

/**
 * Units that some cell of a file names on its own ("Procurement", "• Commissioning"), minus those
 * that are themselves several such units run together ("Commissioning Procurement"). Feed it every
 * owner cell of one file, then pass it to splitOwners for each of them.
 */
export function buildOwnerLexicon(cells: string[]): Set<string> {
  const candidates = new Map<string, string>();
  const none = indexOf([]);
  for (const cell of cells) {
    const { owners } = split(cell, none);
    if (owners.length !== 1) continue;
    const unit = owners[0]!;
    const k = key(words(unit));
    if (labelLike(unit) && !candidates.has(k)) candidates.set(k, unit);
  }
  const byLength = [...candidates.values()].sort((a, b) => words(a).length - words(b).length);
  const kept: string[] = [];
  for (const unit of byLength) {
    const parts = segment(unit, indexOf(kept));
    if (parts.length === 1 && key(words(parts[0]!)) === key(words(unit))) kept.push(unit);
  }
  // First-seen order, for stable output.
  const keptKeys = new Set(kept.map((u) => key(words(u))));
  return new Set([...candidates].filter(([k]) => keptKeys.has(k)).map(([, unit]) => unit));
}
