import type { Locale } from "../i18n.js";
import { Command, type PersonRef, type Topic } from "./command.js";

export type Parsed =
  | { kind: "command"; command: Command }
  /** A command word, but the rest does not fit: answered with the usage and an example. */
  | { kind: "bad"; code: string; topic: Topic | null; params?: Record<string, string> }
  /** Not a command (an officer's answer, perhaps). */
  | { kind: "none" };

/** Where the words came from: a mention is a platform id on the platform it was typed on. */
export interface WordsContext {
  platform: "teams" | "slack" | "web" | null;
}

/** The command words, English and Welsh, matched whole and ignoring case. */
const WORDS: Record<string, string> = {
  plans: "plans", cynlluniau: "plans",
  pause: "pause", oedi: "pause",
  resume: "resume", ailddechrau: "resume",
  archive: "archive", archifo: "archive",
  unarchive: "unarchive", dadarchifo: "unarchive",
  export: "export", allforio: "export",
  owner: "owner", perchennog: "owner", map: "owner", cysylltu: "owner",
  unmapped: "unmapped", "heb-berchennog": "unmapped",
  assign: "assign", neilltuo: "assign",
  milestone: "milestone", "carreg-filltir": "milestone",
  cover: "cover", cyflenwi: "cover",
  handover: "handover", trosglwyddo: "handover",
  language: "language", iaith: "language",
  admin: "admin", gweinyddwr: "admin",
  subscribe: "subscribe", tanysgrifio: "subscribe",
  unsubscribe: "unsubscribe", "dad-danysgrifio": "unsubscribe",
  digest: "digest", crynodeb: "digest",
  schedule: "schedule", amserlen: "schedule",
  status: "status", statws: "status",
  commands: "commands", gorchmynion: "commands",
  help: "help", cymorth: "help",
};
const TO = new Set(["to", "i", "â"]);
const BY = new Set(["by", "gan"]);
const UNTIL = new Set(["until", "tan"]);
const THEME = new Set(["theme", "thema"]);
/**
 * Chaser's languages as people name them, in either language: "Welsh", "Cymraeg" (and its soft
 * mutation "Gymraeg", as in "iaith i Gymraeg"), "cy"; "English", "Saesneg", "en".
 */
const LANGUAGES: Record<string, Locale> = { cy: "cy", "cy-gb": "cy", welsh: "cy", cymraeg: "cy", gymraeg: "cy", en: "en-GB", "en-gb": "en-GB", english: "en-GB", saesneg: "en-GB" };
const END = new Set(["end", "off", "remove", "diwedd", "dileu"]);
const VIEWER = new Set(["viewer", "gwyliwr"]);
const ARCHIVED = new Set(["archived", "archifwyd", "all", "y-cyfan"]);
const SEND = new Set(["send", "anfon"]);
const PREVIEW = new Set(["preview", "rhagolwg"]);
const OVERDUE = new Set(["overdue", "hwyr"]);
const UNANSWERED = new Set(["unanswered", "heb-ateb"]);
const FAILED = new Set(["failed", "methu", "undelivered"]);
const EXPORT_FORMATS = new Set(["xlsx", "docx", "csv"]);

/**
 * Splits words as people type them: "double quotes" (straight or curly) keep a name with spaces
 * whole, and a mention as platforms write it (<@U123|Sam Jones>) is one word.
 */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const pattern = /<[^>]*>|"([^"]*)"|“([^”]*)”|'([^']*)'(?=\s|$)|\S+/g;
  for (const m of text.matchAll(pattern)) tokens.push(m[1] ?? m[2] ?? m[3] ?? m[0]);
  return tokens.filter((tk) => tk.length > 0);
}

/** Whether a word starts a command: such words are the commands' own, in English or Welsh. */
export function commandWord(word: string | undefined): string | null {
  return word ? (WORDS[word.toLowerCase()] ?? null) : null;
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

/** A person named by one word: an @mention (platform id) or an email; else null. */
export function personWord(word: string, ctx: WordsContext): PersonRef | null {
  const mailto = /^<mailto:([^|>]+)(?:\|[^>]*)?>$/i.exec(word);
  if (mailto) return { by: "email", email: mailto[1]!.toLowerCase() };
  if (EMAIL.test(word)) return { by: "email", email: word.toLowerCase() };
  const mention = /^<@([^|>]+)(?:\|([^>]*))?>$/.exec(word);
  if (mention && ctx.platform) return { by: "platform", platform: ctx.platform, userId: mention[1]!.trim(), name: mention[2]?.trim() || null };
  if (ctx.platform === "web" && /^@\S+$/.test(word)) return { by: "platform", platform: "web", userId: word.slice(1) };
  return null;
}

/** A person as one word, or (quoted, or from the terminal) a name an admin gave. */
function personOf(word: string | undefined, ctx: WordsContext): PersonRef | null {
  if (!word) return null;
  return personWord(word, ctx) ?? (/^[<@]/.test(word) ? null : { by: "name", name: word });
}

/** "2026-12-24" or "24/12/2026" as an ISO date, or null when it is no real date. */
export function dateWord(word: string): string | null {
  const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(word);
  const iso = uk ? `${uk[3]}-${uk[2]!.padStart(2, "0")}-${uk[1]!.padStart(2, "0")}` : word;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return null;
  const d = new Date(`${iso}T12:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso ? iso : null;
}

/** "key=value" pairs as typed; values are JSON where they parse (numbers, true), lists split on commas. */
export function assignments(words: string[]): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  for (const pair of words) {
    const at = pair.indexOf("=");
    if (at < 1) return null;
    const raw = pair.slice(at + 1);
    try {
      out[pair.slice(0, at)] = JSON.parse(raw);
    } catch {
      out[pair.slice(0, at)] = raw.includes(",") ? raw.split(",").map((s) => s.trim()) : raw;
    }
  }
  return out;
}

const bad = (topic: Topic | null, code = "commands.missing", params?: Record<string, string>): Parsed => ({ kind: "bad", code, topic, ...(params ? { params } : {}) });

/** The words of a command (as typed in chat, or the terminal's arguments) as one typed Command. */
export function parseWords(typed: string[], ctx: WordsContext): Parsed {
  // Welsh's "carreg filltir" (milestone) is two words.
  const words = typed[0]?.toLowerCase() === "carreg" && typed[1]?.toLowerCase() === "filltir" ? ["carreg-filltir", ...typed.slice(2)] : typed;
  const [first, ...rest] = words;
  const word = commandWord(first);
  if (!word) return { kind: "none" };
  const joined = (ws: string[]) => ws.join(" ").trim() || null;
  const lower = rest.map((w) => w.toLowerCase());
  const built = build(word, rest, lower, joined, ctx);
  if (built.kind !== "command") return built;
  const checked = Command.safeParse(built.command);
  if (checked.success) return { kind: "command", command: checked.data };
  return bad(topicOfWord(word), "commands.bad_value", { problems: checked.error.issues.map((i) => i.path.join(".")).join(", ") });
}

function topicOfWord(word: string): Topic | null {
  if (word === "unarchive") return "archive";
  if (word === "commands" || word === "help") return null;
  return word as Topic;
}

function build(word: string, rest: string[], lower: string[], joined: (ws: string[]) => string | null, ctx: WordsContext): Parsed {
  const cmd = (command: unknown): Parsed => ({ kind: "command", command: command as Command });
  switch (word) {
    case "commands":
      return cmd({ kind: "help", topic: null });
    case "help":
      // "help" alone is the officer's help; "help owner" explains a command.
      if (rest.length !== 1) return { kind: "none" };
      return cmd({ kind: "help", topic: (commandWord(lower[0]) && topicOfWord(commandWord(lower[0])!)) || lower[0] });
    case "plans":
      if (rest.length > 1 || (rest.length === 1 && !ARCHIVED.has(lower[0]!))) return bad("plans", "commands.too_many");
      return cmd({ kind: "plans.list", archived: rest.length === 1 });
    case "pause":
    case "resume":
      return cmd({ kind: word === "pause" ? "plans.pause" : "plans.resume", plan: joined(rest) });
    case "archive":
    case "unarchive":
      if (rest.length === 0) return bad("archive");
      return cmd({ kind: "plans.archive", plan: joined(rest), undo: word === "unarchive" });
    case "export": {
      // export PLAN [xlsx|docx|csv]: the format, when given, is the last word.
      if (rest.length === 0) return bad("export");
      const format = EXPORT_FORMATS.has(lower.at(-1)!) ? lower.at(-1)! : null;
      const planWords = format ? rest.slice(0, -1) : rest;
      if (planWords.length === 0) return bad("export");
      return cmd({ kind: "plans.export", plan: joined(planWords), ...(format ? { format } : {}) });
    }
    case "owner": {
      // owner ROLE PERSON; the person is the last word (an @mention or email), or a second quoted name.
      if (rest.length < 2) return bad("owner");
      const words = TO.has(lower.at(-2)!) ? [...rest.slice(0, -2), rest.at(-1)!] : rest;
      const last = personWord(words.at(-1)!, ctx);
      if (last) return cmd({ kind: "owners.map", role: joined(words.slice(0, -1)), person: last });
      if (words.length === 2) return cmd({ kind: "owners.map", role: words[0], person: personOf(words[1], ctx) ?? { by: "name", name: words[1] } });
      return bad("owner", "commands.person_needed");
    }
    case "unmapped":
      return cmd({ kind: "owners.unmapped", plan: joined(rest) });
    case "milestone": {
      // milestone [PLAN] REF [off]; Welsh "carreg filltir [CYNLLUN] CYF [i ffwrdd]"
      const end = lower.at(-2) === "i" && lower.at(-1) === "ffwrdd" ? rest.length - 2 : END.has(lower.at(-1) ?? "") ? rest.length - 1 : rest.length;
      const named = rest.slice(0, end);
      if (named.length === 0) return bad("milestone");
      return cmd({ kind: "actions.milestone", plan: joined(named.slice(0, -1)), ref: named.at(-1), on: end === rest.length });
    }
    case "assign": {
      // assign PLAN REF to ROLE
      const to = lower.findIndex((w) => TO.has(w));
      if (to < 2 || to === rest.length - 1) return bad("assign");
      return cmd({ kind: "owners.assign", plan: joined(rest.slice(0, to - 1)), action: rest[to - 1], role: joined(rest.slice(to + 1)) });
    }
    case "cover": {
      // cover PERSON by PERSON [until DATE | end]
      const by = lower.findIndex((w) => BY.has(w));
      if (by !== 1 || rest.length < 3) return bad("cover");
      const person = personOf(rest[0], ctx);
      const cover = personOf(rest[2], ctx);
      if (!person || !cover) return bad("cover", "commands.person_needed");
      const tail = lower.slice(3);
      if (tail.length === 0) return cmd({ kind: "owners.cover", person, cover, until: null, remove: false });
      if (tail.length === 1 && END.has(tail[0]!)) return cmd({ kind: "owners.cover", person, cover, until: null, remove: true });
      if (tail.length === 2 && UNTIL.has(tail[0]!)) {
        const until = dateWord(tail[1]!);
        if (!until) return bad("cover", "commands.bad_date", { date: rest[4]! });
        return cmd({ kind: "owners.cover", person, cover, until, remove: false });
      }
      return bad("cover", "commands.too_many");
    }
    case "handover": {
      if (rest.length !== 3 || !TO.has(lower[1]!)) return bad("handover");
      const from = personOf(rest[0], ctx);
      const to = personOf(rest[2], ctx);
      if (!from || !to) return bad("handover", "commands.person_needed");
      return cmd({ kind: "owners.handover", from, to });
    }
    case "language": {
      // language [to] LANGUAGE: the speaker's own. language PERSON [to] LANGUAGE: an admin's choice
      // for someone (the terminal's only form). "Language welsh." is said as a sentence.
      const words = lower.map((w, i) => (i === lower.length - 1 ? w.replace(/[.!]+$/, "") : w)).filter(Boolean);
      const who = words[0] && !TO.has(words[0]) && !LANGUAGES[words[0]] ? rest[0]! : null;
      const person = who ? (personWord(who, ctx) ?? (ctx.platform === null && words.length > 1 ? { by: "name" as const, name: who } : null)) : null;
      if (who && !person && words.length > 1) return bad("language", "commands.person_needed");
      const after = person ? words.slice(1) : words;
      const said = TO.has(after[0] ?? "") ? after.slice(1) : after;
      if (said.length > 1) return bad("language", "commands.too_many");
      const locale = said[0] ? (LANGUAGES[said[0]] ?? null) : null;
      // Naming someone needs a language Chaser speaks; for oneself, none (or one it does not speak,
      // "iaith Klingon") is answered with the one in use, which says how to choose.
      if (person && !locale) return said[0] ? bad("language", "commands.unknown_language", { language: said[0] }) : bad("language");
      return cmd({ kind: "people.language", person, locale });
    }
    case "admin": {
      // admin PERSON [PLAN] [viewer]
      if (rest.length === 0) return bad("admin");
      const person = personOf(rest[0], ctx);
      if (!person) return bad("admin", "commands.person_needed");
      const viewer = VIEWER.has(lower.at(-1)!) && rest.length > 1;
      return cmd({ kind: "admins.grant", person, plan: joined(rest.slice(1, viewer ? -1 : undefined)), viewer });
    }
    case "subscribe": {
      // A language last names the digest's ("subscribe PLAN cy", "tanysgrifio CYNLLUN Cymraeg").
      const locale = rest.length > 1 ? (LANGUAGES[lower.at(-1)!] ?? null) : null;
      const words = locale ? rest.slice(0, -1) : rest;
      const at = lower.slice(0, words.length).findIndex((w) => THEME.has(w));
      const plan = joined(at < 0 ? words : words.slice(0, at));
      if (!plan || (at >= 0 && at === words.length - 1)) return bad("subscribe");
      return cmd({ kind: "digests.subscribe", plan, theme: at < 0 ? null : joined(words.slice(at + 1)), channel: null, ...(locale ? { locale } : {}) });
    }
    case "unsubscribe":
      if (rest.length === 0) return bad("unsubscribe");
      return cmd({ kind: "digests.unsubscribe", plan: joined(rest), channel: null });
    case "digest": {
      const sub = lower[0];
      if (!sub || rest.length < 2 || !(SEND.has(sub) || PREVIEW.has(sub))) return bad("digest");
      if (SEND.has(sub)) return cmd({ kind: "digests.send", plan: joined(rest.slice(1)) });
      const at = lower.findIndex((w) => THEME.has(w));
      return cmd({ kind: "digests.preview", plan: joined(at < 0 ? rest.slice(1) : rest.slice(1, at)), theme: at < 0 ? null : joined(rest.slice(at + 1)) });
    }
    case "schedule": {
      const at = rest.findIndex((w) => w.includes("="));
      const plan = joined(at < 0 ? rest : rest.slice(0, at));
      if (at < 0) return cmd({ kind: "schedule.show", plan });
      const changes = assignments(rest.slice(at));
      if (!changes) return bad("schedule", "commands.bad_setting");
      return cmd({ kind: "schedule.set", plan, changes });
    }
    case "status": {
      const sub = lower[0];
      const plan = joined(rest.slice(1));
      if (sub && OVERDUE.has(sub)) return cmd({ kind: "status.overdue", plan });
      if (sub && UNANSWERED.has(sub)) return cmd({ kind: "status.unanswered", plan });
      if (sub && FAILED.has(sub) && !plan) return cmd({ kind: "status.failed", pending: false });
      return bad("status");
    }
  }
  return { kind: "none" };
}
