/**
 * A bot's /api/messages endpoint on a plain node:http server, driving botbuilder's CloudAdapter.
 *
 * CloudAdapter.process(req, res, logic) in 4.23.3 does not take a bare node request/response: it
 * needs `req.body` already parsed to an object (else 400) and a response with Express/Restify-style
 * `status()`, `header()`, `send()` and `end()` (checked by a zod guard). This shim provides both.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { CloudAdapter, Request as BotRequest, Response as BotResponse, TurnContext } from "botbuilder";
import { adaptResponse } from "../../src/adapters/teams/adapt-response.js";
import { listenOnLoopback, readBody } from "./http-util.js";

export interface BotEndpoint {
  /** The messaging endpoint, e.g. http://127.0.0.1:PORT/api/messages */
  url: string;
  close(): Promise<void>;
}


export async function startBotEndpoint(
  adapter: CloudAdapter,
  logic: (context: TurnContext) => Promise<void>,
  path = "/api/messages",
): Promise<BotEndpoint> {
  const server = await listenOnLoopback(async (req: IncomingMessage, res: ServerResponse) => {
    if (new URL(req.url ?? "/", "http://x").pathname !== path) {
      res.writeHead(404).end();
      return;
    }
    const text = await readBody(req);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      res.writeHead(400).end("Body is not JSON.");
      return;
    }
    const request = Object.assign(req, { body }) as unknown as BotRequest;
    await adapter.process(request, adaptResponse(res), logic);
  });
  return { url: `${server.origin}${path}`, close: () => server.close() };
}

/** POSTs an activity as the channel would, with an optional bearer token. */
export async function postActivity(
  url: string,
  activity: Record<string, unknown>,
  token?: string,
): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const response = await fetch(url, { method: "POST", headers, body: JSON.stringify(activity) });
  return { status: response.status, body: await response.text() };
}
