import { createRequire } from "node:module";
import type { Activity } from "botbuilder";
import { overrideAuthentication, type BotFrameworkAuthentication } from "./override-authentication.js";

type AuthenticationErrorClass = new (message: string, statusCode: number) => Error;

// CloudAdapter answers 401 only for botframework-connector's own AuthenticationError (checked with
// instanceof), so the class must be the very one botbuilder loaded: required from botbuilder's location.
const requireFromBotbuilder = createRequire(createRequire(import.meta.url).resolve("botbuilder"));
const { AuthenticationError } = requireFromBotbuilder("botframework-connector") as { AuthenticationError: AuthenticationErrorClass };

/** jsonwebtoken's errors: a token whose signature, dates or shape do not verify. */
const TOKEN_ERRORS = new Set(["JsonWebTokenError", "TokenExpiredError", "NotBeforeError"]);

/**
 * The same authentication, but every token that fails to verify is answered 401. botbuilder 4.23.3
 * lets jsonwebtoken's error escape for a token signed with the wrong key under a published key id,
 * and CloudAdapter.process then answers 500: still refused, but it reads as our fault, not the caller's.
 */
export function refuseBadTokens(auth: BotFrameworkAuthentication): BotFrameworkAuthentication {
  const authenticateRequest = async (activity: Activity, authHeader: string) => {
    try {
      return await auth.authenticateRequest(activity, authHeader);
    } catch (error) {
      if (error instanceof Error && TOKEN_ERRORS.has(error.name)) throw new AuthenticationError(`Unauthorized: ${error.message}`, 401);
      throw error;
    }
  };
  return overrideAuthentication(auth, { authenticateRequest });
}
