/**
 * Committee papers out of Chaser: every seed exported as a workbook and a progress report, both
 * opened by LibreOffice (converted headless) and read back; the history as CSV; nothing in a plan
 * runs as a spreadsheet formula.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, type CliIo } from "../src/cli.js";
import { exportPlan } from "../src/export/export-plan.js";
import { neutraliseCell } from "../src/export/neutralise-cell.js";
import { translator } from "../src/i18n.js";
import { parsePlanFile } from "../src/import/parse-plan.js";
import type { ParsedPlan } from "../src/import/parsed-plan.js";
import { importPlan } from "../src/store/import-plan.js";
import { parseSeed, SEED_FILES } from "./helpers/seeds.js";
import { freshStore, type TestStore } from "./helpers/test-store.js";

const NOW = new Date("2024-02-05T12:00:00Z");
const en = translator("en-GB");
const cy = translator("cy");
let store: TestStore;
let dir: string;
const seeds = new Map<string, ParsedPlan>();
const slugs = new Map<string, string>();

/** LibreOffice converts every file given to it in one run (a profile of its own, so runs never share one). */
function convert(files: string[], to: string): void {
  if (!existsSync("/usr/bin/soffice")) throw new Error("LibreOffice is needed: apt-get install -y libreoffice-writer-nogui libreoffice-calc-nogui (.ci/run installs them)");
  execFileSync("/usr/bin/soffice", ["--headless", `-env:UserInstallation=file://${dir}/profile`, "--convert-to", to, "--outdir", dir, ...files], { stdio: "ignore", timeout: 240_000 });
}

/** Calc's CSV filter: comma, double quote, UTF-8 (76), so "→" survives. */
const CSV = "csv:Text - txt - csv (StarCalc):44,34,76";

/** Letters and digits only: LibreOffice's text and CSV re-wrap lines and quote cells. */
const squash = (text: string) => text.replace(/[^\p{L}\p{N}]+/gu, "").toLowerCase();

beforeAll(async () => {
  store = await freshStore("sqlite");
  dir = mkdtempSync(join(tmpdir(), "chaser-export-"));
  for (const name of Object.keys(SEED_FILES) as (keyof typeof SEED_FILES)[]) {
    const parsed = await parseSeed(name);
    seeds.set(name, parsed);
    const report = await importPlan(store, parsed, { sourceDocument: SEED_FILES[name], via: "cli", actorLabel: "test", now: NOW });
    slugs.set(name, report.planSlug);
  }
}, 120_000);

afterAll(async () => {
  await store?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("exporting a plan", () => {
  it("every seed's recommendations and actions come back out of the workbook and the Word report, as LibreOffice reads them", async () => {
    const files: { name: string; xlsx: string; docx: string }[] = [];
    for (const [name, slug] of slugs) {
      for (const format of ["xlsx", "docx"] as const) {
        const file = await exportPlan(store, { slug, format, t: en, now: NOW });
        expect(file.fileName).toBe(`${slug}-actions-2024-02-05.${format}`);
        writeFileSync(join(dir, `${name}.${format}`), file.bytes);
      }
      files.push({ name, xlsx: join(dir, `${name}.xlsx`), docx: join(dir, `${name}.docx`) });
    }
    convert(files.map((f) => f.xlsx), CSV);
    convert(files.map((f) => f.docx), "txt:Text");
    for (const { name } of files) {
      const sheet = squash(readFileSync(join(dir, `${name}.csv`), "utf8"));
      const report = squash(readFileSync(join(dir, `${name}.txt`), "utf8"));
      const plan = seeds.get(name)!;
      expect(plan.recommendations.length).toBeGreaterThan(0);
      for (const r of plan.recommendations) {
        // Each recommendation's words, and each of its actions' refs and opening words, in both files.
        const words = squash(r.text).slice(0, 60);
        expect(sheet, `${name} ${r.ref} in the workbook`).toContain(words);
        expect(report, `${name} ${r.ref} in the report`).toContain(words);
        for (const a of r.actions) {
          const title = squash(a.title).slice(0, 40);
          expect(sheet, `${name} ${a.ref} in the workbook`).toContain(title);
          expect(report, `${name} ${a.ref} in the report`).toContain(title);
        }
      }
      expect(sheet).toContain(squash("Original target"));
      expect(report).toContain(squash("progress report"));
    }
  }, 600_000);

  it("a moved target shows both dates and the reason, in the workbook and the history", async () => {
    const parsed = structuredClone(seeds.get("procurement")!);
    const action = parsed.recommendations[0]!.actions[0]!;
    const before = (await exportPlan(store, { slug: slugs.get("procurement")!, format: "csv", t: en, now: NOW })).bytes.toString("utf8");
    action.target = { text: "30/09/2024", from: "2024-09-30", to: "2024-09-30", ongoing: false };
    await importPlan(store, parsed, { sourceDocument: SEED_FILES.procurement, via: "cli", actorLabel: "Jo Bloggs", now: NOW });
    const history = (await exportPlan(store, { slug: slugs.get("procurement")!, format: "csv", t: en, now: NOW })).bytes.toString("utf8");
    expect(history.length).toBeGreaterThan(before.length);
    expect(history.startsWith("\uFEFFWhen (UTC),Action ref,Record")).toBe(true);
    expect(history).toContain("Jo Bloggs");
    expect(history).toContain("2024-09-30");

    const xlsx = await exportPlan(store, { slug: slugs.get("procurement")!, format: "xlsx", t: en, now: NOW });
    writeFileSync(join(dir, "moved.xlsx"), xlsx.bytes);
    convert([join(dir, "moved.xlsx")], CSV);
    const sheet = readFileSync(join(dir, "moved.csv"), "utf8");
    expect(sheet).toContain("30/09/2024");
    expect(sheet).toMatch(/→ 30\/09\/2024 \(re-import\), by Jo Bloggs on 05\/02\/2024/);
  }, 300_000);

  it("text a spreadsheet would run as a formula is kept as text, in the workbook and the CSV", async () => {
    for (const [text, safe] of [
      ["=HYPERLINK(\"http://x\",\"click\")", "'=HYPERLINK(\"http://x\",\"click\")"],
      ["+1+1", "'+1+1"],
      ["-2+3", "'-2+3"],
      ["@SUM(A1)", "'@SUM(A1)"],
      ["\t=1", "'\t=1"],
      ["Monitoring Officer", "Monitoring Officer"],
      ["2.3 done = yes", "2.3 done = yes"],
    ]) expect(neutraliseCell(text!)).toBe(safe);

    const tsv = "Ref\tAction\tOwner\tTarget date\tStatus\n1.1\t=cmd|' /C calc'!A0\t@Chief Executive\t31/03/2025\tIn progress\n";
    const parsed = await parsePlanFile(Buffer.from(tsv), "formulae.tsv");
    const report = await importPlan(store, parsed, { sourceDocument: "formulae.tsv", via: "cli", actorLabel: "test", now: NOW });
    const xlsx = await exportPlan(store, { slug: report.planSlug, format: "xlsx", t: en, now: NOW });
    writeFileSync(join(dir, "formulae.xlsx"), xlsx.bytes);
    convert([join(dir, "formulae.xlsx")], CSV);
    const sheet = readFileSync(join(dir, "formulae.csv"), "utf8");
    expect(sheet).toContain("'=cmd|' /C calc'!A0");
    expect(sheet).not.toMatch(/(^|,)=cmd/m);
    const csv = (await exportPlan(store, { slug: report.planSlug, format: "csv", t: en, now: NOW })).bytes.toString("utf8");
    expect(csv).not.toMatch(/(^|,)"?[=+@-]/m);
  }, 300_000);

  it("speaks Welsh when asked, and refuses a plan that does not exist in the person's language", async () => {
    const file = await exportPlan(store, { slug: slugs.get("governance")!, format: "csv", t: cy, now: NOW });
    expect(file.bytes.toString("utf8")).toContain("Pryd (UTC)");
    await expect(exportPlan(store, { slug: "no-such-plan", format: "xlsx", t: cy, now: NOW })).rejects.toMatchObject({ code: "export.no_plan" });
    expect(cy("export.no_plan", { slug: "x" })).toBe("Does dim cynllun o'r enw x.");
  });
});

describe("chaser export", () => {
  it("writes the file, and explains its usage when arguments are missing or wrong, changing nothing", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { out: (s) => out.push(s), err: (s) => err.push(s), now: () => NOW, env: { DATABASE_URL: `file:${(store.database as { file: string }).file}` } };
    const target = join(dir, "cli.docx");
    expect(await runCli(["export", "--plan", slugs.get("committee")!, "--format", "docx", "--out", target], io)).toBe(0);
    expect(readFileSync(target).subarray(0, 2).toString()).toBe("PK");
    expect(out.at(-1)).toBe(`Wrote ${target} (docx).`);
    expect(await runCli(["export", "--plan", slugs.get("committee")!], io)).toBe(2);
    expect(err.join("\n")).toContain("Usage: chaser export --plan SLUG --format xlsx|docx|csv --out FILE");
    expect(await runCli(["export", "--plan", slugs.get("committee")!, "--format", "pdf", "--out", target], io)).toBe(2);
    expect(await runCli(["export", "--plan", "nope", "--format", "csv", "--out", join(dir, "nope.csv")], io)).toBe(1);
    expect(existsSync(join(dir, "nope.csv"))).toBe(false);
    expect(err.join("\n")).toContain("There is no plan called nope.");
  }, 120_000);
});
