import type { Activity } from "botbuilder";
import { overrideAuthentication, type BotFrameworkAuthentication } from "./override-authentication.js";

type ConnectorFactory = ReturnType<BotFrameworkAuthentication["createConnectorFactory"]>;
type ConnectorClient = Awaited<ReturnType<ConnectorFactory["create"]>>;
type ClaimsIdentity = Parameters<BotFrameworkAuthentication["createConnectorFactory"]>[0];
type UserTokenClient = Awaited<ReturnType<BotFrameworkAuthentication["createUserTokenClient"]>>;

/** Distinct (app, service URL, audience) clients kept: a few regions in practice; forgotten past this. */
const MAX_CLIENTS = 64;

/**
 * The same authentication, but the clients it makes for outbound calls are made once and reused.
 * CloudAdapter asks for a new ConnectorClient (and a user-token client) on every turn and every
 * proactive send, and each comes with its own HTTP pipeline, credentials and keep-alive agent: a
 * new TCP (in production TLS) connection and, with a password, a new MSAL application per message.
 * Nothing in a client belongs to one turn, so sends to one service URL share one client and its
 * connections. Clients depend only on the app id the claims name, the service URL and the audience.
 */
export function reuseConnectors(auth: BotFrameworkAuthentication): BotFrameworkAuthentication {
  const clients = new Map<string, Promise<ConnectorClient>>();
  const tokenClients = new Map<string, Promise<UserTokenClient>>();

  const remember = <T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> => {
    const known = cache.get(key);
    if (known) return known;
    if (cache.size >= MAX_CLIENTS) cache.clear();
    const made = make();
    cache.set(key, made);
    // A client that could not be made (credentials refused) is asked for again next time.
    made.catch(() => cache.get(key) === made && cache.delete(key));
    return made;
  };

  const reusing = (factory: ConnectorFactory, claims: ClaimsIdentity): ConnectorFactory => {
    const app = appIdOf(claims);
    const make = async (serviceUrl: string, audience?: string) => shareTokenRequests(await factory.create(serviceUrl, audience));
    return { create: (serviceUrl: string, audience?: string) => remember(clients, `${app}\n${serviceUrl}\n${audience ?? ""}`, () => make(serviceUrl, audience)) } as ConnectorFactory;
  };

  const overrides = {
    createConnectorFactory: (claims: ClaimsIdentity) => reusing(auth.createConnectorFactory(claims), claims),
    createUserTokenClient: (claims: ClaimsIdentity) => remember(tokenClients, appIdOf(claims), () => auth.createUserTokenClient(claims)),
    // An inbound turn's factory comes with its authentication.
    authenticateRequest: async (activity: Activity, authHeader: string) => {
      const result = await auth.authenticateRequest(activity, authHeader);
      return result.connectorFactory ? { ...result, connectorFactory: reusing(result.connectorFactory, result.claimsIdentity) } : result;
    },
  };
  return overrideAuthentication(auth, overrides);
}

type Credentials = { getToken(forceRefresh?: boolean): Promise<string> };
const sharing = new WeakSet<Credentials>();

/**
 * botbuilder's credentials keep a token once they have one, but every request that finds none (the
 * first sends, or all of them once it expires) asks the token endpoint itself: a burst of sends
 * asked for as many tokens. Requests made meanwhile wait for the one already asked.
 */
function shareTokenRequests(client: ConnectorClient): ConnectorClient {
  const credentials = (client as unknown as { credentials?: Credentials }).credentials;
  if (!credentials || typeof credentials.getToken !== "function" || sharing.has(credentials)) return client;
  sharing.add(credentials);
  const getToken = credentials.getToken.bind(credentials);
  let asking: Promise<string> | null = null;
  credentials.getToken = (forceRefresh = false) => {
    if (forceRefresh) return getToken(true);
    asking ??= getToken(false).finally(() => (asking = null));
    return asking;
  };
  return client;
}

/** The app id botbuilder's factories are made for: the token's audience, or its appid (emulator); none when authentication is off. */
function appIdOf(claims: ClaimsIdentity): string {
  return claims.getClaimValue("aud") ?? claims.getClaimValue("appid") ?? "";
}
