import { webApi } from "@slack/bolt";

/**
 * The `error` Slack answered (`account_inactive`, `users_not_found`…) when a Web API call was
 * refused, else null (network failures, HTTP errors, rate limits after retries).
 */
export function slackErrorCode(error: unknown): string | null {
  if (typeof error !== "object" || error === null) return null;
  const { code, data } = error as { code?: unknown; data?: { error?: unknown } };
  if (code !== webApi.ErrorCode.PlatformError) return null;
  return typeof data?.error === "string" ? data.error : null;
}
