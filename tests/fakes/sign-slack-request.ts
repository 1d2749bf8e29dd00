/**
 * Requests as Slack sends them to an app: signed (v0 HMAC-SHA256 of `v0:{timestamp}:{raw body}` with
 * the signing secret), with the bodies Slack uses — interactive payloads as a form field
 * `payload=<JSON>`, slash commands form-encoded, Events API callbacks as JSON.
 */
import { createHmac, randomBytes } from "node:crypto";

export interface SlackSignatureHeaders {
  "x-slack-signature": string;
  "x-slack-request-timestamp": string;
}

export function signSlackRequest(secret: string, body: string, timestampSeconds = Math.floor(Date.now() / 1000)): SlackSignatureHeaders {
  const signature = createHmac("sha256", secret).update(`v0:${timestampSeconds}:${body}`).digest("hex");
  return { "x-slack-signature": `v0=${signature}`, "x-slack-request-timestamp": String(timestampSeconds) };
}

/** A body ready to POST, with its content type and the decoded payload for assertions. */
export interface SlackRequestBody<T> {
  body: string;
  contentType: "application/x-www-form-urlencoded" | "application/json";
  payload: T;
}

export interface SlackContext {
  teamId?: string;
  teamDomain?: string;
  apiAppId?: string;
  userId: string;
  userName?: string;
  channelId?: string;
  /** Where `respond()` posts, e.g. `fakeSlack.responseUrl(...)`. */
  responseUrl?: string;
  triggerId?: string;
}

export interface BlockActionOptions extends SlackContext {
  actionId: string;
  blockId?: string;
  value?: string;
  /** The message carrying the button (container.message_ts and message.ts). */
  messageTs?: string;
  message?: Record<string, unknown>;
  /** Extra fields merged into the payload. */
  extra?: Record<string, unknown>;
}

export function blockActionsBody(o: BlockActionOptions): SlackRequestBody<Record<string, unknown>> {
  const teamId = o.teamId ?? "T0FAKE";
  const channelId = o.channelId ?? "D0FAKE";
  const actionTs = nowTs();
  const messageTs = o.messageTs ?? actionTs;
  const payload: Record<string, unknown> = {
    type: "block_actions",
    team: { id: teamId, domain: o.teamDomain ?? "fake-council" },
    user: { id: o.userId, username: o.userName ?? o.userId, name: o.userName ?? o.userId, team_id: teamId },
    api_app_id: o.apiAppId ?? "A0FAKE",
    token: "verification-token-unused",
    container: { type: "message", message_ts: messageTs, channel_id: channelId, is_ephemeral: false },
    trigger_id: o.triggerId ?? triggerId(),
    channel: { id: channelId, name: "directmessage" },
    message: o.message ?? { type: "message", ts: messageTs, text: "", user: "U0BOT", bot_id: "B0BOT" },
    response_url: o.responseUrl ?? "https://hooks.slack.invalid/actions/unset",
    actions: [
      {
        type: "button",
        action_id: o.actionId,
        block_id: o.blockId ?? "block",
        text: { type: "plain_text", text: o.actionId },
        value: o.value ?? "",
        action_ts: actionTs,
      },
    ],
    is_enterprise_install: false,
    enterprise: null,
    state: { values: {} },
    ...o.extra,
  };
  return {
    body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    contentType: "application/x-www-form-urlencoded",
    payload,
  };
}

export interface ViewSubmissionOptions extends SlackContext {
  callbackId: string;
  viewId?: string;
  privateMetadata?: string;
  /** state.values: { [blockId]: { [actionId]: { type, value | selected_option | … } } } */
  values?: Record<string, Record<string, Record<string, unknown>>>;
}

export function viewSubmissionBody(o: ViewSubmissionOptions): SlackRequestBody<Record<string, unknown>> {
  const teamId = o.teamId ?? "T0FAKE";
  const payload: Record<string, unknown> = {
    type: "view_submission",
    team: { id: teamId, domain: o.teamDomain ?? "fake-council" },
    user: { id: o.userId, username: o.userName ?? o.userId, name: o.userName ?? o.userId, team_id: teamId },
    api_app_id: o.apiAppId ?? "A0FAKE",
    token: "verification-token-unused",
    trigger_id: o.triggerId ?? triggerId(),
    view: {
      id: o.viewId ?? "V0FAKE",
      team_id: teamId,
      type: "modal",
      callback_id: o.callbackId,
      private_metadata: o.privateMetadata ?? "",
      state: { values: o.values ?? {} },
      hash: "1.fake",
      title: { type: "plain_text", text: "Chaser" },
      blocks: [],
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  return {
    body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    contentType: "application/x-www-form-urlencoded",
    payload,
  };
}

export interface SlashCommandOptions extends SlackContext {
  command: string; // "/chaser"
  text?: string;
  channelName?: string;
}

export function slashCommandBody(o: SlashCommandOptions): SlackRequestBody<Record<string, string>> {
  const fields: Record<string, string> = {
    token: "verification-token-unused",
    team_id: o.teamId ?? "T0FAKE",
    team_domain: o.teamDomain ?? "fake-council",
    channel_id: o.channelId ?? "D0FAKE",
    channel_name: o.channelName ?? "directmessage",
    user_id: o.userId,
    user_name: o.userName ?? o.userId,
    command: o.command,
    text: o.text ?? "",
    api_app_id: o.apiAppId ?? "A0FAKE",
    is_enterprise_install: "false",
    response_url: o.responseUrl ?? "https://hooks.slack.invalid/commands/unset",
    trigger_id: o.triggerId ?? triggerId(),
  };
  return { body: new URLSearchParams(fields).toString(), contentType: "application/x-www-form-urlencoded", payload: fields };
}

export interface MessageImOptions {
  teamId?: string;
  apiAppId?: string;
  userId: string;
  channelId: string; // the D… channel
  text: string;
  ts?: string;
  threadTs?: string;
  /** The bot's user id, for `authorizations` (Bolt reads it when present). */
  botUserId?: string;
  eventId?: string;
}

export function messageImEventBody(o: MessageImOptions): SlackRequestBody<Record<string, unknown>> {
  const ts = o.ts ?? nowTs();
  const teamId = o.teamId ?? "T0FAKE";
  const event: Record<string, unknown> = {
    type: "message",
    channel_type: "im",
    channel: o.channelId,
    user: o.userId,
    text: o.text,
    ts,
    event_ts: ts,
    team: teamId,
  };
  if (o.threadTs) event.thread_ts = o.threadTs;
  const payload: Record<string, unknown> = {
    token: "verification-token-unused",
    team_id: teamId,
    api_app_id: o.apiAppId ?? "A0FAKE",
    event,
    type: "event_callback",
    event_id: o.eventId ?? `Ev${randomBytes(5).toString("hex").toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      { enterprise_id: null, team_id: teamId, user_id: o.botUserId ?? "U0BOT", is_bot: true, is_enterprise_install: false },
    ],
    is_ext_shared_channel: false,
  };
  return { body: JSON.stringify(payload), contentType: "application/json", payload };
}

/** POSTs a body to an app (e.g. Bolt's /slack/events), signed unless `sign: false`. */
export async function postToSlackApp(
  url: string,
  secret: string,
  request: { body: string; contentType: string },
  options: { sign?: boolean; timestampSeconds?: number; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = { "content-type": request.contentType, ...options.headers };
  if (options.sign !== false) Object.assign(headers, signSlackRequest(secret, request.body, options.timestampSeconds));
  const response = await fetch(url, { method: "POST", headers, body: request.body });
  return { status: response.status, body: await response.text() };
}

function nowTs(): string {
  const ms = Date.now();
  return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000).padStart(6, "0")}`;
}

function triggerId(): string {
  return `${Date.now()}.${Math.floor(Math.random() * 1e9)}.${randomBytes(16).toString("hex")}`;
}
