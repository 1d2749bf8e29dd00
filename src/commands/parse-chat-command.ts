import type { Platform } from "../conversation/chat-user.js";
import { parseWords, tokenize, type Parsed } from "./parse-command-words.js";

/** Words that mark what follows as a command even where it could be an answer: "chaser pause". */
const PREFIX = /^(?:chaser|\/chaser|!)\s*/i;

/**
 * A chat message (Teams, Slack, the playground) as a command. `explicit` when the person left no
 * doubt it was meant as one (the "chaser" prefix); otherwise an answer beginning with a command's
 * word ("cover letter sent") is for the answer parser to try first.
 */
export function parseChatCommand(text: string, platform: Platform): Parsed & { explicit: boolean } {
  const clean = text.trim().replace(/\s+/g, " ");
  const explicit = PREFIX.test(clean);
  const parsed = parseWords(tokenize(clean.replace(PREFIX, "")), { platform });
  if (explicit && parsed.kind === "none") return { kind: "bad", code: "commands.unknown", topic: null, params: { command: clean.replace(PREFIX, "").split(" ")[0] ?? "" }, explicit };
  return { ...parsed, explicit };
}
