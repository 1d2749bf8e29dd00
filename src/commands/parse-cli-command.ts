import { parseArgs } from "node:util";
import type { PersonRef } from "./command.js";
import { Command } from "./command.js";
import { assignments, dateWord, parseWords, type Parsed } from "./parse-command-words.js";

/** Terminal options every command understands: --json prints the result's data for scripts. */
export interface CliOptions {
  json: boolean;
}

const FLAGS = {
  plan: { type: "string" },
  theme: { type: "string" },
  platform: { type: "string" },
  address: { type: "string" },
  locale: { type: "string" },
  name: { type: "string" },
  email: { type: "string" },
  person: { type: "string" },
  to: { type: "string" },
  until: { type: "string" },
  remove: { type: "boolean" },
  failed: { type: "boolean" },
  viewer: { type: "boolean" },
  archived: { type: "boolean" },
  off: { type: "boolean" },
  json: { type: "boolean" },
} as const;

/** A name typed at the terminal: an email is an email, anything else a name an admin gave. */
function named(text: string, email?: string): PersonRef {
  if (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text)) return { by: "email", email: text.toLowerCase() };
  return { by: "name", name: text, ...(email ? { email: email.trim().toLowerCase() } : {}) };
}

/**
 * `npx chaser WORDS…` as one typed Command: the same words as in chat (so help and examples are
 * the same), plus the terminal's --flags for what chat knows from where it is typed (--platform
 * and --address of a channel) and the flag forms scripts already use.
 */
export function parseCliCommand(argv: string[]): { parsed: Parsed; options: CliOptions } {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: FLAGS, strict: true }));
  } catch (error) {
    const word = argv[0] ?? "";
    return { parsed: { kind: "bad", code: "commands.bad_flag", topic: null, params: { problem: (error as Error).message, command: word } }, options: { json: false } };
  }
  const options = { json: Boolean(values.json) };
  const flag = (k: string) => (typeof values[k] === "string" ? (values[k] as string) : undefined);
  const [word, ...rest] = positionals;
  const checked = (command: unknown): Parsed => {
    const ok = Command.safeParse(command);
    return ok.success ? { kind: "command", command: ok.data } : { kind: "bad", code: "commands.bad_value", topic: null, params: { problems: ok.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") } };
  };
  const channel = () =>
    flag("platform") || flag("address") ? { platform: flag("platform"), address: flag("address"), ...(flag("name") ? { name: flag("name") } : {}), ...(flag("locale") ? { locale: flag("locale") } : {}) } : null;
  const plan = flag("plan");
  switch (word) {
    case "settings": {
      if (rest.length === 0) return { parsed: checked({ kind: "schedule.show", plan: plan ?? null }), options };
      const changes = assignments(rest);
      if (!changes) return { parsed: { kind: "bad", code: "commands.bad_setting", topic: "schedule" }, options };
      return { parsed: checked({ kind: "schedule.set", plan: plan ?? null, changes }), options };
    }
    case "pause":
    case "resume":
      if (plan) return { parsed: checked({ kind: word === "pause" ? "plans.pause" : "plans.resume", plan }), options };
      break;
    case "subscribe":
    case "unsubscribe":
      if (plan || channel()) {
        if (!plan) return { parsed: { kind: "bad", code: "commands.missing", topic: word }, options };
        const where = channel();
        if (!where?.platform || !where.address) return { parsed: { kind: "bad", code: "commands.channel_needed", topic: word }, options };
        return { parsed: checked(word === "subscribe" ? { kind: "digests.subscribe", plan, theme: flag("theme") ?? null, channel: where } : { kind: "digests.unsubscribe", plan, channel: where }), options };
      }
      break;
    case "outbox":
      return { parsed: checked({ kind: "status.failed", pending: !values.failed }), options };
    case "map-role":
      if (rest.length !== 1 || !flag("person")) return { parsed: { kind: "bad", code: "commands.missing", topic: "owner" }, options };
      return { parsed: checked({ kind: "owners.map", role: rest[0], person: named(flag("person")!, flag("email")) }), options };
    case "admin":
      if (rest.length === 1) {
        return { parsed: checked({ kind: "admins.grant", person: named(rest[0]!, flag("email")), plan: plan ?? null, viewer: Boolean(values.viewer) }), options };
      }
      break;
    case "delegate": {
      if (rest.length !== 1 || !flag("to")) return { parsed: { kind: "bad", code: "commands.missing", topic: "cover" }, options };
      const until = flag("until") ? dateWord(flag("until")!) : null;
      if (flag("until") && !until) return { parsed: { kind: "bad", code: "commands.bad_date", topic: "cover", params: { date: flag("until")! } }, options };
      return { parsed: checked({ kind: "owners.cover", person: named(rest[0]!), cover: named(flag("to")!), until, remove: Boolean(values.remove) }), options };
    }
    case "milestone":
      // The flag form scripts use: milestone --plan SLUG REF --off.
      if (values.off) positionals.push("off");
      break;
    case "plans":
      if (values.archived) return { parsed: checked({ kind: "plans.list", archived: true }), options };
      break;
  }
  // The terminal's words are chat's words: quoting in the shell keeps a name with spaces whole.
  const parsed = parseWords(positionals, { platform: null });
  // The terminal is nobody's own chat: its language command names whose.
  if (parsed.kind === "command" && parsed.command.kind === "people.language" && !parsed.command.person) return { parsed: { kind: "bad", code: "commands.missing", topic: "language" }, options };
  // --plan fills the plan a command's words left out ("status overdue --plan slug").
  if (plan && parsed.kind === "command" && "plan" in parsed.command && parsed.command.plan === null) return { parsed: { kind: "command", command: { ...parsed.command, plan } as typeof parsed.command }, options };
  return { parsed, options };
}
