import { LogLevel, type Logger as BoltLogger } from "@slack/bolt";
import type { Logger } from "../../log.js";

/**
 * Bolt's and WebClient's logs through Chaser's logger, so LOG_LEVEL governs them and they come out
 * as JSON with everything else. pino's level decides; Bolt's setLevel is remembered, not obeyed.
 */
export function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ component: "slack" });
  let level: LogLevel = LogLevel.INFO;
  const write = (method: "debug" | "info" | "warn" | "error") => (...parts: unknown[]) => {
    const err = parts.find((p) => p instanceof Error);
    const text = parts
      .filter((p) => !(p instanceof Error))
      .map((p) => (typeof p === "string" ? p : safeJson(p)))
      .join(" ");
    if (err) child[method]({ err }, text);
    else child[method](text);
  };
  return {
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
