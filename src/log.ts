import pino, { type DestinationStream, type Logger } from "pino";
import pretty from "pino-pretty";

export type { Logger };

export interface LogOptions {
  level: string;
  /** pretty: one coloured line per entry for a terminal; json: one object per line for a log collector. */
  format: "json" | "pretty";
  /** Where entries go; stdout unless a test captures them. */
  destination?: NodeJS.WritableStream;
}

export function createLogger({ level, format, destination }: LogOptions): Logger {
  const options = { level, base: { app: "chaser" }, timestamp: pino.stdTimeFunctions.isoTime };
  if (format === "json") return destination ? pino(options, destination as DestinationStream) : pino(options);
  // In-process and synchronous (no transport worker), so nothing is lost when Chaser exits on an error.
  const stream = pretty({
    sync: true,
    colorize: destination ? false : Boolean(process.stdout.isTTY),
    translateTime: "SYS:yyyy-mm-dd HH:MM:ss",
    ignore: "pid,hostname,app",
    ...(destination ? { destination } : {}),
  });
  return pino(options, stream);
}
