import { z } from "zod";

const Text = z.string().trim().min(1).max(200);
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** A person as a command names them: an @mention (platform id), an email, or a name an admin gave. */
export const PersonRef = z.discriminatedUnion("by", [
  z.object({ by: z.literal("platform"), platform: z.enum(["teams", "slack", "web"]), userId: Text, name: z.string().max(200).nullish() }),
  z.object({ by: z.literal("email"), email: z.email().max(320) }),
  z.object({ by: z.literal("name"), name: Text, email: z.email().max(320).optional() }),
]);
export type PersonRef = z.infer<typeof PersonRef>;

/** Where a digest goes when the command is not typed in that channel (the terminal names it). */
export const ChannelRef = z.object({ platform: z.enum(["teams", "slack", "web"]), address: z.string().min(1).max(4000), name: z.string().max(200).optional(), locale: z.enum(["en-GB", "cy"]).optional() });

/**
 * Every admin and officer command, whichever way it was given (terminal, Teams, Slack, playground).
 * Parsers build one of these; executeCommand is the only thing that carries one out.
 */
export const Command = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("help"), topic: z.string().max(40).nullable() }),
  z.object({ kind: z.literal("plans.list"), archived: z.boolean().default(false) }),
  /** No plan: the whole deployment's schedule. */
  z.object({ kind: z.literal("plans.pause"), plan: Text.nullable() }),
  z.object({ kind: z.literal("plans.resume"), plan: Text.nullable() }),
  z.object({ kind: z.literal("plans.archive"), plan: Text, undo: z.boolean().default(false) }),
  /** The plan as a file sent back in the chat: the actions (xlsx), the progress report (docx) or the history (csv). */
  z.object({ kind: z.literal("plans.export"), plan: Text, format: z.enum(["xlsx", "docx", "csv"]).default("xlsx") }),
  z.object({ kind: z.literal("owners.map"), role: Text, person: PersonRef }),
  z.object({ kind: z.literal("owners.unmapped"), plan: Text.nullable() }),
  z.object({ kind: z.literal("owners.assign"), plan: Text, action: Text, role: Text }),
  z.object({ kind: z.literal("actions.milestone"), plan: Text.nullable(), ref: Text, on: z.boolean() }),
  z.object({ kind: z.literal("owners.cover"), person: PersonRef, cover: PersonRef, until: IsoDate.nullable(), remove: z.boolean().default(false) }),
  z.object({ kind: z.literal("owners.handover"), from: PersonRef, to: PersonRef }),
  /**
   * The language Chaser writes to a person in. No person: the speaker's own (no language: say which
   * is in use); a person named: an admin choosing for them (the terminal always names one).
   */
  z.object({ kind: z.literal("people.language"), person: PersonRef.nullable(), locale: z.enum(["en-GB", "cy"]).nullable() }),
  z.object({ kind: z.literal("admins.grant"), person: PersonRef, plan: Text.nullable(), viewer: z.boolean().default(false) }),
  z.object({ kind: z.literal("digests.subscribe"), plan: Text, theme: Text.nullable(), channel: ChannelRef.nullable(), locale: z.enum(["en-GB", "cy"]).nullable().optional() }),
  z.object({ kind: z.literal("digests.unsubscribe"), plan: Text, channel: ChannelRef.nullable() }),
  z.object({ kind: z.literal("digests.send"), plan: Text }),
  z.object({ kind: z.literal("digests.preview"), plan: Text, theme: Text.nullable() }),
  z.object({ kind: z.literal("schedule.show"), plan: Text.nullable() }),
  z.object({ kind: z.literal("schedule.set"), plan: Text.nullable(), changes: z.record(z.string(), z.unknown()) }),
  z.object({ kind: z.literal("status.overdue"), plan: Text.nullable() }),
  z.object({ kind: z.literal("status.unanswered"), plan: Text.nullable() }),
  z.object({ kind: z.literal("status.failed"), pending: z.boolean().default(false) }),
]);
export type Command = z.infer<typeof Command>;
export type CommandKind = Command["kind"];

/** The command words' topics, for help and usage: each has a usage line and an example in locales/. */
export const TOPICS = ["plans", "pause", "resume", "archive", "export", "owner", "unmapped", "assign", "milestone", "cover", "handover", "language", "admin", "subscribe", "unsubscribe", "digest", "schedule", "status"] as const;
export type Topic = (typeof TOPICS)[number];

/** Which help topic explains a command. */
export const TOPIC_OF: Record<CommandKind, Topic | null> = {
  help: null,
  "plans.list": "plans",
  "plans.pause": "pause",
  "plans.resume": "resume",
  "plans.archive": "archive",
  "plans.export": "export",
  "owners.map": "owner",
  "owners.unmapped": "unmapped",
  "owners.assign": "assign",
  "actions.milestone": "milestone",
  "owners.cover": "cover",
  "owners.handover": "handover",
  "people.language": "language",
  "admins.grant": "admin",
  "digests.subscribe": "subscribe",
  "digests.unsubscribe": "unsubscribe",
  "digests.send": "digest",
  "digests.preview": "digest",
  "schedule.show": "schedule",
  "schedule.set": "schedule",
  "status.overdue": "status",
  "status.unanswered": "status",
  "status.failed": "status",
};
