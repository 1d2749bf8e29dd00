import type { ServerResponse } from "node:http";
import type { Response as BotResponse } from "botbuilder";

/**
 * CloudAdapter.process (botbuilder 4.23.3) checks the response has Express/Restify-style
 * `status()`, `header()`, `send()` and `end()`, so a bare node ServerResponse is refused. This shim
 * gives it that shape over the one server's node response.
 */
export function adaptResponse(res: ServerResponse): BotResponse {
  let body: string | undefined;
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
        // botbuilder sends its error messages as bare strings; say so rather than leave it unlabelled.
        if (!res.hasHeader("content-type")) res.setHeader("content-type", "text/plain; charset=utf-8");
      } else if (value !== undefined) {
        res.setHeader("content-type", "application/json; charset=utf-8");
        body = JSON.stringify(value);
      }
      return shim;
    },
    end() {
      res.end(body);
      return shim;
    },
  };
  return shim;
}
