import type { ServerResponse } from "node:http";
import type { Response as BotResponse } from "botbuilder";

/** What an error status says to the caller, and nothing more. */
const ERROR_BODIES: Record<number, string> = { 400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 413: "too_large", 501: "not_implemented" };

/**
 * CloudAdapter.process (botbuilder 4.23.3) checks the response has Express/Restify-style
 * `status()`, `header()`, `send()` and `end()`, so a bare node ServerResponse is refused. This shim
 * gives it that shape over the one server's node response. botbuilder writes its internal error
 * text as an error's body (token checks, a turn that threw); the caller gets only a code. An
 * invoke's own error answer (JSON the core chose to send) passes as it is.
 */
export function adaptResponse(res: ServerResponse): BotResponse {
  let body: string | undefined;
  /** botbuilder's own error text, as opposed to an invoke's JSON answer (which the core wrote). */
  let text = false;
  const shim: BotResponse = {
    socket: res.socket,
    status(code: number) {
      res.statusCode = code;
      return shim;
    },
    header(name: string, value: unknown) {
      res.setHeader(name, String(value));
      return shim;
    },
    send(value?: unknown) {
      if (typeof value === "string" || Buffer.isBuffer(value)) {
        body = value.toString();
        text = true;
        // botbuilder sends its error messages as bare strings; say so rather than leave it unlabelled.
        if (!res.hasHeader("content-type")) res.setHeader("content-type", "text/plain; charset=utf-8");
      } else if (value !== undefined) {
        res.setHeader("content-type", "application/json; charset=utf-8");
        body = JSON.stringify(value);
      }
      return shim;
    },
    end() {
      if (res.statusCode >= 400 && (text || body === undefined)) {
        res.setHeader("content-type", "application/json; charset=utf-8");
        body = JSON.stringify({ error: ERROR_BODIES[res.statusCode] ?? (res.statusCode >= 500 ? "internal" : "refused") });
      }
      res.end(body);
      return shim;
    },
  };
  return shim;
}
