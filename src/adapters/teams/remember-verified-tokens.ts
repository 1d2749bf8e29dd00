import type { Activity } from "botbuilder";
import { overrideAuthentication, type BotFrameworkAuthentication } from "./override-authentication.js";

type Result = Awaited<ReturnType<BotFrameworkAuthentication["authenticateRequest"]>>;

/** Tokens remembered at once; the Bot Connector uses one for about an hour, so this is many hours' worth. */
const REMEMBERED_MAX = 1000;

/**
 * The same authentication, remembering each token it has verified until the token expires. The
 * Bot Connector sends one token with every activity for about an hour, and botbuilder checked it
 * afresh on each (the key made again from its PEM, the RS256 signature checked): about a
 * millisecond of CPU a button press. The clients a turn's factory makes are reused by
 * reuse-connectors.ts, around this.
 *
 * Only the exact token, for the same channel and service URL (all botbuilder checks it against),
 * is taken as verified: any other token, a forged signature included, is verified in full, and so
 * is a remembered one once its `exp` has passed. Nothing that failed is remembered.
 */
export function rememberVerifiedTokens(auth: BotFrameworkAuthentication, clock: () => number = Date.now): BotFrameworkAuthentication {
  const verified = new Map<string, { result: Result; until: number }>();
  const authenticateRequest = async (activity: Activity, authHeader: string): Promise<Result> => {
    if (!authHeader) return auth.authenticateRequest(activity, authHeader);
    const key = `${activity.channelId}\n${activity.serviceUrl}\n${authHeader}`;
    const known = verified.get(key);
    if (known && known.until > clock()) return known.result;
    verified.delete(key);
    const result = await auth.authenticateRequest(activity, authHeader);
    const exp = Number(result.claimsIdentity.claims.find((c) => c.type === "exp")?.value);
    if (Number.isFinite(exp) && exp * 1000 > clock()) {
      if (verified.size >= REMEMBERED_MAX) verified.delete(verified.keys().next().value!);
      verified.set(key, { result, until: exp * 1000 });
    }
    return result;
  };
  return overrideAuthentication(auth, { authenticateRequest });
}
