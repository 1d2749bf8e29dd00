/**
 * The fakes behave like the services they stand for, checked by driving the real SDKs at them over
 * loopback HTTP: botbuilder's CloudAdapter against the fake Bot Connector and the fake Bot Framework
 * auth, @slack/web-api's WebClient and Bolt against the fake Slack API.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  MessageFactory,
  TeamsInfo,
  TurnContext,
  type ConversationReference,
} from "botbuilder";
import { App, LogLevel, webApi } from "@slack/bolt";
import { startFakeConnector, type FakeConnector, type TeamsMember } from "./fakes/fake-bot-connector.js";
import {
  createSigningKey,
  credentialsFactory,
  forgetCachedBotTokens,
  startFakeBotFrameworkAuth,
  type FakeBotFrameworkAuth,
} from "./fakes/bot-framework-auth.js";
import { postActivity, startBotEndpoint, type BotEndpoint } from "./fakes/bot-endpoint.js";
import { startFakeSlack, type FakeSlack } from "./fakes/fake-slack-api.js";
import { putInUploadSession } from "../src/adapters/teams/put-in-upload-session.js";
import {
  blockActionsBody,
  messageImEventBody,
  postToSlackApp,
  signSlackRequest,
  slashCommandBody,
} from "./fakes/sign-slack-request.js";

const { WebClient, ErrorCode, WebClientEvent } = webApi;
/** OneDrive's fragment unit: 320 KiB. */
const FRAGMENT = 320 * 1024;

const TENANT = "tenant-1";
const ALICE: TeamsMember = {
  id: "29:alice",
  name: "Alice Owner",
  email: "alice@example.gov.uk",
  userPrincipalName: "alice@example.gov.uk",
  aadObjectId: "00000000-0000-0000-0000-00000000a11c",
  tenantId: TENANT,
  userRole: "user",
};
const BOB: TeamsMember = { id: "29:bob", name: "Bob Owner", email: "bob@example.gov.uk", tenantId: TENANT };
const BOT = { id: "28:chaser-bot", name: "Chaser" };

// Everything a test starts is closed after it.
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
async function connector(options?: Parameters<typeof startFakeConnector>[0]): Promise<FakeConnector> {
  const fake = await startFakeConnector(options);
  cleanups.push(() => fake.close());
  return fake;
}
async function slack(options?: Parameters<typeof startFakeSlack>[0]): Promise<FakeSlack> {
  const fake = await startFakeSlack(options);
  cleanups.push(() => fake.close());
  return fake;
}
async function botAuth(): Promise<FakeBotFrameworkAuth> {
  const fake = await startFakeBotFrameworkAuth();
  cleanups.push(() => fake.close());
  return fake;
}
/** botbuilder logs refused tokens with console.error; keep the output readable. */
function quietConsoleError(): void {
  const spy = vi.spyOn(console, "error").mockImplementation(() => undefined);
  cleanups.push(() => spy.mockRestore());
}

function reference(fake: FakeConnector, conversationId: string, user: TeamsMember = ALICE): Partial<ConversationReference> {
  return {
    channelId: "msteams",
    serviceUrl: fake.url,
    bot: BOT,
    user: { id: user.id, name: user.name },
    conversation: { id: conversationId, conversationType: "personal", tenantId: TENANT, isGroup: false, name: "" },
  };
}

/** Opens a 1:1 chat with the user as Chaser does (POST v3/conversations) and sends a first message. */
async function openChat(adapter: CloudAdapter, fake: FakeConnector, user: TeamsMember, text: string) {
  let ref: Partial<ConversationReference> | undefined;
  let activityId: string | undefined;
  await adapter.createConversationAsync(
    "",
    "msteams",
    fake.url,
    "https://api.botframework.com",
    { isGroup: false, bot: BOT, members: [{ id: user.id, name: user.name }], tenantId: TENANT, channelData: { tenant: { id: TENANT } } },
    async (context) => {
      ref = TurnContext.getConversationReference(context.activity);
      activityId = (await context.sendActivity(text))?.id;
    },
  );
  return { ref: ref!, activityId: activityId!, conversationId: ref!.conversation!.id };
}

describe("fake Bot Connector, driven by botbuilder's CloudAdapter with auth off", () => {
  const adapter = () => new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));

  it("opens a 1:1 chat, sends into it, reads the roster and updates the card in place", async () => {
    const fake = await connector({ members: [ALICE, BOB] });
    const bot = adapter();

    const chat = await openChat(bot, fake, ALICE, "Your action R6.2 is due on Friday");
    expect(chat.conversationId).toMatch(/^a:conv-/);
    expect(chat.activityId).toMatch(/^\d+$/);
    const create = fake.requests.find((r) => r.method === "POST" && r.path === "/v3/conversations");
    expect(create?.body).toMatchObject({ bot: BOT, members: [{ id: ALICE.id }], tenantId: TENANT, channelData: { tenant: { id: TENANT } } });

    let member: Awaited<ReturnType<typeof TeamsInfo.getMember>> | undefined;
    await bot.continueConversationAsync("", chat.ref, async (context) => {
      member = await TeamsInfo.getMember(context, ALICE.id);
      await context.updateActivity({ ...MessageFactory.text("R6.2: marked done"), id: chat.activityId });
    });
    expect(member).toMatchObject({ email: ALICE.email, userPrincipalName: ALICE.userPrincipalName, aadObjectId: ALICE.aadObjectId });

    const [sent, ...others] = fake.sentTo(ALICE.id);
    expect(others).toEqual([]);
    expect(sent).toMatchObject({ id: chat.activityId, conversationId: chat.conversationId, deleted: false });
    expect(sent?.activity.text).toBe("R6.2: marked done");
    expect(sent?.versions.map((v) => v.text)).toEqual(["Your action R6.2 is due on Friday", "R6.2: marked done"]);
    expect(fake.sentTo(BOB.id)).toEqual([]);
    // The first send after createConversationAsync is a reply to the conversation id (SDK behaviour).
    const encoded = encodeURIComponent(chat.conversationId);
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /v3/conversations",
      `POST /v3/conversations/${encoded}/activities/${encoded}`,
      `GET /v3/conversations/${encoded}/members/${encodeURIComponent(ALICE.id)}`,
      `PUT /v3/conversations/${encoded}/activities/${chat.activityId}`,
    ]);
    expect(fake.limitViolations).toBe(0);
  });

  it("answers 404 to an update of an activity it never sent, and the SDK surfaces it", async () => {
    const fake = await connector();
    const error = await adapter()
      .continueConversationAsync("", reference(fake, "a:unknown"), async (context) => {
        await context.updateActivity({ ...MessageFactory.text("x"), id: "12345" });
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ statusCode: 404 });
  });

  it("a 429 with Retry-After: 1 is retried by the SDK after a second and the send succeeds", async () => {
    const fake = await connector();
    fake.failNext(1, { status: 429, retryAfterSeconds: 1, on: "send" });
    const started = Date.now();
    let id: string | undefined;
    await adapter().continueConversationAsync("", reference(fake, "a:conv-x"), async (context) => {
      id = (await context.sendActivity("Reminder"))?.id;
    });
    const sends = fake.requests.filter((r) => r.method === "POST" && r.path.startsWith("/v3/conversations/a%3Aconv-x/activities"));
    expect(sends.map((r) => r.status)).toEqual([429, 201]);
    expect(sends[1]!.at - sends[0]!.at).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(fake.activities("a:conv-x").map((a) => a.id)).toEqual([id]);
  });

  it("a 429 without Retry-After is not retried by the SDK (nor a 403); a 500 is, with backoff", async () => {
    const fake = await connector();
    const send = (text: string) =>
      adapter()
        .continueConversationAsync("", reference(fake, "a:conv-y"), async (context) => {
          await context.sendActivity(text);
        })
        .then(() => "sent", (e: unknown) => e);

    fake.failNext(1, { status: 429 });
    expect(await send("one")).toMatchObject({ statusCode: 429 });
    fake.failNext(1, { status: 403, code: "MessageWritesBlocked" });
    expect(await send("two")).toMatchObject({ statusCode: 403 });
    fake.failNext(1, { status: 500 });
    expect(await send("three")).toBe("sent");
    expect(fake.requests.map((r) => r.status)).toEqual([429, 403, 500, 201]);
  });

  it("a blocked user's chat answers 403 MessageWritesBlocked to every send", async () => {
    const fake = await connector({ members: [ALICE, BOB] });
    const bot = adapter();
    const alice = await openChat(bot, fake, ALICE, "Hello Alice");
    fake.blockUser(ALICE.id);
    const error = await bot
      .continueConversationAsync("", alice.ref, async (context) => {
        await context.sendActivity("Are you there?");
      })
      .catch((e: unknown) => e);
    // botbuilder's RestError carries the connector's error code.
    expect(error).toMatchObject({ statusCode: 403, code: "MessageWritesBlocked" });
    expect(fake.requests.at(-1)?.status).toBe(403);
    await openChat(bot, fake, BOB, "Hello Bob"); // others are unaffected
    expect(fake.sentTo(BOB.id)).toHaveLength(1);
    expect(fake.sentTo(ALICE.id).map((a) => a.activity.text)).toEqual(["Hello Alice"]);
  });

  it("enforces the per-thread limit (7 a second, 8 in 2 s): a burst gets 429s, the SDK's retries still deliver", async () => {
    const fake = await connector();
    await adapter().continueConversationAsync("", reference(fake, "a:conv-burst"), async (context) => {
      for (let i = 1; i <= 10; i++) await context.sendActivity(`message ${i}`);
    });
    expect(fake.limitViolations).toBeGreaterThan(0);
    const refused = fake.requests.filter((r) => r.status === 429);
    expect(refused.length).toBe(fake.limitViolations);
    expect(refused.every((r) => Number(r.retryAfter) >= 1)).toBe(true);
    expect(fake.activities("a:conv-burst").map((a) => a.activity.text)).toEqual(
      Array.from({ length: 10 }, (_, i) => `message ${i + 1}`),
    );
    // Well-paced sends (as a client should make them) never trip it; `limits: false` turns it off.
    const relaxed = await connector({ limits: false });
    await adapter().continueConversationAsync("", reference(relaxed, "a:conv-burst"), async (context) => {
      for (let i = 1; i <= 20; i++) await context.sendActivity(`message ${i}`);
    });
    expect(relaxed.limitViolations).toBe(0);
    expect(relaxed.activities()).toHaveLength(20);
  });

  it("answers 429 with a Retry-After header when the thread limit is exceeded", async () => {
    const fake = await connector();
    const statuses: number[] = [];
    const retryAfter: (string | null)[] = [];
    for (let i = 0; i < 9; i++) {
      const res = await fetch(`${fake.url}v3/conversations/a%3Aconv-z/activities`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ type: "message", text: `m${i}` }),
      });
      statuses.push(res.status);
      retryAfter.push(res.headers.get("retry-after"));
    }
    expect(statuses).toEqual([201, 201, 201, 201, 201, 201, 201, 429, 429]);
    expect(retryAfter.at(-1)).toBe("1");
    expect(fake.limitViolations).toBe(2);
  });

  it("serves an uploaded file at its pre-authorised download address only, as Teams' file attachments point at", async () => {
    const fake = await connector();
    const attachment = fake.uploadFile("plan.xlsx", new Uint8Array([1, 2, 3]));
    expect(attachment).toMatchObject({ contentType: "application/vnd.microsoft.teams.file.download.info", name: "plan.xlsx", content: { fileType: "xlsx" } });
    const served = await fetch(attachment.content.downloadUrl);
    expect(served.status).toBe(200);
    expect([...new Uint8Array(await served.arrayBuffer())]).toEqual([1, 2, 3]);
    const address = new URL(attachment.content.downloadUrl);
    address.searchParams.set("tempauth", "guessed");
    expect((await fetch(address)).status).toBe(401);
    address.searchParams.delete("tempauth");
    expect((await fetch(address)).status).toBe(401);
    expect(fake.fileDownloads).toEqual({ served: 1, refused: 2 });
  });

  it("takes an offered file into an upload session as OneDrive does: ranges in order, lengths checked, 202 then 201, no token", async () => {
    const fake = await connector();
    const info = fake.acceptFileConsent("plan.xlsx");
    expect(info).toMatchObject({ name: "plan.xlsx", fileType: "xlsx", uniqueId: expect.any(String) });
    const bytes = Buffer.alloc(2 * FRAGMENT + 10, 7);
    const put = (headers: Record<string, string>, body: Uint8Array) => fetch(info.uploadUrl, { method: "PUT", headers, body: new Uint8Array(body) });
    // A range that does not start where the file stands, a length that is not the range's, a token: refused.
    expect((await put({ "content-range": `bytes ${FRAGMENT}-${2 * FRAGMENT - 1}/${bytes.length}` }, bytes.subarray(FRAGMENT, 2 * FRAGMENT))).status).toBe(416);
    expect((await put({ "content-range": `bytes 0-9/${bytes.length}` }, bytes.subarray(0, 11))).status).toBe(400);
    expect((await put({ authorization: "Bearer fake", "content-range": `bytes 0-${FRAGMENT - 1}/${bytes.length}` }, bytes.subarray(0, FRAGMENT))).status).toBe(401);
    expect((await put({}, bytes.subarray(0, FRAGMENT))).status).toBe(400);
    // The real client puts it in 320 KiB fragments: 202 for each until the last, then 201 with the item.
    await putInUploadSession(info.uploadUrl, bytes, FRAGMENT);
    const [upload] = fake.uploads();
    expect(upload!.puts.filter((p) => p.status < 300).map((p) => [p.contentRange, p.contentLength, p.status])).toEqual([
      [`bytes 0-${FRAGMENT - 1}/${bytes.length}`, String(FRAGMENT), 202],
      [`bytes ${FRAGMENT}-${2 * FRAGMENT - 1}/${bytes.length}`, String(FRAGMENT), 202],
      [`bytes ${2 * FRAGMENT}-${bytes.length - 1}/${bytes.length}`, "10", 201],
    ]);
    expect(upload).toMatchObject({ complete: true });
    expect(upload!.bytes.equals(bytes)).toBe(true);
    // A finished session, or one that lapsed, takes nothing more.
    await expect(putInUploadSession(info.uploadUrl, bytes)).rejects.toThrow(/answered 404/);
    await expect(putInUploadSession(fake.acceptFileConsent("late.csv", { expired: true }).uploadUrl, bytes)).rejects.toThrow(/answered 404/);
    // Fragments that are not whole 320 KiB units are not sent at all.
    await expect(putInUploadSession(fake.acceptFileConsent("odd.csv").uploadUrl, bytes, FRAGMENT + 1)).rejects.toThrow(/multiple of 320 KiB/);
  });

  it("answers 429 past 50 requests a second across the app, whatever the threads", async () => {
    const fake = await connector();
    const statuses = await Promise.all(
      Array.from({ length: 55 }, (_, i) =>
        fetch(`${fake.url}v3/conversations/a%3Aconv-${i}/activities`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ type: "message", text: "hi" }),
        }).then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(50);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    expect(fake.limitViolations).toBe(5);
  });
});

describe("fake Bot Framework auth, driven by botbuilder with an app id", () => {
  const APP_ID = "11111111-2222-3333-4444-555555555555";
  const PASSWORD = "fake-secret";

  async function authedBot(appId = APP_ID) {
    forgetCachedBotTokens();
    const auth = await botAuth();
    const fake = await connector({ requireToken: "fake", appCredentials: { appId, password: PASSWORD } });
    const adapter = new CloudAdapter(
      new ConfigurationBotFrameworkAuthentication(
        auth.authConfiguration(appId, PASSWORD, fake.loginUrl()),
        credentialsFactory(appId, PASSWORD, fake.loginUrl()),
      ),
    );
    const endpoint: BotEndpoint = await startBotEndpoint(adapter, async (context) => {
      await context.sendActivity(`You said: ${context.activity.text}`);
    });
    cleanups.push(() => endpoint.close());
    const activity = {
      type: "message",
      id: "inbound-1",
      channelId: "msteams",
      serviceUrl: fake.url,
      from: { id: ALICE.id, name: ALICE.name, aadObjectId: ALICE.aadObjectId },
      recipient: { id: BOT.id, name: BOT.name },
      conversation: { id: "a:conv-auth", conversationType: "personal", tenantId: TENANT },
      channelData: { tenant: { id: TENANT } },
      text: "done",
    };
    return { auth, fake, adapter, endpoint, activity };
  }

  it("accepts an activity with a channel token, and its reply carries the bot's token from the fake token endpoint", async () => {
    const { auth, fake, endpoint, activity } = await authedBot();
    const token = auth.signChannelToken({ appId: APP_ID, serviceUrl: fake.url });
    const response = await postActivity(endpoint.url, activity, token);
    expect(response.status).toBe(200);
    expect(auth.requests.map((r) => r.path)).toEqual(["/v1/.well-known/openidconfiguration", "/v1/.well-known/keys"]);

    const [reply] = fake.activities("a:conv-auth");
    expect(reply?.activity.text).toBe("You said: done");
    expect(reply?.replyToId).toBe("inbound-1");
    expect(fake.requests.at(-1)?.headers.authorization).toBe("Bearer fake");
    expect(fake.tokenRequests).toHaveLength(1);
    expect(fake.tokenRequests[0]).toMatchObject({
      method: "POST",
      path: "/botframework.com/oauth2/v2.0/token",
      body: { grant_type: "client_credentials", client_id: APP_ID, client_secret: PASSWORD, scope: "https://api.botframework.com/.default" },
    });
  });

  it("refuses (401) a missing, bogus, expired, mis-addressed or foreign-signed token", async () => {
    quietConsoleError();
    const { auth, fake, endpoint, activity } = await authedBot();
    const sign = (o: Partial<Parameters<typeof auth.signChannelToken>[0]> = {}) =>
      auth.signChannelToken({ appId: APP_ID, serviceUrl: fake.url, ...o });
    const status = async (token?: string) => (await postActivity(endpoint.url, activity, token)).status;

    expect(await status(undefined)).toBe(401);
    expect(await status("not-a-jwt")).toBe(401);
    expect(await status(sign({ expiresInSeconds: -600 }))).toBe(401); // botbuilder allows 5 minutes of skew
    expect(await status(sign({ appId: "someone-else" }))).toBe(401);
    expect(await status(sign({ serviceUrl: "https://smba.trafficmanager.net/uk/" }))).toBe(401);
    expect(await status(sign({ issuer: "https://evil.example" }))).toBe(401);
    expect(await status(sign({ key: createSigningKey() }))).toBe(401); // a key the JWKS does not publish
    // A wrong signature under a published key id: botbuilder 4.23.3 lets jsonwebtoken's error escape
    // its AuthenticationError handling, so CloudAdapter.process answers 500, not 401. Still refused.
    expect(await status(sign({ key: createSigningKey(auth.key.kid) }))).toBe(500);
    expect(fake.activities()).toEqual([]);
    // and a good one still passes
    expect(await status(sign())).toBe(200);
  });

  it("ToChannelFromBotLoginUrl alone cannot reach a loopback token endpoint: MSAL wants https", async () => {
    forgetCachedBotTokens();
    const auth = await botAuth();
    const fake = await connector();
    const appId = "99999999-2222-3333-4444-555555555555";
    const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication(auth.authConfiguration(appId, PASSWORD, fake.loginUrl())));
    const error = await adapter
      .continueConversationAsync(appId, reference(fake, "a:conv-msal"), async (context) => {
        await context.sendActivity("hello");
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ errorCode: "authority_uri_insecure" });
    expect(fake.requests).toEqual([]);
    expect(fake.tokenRequests).toEqual([]);
  });
});

describe("fake Slack API, driven by @slack/web-api's WebClient", () => {
  const quiet = { logLevel: webApi.LogLevel.ERROR };

  it("opens a DM, posts blocks, updates the message in place (by the D… channel only)", async () => {
    const fake = await slack({ users: [{ id: "U0ALICE", email: "alice@example.gov.uk", locale: "cy-GB" }] });
    const client = new WebClient(fake.token, { slackApiUrl: fake.url, ...quiet });

    const opened = await client.conversations.open({ users: "U0ALICE" });
    const channel = opened.channel?.id ?? "";
    expect(channel).toMatch(/^D/);
    const blocks = [
      { type: "section", text: { type: "mrkdwn", text: "*R6.2* is due on Friday" } },
      { type: "actions", elements: [{ type: "button", action_id: "done", text: { type: "plain_text", text: "Done" }, value: "R6.2" }] },
    ];
    const posted = await client.chat.postMessage({ channel, text: "R6.2 is due on Friday", blocks });
    expect(posted).toMatchObject({ ok: true, channel, message: { text: "R6.2 is due on Friday", blocks } });
    const ts = posted.ts ?? "";

    await client.chat.update({ channel, ts, text: "R6.2: done", blocks: [] });
    const [message] = fake.messages(channel);
    expect(message).toMatchObject({ ts, text: "R6.2: done", blocks: [] });
    expect(message?.history.map((v) => v.text)).toEqual(["R6.2 is due on Friday", "R6.2: done"]);

    // As in Slack: chat.update wants the D… id, not the user id; an unknown ts is message_not_found.
    await expect(client.chat.update({ channel: "U0ALICE", ts, text: "x" })).rejects.toMatchObject({
      code: ErrorCode.PlatformError,
      data: { error: "channel_not_found" },
    });
    await expect(client.chat.update({ channel, ts: "1.000001", text: "x" })).rejects.toMatchObject({
      data: { error: "message_not_found" },
    });

    const call = fake.calls.find((c) => c.method === "chat.postMessage");
    expect(call).toMatchObject({ token: fake.token, contentType: "application/x-www-form-urlencoded", args: { channel, blocks } });
  });

  it("answers auth.test, users.lookupByEmail and users.info (locale only when asked), and refuses a bad token", async () => {
    const fake = await slack({ users: [{ id: "U0ALICE", email: "Alice@Example.gov.uk", locale: "cy-GB", name: "alice" }] });
    const client = new WebClient(fake.token, { slackApiUrl: fake.url, ...quiet });
    expect(await client.auth.test()).toMatchObject({ ok: true, user_id: fake.botUserId, team_id: fake.teamId });
    expect((await client.users.lookupByEmail({ email: "alice@example.gov.uk" })).user?.id).toBe("U0ALICE");
    await expect(client.users.lookupByEmail({ email: "nobody@example.gov.uk" })).rejects.toMatchObject({
      data: { error: "users_not_found" },
    });
    expect((await client.users.info({ user: "U0ALICE", include_locale: true })).user?.locale).toBe("cy-GB");
    expect((await client.users.info({ user: "U0ALICE" })).user?.locale).toBeUndefined();

    const intruder = new WebClient("xoxb-wrong", { slackApiUrl: fake.url, ...quiet });
    await expect(intruder.auth.test()).rejects.toMatchObject({ data: { ok: false, error: "invalid_auth" } });
  });

  it("enforces Block Kit limits: 50 blocks, 3000 characters a section, about 13k characters of blocks", async () => {
    const fake = await slack({ limits: false });
    const client = new WebClient(fake.token, { slackApiUrl: fake.url, ...quiet, logger: silentLogger() });
    const section = (n: number) => ({ type: "section", text: { type: "mrkdwn", text: "x".repeat(n) } });
    fake.addChannel("C0PLAN");
    const post = (blocks: unknown[]) =>
      client.chat.postMessage({ channel: "C0PLAN", text: "t", blocks: blocks as never }).then(
        () => "ok",
        (e: { data?: { error?: string } }) => e.data?.error,
      );
    expect(await post(Array.from({ length: 50 }, () => section(10)))).toBe("ok");
    expect(await post(Array.from({ length: 51 }, () => section(10)))).toBe("invalid_blocks");
    expect(await post([section(3001)])).toBe("invalid_blocks");
    expect(await post(Array.from({ length: 5 }, () => section(2900)))).toBe("msg_blocks_too_long");
    expect(await post([{ type: "actions", elements: [{ type: "button", action_id: "a", text: { type: "plain_text", text: "y".repeat(76) } }] }])).toBe(
      "invalid_blocks",
    );
  });

  it("a 429 with Retry-After: 1 is retried transparently by WebClient", async () => {
    const fake = await slack({ users: [{ id: "U0ALICE" }] });
    const client = new WebClient(fake.token, { slackApiUrl: fake.url, ...quiet });
    const rateLimited = vi.fn();
    client.on(WebClientEvent.RATE_LIMITED, rateLimited);
    fake.failNext("chat.postMessage", { status: 429, retryAfterSeconds: 1 });
    const started = Date.now();
    const posted = await client.chat.postMessage({ channel: "U0ALICE", text: "Reminder" });
    expect(posted.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(rateLimited).toHaveBeenCalledWith(1, expect.anything());
    expect(fake.calls.filter((c) => c.method === "chat.postMessage").map((c) => c.status)).toEqual([429, 200]);
    expect(fake.messages()).toHaveLength(1);
  });

  it("surfaces an error body such as ratelimited as a platform error, without retrying", async () => {
    const fake = await slack({ users: [{ id: "U0ALICE" }] });
    const client = new WebClient(fake.token, { slackApiUrl: fake.url, ...quiet });
    fake.failNext("chat.postMessage", { error: "ratelimited" });
    await expect(client.chat.postMessage({ channel: "U0ALICE", text: "x" })).rejects.toMatchObject({
      code: ErrorCode.PlatformError,
      data: { ok: false, error: "ratelimited" },
    });
    fake.failNext("conversations.open", { error: "account_inactive" });
    await expect(client.conversations.open({ users: "U0ALICE" })).rejects.toMatchObject({ data: { error: "account_inactive" } });
    expect(fake.calls.map((c) => c.status)).toEqual([200, 200]);
  });

  it("an HTTP 500 is retried by WebClient's retry policy (here a fast one); response_url posts replace the message", async () => {
    const fake = await slack({ users: [{ id: "U0ALICE" }] });
    const client = new WebClient(fake.token, {
      slackApiUrl: fake.url,
      retryConfig: { retries: 2, minTimeout: 0, maxTimeout: 1 },
      logger: silentLogger(),
    });
    fake.failNext("chat.postMessage", { status: 500 });
    const posted = await client.chat.postMessage({ channel: "U0ALICE", text: "R6.2 due" });
    expect(fake.calls.map((c) => c.status)).toEqual([500, 200]);

    const channel = posted.channel ?? "";
    const responseUrl = fake.responseUrl({ channel, ts: posted.ts ?? "" });
    const post = (body: unknown) =>
      fetch(responseUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then((r) => r.status);
    expect(await post({ replace_original: true, text: "R6.2: done" })).toBe(200);
    expect(fake.messages(channel)[0]?.history.map((v) => v.text)).toEqual(["R6.2 due", "R6.2: done"]);
    for (let i = 0; i < 4; i++) await post({ text: "more" });
    expect(await post({ text: "a sixth" })).toBe(404); // a response_url takes at most 5 posts
  });

  it("enforces chat.postMessage's per-channel rate: a rapid burst of 10 gets 429 with Retry-After", async () => {
    const fake = await slack({ users: [{ id: "U0ALICE" }] });
    const client = new WebClient(fake.token, { slackApiUrl: fake.url, rejectRateLimitedCalls: true, ...quiet });
    const channel = (await client.conversations.open({ users: "U0ALICE" })).channel?.id ?? "";
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => client.chat.postMessage({ channel, text: `m${i}` })));
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(refused.length).toBeGreaterThanOrEqual(5);
    expect(refused[0]?.reason).toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 1 });
    expect(fake.limitViolations).toBe(refused.length);
    expect(fake.messages(channel)).toHaveLength(10 - refused.length);
  });

  it("enforces method tiers per workspace per minute (conversations.open is tier 3: 50 a minute)", async () => {
    const users = Array.from({ length: 51 }, (_, i) => ({ id: `U${i}` }));
    const fake = await slack({ users });
    const client = new WebClient(fake.token, { slackApiUrl: fake.url, rejectRateLimitedCalls: true, ...quiet });
    for (const u of users.slice(0, 50)) await client.conversations.open({ users: u.id });
    await expect(client.conversations.open({ users: "U50" })).rejects.toMatchObject({ code: ErrorCode.RateLimitedError });
    const refused = fake.calls.at(-1);
    expect(refused).toMatchObject({ method: "conversations.open", status: 429, error: "ratelimited" });
    expect(Number(refused?.retryAfter)).toBeGreaterThanOrEqual(59); // until the first of the 50 leaves the minute
    expect(fake.limitViolations).toBe(1);
  });
});

describe("signed requests, driven through Bolt's HTTPReceiver", () => {
  const SECRET = "signing-secret";

  async function boltApp(fake: FakeSlack) {
    const app = new App({
      token: fake.token,
      signingSecret: SECRET,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: fake.url },
    });
    const server = await app.start(0);
    cleanups.push(() => app.stop());
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    return { app, url: `http://127.0.0.1:${port}/slack/events` };
  }

  it("a signed block_actions payload reaches the action handler, which updates the card and responds", async () => {
    const fake = await slack({ users: [{ id: "U0ALICE" }] });
    const { app, url } = await boltApp(fake);
    const client = new WebClient(fake.token, { slackApiUrl: fake.url });
    const channel = (await client.conversations.open({ users: "U0ALICE" })).channel?.id ?? "";
    const ts = (await client.chat.postMessage({ channel, text: "R6.2 due" })).ts ?? "";

    app.action("done", async ({ ack, body, client: boltClient, respond }) => {
      await ack();
      if (body.type !== "block_actions" || !body.channel || !body.message) return;
      await boltClient.chat.update({ channel: body.channel.id, ts: body.message.ts, text: "R6.2: done" });
      await respond({ response_type: "ephemeral", replace_original: false, text: "Thanks" });
    });

    const request = blockActionsBody({
      userId: "U0ALICE",
      channelId: channel,
      messageTs: ts,
      actionId: "done",
      value: "R6.2",
      teamId: fake.teamId,
      responseUrl: fake.responseUrl({ channel, ts }),
    });
    expect((await postToSlackApp(url, SECRET, request)).status).toBe(200);
    await vi.waitFor(() => expect(fake.responses()).toHaveLength(1), { timeout: 2000 });
    expect(fake.messages(channel)[0]?.text).toBe("R6.2: done");
    expect(fake.responses()[0]?.body).toMatchObject({ text: "Thanks", replace_original: false });

    // A wrong signature or a stale timestamp is refused.
    expect((await postToSlackApp(url, "not-the-secret", request)).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await postToSlackApp(url, SECRET, request, { timestampSeconds: stale })).status).toBe(401);
  });

  it("a signed slash command is acked with its answer; a message.im event reaches the message listener", async () => {
    const fake = await slack({ users: [{ id: "U0ALICE" }] });
    const { app, url } = await boltApp(fake);
    app.command("/chaser", async ({ ack, command }) => {
      await ack(`You asked for: ${command.text}`);
    });
    const heard: string[] = [];
    app.message(async ({ message }) => {
      if (message.subtype === undefined) heard.push(message.text ?? "");
    });

    const command = await postToSlackApp(url, SECRET, slashCommandBody({ userId: "U0ALICE", command: "/chaser", text: "list", teamId: fake.teamId }));
    expect(command.status).toBe(200);
    expect(command.body).toContain("You asked for: list");

    const event = messageImEventBody({ userId: "U0ALICE", channelId: "D0ALICE", text: "done R6.2", teamId: fake.teamId, botUserId: fake.botUserId });
    expect((await postToSlackApp(url, SECRET, event)).status).toBe(200);
    await vi.waitFor(() => expect(heard).toEqual(["done R6.2"]), { timeout: 2000 });
  });

  it("signs as Slack does: v0= hex HMAC-SHA256 of v0:{timestamp}:{body}", () => {
    // Slack's documented example request.
    const body =
      "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    expect(signSlackRequest("8f742231b10e8888abcd99yyyzzz85a5", body, 1531420618)).toEqual({
      "x-slack-signature": "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
      "x-slack-request-timestamp": "1531420618",
    });
  });
});

function silentLogger(): webApi.Logger {
  const noop = () => undefined;
  return {
    debug: noop,
    info: noop,
    warn: noop,
    error: noop,
    setLevel: noop,
    getLevel: () => webApi.LogLevel.ERROR,
    setName: noop,
  };
}
