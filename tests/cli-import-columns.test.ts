import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, type CliIo } from "../src/cli.js";
import { translator } from "../src/i18n.js";
import type { ParsedPlan } from "../src/import/parsed-plan.js";
import type { ActionRow } from "../src/store/list-actions.js";
import { openStore } from "../src/store/open-store.js";
import { freshDatabase } from "./helpers/test-store.js";

const t = translator("en-GB");
const NOW = new Date("2025-01-15T12:00:00Z");

let dir: string;
let dbFile: string;
let drop: () => Promise<void>;

beforeEach(async () => {
  const fresh = await freshDatabase("sqlite");
  if (fresh.database.provider !== "sqlite") throw new Error("expected SQLite");
  dbFile = fresh.database.file;
  dir = path.dirname(dbFile);
  drop = fresh.drop;
});
afterEach(async () => {
  await drop();
});

async function cli(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (x) => out.push(x), err: (x) => err.push(x), now: () => NOW, env: { DATABASE_URL: `file:${dbFile}` } };
  return { code: await runCli(argv, io), out, err };
}

function file(name: string, rows: string[][]): string {
  const p = path.join(dir, name);
  writeFileSync(p, rows.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(",")).join("\n") + "\n");
  return p;
}

async function actions(): Promise<ActionRow[]> {
  const run = await cli(["actions", "--json"]);
  return JSON.parse(run.out[0]!) as ActionRow[];
}

// A fire service's tracker: two date columns, headings Chaser knows in part.
const TRACKER = [
  ["AFI Ref", "Area for Improvement", "Action", "Assigned To", "Logged", "Finish by", "Where are we"],
  ["AFI 1", "The service should improve how it records fire safety audits.", "Introduce one audit form for every station.", "Group Manager Prevention", "01/04/2024", "31/03/2025", "In progress"],
  ["AFI 2", "The service should make sure staff understand the values.", "Run values workshops at every station.", "Head of People", "01/04/2024", "30/06/2025", "Not started"],
  ["AFI 3", "The service should have a clear plan for its estate.", "Agree an estates strategy, planned for April 2025.", "Director of Corporate Services", "01/05/2024", "", "In progress"],
];

describe("chaser import asks before it guesses", () => {
  it("shows the preview and writes nothing while it is unsure of a column (exit 3)", async () => {
    const run = await cli(["import", file("tracker.csv", TRACKER)]);
    expect(run.code).toBe(3);
    expect(run.out[0]).toBe(t("reading.preview.title", { file: "tracker.csv" }));
    expect(run.out).toContain(`  ${t("reading.preview.column", { column: "D", heading: '"Assigned To"', role: "owner", how: "by its heading" })}`);
    expect(run.out).toContain(`  ${t("reading.preview.column", { column: "F", heading: '"Finish by"', role: "target date", how: "from what it holds, unsure" })}`);
    expect(run.out).toContain(t("reading.preview.found", { recommendations: 3, actions: 3, owners: 3, targets: 2, statuses: 3 }));
    expect(run.out.some((l) => l.includes("Column F (Finish by) looks like the target date, but Chaser is not sure"))).toBe(true);
    expect(run.out.at(-1)).toContain("--map");
    expect(await actions()).toEqual([]);
  });

  it("--map corrects the reading and imports; the mapping is remembered for the next import of the plan", async () => {
    const csv = file("tracker.csv", TRACKER);
    const run = await cli(["import", csv, "--map", "Finish by=target", "--map", "Logged=ignore", "--map", "G=status"]);
    expect(run.code).toBe(0);
    expect(run.out[0]).toBe(t("cli.import.created", { slug: "tracker", title: "tracker.csv" }));
    expect(run.out).toContain(t("reading.preview.no_target", { count: 1, refs: "AFI 3" }));
    expect(run.out).toContain(t("reading.preview.suggested", { ref: "AFI 3", date: "30/04/2025", phrase: "planned for April 2025" }));
    const rows = await actions();
    expect(rows.map((r) => [r.ref, r.owners, r.targetTo, r.status])).toEqual([
      ["AFI 1", ["Group Manager Prevention"], "2025-03-31", "in_progress"],
      ["AFI 2", ["Head of People"], "2025-06-30", "not_started"],
      ["AFI 3", ["Director of Corporate Services"], null, "in_progress"],
    ]);

    const again = await cli(["import", csv]);
    expect(again.code).toBe(0);
    expect(again.out[0]).toBe(t("reading.cli.remembered"));
    expect(again.out[1]).toBe(t("cli.import.updated", { slug: "tracker", title: "tracker.csv" }));
    const store = await openStore({ provider: "sqlite", file: dbFile });
    try {
      const history = await store.db.history.findMany({ where: { entity: "column-mapping" } });
      expect(history).toHaveLength(1);
      expect(JSON.parse(history[0]!.after!).choices).toContainEqual({ column: "Logged", role: null });
    } finally {
      await store.close();
    }
  });

  it("--yes accepts Chaser's reading, and --suggested-targets takes the dates written in the prose", async () => {
    const run = await cli(["import", file("tracker.csv", TRACKER), "--yes", "--suggested-targets"]);
    expect(run.code).toBe(0);
    const rows = await actions();
    expect(rows.map((r) => [r.ref, r.targetTo])).toEqual([["AFI 1", "2025-03-31"], ["AFI 2", "2025-06-30"], ["AFI 3", "2025-04-30"]]);
  });

  it("--dry-run --json prints the best reading with each open question marked, and writes nothing", async () => {
    const run = await cli(["import", file("tracker.csv", TRACKER), "--dry-run", "--json"]);
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.out[0]!) as ParsedPlan;
    expect(plan.reading!.columns.map((c) => [c.column, c.role, c.source, c.confidence])).toEqual([
      ["A", "recRef", "heading", "sure"], ["B", "recommendation", "heading", "sure"], ["C", "action", "heading", "sure"],
      ["D", "owner", "heading", "sure"], ["E", null, null, "unsure"], ["F", "target", "content", "unsure"], ["G", "status", "content", "likely"],
    ]);
    expect(plan.reading!.questions.map((q) => [q.column, q.guess, q.reason, q.open])).toEqual([["E", null, "unused", false], ["F", "target", "unsure", true]]);
    expect(plan.reading!.unchased).toEqual({ noOwner: [], noTarget: ["AFI 3"], noStatus: [] });
    expect(plan.recommendations.map((r) => r.actions[0]!.target?.to ?? null)).toEqual(["2025-03-31", "2025-06-30", null]);
    expect(await actions()).toEqual([]);
  });

  it("refuses a --map naming a column the file does not have, or a role there is not (exit 1)", async () => {
    const csv = file("tracker.csv", TRACKER);
    const bad = await cli(["import", csv, "--map", "Owner name=owner"]);
    expect(bad.code).toBe(1);
    expect(bad.err[0]).toContain('There is no column "Owner name" in this file. Its columns are: A "AFI Ref", B "Area for Improvement"');
    const role = await cli(["import", csv, "--map", "Logged=favourite colour"]);
    expect(role.code).toBe(1);
    expect(role.err[0]).toContain('"favourite colour" is not something a column can hold');
  });
});
