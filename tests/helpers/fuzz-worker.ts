import { parentPort } from "node:worker_threads";
import { ChaserError } from "../../src/domain/chaser-error.js";
import { parseReply } from "../../src/domain/parse-reply.js";
import { parsePlanFile } from "../../src/import/parse-plan.js";
import { convertSlack, convertTeams, readAnswer } from "./payload-conversions.js";

/**
 * Runs the code under fuzzing in a thread of its own, so that a call that never returns (a regex
 * backtracking without end, a promise that never settles) can be cut off and reported with its
 * input instead of hanging the test run. Each request gets one answer: the result, or what was thrown.
 */
const calls = {
  parsePlanFile: (bytes: Uint8Array, fileName: string) => parsePlanFile(bytes, fileName),
  parseReply: (text: string, today: string) => parseReply(text, { today }),
  convertSlack,
  convertTeams,
  readAnswer,
};
export type FuzzCall = keyof typeof calls;

export type FuzzAnswer =
  | { id: number; ok: true; value: unknown; ms: number }
  | { id: number; ok: false; chaser: { code: string; params: Record<string, string | number> } | null; error: string; ms: number };

parentPort!.postMessage("ready");
parentPort!.on("message", async ({ id, call, args }: { id: number; call: FuzzCall; args: unknown[] }) => {
  const started = performance.now();
  try {
    const value = await (calls[call] as (...a: unknown[]) => unknown)(...args);
    parentPort!.postMessage({ id, ok: true, value, ms: performance.now() - started } satisfies FuzzAnswer);
  } catch (error) {
    const chaser = error instanceof ChaserError ? { code: error.code, params: error.params } : null;
    const text = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ""}` : String(error);
    parentPort!.postMessage({ id, ok: false, chaser, error: text, ms: performance.now() - started } satisfies FuzzAnswer);
  }
});
