import fc from "fast-check";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { FuzzAnswer, FuzzCall } from "./fuzz-worker.js";

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Runs per property: `quick` in `npm test`; FUZZ_RUNS (set by `npm run fuzz`) for each property
 * when it is larger.
 */
export function runs(quick: number): number {
  const env = Number(process.env.FUZZ_RUNS);
  return process.env.FUZZ_RUNS && Number.isInteger(env) && env > 0 ? Math.max(quick, env) : quick;
}

/** A vitest timeout for a property: generous in `npm test`, hours under `npm run fuzz`. */
export const PROPERTY_TIMEOUT = process.env.FUZZ_RUNS ? 6 * 3_600_000 : 240_000;

/**
 * fast-check's parameters for a property: its runs, FUZZ_SEED to replay a reported run, and a time
 * limit after which the run (shrinking included: each shrink of a hang costs the whole bound) stops
 * and fails with the smallest counterexample found so far, so a failure is reported, not timed out.
 */
export function fuzzParams<T>(quick: number): fc.Parameters<T> {
  const seed = Number(process.env.FUZZ_SEED);
  return {
    numRuns: runs(quick),
    // Under `npm run fuzz`, at most half an hour a property, so a hang's slow shrinking still ends in a report.
    interruptAfterTimeLimit: process.env.FUZZ_RUNS ? 30 * 60_000 : PROPERTY_TIMEOUT - 60_000,
    markInterruptAsFailure: true,
    ...(process.env.FUZZ_SEED && Number.isFinite(seed) ? { seed } : {}),
  };
}

/**
 * A thread that runs the code under test and answers within `boundMs` or is ended. A call that
 * takes longer is reported as `timedOut` with the time it was given; the thread is then
 * replaced, so one hang does not stop the properties that follow.
 */
export class BoundedWorker {
  private worker: Promise<Worker> | null = null;
  private next = 0;

  /** A new thread, once it has loaded the modules under test: loading is not charged to a call. */
  private start(): Promise<Worker> {
    this.worker ??= new Promise((resolve, reject) => {
      const worker = new Worker(path.join(here, "fuzz-worker.mjs"));
      worker.once("message", () => resolve(worker));
      worker.once("error", reject);
    });
    return this.worker;
  }

  async call(call: FuzzCall, args: unknown[], boundMs: number): Promise<FuzzAnswer | { timedOut: true; ms: number }> {
    const worker = await this.start();
    const id = this.next++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        this.worker = null;
        void worker.terminate();
        resolve({ timedOut: true, ms: boundMs });
      }, boundMs);
      const onMessage = (answer: FuzzAnswer) => {
        if (answer.id !== id) return;
        cleanup();
        resolve(answer);
      };
      const onError = (error: Error) => {
        cleanup();
        this.worker = null;
        reject(error);
      };
      const cleanup = () => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        worker.off("error", onError);
      };
      worker.on("message", onMessage);
      worker.on("error", onError);
      try {
        worker.postMessage({ id, call, args });
      } catch (error) {
        cleanup();
        reject(error as Error);
      }
    });
  }

  async stop(): Promise<void> {
    const worker = await this.worker;
    await worker?.terminate();
    this.worker = null;
  }
}

const LOCALES = ["en-GB", "cy"].map((name) => ({
  name,
  messages: JSON.parse(readFileSync(path.join(here, "../../locales", `${name}.json`), "utf8")) as Record<string, unknown>,
}));

/** Locales that have no message for `code` ("import.bad_xlsx" is looked up as import → bad_xlsx). */
export function localesMissing(code: string): string[] {
  return LOCALES.filter(({ messages }) => {
    let at: unknown = messages;
    for (const part of code.split(".")) at = typeof at === "object" && at !== null ? (at as Record<string, unknown>)[part] : undefined;
    return typeof at !== "string" || at.trim() === "";
  }).map(({ name }) => name);
}

/** What a bounded call came to when it kept the rules: a value, or one of Chaser's coded errors. */
export type Settled = { ok: true; value: unknown } | { ok: false; code: string; params: Record<string, string | number> };

/**
 * Calls `call` in the worker and fails, naming what went wrong, unless it finished within
 * `boundMs` and either returned or threw a ChaserError whose code both locales can explain.
 */
export async function settleWithin(worker: BoundedWorker, boundMs: number, call: FuzzCall, args: unknown[]): Promise<Settled> {
  const answer = await worker.call(call, args, boundMs);
  if ("timedOut" in answer) throw new Error(`${call} did not finish within ${boundMs} ms`);
  if (answer.ok) return { ok: true, value: answer.value };
  if (!answer.chaser) throw new Error(`${call} threw something other than a ChaserError: ${answer.error}`);
  const missing = localesMissing(answer.chaser.code);
  if (missing.length > 0) throw new Error(`${call} threw ${answer.chaser.code}, which has no message in ${missing.join(", ")}`);
  return { ok: false, ...answer.chaser };
}
