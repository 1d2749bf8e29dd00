/**
 * A fake Bot Connector service (what Teams' serviceUrl points at) and a fake Entra ID token endpoint,
 * on loopback. It answers the Bot Connector v3 calls botbuilder's CloudAdapter makes, keeps the
 * activities it was sent (and how they were updated), serves a configurable roster, and behaves like
 * the real service when pushed: the documented per-thread and per-app rate limits answer 429 with
 * Retry-After, a blocked user answers 403 MessageWritesBlocked, and failures can be scripted.
 *
 * It also plays the person's OneDrive for files: pre-authorised download addresses for files people
 * upload in their chat with the bot, and upload sessions for files the bot offered with a file
 * consent card and the person allowed (the PUTs OneDrive documents: Content-Range, Content-Length,
 * 202 until the last byte, then 201 with the item).
 *
 * Point the SDK at it through the activity's / conversation reference's `serviceUrl` (= `url`).
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { flatHeaders, listenOnLoopback, parseJsonOrUndefined, readBody, readBytes, sendJson } from "./http-util.js";
import { retryAfterSeconds, SlidingWindows, type WindowLimit } from "./rate-window.js";

/** A roster entry as Teams returns it (TeamsChannelAccount). */
export interface TeamsMember {
  id: string; // "29:…", the user's id as this bot sees it
  name: string;
  email?: string;
  userPrincipalName?: string;
  aadObjectId?: string;
  tenantId?: string;
  givenName?: string;
  surname?: string;
  userRole?: "user" | "guest" | "anonymous";
}

/** What the fake keeps of an activity (loosely typed: whatever JSON the client sent, plus the id). */
export type ActivityJson = { id?: string; type?: string; text?: string; [key: string]: unknown };

export interface StoredActivity {
  id: string;
  conversationId: string;
  /** Set when the activity was sent as a reply (POST …/activities/{replyToId}). */
  replyToId?: string;
  /** The activity as it stands now (after any updates). */
  activity: ActivityJson;
  /** Every version, oldest first: the one sent, then each update. */
  versions: ActivityJson[];
  deleted: boolean;
}

export interface RecordedConnectorRequest {
  method: string;
  /** The request path as sent (still URL-encoded), without the query string. */
  path: string;
  query: string;
  headers: Record<string, string>;
  /** Parsed JSON body, or for the token endpoint the form fields; undefined when there was none. */
  body: unknown;
  /** The status the fake answered, and its Retry-After header if it sent one. */
  status: number;
  retryAfter?: string;
  at: number;
}

export type ConnectorOperation = "create" | "send" | "update" | "delete" | "read" | "any";

export interface ConnectorFailure {
  status: 400 | 429 | 500 | 502 | 503 | 504 | 412 | 403 | 404;
  /** Sent as a Retry-After header (whole seconds) when given. */
  retryAfterSeconds?: number;
  /** The error code in the body `{ error: { code, message } }`; defaults per status. */
  code?: string;
  message?: string;
  /** Which calls the failure applies to (default: any v3 call). */
  on?: ConnectorOperation;
}

export interface FakeConnectorOptions {
  /** Enforce the documented rate limits (default true). */
  limits?: boolean;
  /** The roster every conversation of the tenant can see (GET …/members). */
  members?: TeamsMember[];
  /** Path the service lives under, e.g. "/uk/" like https://smba.trafficmanager.net/uk/ (default "/"). */
  basePath?: string;
  /** When set, v3 calls without `Authorization: Bearer <requireToken>` answer 401. */
  requireToken?: string;
  /** The access token the token endpoint hands out (default "fake"). */
  accessToken?: string;
  /** When set, the token endpoint refuses other client ids or secrets (401 invalid_client). */
  appCredentials?: { appId: string; password: string };
  /** Refuse to create conversations with users not in the roster (404), as Teams does. Default false. */
  strictRoster?: boolean;
  /** How long an idle kept-alive connection stays open (default 1 s, as the fakes' servers). */
  keepAliveMs?: number;
}

export interface FakeConnector {
  /** The serviceUrl to give the SDK; ends in "/". */
  url: string;
  origin: string;
  requests: RecordedConnectorRequest[];
  /** Requests to the token endpoint (form fields in `body`). */
  tokenRequests: RecordedConnectorRequest[];
  /** How many requests were refused because a rate limit was exceeded (not counting failNext). */
  readonly limitViolations: number;
  /** TCP connections accepted so far: a client that keeps its connections alive opens few. */
  readonly connections: number;
  /** `ToChannelFromBotLoginUrl` for botbuilder: `${origin}/${tenant}`. */
  loginUrl(tenant?: string): string;
  /** The token endpoint: `${origin}/${tenant}/oauth2/v2.0/token`. */
  tokenEndpoint(tenant?: string): string;
  /** Activities in the order they were first sent, each with its current state and versions. */
  activities(conversationId?: string): StoredActivity[];
  /** Activities sent into a conversation with this user (created for them, or addressed to them). */
  sentTo(userId: string): StoredActivity[];
  /** The 1:1 conversation id created for a user, if any. */
  conversationFor(userId: string): string | undefined;
  addMember(member: TeamsMember): void;
  failNext(count: number, failure: ConnectorFailure): void;
  /** Every send or update into this user's conversations answers 403 MessageWritesBlocked. */
  blockUser(userId: string): void;
  unblockUser(userId: string): void;
  /**
   * A file a person uploads in their 1:1 chat with the bot, as Teams puts it in the message's
   * attachments: a pre-authorised, short-lived downloadUrl (OneDrive's, served here).
   */
  uploadFile(name: string, bytes: Uint8Array): TeamsFileAttachment;
  /** Downloads of uploaded files served, and refused (no or a wrong tempauth). */
  readonly fileDownloads: { served: number; refused: number };
  /**
   * What Teams does when the person presses Allow on a file consent card: it makes room for the
   * file in their OneDrive, opens an upload session for it (served here), and invokes the bot with
   * this uploadInfo. `expired`: the session has lapsed by the time the bot uses it. `until`: the
   * session answers no PUT before this settles (a slow OneDrive), to see what waits on the upload.
   */
  acceptFileConsent(name: string, options?: { expired?: boolean; until?: Promise<void> }): TeamsFileUploadInfo;
  /** The upload sessions opened, in order, with the bytes put into each so far. */
  uploads(): FakeUpload[];
  close(): Promise<void>;
}

/** The uploadInfo of a fileConsent/invoke when the person accepted. */
export interface TeamsFileUploadInfo {
  name: string;
  uploadUrl: string;
  contentUrl: string;
  uniqueId: string;
  fileType: string;
}

/** An upload session and what was put into it. */
export interface FakeUpload {
  name: string;
  uniqueId: string;
  /** The bytes received so far, in order. */
  bytes: Buffer;
  /** Set once the last byte arrived (the session answered 201). */
  complete: boolean;
  /** Each PUT: its headers as sent and the status answered. */
  puts: { contentRange: string | undefined; contentLength: string | undefined; authorization: boolean; status: number }[];
}

/** A file attachment as Teams sends it to a bot whose manifest declares supportsFiles. */
export interface TeamsFileAttachment {
  contentType: "application/vnd.microsoft.teams.file.download.info";
  contentUrl: string;
  name: string;
  content: { downloadUrl: string; uniqueId: string; fileType: string };
}

const WRITE_LIMITS: WindowLimit[] = [
  { limit: 7, windowMs: 1_000 },
  { limit: 8, windowMs: 2_000 },
  { limit: 60, windowMs: 30_000 },
  { limit: 1_800, windowMs: 3_600_000 },
];
const READ_LIMITS: WindowLimit[] = [
  { limit: 14, windowMs: 1_000 },
  { limit: 16, windowMs: 2_000 },
  { limit: 120, windowMs: 30_000 },
  { limit: 3_600, windowMs: 3_600_000 },
];
const APP_LIMITS: WindowLimit[] = [{ limit: 50, windowMs: 1_000 }];
/** OneDrive's upload session rules: at most 60 MiB a request; fragments before the last in 320 KiB units. */
const MAX_FRAGMENT = 60 * 1024 * 1024;
const FRAGMENT_UNIT = 320 * 1024;

const DEFAULT_CODES: Record<number, string> = {
  403: "MessageWritesBlocked",
  404: "NotFound",
  412: "PreconditionFailed",
  400: "BadArgument",
  429: "Throttled",
  500: "InternalServerError",
  502: "BadGateway",
  503: "ServiceUnavailable",
  504: "GatewayTimeout",
};

interface Conversation {
  id: string;
  tenantId?: string;
  memberIds: string[];
  isGroup: boolean;
}

/** An upload session as the fake keeps it: the file's size once the first PUT names it. */
type UploadSession = FakeUpload & { total: number | null; expired: boolean; until: Promise<void> };

interface Route {
  op: Exclude<ConnectorOperation, "any">;
  conversationId?: string;
  handle: (body: unknown) => { status: number; body?: unknown };
}

export async function startFakeConnector(options: FakeConnectorOptions = {}): Promise<FakeConnector> {
  const limitsOn = options.limits ?? true;
  const basePath = normaliseBasePath(options.basePath ?? "/");
  const roster = new Map<string, TeamsMember>();
  for (const m of options.members ?? []) roster.set(m.id, m);
  const conversations = new Map<string, Conversation>();
  const oneToOne = new Map<string, string>(); // `${tenant}|${userId}` -> conversation id
  const stored: StoredActivity[] = [];
  const byId = new Map<string, StoredActivity>(); // `${conversationId}|${activityId}`
  const blocked = new Set<string>();
  const failures: (ConnectorFailure & { remaining: number })[] = [];
  const windows = new SlidingWindows();
  const requests: RecordedConnectorRequest[] = [];
  const tokenRequests: RecordedConnectorRequest[] = [];
  let limitViolations = 0;
  const files = new Map<string, { bytes: Uint8Array; tempauth: string }>();
  const fileDownloads = { served: 0, refused: 0 };
  const sessions = new Map<string, UploadSession>();
  let nextActivity = Date.now();
  let nextConversation = 0;

  const newActivityId = (): string => String(++nextActivity);

  const findMember = (key: string): TeamsMember | undefined => {
    const direct = roster.get(key);
    if (direct) return direct;
    const lower = key.toLowerCase();
    for (const m of roster.values()) {
      if (m.aadObjectId?.toLowerCase() === lower || m.userPrincipalName?.toLowerCase() === lower) return m;
    }
    return undefined;
  };

  const membersOf = (conversationId: string): TeamsMember[] => {
    const conversation = conversations.get(conversationId);
    if (!conversation) return [...roster.values()]; // a team or chat the fake did not create: the whole roster
    return conversation.memberIds.map((id) => roster.get(id) ?? { id, name: id });
  };

  const userOwnsConversation = (userId: string, conversationId: string): boolean =>
    conversations.get(conversationId)?.memberIds.includes(userId) ?? false;

  const isBlockedWrite = (conversationId: string, body: unknown): boolean => {
    if (blocked.size === 0) return false;
    const recipient = recipientOf(body);
    if (recipient && blocked.has(recipient)) return true;
    for (const userId of blocked) if (userOwnsConversation(userId, conversationId)) return true;
    return false;
  };

  const storeActivity = (conversationId: string, body: unknown, replyToId?: string): StoredActivity => {
    const id = newActivityId();
    const activity: ActivityJson = { ...(asObject(body) ?? {}), id };
    const record: StoredActivity = { id, conversationId, activity, versions: [activity], deleted: false };
    if (replyToId !== undefined) record.replyToId = replyToId;
    stored.push(record);
    byId.set(`${conversationId}|${id}`, record);
    return record;
  };

  const route = (method: string, segments: string[]): Route | undefined => {
    // segments after basePath, decoded: ["v3", "conversations", ...]
    if (segments[0] !== "v3" || segments[1] !== "conversations") return undefined;
    const rest = segments.slice(2);
    if (rest.length === 0 && method === "POST") {
      return { op: "create", handle: createConversation };
    }
    const conversationId = rest[0];
    if (conversationId === undefined || conversationId === "") return undefined;
    const [, second, third, fourth] = rest;
    if (second === "activities" && third === undefined && method === "POST") {
      return {
        op: "send",
        conversationId,
        handle: (body) => writeActivity(conversationId, body, undefined),
      };
    }
    if (second === "activities" && third !== undefined && fourth === undefined) {
      if (method === "POST" && third !== "history") {
        return { op: "send", conversationId, handle: (body) => writeActivity(conversationId, body, third) };
      }
      if (method === "PUT") {
        return { op: "update", conversationId, handle: (body) => updateActivity(conversationId, third, body) };
      }
      if (method === "DELETE") {
        return { op: "delete", conversationId, handle: () => deleteActivity(conversationId, third) };
      }
    }
    if (second === "activities" && third !== undefined && fourth === "members" && method === "GET") {
      return { op: "read", conversationId, handle: () => ({ status: 200, body: membersOf(conversationId) }) };
    }
    if (second === "members" && method === "GET") {
      if (third === undefined) {
        return { op: "read", conversationId, handle: () => ({ status: 200, body: membersOf(conversationId) }) };
      }
      return {
        op: "read",
        conversationId,
        handle: () => {
          const member = membersOf(conversationId).find((m) => m.id === third) ?? findMember(third);
          return member
            ? { status: 200, body: member }
            : errorBody(404, "MemberNotFoundInConversation", `The user ${third} is not in the conversation.`);
        },
      };
    }
    if (second === "pagedmembers" && method === "GET") {
      return {
        op: "read",
        conversationId,
        handle: () => ({ status: 200, body: { members: membersOf(conversationId) } }),
      };
    }
    return undefined;
  };

  function createConversation(body: unknown): { status: number; body?: unknown } {
    const params = asObject(body);
    // A new post in a team's channel (channelData.channel.id): Teams starts a thread whose first
    // message is the activity, and names the conversation after the channel and that message.
    const channel = asObject(asObject(params?.channelData)?.channel)?.id;
    if (typeof channel === "string" && channel) {
      if (!asObject(params?.bot)?.id) return errorBody(400, "BadArgument", "Conversation parameters must include the bot.");
      if (asObject(params?.activity) === undefined) return errorBody(400, "BadArgument", "A new conversation in a channel needs its first activity.");
      const record = storeActivity(channel, params!.activity);
      const id = `${channel};messageid=${record.id}`;
      conversations.set(id, { id, memberIds: [], isGroup: true });
      return { status: 201, body: { id, activityId: record.id } };
    }
    const members = Array.isArray(params?.members) ? (params.members as unknown[]) : [];
    const memberIds = members.map((m) => asObject(m)?.id).filter((id): id is string => typeof id === "string");
    if (memberIds.length === 0) return errorBody(400, "BadArgument", "Conversation parameters must include members.");
    if (!asObject(params?.bot)?.id) return errorBody(400, "BadArgument", "Conversation parameters must include the bot.");
    const tenantId =
      (typeof params?.tenantId === "string" ? params.tenantId : undefined) ??
      (asObject(asObject(params?.channelData)?.tenant)?.id as string | undefined);
    if (options.strictRoster) {
      const unknown = memberIds.find((id) => !findMember(id));
      if (unknown) return errorBody(404, "NotFound", `User ${unknown} is not known in the tenant.`);
    }
    const isGroup = params?.isGroup === true || memberIds.length > 1;
    const key = `${tenantId ?? ""}|${memberIds.join(",")}`;
    let id = isGroup ? undefined : oneToOne.get(key);
    if (!id) {
      id = `a:conv-${++nextConversation}-${randomBytes(6).toString("hex")}`;
      const conversation: Conversation = { id, memberIds, isGroup };
      if (tenantId !== undefined) conversation.tenantId = tenantId;
      conversations.set(id, conversation);
      if (!isGroup) oneToOne.set(key, id);
    }
    let activityId: string | undefined;
    if (params?.activity !== undefined && params.activity !== null) {
      activityId = storeActivity(id, params.activity).id;
    }
    return { status: 201, body: activityId ? { id, activityId } : { id } };
  }

  function writeActivity(conversationId: string, body: unknown, replyToId: string | undefined) {
    if (asObject(body) === undefined) return errorBody(400, "BadArgument", "The activity is missing.");
    const record = storeActivity(conversationId, body, replyToId);
    return { status: 201, body: { id: record.id } };
  }

  function updateActivity(conversationId: string, activityId: string, body: unknown) {
    const record = byId.get(`${conversationId}|${activityId}`);
    if (!record || record.deleted) {
      return errorBody(404, "ActivityNotFoundInConversation", `Activity ${activityId} was not found in the conversation.`);
    }
    const activity: ActivityJson = { ...(asObject(body) ?? {}), id: activityId };
    record.activity = activity;
    record.versions.push(activity);
    return { status: 200, body: { id: activityId } };
  }

  function deleteActivity(conversationId: string, activityId: string) {
    const record = byId.get(`${conversationId}|${activityId}`);
    if (!record || record.deleted) {
      return errorBody(404, "ActivityNotFoundInConversation", `Activity ${activityId} was not found in the conversation.`);
    }
    record.deleted = true;
    return { status: 200 };
  }

  const takeFailure = (op: Exclude<ConnectorOperation, "any">): ConnectorFailure | undefined => {
    const index = failures.findIndex((f) => f.on === undefined || f.on === "any" || f.on === op);
    if (index < 0) return undefined;
    const failure = failures[index]!;
    failure.remaining -= 1;
    if (failure.remaining <= 0) failures.splice(index, 1);
    return failure;
  };

  const checkLimits = (op: Exclude<ConnectorOperation, "any">, threadKey: string | undefined): number => {
    if (!limitsOn) return 0;
    const appWait = windows.take("app", APP_LIMITS);
    if (appWait > 0) return appWait;
    if (threadKey === undefined) return 0;
    return windows.take(`${op === "read" ? "read" : "write"}|${threadKey}`, op === "read" ? READ_LIMITS : WRITE_LIMITS);
  };

  /** A PUT into an upload session, answered as OneDrive answers it. */
  const putInSession = (session: UploadSession | undefined, req: IncomingMessage, body: Buffer): { status: number; body: unknown } => {
    if (!session || session.expired || session.complete) return errorBody(404, "itemNotFound", "The upload session was not found, or has expired.");
    const headers = flatHeaders(req);
    const put = { contentRange: headers["content-range"], contentLength: headers["content-length"], authorization: headers.authorization !== undefined, status: 0 };
    session.puts.push(put);
    const answer = (status: number, answered: unknown) => {
      put.status = status;
      return { status, body: answered };
    };
    // The address is pre-authorised: OneDrive may refuse a PUT that carries a bearer token.
    if (put.authorization) return answer(401, { error: { code: "unauthenticated", message: "Do not send an Authorization header to an upload session." } });
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(put.contentRange ?? "");
    if (!range) return answer(400, { error: { code: "invalidRequest", message: "A Content-Range header (bytes start-end/total) is required." } });
    const [start, end, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
    if (Number(put.contentLength) !== body.length || body.length !== end - start + 1) {
      return answer(400, { error: { code: "invalidRequest", message: "Content-Length does not match the range or the bytes sent." } });
    }
    if (body.length > MAX_FRAGMENT) return answer(413, { error: { code: "requestTooLarge", message: "A fragment may be at most 60 MiB." } });
    if (end >= total || (session.total !== null && session.total !== total)) return answer(400, { error: { code: "invalidRange", message: "The range does not fit the file's size." } });
    if (start !== session.bytes.length) return answer(416, { error: { code: "invalidRange", message: `Expected bytes from ${session.bytes.length}.` } });
    const last = end === total - 1;
    if (!last && body.length % FRAGMENT_UNIT !== 0) return answer(400, { error: { code: "invalidRange", message: "Fragments before the last must be a multiple of 320 KiB." } });
    session.total = total;
    session.bytes = Buffer.concat([session.bytes, body]);
    if (!last) return answer(202, { expirationDateTime: new Date(Date.now() + 3_600_000).toISOString(), nextExpectedRanges: [`${session.bytes.length}-`] });
    session.complete = true;
    return answer(201, { id: session.uniqueId, name: session.name, size: total, file: {}, webUrl: `${server.origin}/personal/drive/${encodeURIComponent(session.name)}` });
  };

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://fake");
    const method = (req.method ?? "GET").toUpperCase();
    // An upload session of the person's OneDrive: bytes, not JSON, and no bearer token.
    const upload = /^\/upload\/([A-Za-z0-9]+)$/.exec(url.pathname);
    if (upload) {
      const bytes = await readBytes(req);
      await sessions.get(upload[1]!)?.until;
      const answered = method === "PUT" ? putInSession(sessions.get(upload[1]!), req, bytes) : errorBody(405, "invalidRequest", "Upload sessions take PUT.");
      sendJson(res, answered.status, answered.body);
      return;
    }
    const rawBody = await readBody(req);
    const record: RecordedConnectorRequest = {
      method,
      path: url.pathname,
      query: url.search,
      headers: flatHeaders(req),
      body: undefined,
      status: 0,
      at: Date.now(),
    };
    const answer = (status: number, body?: unknown, headers: Record<string, string> = {}): void => {
      record.status = status;
      if (headers["retry-after"] !== undefined) record.retryAfter = headers["retry-after"];
      if (body === undefined) {
        res.writeHead(status, headers);
        res.end();
      } else {
        sendJson(res, status, body, headers);
      }
    };

    // An uploaded file's pre-authorised download address (OneDrive in Teams): no bearer token needed.
    const file = method === "GET" ? /^\/files\/([A-Za-z0-9]+)$/.exec(url.pathname) : null;
    if (file) {
      const hosted = files.get(file[1]!);
      if (!hosted || url.searchParams.get("tempauth") !== hosted.tempauth) {
        fileDownloads.refused += 1;
        return answer(401, { error: { code: "unauthenticated", message: "The download address is not valid." } });
      }
      fileDownloads.served += 1;
      record.status = 200;
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": hosted.bytes.length });
      res.end(Buffer.from(hosted.bytes));
      return;
    }

    // The token endpoint and OpenID configuration of the fake "login.microsoftonline.com".
    const login = answerLoginRequest(method, url.pathname, rawBody, server.origin, options);
    if (login) {
      record.body = login.form;
      (login.form ? tokenRequests : requests).push(record);
      return answer(login.status, login.body);
    }

    record.body = parseJsonOrUndefined(rawBody);
    requests.push(record);

    if (!url.pathname.startsWith(basePath)) return answer(404, { error: { code: "NotFound", message: url.pathname } });
    const segments = url.pathname
      .slice(basePath.length)
      .split("/")
      .map((s) => decodeURIComponent(s));
    const found = route(method, segments);
    if (!found) {
      return answer(404, { error: { code: "NotFound", message: `${method} ${url.pathname} is not served by the fake connector.` } });
    }

    if (options.requireToken !== undefined && record.headers.authorization !== `Bearer ${options.requireToken}`) {
      return answer(401, { message: "Authorization has been denied for this request." });
    }

    const failure = takeFailure(found.op);
    if (failure) {
      const headers: Record<string, string> = {};
      if (failure.retryAfterSeconds !== undefined) headers["retry-after"] = String(failure.retryAfterSeconds);
      const code = failure.code ?? DEFAULT_CODES[failure.status] ?? "Error";
      return answer(failure.status, { error: { code, message: failure.message ?? `Injected ${failure.status} ${code}.` } }, headers);
    }

    // Which thread the call counts against: creating a 1:1 counts against the chat it would land in.
    let threadKey = found.conversationId;
    if (found.op === "create") {
      const params = asObject(record.body);
      const firstMember = asObject(Array.isArray(params?.members) ? (params.members as unknown[])[0] : undefined)?.id;
      threadKey = typeof firstMember === "string" ? `create|${firstMember}` : "create";
    }
    const waitMs = checkLimits(found.op, threadKey);
    if (waitMs > 0) {
      limitViolations += 1;
      return answer(
        429,
        { error: { code: "Throttled", message: "Too many requests: the thread or app rate limit was exceeded." } },
        { "retry-after": String(retryAfterSeconds(waitMs)) },
      );
    }

    if ((found.op === "send" || found.op === "update") && isBlockedWrite(found.conversationId ?? "", record.body)) {
      return answer(403, {
        error: { code: "MessageWritesBlocked", message: "Thread is blocked: the user blocked the bot or removed the app." },
      });
    }

    const result = found.handle(record.body);
    return answer(result.status, result.body);
  };

  const server = await listenOnLoopback(handler);
  if (options.keepAliveMs !== undefined) server.server.keepAliveTimeout = options.keepAliveMs;
  let connections = 0;
  server.server.on("connection", () => (connections += 1));
  const url = `${server.origin}${basePath}`;

  return {
    url,
    origin: server.origin,
    requests,
    tokenRequests,
    get limitViolations() {
      return limitViolations;
    },
    get connections() {
      return connections;
    },
    loginUrl: (tenant = "botframework.com") => `${server.origin}/${tenant}`,
    tokenEndpoint: (tenant = "botframework.com") => `${server.origin}/${tenant}/oauth2/v2.0/token`,
    activities: (conversationId) =>
      conversationId === undefined ? [...stored] : stored.filter((a) => a.conversationId === conversationId),
    sentTo: (userId) =>
      stored.filter((a) => userOwnsConversation(userId, a.conversationId) || recipientOf(a.versions[0]) === userId),
    conversationFor: (userId) => {
      for (const [key, id] of oneToOne) if (key.endsWith(`|${userId}`)) return id;
      return undefined;
    },
    addMember: (member) => {
      roster.set(member.id, member);
    },
    failNext: (count, failure) => {
      if (count > 0) failures.push({ ...failure, remaining: count });
    },
    blockUser: (userId) => {
      blocked.add(userId);
    },
    unblockUser: (userId) => {
      blocked.delete(userId);
    },
    uploadFile: (name, bytes) => {
      const id = randomBytes(8).toString("hex");
      const tempauth = randomBytes(12).toString("hex");
      files.set(id, { bytes, tempauth });
      return {
        contentType: "application/vnd.microsoft.teams.file.download.info",
        contentUrl: `${server.origin}/personal/drive/${encodeURIComponent(name)}`,
        name,
        content: { downloadUrl: `${server.origin}/files/${id}?tempauth=${tempauth}`, uniqueId: id, fileType: name.split(".").pop() ?? "" },
      };
    },
    fileDownloads,
    acceptFileConsent: (name, acceptOptions = {}) => {
      const id = randomBytes(8).toString("hex");
      const uniqueId = `${randomBytes(4).toString("hex")}-${randomBytes(2).toString("hex")}`.toUpperCase();
      sessions.set(id, { name, uniqueId, bytes: Buffer.alloc(0), complete: false, puts: [], total: null, expired: acceptOptions.expired ?? false, until: acceptOptions.until ?? Promise.resolve() });
      return {
        name,
        uploadUrl: `${server.origin}/upload/${id}`,
        contentUrl: `${server.origin}/personal/drive/${encodeURIComponent(name)}`,
        uniqueId,
        fileType: name.split(".").pop() ?? "",
      };
    },
    uploads: () => [...sessions.values()].map(({ total: _total, expired: _expired, until: _until, ...upload }) => upload),
    close: () => server.close(),
  };
}

export interface LoginOptions {
  accessToken?: string;
  appCredentials?: { appId: string; password: string };
}

/**
 * Answers the fake Entra ID ("login.microsoftonline.com") calls: POST /{tenant}/oauth2/v2.0/token
 * (client credentials) and GET /{tenant}/v2.0/.well-known/openid-configuration. Undefined for other paths.
 */
export function answerLoginRequest(
  method: string,
  pathname: string,
  rawBody: string,
  origin: string,
  options: LoginOptions,
): { status: number; body: unknown; form?: Record<string, string> } | undefined {
  const login = /^\/([^/]+)\/(oauth2\/v2\.0\/token|v2\.0\/\.well-known\/openid-configuration)$/.exec(pathname);
  if (!login) return undefined;
  const tenant = decodeURIComponent(login[1]!);
  if (login[2] === "oauth2/v2.0/token") {
    if (method !== "POST") return { status: 405, body: { error: "invalid_request" } };
    const form = Object.fromEntries(new URLSearchParams(rawBody));
    if (form.grant_type !== "client_credentials") {
      return { status: 400, form, body: { error: "unsupported_grant_type", error_description: "Only client_credentials." } };
    }
    const creds = options.appCredentials;
    if (creds && (form.client_id !== creds.appId || form.client_secret !== creds.password)) {
      return {
        status: 401,
        form,
        body: { error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret provided." },
      };
    }
    return {
      status: 200,
      form,
      body: { token_type: "Bearer", expires_in: 3600, ext_expires_in: 3600, access_token: options.accessToken ?? "fake" },
    };
  }
  if (method !== "GET") return { status: 405, body: { error: "invalid_request" } };
  return { status: 200, body: openIdConfiguration(origin, tenant) };
}

/** The OpenID configuration MSAL reads for an authority (endpoints on this fake, over http). */
export function openIdConfiguration(origin: string, tenant: string): Record<string, unknown> {
  return {
    token_endpoint: `${origin}/${tenant}/oauth2/v2.0/token`,
    authorization_endpoint: `${origin}/${tenant}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${origin}/${tenant}/oauth2/v2.0/logout`,
    jwks_uri: `${origin}/${tenant}/discovery/v2.0/keys`,
    issuer: `${origin}/${tenant}/v2.0`,
    token_endpoint_auth_methods_supported: ["client_secret_post"],
    id_token_signing_alg_values_supported: ["RS256"],
  };
}

function normaliseBasePath(path: string): string {
  let p = path.startsWith("/") ? path : `/${path}`;
  if (!p.endsWith("/")) p += "/";
  return p;
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function recipientOf(activity: unknown): string | undefined {
  const id = asObject(asObject(activity)?.recipient)?.id;
  return typeof id === "string" ? id : undefined;
}

function errorBody(status: number, code: string, message: string): { status: number; body: unknown } {
  return { status, body: { error: { code, message } } };
}
