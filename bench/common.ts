// Shared by the benchmark modules: a fixed clock, a seeded random source, and number formatting.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { join } from "node:path";
import pino from "pino";

/** Monday 16 March 2026, 09:30 in London (GMT): every benchmark measures against this instant. */
export const NOW = new Date("2026-03-16T09:30:00Z");
export const DAY_MS = 86_400_000;

export const silentLog = pino({ level: process.env.BENCH_LOG ?? "silent" });

/** A size from the environment, or the default. */
export function envSize(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
}

/** Which sections to run: BENCH_ONLY=scan,digest (default: all). */
export function wanted(section: string): boolean {
  const only = process.env.BENCH_ONLY?.split(",").map((s) => s.trim()).filter(Boolean);
  return !only || only.length === 0 || only.includes(section);
}

/** mulberry32: the same data on every run, so runs compare. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The p-th percentile (0–100) of unsorted numbers, nearest-rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));

/** Runs `fn` `times` times and returns the fastest duration in ms, with the last result. */
export async function bestOf<T>(times: number, fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  let best = Number.POSITIVE_INFINITY;
  let result: T | undefined;
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    result = await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return { ms: best, result: result as T };
}

/**
 * This process's own peak resident set, in bytes: Linux's VmHWM. Not resourceUsage().maxRSS, which
 * a child started by fork and exec inherits from its parent (the bench, with its generated store
 * in memory, several hundred MB), so a small child reported the bench's peak, not its own.
 */
export function ownPeakRss(): number {
  try {
    const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    if (kb) return Number(kb) * 1024;
  } catch {
    // Not Linux: the best there is.
  }
  return process.resourceUsage().maxRSS * 1024;
}

/**
 * Runs `fn`, and with BENCH_PROFILE=<dir> writes a V8 CPU profile of this process while it ran to
 * <dir>/<name>.cpuprofile (open in Chrome DevTools or speedscope): the measured part alone, not the set-up.
 */
export async function profiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_PROFILE;
  if (!dir) return fn();
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 200 });
  await session.post("Profiler.start");
  try {
    return await fn();
  } finally {
    const { profile } = await session.post("Profiler.stop");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}
