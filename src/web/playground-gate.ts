import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { PlaygroundAccess } from "../config/load-config.js";

export const SESSION_COOKIE = "chaser_playground";
export const SIGN_IN_PATH = "/playground/sign-in";
const SESSION_HOURS = 12;

/**
 * The playground's door. A browser signs in once with the secret and gets an HttpOnly,
 * SameSite=Strict cookie (so other sites cannot use it, nor scripts read it); scripts may instead
 * send `Authorization: Bearer <secret>`. The cookie holds a value derived from the secret, never
 * the secret, so changing the secret signs everyone out.
 */
export class PlaygroundGate {
  private readonly session: Buffer | null;

  constructor(readonly access: PlaygroundAccess) {
    this.session = access.mode === "secret" ? createHmac("sha256", access.secret).update("chaser-playground-session-v1").digest() : null;
  }

  /** Whether this request may use the playground. */
  allows(req: IncomingMessage): boolean {
    if (this.access.mode === "open") return true;
    if (this.access.mode === "off" || !this.session) return false;
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (bearer !== undefined && this.isSecret(bearer)) return true;
    const cookie = cookies(req.headers.cookie)[SESSION_COOKIE];
    if (!cookie) return false;
    const given = Buffer.from(cookie, "base64url");
    return given.length === this.session.length && timingSafeEqual(given, this.session);
  }

  /** Checks a secret typed into the sign-in form; on success the response carries the session cookie. */
  signIn(req: IncomingMessage, res: ServerResponse, secret: string): boolean {
    if (!this.session || !this.isSecret(secret)) return false;
    const secure = (req.socket as { encrypted?: boolean }).encrypted || req.headers["x-forwarded-proto"] === "https";
    res.setHeader(
      "set-cookie",
      `${SESSION_COOKIE}=${this.session.toString("base64url")}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_HOURS * 3600}${secure ? "; Secure" : ""}`,
    );
    return true;
  }

  private isSecret(given: string): boolean {
    if (this.access.mode !== "secret") return false;
    // Compared as digests, so neither the length nor the content leaks through timing.
    const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();
    return timingSafeEqual(digest(given), digest(this.access.secret));
  }
}

function cookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at > 0) out[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return out;
}
