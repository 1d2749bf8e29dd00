/**
 * The Teams adapter remembers the tokens botbuilder has verified: the same token, for the same
 * channel and service URL, until it expires; nothing else. (The end-to-end refusals of forged and
 * altered tokens through botbuilder are in teams.test.ts.)
 */
import type { Activity } from "botbuilder";
import { describe, expect, it } from "vitest";
import type { BotFrameworkAuthentication } from "../src/adapters/teams/create-teams.js";
import { rememberVerifiedTokens } from "../src/adapters/teams/remember-verified-tokens.js";
import { reuseConnectors } from "../src/adapters/teams/reuse-connectors.js";

const T0 = Date.UTC(2026, 2, 16, 9, 30);
const activity = (over: Partial<Activity> = {}) => ({ channelId: "msteams", serviceUrl: "https://smba.example/uk/", ...over }) as Activity;

/** A stand-in for botbuilder's authentication: tokens "good-<exp seconds>" pass, anything else throws; each check and client counted. */
function fakeAuthentication() {
  const calls: string[] = [];
  const clients: string[] = [];
  const auth = {
    async authenticateRequest(a: Activity, header: string) {
      calls.push(`${a.serviceUrl} ${header}`);
      const exp = /^Bearer good-(\d+)$/.exec(header)?.[1];
      if (!exp) throw new Error("Unauthorized");
      return {
        audience: "https://api.botframework.com",
        callerId: "urn:botframework:azure",
        claimsIdentity: { claims: [{ type: "exp", value: Number(exp) }], isAuthenticated: true, getClaimValue: (type: string) => (type === "aud" ? "app-id" : null) },
        connectorFactory: {
          async create(serviceUrl: string, audience?: string) {
            clients.push(`${serviceUrl} ${audience}`);
            return { serviceUrl, n: clients.length };
          },
        },
      };
    },
    createUserTokenClient: async () => "user-token-client",
  } as unknown as BotFrameworkAuthentication;
  return { auth, calls, clients };
}

describe("rememberVerifiedTokens", () => {
  it("verifies a token once until it expires, then in full again", async () => {
    const { auth, calls } = fakeAuthentication();
    let now = T0;
    const remembered = rememberVerifiedTokens(auth, () => now);
    const good = `Bearer good-${T0 / 1000 + 3600}`;
    const first = await remembered.authenticateRequest(activity(), good);
    expect(await remembered.authenticateRequest(activity(), good)).toBe(first);
    expect(calls).toHaveLength(1);
    now = T0 + 3600 * 1000;
    await remembered.authenticateRequest(activity(), good);
    expect(calls).toHaveLength(2);
  });

  it("verifies in full any other token, channel or service URL, and remembers no failure", async () => {
    const { auth, calls } = fakeAuthentication();
    const remembered = rememberVerifiedTokens(auth, () => T0);
    const good = `Bearer good-${T0 / 1000 + 3600}`;
    await remembered.authenticateRequest(activity(), good);
    await remembered.authenticateRequest(activity({ serviceUrl: "https://smba.example/emea/" }), good);
    await remembered.authenticateRequest(activity({ channelId: "webchat" }), good);
    await remembered.authenticateRequest(activity(), `Bearer good-${T0 / 1000 + 3601}`);
    expect(calls).toHaveLength(4);
    for (let i = 0; i < 2; i++) await expect(remembered.authenticateRequest(activity(), "Bearer forged")).rejects.toThrow("Unauthorized");
    expect(calls).toHaveLength(6);
    // A token already expired (within botbuilder's tolerance) is verified each time.
    const late = `Bearer good-${T0 / 1000 - 60}`;
    await remembered.authenticateRequest(activity(), late);
    await remembered.authenticateRequest(activity(), late);
    expect(calls).toHaveLength(8);
    // No token at all (authentication off) is botbuilder's to judge, each time.
    await expect(remembered.authenticateRequest(activity(), "")).rejects.toThrow("Unauthorized");
    await expect(remembered.authenticateRequest(activity(), "")).rejects.toThrow("Unauthorized");
    expect(calls).toHaveLength(10);
  });

  it("with reuse-connectors around it (as create-teams composes them), makes one connector client per service URL and audience for a remembered token, and passes everything else through", async () => {
    const { auth, clients } = fakeAuthentication();
    const remembered = reuseConnectors(rememberVerifiedTokens(auth, () => T0));
    const good = `Bearer good-${T0 / 1000 + 3600}`;
    const { connectorFactory } = await remembered.authenticateRequest(activity(), good);
    const a = await connectorFactory!.create("https://smba.example/uk/", "aud");
    expect(await (await remembered.authenticateRequest(activity(), good)).connectorFactory!.create("https://smba.example/uk/", "aud")).toBe(a);
    expect(await connectorFactory!.create("https://smba.example/uk/", "other")).not.toBe(a);
    expect(clients).toHaveLength(2);
    expect(await remembered.createUserTokenClient({ getClaimValue: () => null } as never)).toBe("user-token-client");
  });
});
