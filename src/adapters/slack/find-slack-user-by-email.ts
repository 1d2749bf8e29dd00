import type { webApi } from "@slack/bolt";
import { ChaserError } from "../../domain/chaser-error.js";
import { SlackUserInfo } from "./slack-payloads.js";
import { slackErrorCode } from "./slack-error-code.js";

/**
 * The Slack user with this email (users.lookupByEmail, tier 3, scope users:read.email), with their
 * language from users.info (lookupByEmail does not give it); null when no one in the workspace has it.
 */
export async function findSlackUserByEmail(client: webApi.WebClient, email: string): Promise<{ userId: string; locale: string | null } | null> {
  let found;
  try {
    found = await client.users.lookupByEmail({ email: email.trim() });
  } catch (error) {
    if (slackErrorCode(error) === "users_not_found") return null;
    throw error;
  }
  const parsed = SlackUserInfo.safeParse(found.user);
  if (!parsed.success) throw new ChaserError("slack.unexpected_response", { method: "users.lookupByEmail" });
  const user = parsed.data;
  if (user.deleted || user.is_bot) return null;
  let locale: string | null = user.locale ?? null;
  if (!locale) {
    // A missing language is not worth failing the match for: the person's first message brings it.
    locale = await client.users
      .info({ user: user.id, include_locale: true })
      .then((info) => SlackUserInfo.safeParse(info.user).data?.locale ?? null)
      .catch(() => null);
  }
  return { userId: user.id, locale };
}
