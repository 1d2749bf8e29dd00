import type { Activity } from "botbuilder";
import type { BotFrameworkAuthentication } from "./refuse-bad-tokens.js";

type Result = Awaited<ReturnType<BotFrameworkAuthentication["authenticateRequest"]>>;
type ConnectorClient = Awaited<ReturnType<NonNullable<Result["connectorFactory"]>["create"]>>;

/** Tokens remembered at once; the Bot Connector uses one for about an hour, so this is many hours' worth. */
const REMEMBERED_MAX = 1000;

/**
 * The same authentication, remembering each token it has verified until the token expires. The
 * Bot Connector sends one token with every activity for about an hour, and botbuilder checked it
 * afresh on each (the key made again from its PEM, the RS256 signature checked) and made a new
 * connector client for each turn: about a millisecond of CPU a button press.
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
      verified.set(key, { result: { ...result, ...(result.connectorFactory ? { connectorFactory: reusingClients(result.connectorFactory) } : {}) }, until: exp * 1000 });
      return verified.get(key)!.result;
    }
    return result;
  };
  return new Proxy(auth, {
    get(target, property) {
      if (property === "authenticateRequest") return authenticateRequest;
      const value: unknown = Reflect.get(target, property, target);
      // Methods keep the real object as `this` (its private state is not on the proxy).
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A connector factory that makes one client per service URL and audience, for every turn of a remembered token. */
function reusingClients(factory: NonNullable<Result["connectorFactory"]>): NonNullable<Result["connectorFactory"]> {
  const clients = new Map<string, Promise<ConnectorClient>>();
  return {
    create(serviceUrl: string, audience?: string) {
      const key = `${serviceUrl}\n${audience ?? ""}`;
      let client = clients.get(key);
      if (!client) {
        client = factory.create(serviceUrl, audience);
        clients.set(key, client);
        // A failure is not kept: the next turn asks again.
        client.catch(() => clients.delete(key));
      }
      return client;
    },
  } as NonNullable<Result["connectorFactory"]>;
}
