import type { webApi } from "@slack/bolt";
import { ChatUser } from "../../conversation/chat-user.js";
import type { Logger } from "../../log.js";
import { SlackUserInfo } from "./slack-payloads.js";

/** users.info is tier 4 (100+ a minute); a person's name and language change rarely. */
export const USER_CACHE_MS = 60 * 60 * 1000;

/**
 * Who a Slack user is, as the core's ChatUser: name, email and language from users.info, cached an
 * hour per user. If Slack cannot say, the event still goes through with the id alone.
 */
export class SlackUserDirectory {
  private readonly cache = new Map<string, { user: ChatUser; until: number }>();

  constructor(
    private readonly client: webApi.WebClient,
    private readonly log: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  async chatUser(userId: string, teamId: string | undefined): Promise<ChatUser> {
    const cached = this.cache.get(userId);
    if (cached && cached.until > this.clock()) return withTeam(cached.user, teamId);
    // Only what users.info says of the user is kept: the email is the one Slack vouches for (users:read.email).
    try {
      const answer = await this.client.users.info({ user: userId, include_locale: true });
      const info = SlackUserInfo.parse(answer.user);
      const user = toChatUser(info, teamId);
      this.cache.set(userId, { user, until: this.clock() + USER_CACHE_MS });
      return user;
    } catch (error) {
      this.log.warn({ err: error, userId }, "slack users.info failed; going on with the user id alone");
      return ChatUser.parse({ platform: "slack", userId, ...(teamId ? { tenantId: teamId } : {}) });
    }
  }
}

export function toChatUser(info: SlackUserInfo, teamId: string | undefined): ChatUser {
  const name = [info.profile?.real_name, info.real_name, info.profile?.display_name, info.name].find((n) => n?.trim())?.trim();
  const email = info.profile?.email?.trim();
  return ChatUser.parse({
    platform: "slack",
    userId: info.id,
    ...((info.team_id ?? teamId) ? { tenantId: info.team_id ?? teamId } : {}),
    ...(name ? { name } : {}),
    ...(email ? { email } : {}),
    ...(info.locale ? { locale: info.locale } : {}),
  });
}

function withTeam(user: ChatUser, teamId: string | undefined): ChatUser {
  return teamId && !user.tenantId ? { ...user, tenantId: teamId } : user;
}
