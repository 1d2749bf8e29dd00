// Reading plans in every format, timed against the targets in issue 8; prints, never asserts.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parsePlanFile } from "../src/import/parse-plan.js";
import { envSize } from "./common.js";
import { generatePlanPdf } from "./generate-plan-pdf.js";
import { generatePlanXlsx } from "./generate-plan-xlsx.js";

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, "..", "tests", "fixtures");
const seconds = (ms: number) => (ms / 1000).toFixed(2);

// Wall time is what a person waits; CPU time is printed beside it because on a shared machine the
// wall figure mostly measures the other processes.
async function timed(bytes: Uint8Array, name: string): Promise<{ ms: number; cpuMs: number; actions: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const plan = await parsePlanFile(bytes, name);
  const cpu = process.cpuUsage(c0);
  return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, actions: plan.recommendations.reduce((n, r) => n + r.actions.length, 0) };
}

const figure = (wall: number, cpu: number, targetS: number) =>
  `${seconds(wall)} s, CPU ${seconds(cpu)} s (target under ${targetS} s: ${wall < targetS * 1000 ? "met" : cpu < targetS * 1000 ? "met in CPU time, wall time slowed by load" : "NOT met"})`;

export async function benchFormats(): Promise<void> {
  const seeds = readdirSync(join(fixtures, "seeds")).filter((f) => f.endsWith(".txt")).sort();
  // The first pass also loads the parser's modules and locales; the second is what an import costs.
  for (const pass of ["first", "second"]) {
    let seedsMs = 0;
    let seedsCpu = 0;
    for (const name of seeds) {
      const r = await timed(readFileSync(join(fixtures, "seeds", name)), name);
      seedsMs += r.ms;
      seedsCpu += r.cpuMs;
    }
    console.log(`read formats: the five seeds together, ${pass} pass, ${figure(seedsMs, seedsCpu, 1)}`);
  }

  // The first PDF pays for loading pdf.js and its worker once per process; the rest do not.
  for (const name of readdirSync(join(fixtures, "formats")).filter((f) => !/damaged|scanned/.test(f)).sort()) {
    const r = await timed(readFileSync(join(fixtures, "formats", name)), name);
    console.log(`read formats: fixture ${name}: ${r.actions} actions in ${seconds(r.ms)} s`);
  }

  const pages = envSize("BENCH_PDF_PAGES", 200);
  const pdf = generatePlanPdf(pages);
  const p = await timed(pdf, "large-plan.pdf");
  console.log(`read formats: generated ${pages}-page PDF (${(pdf.length / 1024 / 1024).toFixed(1)} MB): ${p.actions} actions in ${figure(p.ms, p.cpuMs, 10)}`);

  const rows = envSize("BENCH_ROWS", 50_000);
  const dir = mkdtempSync(join(tmpdir(), "chaser-bench-formats-"));
  try {
    const file = join(dir, "large-plan.xlsx");
    await generatePlanXlsx(file, rows);
    const bytes = readFileSync(file);
    const x = await timed(bytes, "large-plan.xlsx");
    console.log(`read formats: generated ${rows}-row workbook (${(bytes.length / 1024 / 1024).toFixed(1)} MB): ${x.actions} actions in ${figure(x.ms, x.cpuMs, 10)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
