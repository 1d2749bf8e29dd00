/**
 * A fake Slack Web API on loopback, for @slack/web-api's WebClient (and so for Bolt):
 * `new WebClient(token, { slackApiUrl: fake.url })`, or `new App({ clientOptions: { slackApiUrl: fake.url } })`.
 *
 * It parses requests as Slack does (form-encoded with JSON-encoded blocks/attachments/view, or JSON),
 * answers `{ ok: false, error }` like Slack, keeps the messages, ephemerals, views and response_url
 * posts it received, checks the Block Kit limits Slack checks, and enforces Slack's rate limits
 * (chat.postMessage about one a second per channel with a short burst; method tiers per workspace per
 * minute) with HTTP 429 and Retry-After.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { flatHeaders, listenOnLoopback, parseJsonOrUndefined, readBody, sendJson } from "./http-util.js";
import { retryAfterSeconds, SlidingWindows, TokenBuckets } from "./rate-window.js";

export interface SlackUser {
  id: string;
  /** The user's own workspace (another organisation's, for a Slack Connect guest); default the fake's. */
  teamId?: string;
  email?: string;
  name?: string;
  realName?: string;
  /** e.g. "en-GB", "cy-GB"; users.info returns it only with include_locale. */
  locale?: string;
  tz?: string;
  deleted?: boolean;
  isBot?: boolean;
}

export interface SlackMessageVersion {
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  at: number;
}

export interface SlackMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  user: string;
  botId: string;
  /** Current content (after updates). */
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: unknown;
  /** Every version, oldest first: as posted, then each chat.update or response_url replace. */
  history: SlackMessageVersion[];
  deleted: boolean;
}

export interface SlackEphemeral {
  channel: string;
  user: string;
  messageTs: string;
  text?: string;
  blocks?: unknown[];
}

export interface SlackView {
  id: string;
  externalId?: string;
  hash: string;
  /** The view as it stands now. */
  view: Record<string, unknown>;
  /** Every version, oldest first. */
  history: Record<string, unknown>[];
  triggerId?: string;
  /** "modal" views come from views.open; "home" from views.publish. */
  userId?: string;
}

export interface SlackFile {
  id: string;
  filename: string;
  /** The length declared to files.getUploadURLExternal. */
  length: number;
  altText: string | null;
  /** The bytes posted to the upload URL, null until then. */
  bytes: Buffer | null;
  title: string | null;
  /** Set by files.completeUploadExternal; only then may a message show it. */
  completed: boolean;
  channelId: string | null;
}

export interface RecordedSlackCall {
  method: string;
  token?: string;
  /** Arguments with JSON-encoded values (blocks, attachments, view, metadata…) decoded; no token. */
  args: Record<string, unknown>;
  contentType: string;
  headers: Record<string, string>;
  status: number;
  /** The `error` Slack answered, if it was not ok. */
  error?: string;
  /** The Retry-After header the fake sent, if any. */
  retryAfter?: string;
  at: number;
}

export interface SlackResponseUrlPost {
  id: string;
  body: unknown;
  status: number;
  at: number;
}

export type SlackFailure =
  | { status: 429; retryAfterSeconds?: number }
  | { status: 500 | 502 | 503 | 504 }
  | { error: "ratelimited" | "channel_not_found" | "account_inactive" | (string & {}) };

export interface FakeSlackOptions {
  /** Enforce Slack's rate limits (default true). */
  limits?: boolean;
  /** Tokens the fake accepts (default ["xoxb-fake"]); anything else gets invalid_auth. */
  tokens?: string[];
  teamId?: string;
  teamName?: string;
  botUserId?: string;
  botId?: string;
  appId?: string;
  users?: SlackUser[];
  /** chat.postMessage per channel: burst size (default 3) and sustained rate (default 1 a second). */
  postMessageBurst?: number;
  postMessagePerSecond?: number;
  /** chat.postMessage across the workspace per minute (default 300: "several hundred"). */
  postMessagePerMinute?: number;
  /** How long an idle kept-alive connection stays open (default 1 s, as the fakes' servers). */
  keepAliveMs?: number;
}

export interface FakeSlack {
  /** The slackApiUrl to give WebClient: ends in "/api/". */
  url: string;
  origin: string;
  /** The first accepted token. */
  token: string;
  teamId: string;
  botUserId: string;
  calls: RecordedSlackCall[];
  readonly limitViolations: number;
  /** Messages in the order posted, current state and history; deleted ones included, flagged. */
  messages(channel?: string): SlackMessage[];
  ephemerals(channel?: string): SlackEphemeral[];
  views(): SlackView[];
  /** Posts received on response URLs (optionally one URL's, by id or full URL). */
  responses(idOrUrl?: string): SlackResponseUrlPost[];
  addUser(user: SlackUser): void;
  /** Makes a public or private channel known, with its members. */
  addChannel(id: string, memberIds?: string[]): void;
  /** The D… channel conversations.open gave (or would give) this user. */
  dmChannelFor(userId: string): string | undefined;
  /** Files uploaded through files.getUploadURLExternal, the upload URL and files.completeUploadExternal. */
  files(): SlackFile[];
  /** The next `count` calls of `method` (default 1) fail this way. */
  failNext(method: string, failure: SlackFailure, count?: number): void;
  /**
   * A response_url on this fake. Bound to a message, `replace_original` / `delete_original` act on it.
   * Like Slack's, each URL takes at most 5 posts.
   */
  responseUrl(target?: { channel: string; ts: string }): string;
  /** A trigger_id views.open accepts for 3 seconds (ids the fake did not issue are accepted too). */
  issueTriggerId(): string;
  /**
   * A file shared in Slack, as a message event's `files[]` entry. Like files.slack.com, its
   * url_private_download answers only a request carrying an accepted bot token (else 404 HTML).
   */
  shareFile(name: string, bytes: Uint8Array): { id: string; name: string; size: number; mimetype: string; url_private: string; url_private_download: string; permalink: string };
  /** How many downloads of shared files were served, and refused for want of a token. */
  readonly fileDownloads: { served: number; refused: number };
  close(): Promise<void>;
}

/** Slack's rate-limit tiers per method per workspace per minute. */
export const METHOD_TIERS: Record<string, 1 | 2 | 3 | 4> = {
  "auth.test": 4,
  "conversations.open": 3,
  "conversations.info": 3,
  "conversations.members": 4,
  "chat.update": 3,
  "chat.delete": 3,
  "chat.postEphemeral": 4,
  "users.lookupByEmail": 3,
  "users.info": 4,
  "users.list": 2,
  "views.open": 4,
  "views.update": 4,
  "views.push": 4,
  "views.publish": 4,
  "files.getUploadURLExternal": 4,
  "files.completeUploadExternal": 4,
};
const PER_MINUTE: Record<1 | 2 | 3 | 4, number> = { 1: 1, 2: 20, 3: 50, 4: 100 };

const JSON_ARGS = new Set(["blocks", "attachments", "view", "metadata", "unfurls", "user_auth_blocks", "files"]);

type Args = Record<string, unknown>;
type Answer = { status?: number; body: Record<string, unknown>; headers?: Record<string, string> };

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const limitsOn = options.limits ?? true;
  const tokens = options.tokens ?? ["xoxb-fake"];
  const teamId = options.teamId ?? "T0FAKE";
  const teamName = options.teamName ?? "Fake Council";
  const botUserId = options.botUserId ?? "U0BOT";
  const botId = options.botId ?? "B0BOT";
  const appId = options.appId ?? "A0FAKE";

  const users = new Map<string, SlackUser>();
  for (const u of options.users ?? []) users.set(u.id, u);
  const channels = new Map<string, { members: string[] }>(); // C…/G… channels and D… DMs
  const dms = new Map<string, string>(); // userId -> D…
  const messages: SlackMessage[] = [];
  const ephemerals: SlackEphemeral[] = [];
  const views: SlackView[] = [];
  const responsePosts: SlackResponseUrlPost[] = [];
  const responseTargets = new Map<string, { channel: string; ts: string } | undefined>();
  const triggers = new Map<string, number>();
  const failures: { method: string; failure: SlackFailure; remaining: number }[] = [];
  const calls: RecordedSlackCall[] = [];
  const files = new Map<string, SlackFile>();
  const windows = new SlidingWindows();
  const postBuckets = new TokenBuckets(options.postMessageBurst ?? 3, options.postMessagePerSecond ?? 1);
  const postPerMinute = options.postMessagePerMinute ?? 300;
  let limitViolations = 0;
  let tsCounter = 0;
  let idCounter = 0;

  const newTs = (): string => `${Math.floor(Date.now() / 1000)}.${String(++tsCounter % 1_000_000).padStart(6, "0")}`;
  const newId = (prefix: string): string =>
    `${prefix}${String(++idCounter).padStart(4, "0")}${randomBytes(3).toString("hex").toUpperCase()}`;

  const userJson = (u: SlackUser, includeLocale: boolean): Record<string, unknown> => {
    const user: Record<string, unknown> = {
      id: u.id,
      team_id: u.teamId ?? teamId,
      name: u.name ?? u.email?.split("@")[0] ?? u.id,
      real_name: u.realName ?? u.name ?? u.id,
      deleted: u.deleted ?? false,
      is_bot: u.isBot ?? false,
      tz: u.tz ?? "Europe/London",
      tz_label: "Greenwich Mean Time",
      tz_offset: 0,
      profile: {
        email: u.email,
        real_name: u.realName ?? u.name ?? u.id,
        display_name: u.name ?? "",
      },
    };
    if (includeLocale) user.locale = u.locale ?? "en-US";
    return user;
  };

  const openDm = (userId: string): string => {
    let id = dms.get(userId);
    if (!id) {
      id = newId("D");
      dms.set(userId, id);
      channels.set(id, { members: [userId, botUserId] });
    }
    return id;
  };

  /** Where chat.postMessage goes: a known channel, or a user id (Slack posts to the DM with the bot). */
  const resolvePostChannel = (channel: string): string | undefined => {
    if (channels.has(channel)) return channel;
    if (users.has(channel)) return openDm(channel);
    return undefined;
  };

  const findMessage = (channel: string, ts: string): SlackMessage | undefined =>
    messages.find((m) => m.channel === channel && m.ts === ts && !m.deleted);

  const fail = (error: string, extra: Record<string, unknown> = {}): Answer => ({ body: { ok: false, error, ...extra } });

  const methods: Record<string, (args: Args) => Answer> = {
    "auth.test": () => ({
      body: {
        ok: true,
        url: `https://${teamName.toLowerCase().replace(/\W+/g, "-")}.slack.com/`,
        team: teamName,
        user: "chaser",
        team_id: teamId,
        user_id: botUserId,
        bot_id: botId,
        is_enterprise_install: false,
      },
    }),

    "conversations.open": (args) => {
      if (typeof args.channel === "string" && channels.has(args.channel)) {
        return { body: { ok: true, channel: { id: args.channel } } };
      }
      const ids = String(args.users ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      if (ids.length === 0) return fail("users_list_not_supplied");
      for (const id of ids) {
        const user = users.get(id);
        if (!user) return fail("user_not_found");
        if (user.deleted) return fail("user_disabled");
      }
      if (ids.length === 1) {
        const [only] = ids as [string];
        const id = openDm(only);
        return {
          body: { ok: true, no_op: false, already_open: false, channel: { id, is_im: true, user: only, created: Date.now() / 1000 } },
        };
      }
      const id = newId("G");
      channels.set(id, { members: [...ids, botUserId] });
      return { body: { ok: true, channel: { id, is_mpim: true } } };
    },

    // Slack's external upload: ask for a URL, post the bytes there, then complete (optionally sharing).
    "files.getUploadURLExternal": (args) => {
      const length = Number(args.length);
      if (typeof args.filename !== "string" || !args.filename) return fail("invalid_arguments", { response_metadata: { messages: ["[ERROR] missing required field: filename"] } });
      if (!Number.isInteger(length) || length <= 0) return fail("invalid_arguments", { response_metadata: { messages: ["[ERROR] missing required field: length"] } });
      const id = newId("F");
      files.set(id, { id, filename: args.filename, length, altText: typeof args.alt_text === "string" ? args.alt_text : null, bytes: null, title: null, completed: false, channelId: null });
      return { body: { ok: true, upload_url: `${server.origin}/upload/${id}`, file_id: id } };
    },

    "files.completeUploadExternal": (args) => {
      const list = Array.isArray(args.files) ? (args.files as { id?: string; title?: string }[]) : null;
      if (!list || list.length === 0) return fail("invalid_arguments");
      const done: Record<string, unknown>[] = [];
      for (const f of list) {
        const file = f.id ? files.get(f.id) : undefined;
        if (!file) return fail("file_not_found");
        // Slack completes only what was uploaded in full.
        if (!file.bytes || file.bytes.length !== file.length) return fail("file_upload_size_mismatch");
        file.completed = true;
        file.title = f.title ?? file.filename;
        if (typeof args.channel_id === "string") file.channelId = args.channel_id;
        done.push({ id: file.id, name: file.filename, title: file.title, mimetype: file.filename.endsWith(".png") ? "image/png" : "application/octet-stream", size: file.length });
      }
      return { body: { ok: true, files: done } };
    },

    "chat.postMessage": (args) => {
      const channel = resolvePostChannel(String(args.channel ?? ""));
      if (!args.channel) return fail("channel_not_found");
      if (!channel) return fail("channel_not_found");
      const content = checkContent(args, true);
      if ("error" in content) return fail(content.error, content.extra);
      const unknownFile = slackFileIds(args.blocks).find((id) => !files.get(id)?.completed);
      if (unknownFile) return fail("invalid_blocks", { errors: [`invalid slack_file id ${unknownFile}`] });
      const ts = newTs();
      const message: SlackMessage = { channel, ts, user: botUserId, botId, history: [], deleted: false };
      if (typeof args.thread_ts === "string") message.threadTs = args.thread_ts;
      if (args.metadata !== undefined) message.metadata = args.metadata;
      applyContent(message, content);
      messages.push(message);
      return { body: { ok: true, channel, ts, message: messageJson(message) } };
    },

    "chat.update": (args) => {
      const channel = String(args.channel ?? "");
      const ts = String(args.ts ?? "");
      if (!channels.has(channel)) return fail("channel_not_found");
      const message = findMessage(channel, ts);
      if (!message) return fail("message_not_found");
      if (message.user !== botUserId) return fail("cant_update_message");
      const content = checkContent(args, false);
      if ("error" in content) return fail(content.error, content.extra);
      applyContent(message, content);
      return { body: { ok: true, channel, ts, text: message.text ?? "", message: messageJson(message) } };
    },

    "chat.delete": (args) => {
      const channel = String(args.channel ?? "");
      if (!channels.has(channel)) return fail("channel_not_found");
      const message = findMessage(channel, String(args.ts ?? ""));
      if (!message) return fail("message_not_found");
      message.deleted = true;
      return { body: { ok: true, channel, ts: message.ts } };
    },

    "chat.postEphemeral": (args) => {
      const channel = resolvePostChannel(String(args.channel ?? ""));
      if (!channel) return fail("channel_not_found");
      const user = String(args.user ?? "");
      if (!users.has(user)) return fail("user_not_found");
      if (!channels.get(channel)?.members.includes(user) && channel.startsWith("D")) return fail("user_not_in_channel");
      const content = checkContent(args, true);
      if ("error" in content) return fail(content.error, content.extra);
      const messageTs = newTs();
      const ephemeral: SlackEphemeral = { channel, user, messageTs };
      if (content.text !== undefined) ephemeral.text = content.text;
      if (content.blocks !== undefined) ephemeral.blocks = content.blocks;
      ephemerals.push(ephemeral);
      return { body: { ok: true, message_ts: messageTs } };
    },

    "users.lookupByEmail": (args) => {
      const email = String(args.email ?? "").toLowerCase();
      if (!email) return fail("invalid_arguments");
      const user = [...users.values()].find((u) => u.email?.toLowerCase() === email);
      return user ? { body: { ok: true, user: userJson(user, false) } } : fail("users_not_found");
    },

    "users.info": (args) => {
      const user = users.get(String(args.user ?? ""));
      if (!user) return fail("user_not_found");
      return { body: { ok: true, user: userJson(user, truthy(args.include_locale)) } };
    },

    "views.open": (args) => {
      const triggerId = typeof args.trigger_id === "string" ? args.trigger_id : "";
      if (!triggerId) return fail("invalid_arguments");
      const issued = triggers.get(triggerId);
      if (issued !== undefined && Date.now() - issued > 3_000) return fail("expired_trigger_id");
      const view = asObject(args.view);
      const problem = checkView(view, "modal");
      if (problem) return fail(problem.error, problem.extra);
      const stored = storeView(view!, triggerId);
      return { body: { ok: true, view: viewJson(stored) } };
    },

    "views.update": (args) => {
      const stored = views.find(
        (v) => (args.view_id !== undefined && v.id === args.view_id) || (args.external_id !== undefined && v.externalId === args.external_id),
      );
      if (!stored) return fail("not_found");
      if (typeof args.hash === "string" && args.hash !== stored.hash) return fail("hash_conflict");
      const view = asObject(args.view);
      const problem = checkView(view, "modal");
      if (problem) return fail(problem.error, problem.extra);
      stored.view = view!;
      stored.history.push(view!);
      stored.hash = newHash();
      return { body: { ok: true, view: viewJson(stored) } };
    },

    "views.publish": (args) => {
      const userId = String(args.user_id ?? "");
      if (!users.has(userId)) return fail("user_not_found");
      const view = asObject(args.view);
      const problem = checkView(view, "home");
      if (problem) return fail(problem.error, problem.extra);
      let stored = views.find((v) => v.userId === userId && v.view.type === "home");
      if (stored) {
        stored.view = view!;
        stored.history.push(view!);
        stored.hash = newHash();
      } else {
        stored = storeView(view!, undefined);
        stored.userId = userId;
      }
      return { body: { ok: true, view: viewJson(stored) } };
    },
  };

  function newHash(): string {
    return `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString("hex")}`;
  }

  function storeView(view: Record<string, unknown>, triggerId: string | undefined): SlackView {
    const stored: SlackView = { id: newId("V"), hash: newHash(), view, history: [view] };
    if (typeof view.external_id === "string") stored.externalId = view.external_id;
    if (triggerId) stored.triggerId = triggerId;
    views.push(stored);
    return stored;
  }

  function viewJson(v: SlackView): Record<string, unknown> {
    return {
      ...v.view,
      id: v.id,
      team_id: teamId,
      hash: v.hash,
      state: { values: {} },
      root_view_id: v.id,
      previous_view_id: null,
      app_id: appId,
      bot_id: botId,
    };
  }

  function messageJson(m: SlackMessage): Record<string, unknown> {
    const json: Record<string, unknown> = { type: "message", user: m.user, bot_id: m.botId, ts: m.ts, team: teamId, text: m.text ?? "" };
    if (m.blocks) json.blocks = m.blocks;
    if (m.attachments) json.attachments = m.attachments;
    if (m.threadTs) json.thread_ts = m.threadTs;
    if (m.history.length > 1) json.edited = { user: m.user, ts: newTs() };
    return json;
  }

  function applyContent(message: SlackMessage, content: Content): void {
    if (content.text !== undefined) message.text = content.text;
    if (content.blocks !== undefined) message.blocks = content.blocks;
    if (content.attachments !== undefined) message.attachments = content.attachments;
    const version: SlackMessageVersion = { at: Date.now() };
    if (message.text !== undefined) version.text = message.text;
    if (message.blocks !== undefined) version.blocks = message.blocks;
    if (message.attachments !== undefined) version.attachments = message.attachments;
    message.history.push(version);
  }

  const takeFailure = (method: string): SlackFailure | undefined => {
    const index = failures.findIndex((f) => f.method === method);
    if (index < 0) return undefined;
    const entry = failures[index]!;
    entry.remaining -= 1;
    if (entry.remaining <= 0) failures.splice(index, 1);
    return entry.failure;
  };

  const checkLimits = (method: string, args: Args): number => {
    if (!limitsOn) return 0;
    if (method === "chat.postMessage") {
      const channel = resolveLimitChannel(String(args.channel ?? ""));
      const wait = postBuckets.take(channel);
      if (wait > 0) return wait;
      return windows.take("chat.postMessage|workspace", [{ limit: postPerMinute, windowMs: 60_000 }]);
    }
    const tier = METHOD_TIERS[method];
    if (tier === undefined) return 0;
    return windows.take(`tier|${method}`, [{ limit: PER_MINUTE[tier], windowMs: 60_000 }]);
  };
  const resolveLimitChannel = (channel: string): string => dms.get(channel) ?? channel;

  const handleApi = async (req: IncomingMessage, res: ServerResponse, method: string, rawBody: string): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://fake");
    const headers = flatHeaders(req);
    const contentType = headers["content-type"] ?? "";
    const args = parseArgs(contentType, rawBody, url.searchParams);
    const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? "")?.[1];
    const token = bearer ?? (typeof args.token === "string" ? args.token : undefined);
    delete args.token;
    const call: RecordedSlackCall = { method, args, contentType, headers, status: 200, at: Date.now() };
    if (token !== undefined) call.token = token;
    calls.push(call);

    const answer = (a: Answer): void => {
      call.status = a.status ?? 200;
      if (a.headers?.["retry-after"] !== undefined) call.retryAfter = a.headers["retry-after"];
      if (a.body.ok === false && typeof a.body.error === "string") call.error = a.body.error;
      if (call.status === 200 || call.status === 429) {
        sendJson(res, call.status, a.body, a.headers);
      } else {
        res.writeHead(call.status, { "content-type": "text/plain", ...a.headers });
        res.end(String(a.body.error ?? "error"));
      }
    };

    const failure = takeFailure(method);
    if (failure) {
      if ("error" in failure) return answer(fail(failure.error));
      if (failure.status === 429) {
        const h: Record<string, string> = {};
        if (failure.retryAfterSeconds !== undefined) h["retry-after"] = String(failure.retryAfterSeconds);
        return answer({ status: 429, body: { ok: false, error: "ratelimited" }, headers: h });
      }
      return answer({ status: failure.status, body: { ok: false, error: "internal_error" } });
    }

    const impl = methods[method];
    if (!impl) return answer({ status: 404, body: { ok: false, error: "unknown_method" } });
    if (token === undefined || token === "") return answer(fail("not_authed"));
    if (!tokens.includes(token)) return answer(fail("invalid_auth"));

    const waitMs = checkLimits(method, args);
    if (waitMs > 0) {
      limitViolations += 1;
      return answer({
        status: 429,
        body: { ok: false, error: "ratelimited" },
        headers: { "retry-after": String(retryAfterSeconds(waitMs)) },
      });
    }
    return answer(impl(args));
  };

  const handleResponseUrl = (res: ServerResponse, id: string, rawBody: string): void => {
    const body = parseJsonOrUndefined(rawBody) ?? Object.fromEntries(new URLSearchParams(rawBody));
    const post: SlackResponseUrlPost = { id, body, status: 200, at: Date.now() };
    responsePosts.push(post);
    const send = (status: number, payload: Record<string, unknown>): void => {
      post.status = status;
      sendJson(res, status, payload);
    };
    if (!responseTargets.has(id)) return send(404, { ok: false, error: "expired_url" });
    if (responsePosts.filter((p) => p.id === id).length > 5) return send(404, { ok: false, error: "used_url" });
    const target = responseTargets.get(id);
    const object = asObject(body) ?? {};
    if (target) {
      const message = findMessage(target.channel, target.ts);
      if (message && truthy(object.delete_original)) {
        message.deleted = true;
      } else if (message && truthy(object.replace_original)) {
        const content = checkContent(object, true);
        if ("error" in content) return send(400, { ok: false, error: content.error });
        applyContent(message, content);
      }
    }
    send(200, { ok: true });
  };

  const sharedFiles = new Map<string, Uint8Array>();
  const fileDownloads = { served: 0, refused: 0 };
  /** The upload URL files.getUploadURLExternal gives: the bytes raw, or as the multipart form the SDK sends. */
  const handleUpload = async (req: IncomingMessage, res: ServerResponse, id: string): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const file = files.get(id);
    if (!file || req.method !== "POST") return sendJson(res, 404, { ok: false, error: "not_found" });
    const type = String(req.headers["content-type"] ?? "");
    let bytes = raw;
    if (type.startsWith("multipart/form-data")) {
      const form = await new Request("http://fake/upload", { method: "POST", headers: { "content-type": type }, body: raw }).formData();
      const part = [...form.values()].find((v): v is File => typeof v !== "string");
      if (!part) return sendJson(res, 400, { ok: false, error: "no_file" });
      bytes = Buffer.from(await part.arrayBuffer());
    }
    file.bytes = bytes;
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(`OK - ${bytes.length}`);
  };

  const server = await listenOnLoopback(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://fake").pathname;
    const file = /^\/files-pri\/[A-Z0-9]+-([A-Z0-9]+)\/download\/[^/]+$/.exec(path);
    if (file && req.method === "GET") {
      const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1];
      const bytes = sharedFiles.get(file[1]!);
      // Slack answers a download without the token with its sign-in page, not the file.
      if (!bearer || !tokens.includes(bearer) || !bytes) {
        fileDownloads.refused += 1;
        res.writeHead(404, { "content-type": "text/html" });
        res.end("<html>sign in</html>");
        return;
      }
      fileDownloads.served += 1;
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": bytes.length });
      res.end(Buffer.from(bytes));
      return;
    }
    const upload = /^\/upload\/([A-Za-z0-9]+)$/.exec(path);
    if (upload) return handleUpload(req, res, upload[1]!);
    const rawBody = await readBody(req);
    const api = /^\/api\/([A-Za-z0-9_.]+)$/.exec(path);
    if (api) return handleApi(req, res, api[1]!, rawBody);
    const response = /^\/response\/([A-Za-z0-9_-]+)$/.exec(path);
    if (response && req.method === "POST") return handleResponseUrl(res, response[1]!, rawBody);
    sendJson(res, 404, { ok: false, error: "not_found" });
  });
  if (options.keepAliveMs !== undefined) server.server.keepAliveTimeout = options.keepAliveMs;

  return {
    url: `${server.origin}/api/`,
    origin: server.origin,
    token: tokens[0] ?? "",
    teamId,
    botUserId,
    calls,
    get limitViolations() {
      return limitViolations;
    },
    messages: (channel) => (channel === undefined ? [...messages] : messages.filter((m) => m.channel === channel)),
    ephemerals: (channel) => (channel === undefined ? [...ephemerals] : ephemerals.filter((e) => e.channel === channel)),
    views: () => [...views],
    files: () => [...files.values()],
    responses: (idOrUrl) => {
      if (idOrUrl === undefined) return [...responsePosts];
      const id = idOrUrl.split("/").pop() ?? idOrUrl;
      return responsePosts.filter((p) => p.id === id);
    },
    addUser: (user) => {
      users.set(user.id, user);
    },
    addChannel: (id, memberIds = []) => {
      channels.set(id, { members: [...memberIds, botUserId] });
    },
    dmChannelFor: (userId) => dms.get(userId),
    failNext: (method, failure, count = 1) => {
      if (count > 0) failures.push({ method, failure, remaining: count });
    },
    responseUrl: (target) => {
      const id = randomBytes(9).toString("hex");
      responseTargets.set(id, target);
      return `${server.origin}/response/${id}`;
    },
    issueTriggerId: () => {
      const id = `${Date.now()}.${Math.floor(Math.random() * 1e9)}.${randomBytes(16).toString("hex")}`;
      triggers.set(id, Date.now());
      return id;
    },
    shareFile: (name, bytes) => {
      const id = `F${String(++idCounter).padStart(8, "0")}`;
      sharedFiles.set(id, bytes);
      const url = `${server.origin}/files-pri/${teamId}-${id}/download/${encodeURIComponent(name)}`;
      // The permalink is the file's page in the workspace (https://TEAM.slack.com/files/USER/ID/NAME), for people, not for downloading.
      return { id, name, size: bytes.length, mimetype: name.endsWith(".pdf") ? "application/pdf" : "application/octet-stream", url_private: url, url_private_download: url, permalink: `${server.origin}/files/${teamId}/${id}/${encodeURIComponent(name)}` };
    },
    fileDownloads,
    close: () => server.close(),
  };
}

// ---- request parsing and Block Kit checks ----

function parseArgs(contentType: string, rawBody: string, query: URLSearchParams): Args {
  const args: Args = Object.fromEntries(query);
  if (contentType.includes("application/json")) {
    Object.assign(args, asObject(parseJsonOrUndefined(rawBody)) ?? {});
    return args;
  }
  for (const [key, value] of new URLSearchParams(rawBody)) {
    if (JSON_ARGS.has(key) && /^\s*[[{]/.test(value)) {
      const parsed = parseJsonOrUndefined(value);
      args[key] = parsed === undefined ? { __unparseable: value } : parsed;
    } else {
      args[key] = value;
    }
  }
  return args;
}

interface Content {
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
}

function checkContent(args: Args, requireSomething: boolean): Content | { error: string; extra?: Record<string, unknown> } {
  const content: Content = {};
  if (args.text !== undefined) content.text = String(args.text);
  if (args.blocks !== undefined) {
    if (!Array.isArray(args.blocks)) return { error: "invalid_blocks_format" };
    const problem = checkBlocks(args.blocks, 50);
    if (problem) return { error: "invalid_blocks", extra: { response_metadata: { messages: [`[ERROR] ${problem}`] } } };
    if (JSON.stringify(args.blocks).length > 13_000) return { error: "msg_blocks_too_long" };
    content.blocks = args.blocks;
  }
  if (args.attachments !== undefined) {
    if (!Array.isArray(args.attachments)) return { error: "invalid_attachments" };
    content.attachments = args.attachments;
  }
  if (requireSomething && !content.text && !content.blocks?.length && !content.attachments?.length) return { error: "no_text" };
  if ((content.text?.length ?? 0) > 40_000) return { error: "msg_too_long" };
  return content;
}

/** The Block Kit limits Slack enforces, as a message naming the first one broken. */
export function checkBlocks(blocks: unknown[], maxBlocks: number): string | undefined {
  if (blocks.length > maxBlocks) return `no more than ${maxBlocks} items allowed [json-pointer:/blocks]`;
  for (const [i, raw] of blocks.entries()) {
    const block = asObject(raw);
    const at = `[json-pointer:/blocks/${i}]`;
    if (!block || typeof block.type !== "string") return `missing required field: type ${at}`;
    if (typeof block.block_id === "string" && block.block_id.length > 255) return `block_id must be less than 256 characters ${at}`;
    const text = asObject(block.text);
    switch (block.type) {
      case "section": {
        const fields = Array.isArray(block.fields) ? block.fields : undefined;
        if (!text && !fields) return `must provide either text or fields ${at}`;
        if (text && textLength(text) > 3000) return `must be less than 3001 characters [json-pointer:/blocks/${i}/text/text]`;
        if (fields && fields.length > 10) return `no more than 10 items allowed [json-pointer:/blocks/${i}/fields]`;
        for (const f of fields ?? []) if (textLength(asObject(f)) > 2000) return `field text must be less than 2001 characters ${at}`;
        const accessory = asObject(block.accessory);
        if (accessory) {
          const problem = checkElement(accessory, `/blocks/${i}/accessory`);
          if (problem) return problem;
        }
        break;
      }
      case "header":
        if (!text || textLength(text) > 150) return `header text must be 1-150 characters [json-pointer:/blocks/${i}/text/text]`;
        break;
      case "actions": {
        const elements = Array.isArray(block.elements) ? block.elements : [];
        if (elements.length === 0 || elements.length > 25) return `actions need 1-25 elements [json-pointer:/blocks/${i}/elements]`;
        for (const [j, e] of elements.entries()) {
          const problem = checkElement(asObject(e) ?? {}, `/blocks/${i}/elements/${j}`);
          if (problem) return problem;
        }
        break;
      }
      case "context": {
        const elements = Array.isArray(block.elements) ? block.elements : [];
        if (elements.length === 0 || elements.length > 10) return `context needs 1-10 elements [json-pointer:/blocks/${i}/elements]`;
        break;
      }
      case "input":
        if (!asObject(block.label) || !asObject(block.element)) return `input needs label and element ${at}`;
        if (textLength(asObject(block.label)) > 2000) return `label must be less than 2001 characters ${at}`;
        break;
      default:
        break;
    }
  }
  return undefined;
}

function checkElement(element: Record<string, unknown>, pointer: string): string | undefined {
  if (typeof element.action_id === "string" && element.action_id.length > 255) {
    return `action_id must be less than 256 characters [json-pointer:${pointer}/action_id]`;
  }
  if (element.type === "button") {
    const length = textLength(asObject(element.text));
    if (length === 0 || length > 75) return `must be less than 76 characters [json-pointer:${pointer}/text/text]`;
    if (typeof element.value === "string" && element.value.length > 2000) {
      return `must be less than 2001 characters [json-pointer:${pointer}/value]`;
    }
  }
  return undefined;
}

function checkView(view: Record<string, unknown> | undefined, type: "modal" | "home"): { error: string; extra?: Record<string, unknown> } | undefined {
  if (!view) return { error: "invalid_arguments" };
  if (view.type !== type) return { error: "invalid_arguments", extra: { response_metadata: { messages: [`[ERROR] view type must be ${type}`] } } };
  if (type === "modal" && textLength(asObject(view.title)) === 0) {
    return { error: "invalid_arguments", extra: { response_metadata: { messages: ["[ERROR] missing required field: title"] } } };
  }
  if (type === "modal" && textLength(asObject(view.title)) > 24) {
    return { error: "invalid_arguments", extra: { response_metadata: { messages: ["[ERROR] title must be less than 25 characters"] } } };
  }
  const blocks = Array.isArray(view.blocks) ? view.blocks : [];
  const problem = checkBlocks(blocks, 100);
  if (problem) return { error: "invalid_arguments", extra: { response_metadata: { messages: [`[ERROR] ${problem}`] } } };
  return undefined;
}

function textLength(text: Record<string, unknown> | undefined): number {
  return typeof text?.text === "string" ? text.text.length : 0;
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function truthy(value: unknown): boolean {
  return value === true || value === "true" || value === "1" || value === 1;
}

/** The slack_file ids image blocks refer to. */
function slackFileIds(blocks: unknown): string[] {
  if (!Array.isArray(blocks)) return [];
  return blocks.flatMap((b) => {
    const file = (b as { type?: string; slack_file?: { id?: unknown } }).slack_file;
    return (b as { type?: string }).type === "image" && typeof file?.id === "string" ? [file.id] : [];
  });
}
