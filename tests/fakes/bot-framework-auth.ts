/**
 * The Bot Framework's side of authentication, on loopback: an RSA key pair, the channel's OpenID
 * metadata and JWKS (the key endorsed for "msteams", as the real JWKS does), RS256 tokens signed the
 * way the Bot Connector signs the activities it POSTs to a bot, and the configuration that makes
 * botbuilder's ConfigurationBotFrameworkAuthentication trust them without reaching the internet.
 *
 * Inbound (channel -> bot): `authConfiguration(...)` alone is enough; botbuilder fetches the metadata
 * and keys from here and checks `aud` (app id), `iss`, `serviceurl`, `exp`/`nbf` and the endorsement.
 *
 * Outbound (bot -> connector) with an app id: botbuilder gets a token through MSAL, and MSAL refuses
 * an http authority and, for an authority it does not know, calls login.microsoftonline.com for
 * instance discovery, so `ToChannelFromBotLoginUrl` alone cannot point it at a loopback fake. Pass
 * `credentialsFactory(...)` as the second argument of ConfigurationBotFrameworkAuthentication: real
 * MSAL, told the authority is known and given its endpoints, then POSTs to the fake token endpoint.
 */
import { createPrivateKey, createPublicKey, createSign, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { ConfigurationBotFrameworkAuthentication, ConfigurationBotFrameworkAuthenticationOptions } from "botbuilder";
import { answerLoginRequest, openIdConfiguration, type LoginOptions } from "./fake-bot-connector.js";
import { listenOnLoopback, readBody, sendJson } from "./http-util.js";

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** A fresh RSA-2048 key (e.g. to sign a token the fake's JWKS does not vouch for). */
export function createSigningKey(kid = `fake-${randomBytes(6).toString("hex")}`): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { kid, privateKey, publicKey };
}

// One key per process by default: botbuilder caches OpenID metadata and keys per metadata URL for
// 24 hours in a static map, so a later fake that happens to get a reused port must serve the same key.
let sharedKey: SigningKey | undefined;
function defaultKey(): SigningKey {
  sharedKey ??= createSigningKey("fake-bot-framework-key");
  return sharedKey;
}

export const BOT_FRAMEWORK_ISSUER = "https://api.botframework.com";

export interface SignChannelTokenOptions {
  appId: string;
  serviceUrl: string;
  issuer?: string;
  /** Seconds from now; negative gives an expired token (botbuilder allows 5 minutes of clock skew). */
  expiresInSeconds?: number;
  key?: SigningKey;
  /** Extra or overriding claims. */
  claims?: Record<string, unknown>;
}

export interface FakeBotFrameworkAuthOptions {
  /** The token issuer (default https://api.botframework.com, as the real channel). */
  issuer?: string;
  /** Where the OpenID metadata is served (default /v1/.well-known/openidconfiguration). */
  openIdPath?: string;
  /** Endorsements on the published key (default ["msteams"]); the activity's channelId must be one. */
  endorsements?: string[];
  key?: SigningKey;
  /** Token endpoint behaviour, when the login URL points at this server. */
  login?: LoginOptions;
}

/** What `authConfiguration` returns: the options object for ConfigurationBotFrameworkAuthentication. */
export type BotAuthConfig = ConfigurationBotFrameworkAuthenticationOptions & {
  MicrosoftAppId: string;
  MicrosoftAppPassword: string;
  MicrosoftAppType: "MultiTenant";
  ToBotFromChannelOpenIdMetadataUrl: string;
  ToBotFromChannelTokenIssuer: string;
  ToBotFromEmulatorOpenIdMetadataUrl: string;
  ToChannelFromBotLoginUrl: string;
  ToChannelFromBotOAuthScope: string;
  OAuthUrl: string;
};

export type CredentialsFactory = NonNullable<ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[1]>;

export interface FakeBotFrameworkAuth {
  /** Origin plus "/". */
  url: string;
  origin: string;
  openIdMetadataUrl: string;
  jwksUrl: string;
  issuer: string;
  key: SigningKey;
  /** Method and path of each request served (metadata, keys, token). */
  requests: { method: string; path: string }[];
  /** An RS256 JWT as the Bot Connector sends in `Authorization: Bearer …`. */
  signChannelToken(options: SignChannelTokenOptions): string;
  /**
   * Options for `new ConfigurationBotFrameworkAuthentication(options)`. `loginUrl` is
   * `ToChannelFromBotLoginUrl` (e.g. `connector.loginUrl()`); by default this server's own.
   */
  authConfiguration(appId: string, password: string, loginUrl?: string): BotAuthConfig;
  /** `${origin}/${tenant}`: a login URL served by this server's own token endpoint. */
  loginUrl(tenant?: string): string;
  close(): Promise<void>;
}

export async function startFakeBotFrameworkAuth(options: FakeBotFrameworkAuthOptions = {}): Promise<FakeBotFrameworkAuth> {
  const key = options.key ?? defaultKey();
  const issuer = options.issuer ?? BOT_FRAMEWORK_ISSUER;
  const openIdPath = options.openIdPath ?? "/v1/.well-known/openidconfiguration";
  const jwksPath = "/v1/.well-known/keys";
  const endorsements = options.endorsements ?? ["msteams"];
  const requests: { method: string; path: string }[] = [];

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rawBody = await readBody(req);
    const url = new URL(req.url ?? "/", "http://fake");
    const method = (req.method ?? "GET").toUpperCase();
    requests.push({ method, path: url.pathname });
    if (method === "GET" && url.pathname === openIdPath) {
      return sendJson(res, 200, {
        issuer,
        authorization_endpoint: `${server.origin}/v1/.well-known/authorize`,
        jwks_uri: `${server.origin}${jwksPath}`,
        id_token_signing_alg_values_supported: ["RS256"],
        token_endpoint_auth_methods_supported: ["private_key_jwt"],
      });
    }
    if (method === "GET" && url.pathname === jwksPath) {
      return sendJson(res, 200, { keys: [publicJwk(key, endorsements)] });
    }
    const login = answerLoginRequest(method, url.pathname, rawBody, server.origin, options.login ?? {});
    if (login) return sendJson(res, login.status, login.body);
    sendJson(res, 404, { error: "not_found" });
  };

  const server = await listenOnLoopback(handler);
  const loginUrl = (tenant = "botframework.com"): string => `${server.origin}/${tenant}`;

  return {
    url: `${server.origin}/`,
    origin: server.origin,
    openIdMetadataUrl: `${server.origin}${openIdPath}`,
    jwksUrl: `${server.origin}${jwksPath}`,
    issuer,
    key,
    requests,
    loginUrl,
    signChannelToken: (o) => signJwt(o.key ?? key, channelClaims({ ...o, issuer: o.issuer ?? issuer })),
    authConfiguration: (appId, password, login = loginUrl()) => ({
      MicrosoftAppId: appId,
      MicrosoftAppPassword: password,
      MicrosoftAppType: "MultiTenant",
      ToBotFromChannelOpenIdMetadataUrl: `${server.origin}${openIdPath}`,
      ToBotFromChannelTokenIssuer: issuer,
      // Setting any of these switches botbuilder to "all parameters given": leave none to its defaults.
      ToBotFromEmulatorOpenIdMetadataUrl: `${server.origin}${openIdPath}`,
      ToChannelFromBotLoginUrl: login,
      ToChannelFromBotOAuthScope: BOT_FRAMEWORK_ISSUER,
      OAuthUrl: `${server.origin}/oauth`,
    }),
    close: () => server.close(),
  };
}

function channelClaims(o: SignChannelTokenOptions & { issuer: string }): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const exp = now + (o.expiresInSeconds ?? 3600);
  return {
    serviceurl: o.serviceUrl,
    nbf: Math.min(now, exp) - 5,
    exp,
    iss: o.issuer,
    aud: o.appId,
    ...o.claims,
  };
}

/** RS256 JWT with node:crypto (botbuilder verifies with jsonwebtoken; nothing else is needed here). */
export function signJwt(key: SigningKey, claims: Record<string, unknown>): string {
  const header = { alg: "RS256", typ: "JWT", kid: key.kid, x5t: key.kid };
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");
  const signingInput = `${encode(header)}.${encode(claims)}`;
  const signature = createSign("RSA-SHA256").update(signingInput).sign(key.privateKey).toString("base64url");
  return `${signingInput}.${signature}`;
}

function publicJwk(key: SigningKey, endorsements: string[]): Record<string, unknown> {
  const jwk = key.publicKey.export({ format: "jwk" });
  return { kty: "RSA", use: "sig", kid: key.kid, x5t: key.kid, n: jwk.n, e: jwk.e, endorsements };
}

/** Re-create a key from PEM text (e.g. a fixture), should a test want a fixed key. */
export function signingKeyFromPem(kid: string, privateKeyPem: string): SigningKey {
  const privateKey = createPrivateKey(privateKeyPem);
  return { kid, privateKey, publicKey: createPublicKey(privateKey) };
}

// ---- Outbound: the bot's own token, through real MSAL, from a loopback token endpoint ----

// botframework-connector and MSAL exactly as botbuilder resolves them (neither is a direct
// dependency of this project, so they are required from botbuilder's own location).
const requireHere = createRequire(import.meta.url);
const requireFromBotbuilder = createRequire(requireHere.resolve("botbuilder"));
const connectorPath = requireFromBotbuilder.resolve("botframework-connector");

interface ConnectorModule {
  MsalServiceClientCredentialsFactory: new (appId: string, clientApplication: unknown) => CredentialsFactory;
  AppCredentials: { cache: Map<string, unknown> };
}
interface MsalModule {
  ConfidentialClientApplication: new (configuration: unknown) => unknown;
  LogLevel: { Error: number };
}
const connectorModule = (): ConnectorModule => requireFromBotbuilder("botframework-connector") as ConnectorModule;
const msalModule = (): MsalModule => createRequire(connectorPath)("@azure/msal-node") as MsalModule;

/**
 * A credentials factory for ConfigurationBotFrameworkAuthentication's second argument: botbuilder's
 * own MsalServiceClientCredentialsFactory over a real MSAL ConfidentialClientApplication whose
 * authority metadata points at `loginUrl`'s token endpoint (`${origin}/${tenant}/oauth2/v2.0/token`).
 */
export function credentialsFactory(appId: string, password: string, loginUrl: string): CredentialsFactory {
  const login = new URL(loginUrl);
  const tenant = login.pathname.replace(/^\/+|\/+$/g, "") || "botframework.com";
  const { ConfidentialClientApplication, LogLevel } = msalModule();
  const clientApplication = new ConfidentialClientApplication({
    auth: {
      clientId: appId,
      clientSecret: password,
      // MSAL insists on an https authority; it is never contacted, the metadata below says where to go.
      authority: `https://${login.host}/${tenant}`,
      knownAuthorities: [login.host],
      authorityMetadata: JSON.stringify(openIdConfiguration(login.origin, tenant)),
    },
    system: { loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => undefined } },
  });
  const { MsalServiceClientCredentialsFactory } = connectorModule();
  return new MsalServiceClientCredentialsFactory(appId, clientApplication);
}

/** botbuilder caches bot tokens process-wide by app id and scope; clear it between tests if needed. */
export function forgetCachedBotTokens(): void {
  connectorModule().AppCredentials.cache.clear();
}
