import { z } from "zod";

/**
 * The parts of Slack's payloads the adapter reads, checked before use. Slack sends far more; what
 * is not named here is ignored. Limits are Slack's own (a button value 2,000 characters, a view's
 * private_metadata 3,000, a message 40,000) so a forged or damaged payload is refused early.
 */
const Id = z.string().min(1).max(100);
const Ts = z.string().min(1).max(40);

const Team = z.object({ id: Id }).nullable().optional();
const Person = z.object({ id: Id, team_id: Id.optional() });

export const BlockActionsBody = z.object({
  type: z.literal("block_actions"),
  user: Person,
  team: Team,
  trigger_id: z.string().min(1).max(300).optional(),
  /** Where the pressed button is: a message (channel and ts), or a view. */
  container: z.object({ type: z.string().max(40), channel_id: Id.optional(), message_ts: Ts.optional() }).optional(),
  actions: z
    .array(z.object({ action_id: z.string().min(1).max(255), value: z.string().max(2000).optional(), action_ts: Ts.optional() }))
    .min(1),
});
export type BlockActionsBody = z.infer<typeof BlockActionsBody>;

/** A modal input's state: a text's value, a datepicker's selected_date, a static_select's selected_option (values up to 150 characters). */
const InputValue = z.object({
  value: z.string().max(10_000).nullable().optional(),
  selected_date: z.string().max(40).nullable().optional(),
  selected_option: z.object({ value: z.string().max(150) }).nullable().optional(),
});

export const ViewSubmissionBody = z.object({
  type: z.literal("view_submission"),
  user: Person,
  team: Team,
  trigger_id: z.string().max(300).optional(),
  view: z.object({
    id: Id,
    callback_id: z.string().max(255),
    private_metadata: z.string().max(3000).default(""),
    state: z.object({ values: z.record(z.string().max(255), z.record(z.string().max(255), InputValue)) }),
  }),
});
export type ViewSubmissionBody = z.infer<typeof ViewSubmissionBody>;

export const SlashCommand = z.object({
  command: z.string().min(1).max(100),
  text: z.string().max(4000).default(""),
  user_id: Id,
  team_id: Id.optional(),
  channel_id: Id.optional(),
});

/** A message event; only those a person typed in their DM with Chaser are forwarded. */
export const MessageEvent = z.object({
  type: z.literal("message"),
  channel_type: z.string().max(20).optional(),
  channel: Id,
  user: Id.optional(),
  // Long texts are let through: the core answers them ("too long to record") rather than dropping them.
  text: z.string().max(40_000).optional(),
  ts: Ts,
  client_msg_id: z.string().max(100).optional(),
  subtype: z.string().max(100).optional(),
  bot_id: z.string().max(100).optional(),
  /** A file shared in the DM (subtype "file_share"): downloaded with the bot token. */
  files: z
    .array(
      z.object({
        id: z.string().max(100),
        name: z.string().max(255).optional(),
        size: z.number().int().nonnegative().optional(),
        mimetype: z.string().max(255).optional().catch(undefined),
        url_private_download: z.url().optional(),
        url_private: z.url().optional(),
        /** The file's lasting page in Slack, kept with evidence so people can open it later. */
        permalink: z.url().max(2000).optional().catch(undefined),
      }),
    )
    .max(20)
    .optional(),
});

export const AppHomeOpenedEvent = z.object({
  type: z.literal("app_home_opened"),
  user: Id,
  channel: Id.optional(),
  tab: z.string().max(20),
});

/** What a modal carries between opening and submission: the answer, and the message it came from. */
export const ModalMetadata = z.object({ p: z.unknown(), c: Id.optional(), ts: Ts.optional() });
export type ModalMetadata = z.infer<typeof ModalMetadata>;

/** The messageRef the Slack channel hands the core: enough for chat.update. */
export const SlackMessageRef = z.object({ channel: Id, ts: Ts });
export type SlackMessageRef = z.infer<typeof SlackMessageRef>;

/** users.info / users.lookupByEmail: the fields a ChatUser is made of. */
export const SlackUserInfo = z.object({
  id: Id,
  /** The user's own workspace: for someone from another organisation (Slack Connect), theirs, not ours. */
  team_id: Id.optional(),
  name: z.string().max(200).optional(),
  real_name: z.string().max(200).optional(),
  locale: z.string().max(20).optional(),
  deleted: z.boolean().optional(),
  is_bot: z.boolean().optional(),
  profile: z
    .object({
      email: z.string().max(320).optional(),
      real_name: z.string().max(200).optional(),
      display_name: z.string().max(200).optional(),
    })
    .optional(),
});
export type SlackUserInfo = z.infer<typeof SlackUserInfo>;

/** JSON.parse that yields undefined for what is not JSON: the core then answers "not a button I know". */
export function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
