import { z } from "zod";

export const PLATFORMS = ["teams", "slack", "web"] as const;
export const Platform = z.enum(PLATFORMS);
export type Platform = z.infer<typeof Platform>;

/** A person as a chat platform describes them; adapters fill in what their platform knows. */
export const ChatUser = z.object({
  platform: Platform,
  /** Teams user id ("29:…"), Slack user id ("U…"), or the playground persona's name. */
  userId: z.string().min(1).max(200),
  tenantId: z.string().max(200).optional(),
  name: z.string().max(200).optional(),
  /** Only an email the platform itself vouches for (Slack's users.info); it may bind a new user to a person. */
  email: z.string().max(320).optional(),
  locale: z.string().max(20).optional(),
});
export type ChatUser = z.infer<typeof ChatUser>;

/**
 * Where to reach a person on a platform: a Teams ConversationReference as JSON, a Slack user id
 * (the DM is opened on send), or a playground session name.
 */
export interface ChatAddress {
  platform: Platform;
  address: string;
}

/** The platform's handle on a message Chaser sent, enough to update it in place. */
export interface SentMessage {
  messageRef: string;
}
