/**
 * An error a person can act on. `code` is for programs (tests, adapters, exit codes); the message
 * is resolved from locales/ by that code and `params`, so no caller parses prose.
 */
export class ChaserError extends Error {
  constructor(
    readonly code: string,
    readonly params: Record<string, string | number> = {},
    options?: { cause?: unknown },
  ) {
    super(code, options);
    this.name = "ChaserError";
  }
}
