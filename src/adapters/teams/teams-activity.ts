import type { FileConsentCardResponse } from "botbuilder";
import { z } from "zod";

const Account = z.object({
  id: z.string().min(1).max(200),
  name: z.string().optional(),
});

/** A mention of someone in a message: Teams puts the name as written ("<at>Chaser</at>") in `text`. */
const Mention = z.object({
  type: z.literal("mention"),
  text: z.string(),
  mentioned: z.object({ id: z.string(), name: z.string().optional() }),
});

/** Teams' clientInfo entity: where the activity carries no locale, this one usually does. */
const ClientInfo = z.object({ type: z.literal("clientInfo"), locale: z.string().optional() });

/**
 * The parts of a Teams activity Chaser reads, checked before anything is converted. Everything
 * else botbuilder needs (serviceUrl, channelId, ids) it reads from the activity itself.
 */
export const TeamsActivity = z.object({
  type: z.string().min(1),
  id: z.string().min(1).max(200).optional(),
  name: z.string().optional(),
  text: z.string().optional(),
  value: z.unknown().optional(),
  locale: z.string().optional(),
  /** installationUpdate: "add", "remove", "add-upgrade", "remove-upgrade". */
  action: z.string().optional(),
  from: Account,
  recipient: Account,
  conversation: z.object({
    id: z.string().min(1),
    conversationType: z.string().optional(),
    isGroup: z.boolean().optional(),
    tenantId: z.string().optional(),
  }),
  channelData: z.object({ tenant: z.object({ id: z.string().optional() }).optional() }).optional(),
  membersAdded: z.array(z.object({ id: z.string() })).optional(),
  entities: z.array(z.unknown()).optional(),
  attachments: z.array(z.unknown()).optional(),
});
export type TeamsActivity = z.infer<typeof TeamsActivity>;

/** An Action.Execute press as Teams invokes it (`adaptiveCard/action`). */
export const AdaptiveCardAction = z.object({
  action: z.object({
    type: z.literal("Action.Execute"),
    verb: z.string(),
    data: z.unknown().optional(),
  }),
  trigger: z.string().optional(),
});

/** Mentions in the activity, skipping entities of other kinds or shapes. */
export function mentionsOf(activity: TeamsActivity): z.infer<typeof Mention>[] {
  return (activity.entities ?? []).flatMap((e) => {
    const mention = Mention.safeParse(e);
    return mention.success ? [mention.data] : [];
  });
}

/** The locale Teams reports for the person: the activity's, else the clientInfo entity's. */
export function localeOf(activity: TeamsActivity): string | undefined {
  if (activity.locale) return activity.locale;
  for (const e of activity.entities ?? []) {
    const info = ClientInfo.safeParse(e);
    if (info.success && info.data.locale) return info.data.locale;
  }
  return undefined;
}

/**
 * A file a person uploaded in a 1:1 chat with the bot (the app declares supportsFiles): downloadUrl
 * is pre-authorised and short-lived; contentUrl is where the file lives (the sender's OneDrive).
 */
const FileDownloadInfo = z.object({
  contentType: z.literal("application/vnd.microsoft.teams.file.download.info"),
  name: z.string().min(1).max(255),
  contentUrl: z.url().max(2000).optional().catch(undefined),
  content: z.object({ downloadUrl: z.url(), uniqueId: z.string().max(200).optional(), fileType: z.string().max(50).optional() }),
});

/** The files attached to the activity, skipping attachments of other kinds (cards, images inline). */
export function filesOf(activity: TeamsActivity): z.infer<typeof FileDownloadInfo>[] {
  return (activity.attachments ?? []).flatMap((a) => {
    const file = FileDownloadInfo.safeParse(a);
    return file.success ? [file.data] : [];
  });
}

/** Where Teams made room for an offered file in the person's OneDrive, when they accepted it. */
const FileUploadInfo = z.object({
  name: z.string().min(1).max(255),
  /** A pre-authorised OneDrive upload session: only http(s) is ever put to. */
  uploadUrl: z.url({ protocol: /^https?$/ }),
  contentUrl: z.url({ protocol: /^https?$/ }),
  uniqueId: z.string().min(1).max(200),
  fileType: z.string().max(20),
});

/**
 * The person's answer to a file consent card, as Teams invokes it (`fileConsent/invoke`): accepted
 * with where to upload, or declined. `context` is the card's own, handed to the core unchecked.
 */
export const FileConsentInvoke = z.discriminatedUnion("action", [
  z.object({ type: z.literal("fileUpload"), action: z.literal("accept"), context: z.unknown(), uploadInfo: FileUploadInfo }),
  z.object({ type: z.literal("fileUpload"), action: z.literal("decline"), context: z.unknown() }),
]) satisfies z.ZodType<FileConsentCardResponse & { type: "fileUpload" }>;
