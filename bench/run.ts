// Prints figures, one line each; never asserts. Run with `npm run bench`.
import { readFileSync, readdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parsePlanFile } from "../src/import/parse-plan.js";
import { importPlan } from "../src/store/import-plan.js";
import { freshStore, type Provider } from "../tests/helpers/test-store.js";
import { generatePlanXlsx } from "./generate-plan-xlsx.js";
import { ownPeakRss, wanted } from "./common.js";
import { benchScanAndDigest } from "./large-plan.js";
import { benchDispatch } from "./dispatch.js";
import { benchReplies } from "./replies.js";
import { benchFormats } from "./formats.js";

const here = dirname(fileURLToPath(import.meta.url));
const seeds = join(here, "..", "tests", "fixtures", "seeds");
const LARGE_ROWS = Number(process.env.BENCH_ROWS ?? 50_000);

let peakRss = 0;
// memoryUsage.rss() alone: the full memoryUsage() walks the heap, which showed in the CPU the replies bench counts a press.
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 20);
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
const rate = (rows: number, ms: number) => Math.round((rows * 1000) / ms).toLocaleString("en-GB");

async function importOnce(provider: Provider, bytes: Uint8Array, name: string): Promise<{ parseMs: number; storeMs: number; actions: number }> {
  const store = await freshStore(provider);
  try {
    const t0 = performance.now();
    const parsed = await parsePlanFile(bytes, name);
    const t1 = performance.now();
    await importPlan(store, parsed, { sourceDocument: name, via: "cli", actorLabel: "bench" });
    const t2 = performance.now();
    return { parseMs: t1 - t0, storeMs: t2 - t1, actions: parsed.recommendations.reduce((n, r) => n + r.actions.length, 0) };
  } finally {
    await store.drop();
  }
}

async function benchImport(): Promise<void> {
  for (const name of readdirSync(seeds).filter((f) => f.endsWith(".txt")).sort()) {
    const bytes = readFileSync(join(seeds, name));
    const rows = bytes.toString("utf8").split("\n").length;
    const rounds = 20;
    let parseMs = 0;
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now();
      await parsePlanFile(bytes, name);
      parseMs += performance.now() - t0;
    }
    const sqlite = await importOnce("sqlite", bytes, name);
    const pg = await importOnce("postgresql", bytes, name);
    console.log(
      `import ${name}: ${rows} rows, parse ${rate(rows * rounds, parseMs)} rows/s, ` +
        `parse+store sqlite ${rate(rows, sqlite.parseMs + sqlite.storeMs)} rows/s, postgresql ${rate(rows, pg.parseMs + pg.storeMs)} rows/s`,
    );
  }

  const dir = mkdtempSync(join(tmpdir(), "chaser-bench-"));
  try {
    const file = join(dir, "large-plan.xlsx");
    await generatePlanXlsx(file, LARGE_ROWS);
    const bytes = readFileSync(file);
    for (const provider of ["sqlite", "postgresql"] as const) {
      const r = await importOnce(provider, bytes, "large-plan.xlsx");
      console.log(
        `import generated xlsx (${LARGE_ROWS} rows, ${mb(bytes.length)} MB) ${provider}: parse ${rate(LARGE_ROWS, r.parseMs)} rows/s, ` +
          `store ${rate(LARGE_ROWS, r.storeMs)} rows/s, total ${rate(LARGE_ROWS, r.parseMs + r.storeMs)} rows/s, ${r.actions} actions`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// BENCH_ONLY=formats,import,scan,digest,dispatch,replies runs only those sections. The sections
// timing single messages run first: the generators after them leave this process a larger heap
// (longer collections) and the database server writing out what they stored, both seen in the tails.
if (wanted("replies")) await benchReplies();
if (wanted("dispatch")) await benchDispatch();
if (wanted("formats")) await benchFormats();
if (wanted("import")) await benchImport();
const importPeak = peakRss;
if (wanted("scan") || wanted("digest")) await benchScanAndDigest({ scan: wanted("scan"), digest: wanted("digest") });
clearInterval(sampler);
console.log(
  `peak memory: ${mb(Math.max(peakRss, ownPeakRss()))} MB RSS` +
    (wanted("import") && importPeak < peakRss ? ` (${mb(importPeak)} MB by the end of the import section)` : ""),
);
