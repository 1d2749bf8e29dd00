import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, type CliIo } from "../src/cli.js";
import { translator } from "../src/i18n.js";
import type { ParsedPlan } from "../src/import/parsed-plan.js";
import type { ActionRow } from "../src/store/list-actions.js";
import { freshDatabase } from "./helpers/test-store.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, "..");
const SEEDS = path.resolve(here, "fixtures/seeds");
const SEED_000 = path.join(SEEDS, "000_5423bac07f4abb57.txt");
const SLUG_000 = "000-5423bac07f4abb57";
const TITLE_000 = "000_5423bac07f4abb57.txt";
const t = translator("en-GB");

/** 2021-02-01, noon in London: seed 000's 31/12/20 targets are a month past, its 31/03/21 ones ahead. */
const NOW = new Date("2021-02-01T12:00:00Z");

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

interface Run {
  code: number;
  out: string[];
  err: string[];
}

/** Runs one command in-process with captured output, a fixed clock and this test's SQLite store. */
async function cli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    now: () => NOW,
    env: { DATABASE_URL: `file:${dbFile}`, ...env },
  };
  const code = await runCli(argv, io);
  return { code, out, err };
}

/** Runs a command expected to succeed and parses its --json output. */
async function json<T>(argv: string[]): Promise<T> {
  const run = await cli([...argv, "--json"]);
  expect(run.err).toEqual([]);
  expect(run.code).toBe(0);
  expect(run.out).toHaveLength(1);
  return JSON.parse(run.out[0]!) as T;
}

const refs = async (argv: string[]): Promise<string[]> => (await json<ActionRow[]>(["actions", ...argv])).map((r) => r.ref);

function writeFile(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe("chaser import", () => {
  it("imports a file and summarises what it added; a second import of the same file changes nothing", async () => {
    const first = await cli(["import", SEED_000]);
    expect(first.code).toBe(0);
    expect(first.err).toEqual([]);
    expect(first.out).toEqual([
      t("cli.import.created", { slug: SLUG_000, title: TITLE_000 }),
      t("cli.import.recommendations", { added: 7, updated: 0, unchanged: 0 }),
      t("cli.import.actions", { added: 19, updated: 0, unchanged: 0, missing: 0 }),
      t("reading.preview.no_status", { count: 3, refs: "5, 6, 7.1" }),
    ]);

    const second = await cli(["import", SEED_000]);
    expect(second.code).toBe(0);
    expect(second.out).toEqual([
      t("cli.import.updated", { slug: SLUG_000, title: TITLE_000 }),
      t("cli.import.recommendations", { added: 0, updated: 0, unchanged: 7 }),
      t("cli.import.actions", { added: 0, updated: 0, unchanged: 19, missing: 0 }),
      t("reading.preview.no_status", { count: 3, refs: "5, 6, 7.1" }),
    ]);
    const plans = await json<{ slug: string }[]>(["plans"]);
    expect(plans.map((p) => p.slug)).toEqual([SLUG_000]);
  });

  it("--plan NAME names the plan and sets its slug", async () => {
    const run = await cli(["import", SEED_000, "--plan", "Procurement review"]);
    expect(run.code).toBe(0);
    expect(run.out[0]).toBe(t("cli.import.created", { slug: "procurement-review", title: "Procurement review" }));
    const plans = await json<{ slug: string; title: string; actions: number }[]>(["plans"]);
    expect(plans.map((p) => [p.slug, p.title, p.actions])).toEqual([["procurement-review", "Procurement review", 19]]);
    expect(await refs(["--plan", "procurement-review", "--owner", "CEDR"])).toEqual(["4.2", "6"]);
  });

  it("--dry-run reports what would change and writes nothing", async () => {
    const run = await cli(["import", SEED_000, "--dry-run"]);
    expect(run.code).toBe(0);
    expect(run.out).toEqual([
      t("cli.import.dry_run", { slug: SLUG_000, title: TITLE_000 }),
      t("cli.import.recommendations", { added: 7, updated: 0, unchanged: 0 }),
      t("cli.import.actions", { added: 19, updated: 0, unchanged: 0, missing: 0 }),
      t("reading.preview.no_status", { count: 3, refs: "5, 6, 7.1" }),
    ]);
    const plans = await cli(["plans"]);
    expect(plans.out).toEqual([t("cli.plans.none")]);
    expect(await refs([])).toEqual([]);
  });

  it("--json prints the parsed plan in the documented shape and writes nothing", async () => {
    const plan = await json<ParsedPlan>(["import", SEED_000]);
    expect(plan.kind).toBe("action-table");
    expect(plan.recommendations).toHaveLength(7);
    expect(plan.recommendations[1]).toMatchObject({ ref: "2", theme: null });
    const action = plan.recommendations[1]!.actions[1]!;
    expect(action).toMatchObject({
      ref: "2.2",
      refGenerated: true,
      owners: ["CDAI"],
      accountable: [],
      target: { text: "31/12/20", from: "2020-12-31", to: "2020-12-31", ongoing: false },
      status: "complete",
      statusText: "Complete",
      rag: null,
      crossRefs: [],
      line: 6,
    });
    for (const key of ["title", "detail", "progress", "impact"]) expect(action).toHaveProperty(key);
    expect(plan.roles).toEqual([{ name: "CDAI", aliases: ["Corporate Director, Commercial Development, Asset and Investment"] }]);
    expect(plan.warnings).toEqual([]);
    expect((await cli(["plans"])).out).toEqual([t("cli.plans.none")]);
  });

  it("--json lists warnings as {line, message}", async () => {
    const file = writeFile("funding.csv", "Ref,Recommendation,Action,Lead Officer,Target date\n1,Fund the hub,Recruit two officers,CDAI,When funding allows\n");
    const plan = await json<ParsedPlan>(["import", file]);
    expect(plan.recommendations[0]!.actions[0]!.target).toEqual({ text: "When funding allows", from: null, to: null, ongoing: false });
    expect(plan.warnings).toEqual([{ line: 2, message: t("import.target_not_a_date", { text: "When funding allows", line: 2 }) }]);
  });

  it("prints warnings on stderr, with their line, when it imports", async () => {
    const file = writeFile("funding.csv", "Ref,Recommendation,Action,Lead Officer,Target date\n1,Fund the hub,Recruit two officers,CDAI,When funding allows\n");
    const run = await cli(["import", file]);
    expect(run.code).toBe(0);
    expect(run.err).toEqual([t("cli.warning", { line: 2, message: t("import.target_not_a_date", { text: "When funding allows", line: 2 }) })]);
  });

  it("refuses a file that is not a plan with exit 1 and the reason, storing nothing", async () => {
    const file = writeFile("empty.csv", "");
    const run = await cli(["import", file]);
    expect(run.code).toBe(1);
    expect(run.err).toEqual([t("cli.error", { message: t("import.empty_file", { file: "empty.csv" }) })]);
    expect((await cli(["plans"])).out).toEqual([t("cli.plans.none")]);
  });

  it("exits 1 naming the file when it cannot be read", async () => {
    const missing = path.join(dir, "no-such-plan.csv");
    const run = await cli(["import", missing]);
    expect(run.code).toBe(1);
    expect(run.err).toEqual([t("cli.error", { message: t("import.cannot_read", { file: missing, reason: "ENOENT" }) })]);
  });
});

describe("chaser plans", () => {
  it("lists plans with their counts, as text and as JSON", async () => {
    expect((await cli(["plans"])).out).toEqual([t("cli.plans.none")]);
    await cli(["import", SEED_000]);
    // At NOW: 10 actions complete; 2.6, 2.7, 3.3, 4.2, 5 and 7.1 are open and past their target.
    const counts = { slug: SLUG_000, title: TITLE_000, recommendations: 7, actions: 19, complete: 10, overdue: 6 };
    const text = await cli(["plans"]);
    expect(text.code).toBe(0);
    expect(text.out).toEqual([t("cli.plans.row", counts)]);
    const rows = await json<Record<string, unknown>[]>(["plans"]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject(counts);
    expect(typeof rows[0]!.updatedAt).toBe("string");
  });
});

describe("chaser actions", () => {
  beforeEach(async () => {
    const run = await cli(["import", SEED_000]);
    expect(run.code).toBe(0);
  });

  it("--overdue lists open actions past their target on the day `now` says, not the complete ones", async () => {
    expect(await refs(["--plan", SLUG_000, "--overdue"])).toEqual(["2.6", "2.7", "3.3", "4.2", "5", "7.1"]);
    const text = await cli(["actions", "--plan", SLUG_000, "--overdue"]);
    expect(text.code).toBe(0);
    expect(text.out).toHaveLength(6);
    const line26 = text.out.find((l) => l.startsWith(`${SLUG_000} 2.6 `))!;
    expect(line26).toContain(t("cli.actions.late", { date: "31/12/2020", count: 32 }));
    expect(line26).toContain("[CDAI]");
    expect(line26).toContain(t("status.in_progress"));
    // 2.1–2.5 share the 31/12/20 target but are complete.
    expect(text.out.some((l) => l.startsWith(`${SLUG_000} 2.1 `))).toBe(false);
  });

  it("--overdue for another plan lists nothing", async () => {
    const run = await cli(["actions", "--plan", "some-other-plan", "--overdue"]);
    expect(run.code).toBe(0);
    expect(run.out).toEqual([t("cli.actions.none")]);
  });

  it("--due-within N lists open actions due from today to N days ahead", async () => {
    // 4.1 is due 31/03/21 (58 days after NOW), 7.3 on 01/04/21 (59 days).
    expect(await refs(["--due-within", "57"])).toEqual([]);
    expect(await refs(["--due-within", "58"])).toEqual(["4.1"]);
    expect(await refs(["--due-within", "59"])).toEqual(["4.1", "7.3"]);
  });

  it("--owner takes a role's acronym, its full title or another role's name, ignoring case", async () => {
    const cdai = ["1", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "3.1", "3.2", "3.3", "3.4", "5", "7.1", "7.2", "7.3"];
    expect(await refs(["--owner", "CDAI"])).toEqual(cdai);
    expect(await refs(["--owner", "Corporate Director, Commercial Development, Asset and Investment"])).toEqual(cdai);
    expect(await refs(["--owner", "Monitoring Officer"])).toEqual(["4.1", "4.2"]);
    expect(await refs(["--owner", "monitoring  officer"])).toEqual(["4.1", "4.2"]);
    expect(await refs(["--owner", "Nobody In Particular"])).toEqual([]);
  });

  it("combines --owner with --overdue", async () => {
    expect(await refs(["--owner", "CDAI", "--overdue"])).toEqual(["2.6", "2.7", "3.3", "5", "7.1"]);
  });
});

describe("chaser map-role", () => {
  beforeEach(async () => {
    expect((await cli(["import", SEED_000])).code).toBe(0);
  });

  it("maps a role to a person, whose email then finds that role's actions", async () => {
    expect(await refs(["--owner", "sam@example.gov.uk"])).toEqual([]);
    const run = await cli(["map-role", "Monitoring Officer", "--person", "Sam Jones", "--email", "sam@example.gov.uk"]);
    expect(run.code).toBe(0);
    expect(run.out).toEqual([t("commands.mapped", { role: "Monitoring Officer", person: "Sam Jones" })]);
    expect(await refs(["--owner", "sam@example.gov.uk"])).toEqual(["4.1", "4.2"]);
    expect(await refs(["--owner", "Sam Jones"])).toEqual(["4.1", "4.2"]);

    const again = await cli(["map-role", "Monitoring Officer", "--person", "Sam Jones", "--email", "sam@example.gov.uk"]);
    expect(again.code).toBe(0);
    expect(again.out).toEqual([t("commands.already_mapped", { role: "Monitoring Officer", person: "Sam Jones" })]);

    // A second role by its acronym adds its actions to the same person's.
    const cedr = await cli(["map-role", "CEDR", "--person", "Sam Jones", "--email", "SAM@example.gov.uk"]);
    expect(cedr.out).toEqual([t("commands.mapped", { role: "CEDR", person: "Sam Jones" })]);
    expect(await refs(["--owner", "sam@example.gov.uk"])).toEqual(["4.1", "4.2", "6"]);
  });

  it("refuses a role no plan names with exit 1 and the locale's message", async () => {
    const run = await cli(["map-role", "Chief Wizard", "--person", "Sam Jones"]);
    expect(run.code).toBe(1);
    expect(run.out).toEqual([]);
    expect(run.err).toEqual([`${t("commands.unknown_role", { role: "Chief Wizard" })}\n${t("commands.usage_line", { usage: t("commands.topic.owner.usage"), example: t("commands.topic.owner.example") })}`]);
  });
});

describe("chaser usage errors exit 2", () => {
  it.each<[string, string[]]>([
    ["an unknown command", ["frobnicate"]],
    ["import with no file", ["import"]],
    ["import with two files", ["import", SEED_000, SEED_000]],
    ["import with an unknown option", ["import", SEED_000, "--force"]],
    ["actions --due-within abc", ["actions", "--due-within", "abc"]],
    ["actions --status with a word outside the vocabulary", ["actions", "--status", "done"]],
    ["map-role without --person", ["map-role", "Monitoring Officer"]],
    ["map-role without a role", ["map-role", "--person", "Sam Jones"]],
    ["map-role with a bad --email", ["map-role", "Monitoring Officer", "--person", "Sam Jones", "--email", "not-an-email"]],
  ])("%s", async (_name, argv) => {
    const run = await cli(argv);
    expect(run.code).toBe(2);
    expect(run.out).toEqual([]);
    expect(run.err.length).toBeGreaterThan(0);
  });

  it("says which command it did not know, and shows the help", async () => {
    const run = await cli(["frobnicate"]);
    expect(run.err).toEqual([t("cli.unknown_command", { command: "frobnicate" }), t("cli.help")]);
  });

  it("shows the import usage when the file is missing from the command", async () => {
    expect((await cli(["import", "--dry-run"])).err).toEqual([t("cli.error", { message: t("cli.import_usage") })]);
  });

  it("writes nothing when map-role's arguments are wrong", async () => {
    await cli(["import", SEED_000]);
    expect((await cli(["map-role", "Monitoring Officer", "--person", "Sam Jones", "--email", "not-an-email"])).code).toBe(2);
    expect(await refs(["--owner", "Sam Jones"])).toEqual([]);
  });

  it("refuses a DATABASE_URL it cannot use with exit 2 and a message naming DATABASE_URL", async () => {
    const run = await cli(["plans"], { DATABASE_URL: "mysql://x" });
    expect(run.code).toBe(2);
    expect(run.out).toEqual([]);
    expect(run.err.join("\n")).toContain("DATABASE_URL");
  });
});

describe("chaser help and locale", () => {
  it("prints the help with no command", async () => {
    const run = await cli([]);
    expect(run.code).toBe(0);
    expect(run.out).toEqual([t("cli.help")]);
    expect(run.out[0]).toContain("Usage: chaser");
  });

  it("speaks Welsh when CHASER_LOCALE=cy", async () => {
    const cy = translator("cy");
    const help = await cli(["help"], { CHASER_LOCALE: "cy" });
    expect(help.code).toBe(0);
    expect(help.out).toEqual([cy("cli.help")]);
    expect(help.out[0]).toContain("Defnydd");
    expect(help.out[0]).not.toContain("Usage:");

    const unknownRole = await cli(["map-role", "Chief Wizard", "--person", "Sam Jones"], { CHASER_LOCALE: "cy" });
    expect(unknownRole.code).toBe(1);
    expect(unknownRole.err.join("\n")).toContain(cy("commands.unknown_role", { role: "Chief Wizard" }));
    expect(unknownRole.err.join("\n")).toContain(cy("commands.topic.owner.example"));
    expect(unknownRole.err.join("\n")).not.toContain(t("commands.unknown_role", { role: "Chief Wizard" }));
  });

  it("refuses a locale it does not have with exit 2", async () => {
    const run = await cli(["help"], { CHASER_LOCALE: "fr" });
    expect(run.code).toBe(2);
    expect(run.err.join("\n")).toContain("CHASER_LOCALE");
  });
});

describe("bin/chaser.js as a process", () => {
  it("import --json exits 0 and prints only the JSON of the plan", async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ["bin/chaser.js", "import", SEED_000, "--json"], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: `file:${dbFile}`, CHASER_LOCALE: "en-GB" },
      maxBuffer: 10 * 1024 * 1024,
    });
    // execFile rejects on a non-zero exit, so reaching here means exit 0.
    expect(stderr).toBe("");
    const plan = JSON.parse(stdout) as ParsedPlan;
    expect(stdout.trimStart().startsWith("{")).toBe(true);
    expect(plan.recommendations).toHaveLength(7);
    expect(plan.recommendations.flatMap((r) => r.actions)).toHaveLength(19);
  });
});
