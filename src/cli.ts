import { SingleBar } from "cli-progress";
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { ConfigError, loadConfig, type Config } from "./config/load-config.js";
import { ChaserError } from "./domain/chaser-error.js";
import { ukDate } from "./domain/london-date.js";
import { Status } from "./domain/vocabulary.js";
import { translator } from "./i18n.js";
import { acceptSuggestedTargets } from "./import/assess-plan.js";
import { importPlanFile } from "./import/import-plan-file.js";
import type { ReadProgress } from "./import/import-limits.js";
import { COLUMN_ROLES } from "./import/match-columns.js";
import { parsePlanFile } from "./import/parse-plan.js";
import { previewLines } from "./import/preview-lines.js";
import { parseColumnChoice } from "./import/read-columns.js";
import { recallColumns } from "./store/column-mappings.js";
import { planSlug } from "./store/import-plan.js";
import { listActions } from "./store/list-actions.js";
import { openStore } from "./store/open-store.js";
import { exportCommand } from "./cli-export.js";
import { personCommand } from "./cli-person.js";
import { digestCommand } from "./cli-digest.js";
import { claimCommand, commandCli, operator } from "./cli-admin.js";

/** Files with more rows than this get a progress bar while they are written. */
const PROGRESS_FROM = 2000;
/** Files this large get a progress bar while they are read. */
const READ_PROGRESS_FROM_BYTES = 1024 * 1024;

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  now: () => Date;
  /** Defaults to the process environment, read by loadConfig. */
  env?: NodeJS.ProcessEnv;
}

const defaultIo: CliIo = {
  out: (text) => process.stdout.write(text + "\n"),
  err: (text) => process.stderr.write(text + "\n"),
  now: () => new Date(),
};

const ImportArgs = z.object({
  file: z.string().min(1),
  plan: z.string().trim().min(1).max(200).optional(),
  "dry-run": z.boolean().default(false),
  json: z.boolean().default(false),
});
const ActionsArgs = z.object({
  plan: z.string().optional(),
  owner: z.string().optional(),
  overdue: z.boolean().default(false),
  "due-within": z.string().regex(/^\d{1,4}$/, "a whole number of days").transform(Number).optional(),
  status: Status.optional(),
  json: z.boolean().default(false),
});

/** Runs one `chaser` command; returns the exit code (0 done, 1 failed, 2 usage). */
export async function runCli(argv: string[], io: CliIo = defaultIo): Promise<number> {
  let config: Config;
  try {
    config = loadConfig(io.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(error.message);
      return 2;
    }
    throw error;
  }
  const t = translator(config.locale);
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "import":
        return await importCommand(rest, config, io);
      case "actions":
        return await actionsCommand(rest, config, io);
      case "claim":
        return await claimCommand(rest, config, io);
      case "digest":
        // "digest send|preview PLAN" is the digest command of chat; flags alone print the digest here.
        if (rest[0] && !rest[0].startsWith("-")) return await commandCli(argv, config, io);
        return await digestCommand(rest, config, io);
      case "export":
        return await exportCommand(rest, config, io);
      case "person":
        // "person language EMAIL cy" is chat's language command naming someone, as admins type it there.
        if (rest[0] === "language") return await commandCli(rest, config, io);
        return await personCommand(rest, config, io);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.out(t("cli.help"));
        return 0;
      default:
        // Everything else is a command of the one model, typed in chat's words (npx chaser pause, owner …, status overdue).
        return await commandCli(argv, config, io);
    }
  } catch (error) {
    if (error instanceof ChaserError) {
      io.err(t("cli.error", { message: t(error.code, error.params) }));
      return error.code.startsWith("cli.") ? 2 : 1;
    }
    if (error instanceof z.ZodError) {
      io.err(t("cli.bad_arguments", { problems: error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") }));
      return 2;
    }
    if (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS")) {
      io.err(t("cli.bad_arguments", { problems: error.message }));
      return 2;
    }
    throw error;
  }
}

async function importCommand(argv: string[], config: Config, io: CliIo): Promise<number> {
  const t = translator(config.locale);
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      plan: { type: "string" },
      "dry-run": { type: "boolean" },
      json: { type: "boolean" },
      map: { type: "string", multiple: true },
      yes: { type: "boolean" },
      "suggested-targets": { type: "boolean" },
    },
  });
  if (positionals.length !== 1) throw new ChaserError("cli.import_usage");
  const args = ImportArgs.parse({ ...values, file: positionals[0] });
  const given = (values.map ?? []).map(parseColumnChoice);
  let bytes: Buffer;
  try {
    bytes = await readFile(args.file);
  } catch (error) {
    throw new ChaserError("import.cannot_read", { file: args.file, reason: (error as NodeJS.ErrnoException).code ?? "?" }, { cause: error });
  }
  const fileName = basename(args.file);
  const store = await openStore(config.database);
  let bar: SingleBar | null = null;
  try {
    if (args.json) {
      // The best reading, each open question marked, for scripts; nothing is written.
      const remembered = await recallColumns(store.db, planSlug(args.plan, fileName));
      let parsed = await parsePlanFile(bytes, fileName, config.locale, { remembered: remembered ?? undefined, given });
      if (values["suggested-targets"]) parsed = acceptSuggestedTargets(parsed);
      io.out(JSON.stringify(parsed, null, 2));
      return 0;
    }
    const result = await importPlanFile(store, {
      bytes,
      fileName,
      planName: args.plan,
      locale: config.locale,
      given,
      confirmed: Boolean(values.yes),
      acceptSuggested: Boolean(values["suggested-targets"]),
      via: "cli",
      actorLabel: operator(),
      dryRun: args["dry-run"],
      now: io.now(),
      onReadProgress: readProgress(bytes, config.locale),
      onProgress: (done, total) => {
        if (!bar && total >= PROGRESS_FROM) {
          bar = new SingleBar({ format: t("cli.progress"), hideCursor: true });
          bar.start(total, 0);
        }
        bar?.update(done);
      },
    });
    (bar as SingleBar | null)?.stop();
    const plan = result.plan;
    if (result.remembered) io.out(t("reading.cli.remembered"));
    if (result.status !== "imported") {
      for (const line of previewLines(plan, fileName, t, { maxWarnings: 20 })) io.out(line);
      io.out(t("reading.cli.waiting", { roles: COLUMN_ROLES.join(", ") }));
      return 3;
    }
    const report = result.report;
    io.out(t(report.dryRun ? "cli.import.dry_run" : report.planCreated ? "cli.import.created" : "cli.import.updated", { slug: report.planSlug, title: report.planTitle }));
    io.out(t("cli.import.recommendations", report.recommendations));
    io.out(t("cli.import.actions", { ...report.actions, missing: report.actions.missingFromFile.length }));
    for (const change of report.changes.slice(0, 20)) io.out(t("cli.import.change", { ref: change.ref, fields: change.fields.join(", ") }));
    if (report.changes.length > 20) io.out(t("cli.import.more_changes", { count: report.changes.length - 20 }));
    if (report.keptStatus.length > 0) io.out(t("cli.import.kept_status", { refs: report.keptStatus.join(", ") }));
    if (report.actions.missingFromFile.length > 0) io.out(t("cli.import.missing", { refs: report.actions.missingFromFile.slice(0, 20).join(", ") }));
    // Can it be chased: what will never be prompted, and the dates its own words suggest.
    const readByHeadings = plan.reading?.columns.every((c) => c.source === "heading" || (c.role === null && c.samples.length === 0)) ?? true;
    for (const line of previewLines(plan, fileName, t, { title: !readByHeadings, columns: !readByHeadings, found: false, maxWarnings: null })) io.out(line);
    if ((plan.reading?.suggestedTargets.length ?? 0) > 0) io.out(t("reading.cli.suggest_hint"));
    for (const w of report.warnings) io.err(t("cli.warning", { line: w.line, message: w.message }));
    return 0;
  } finally {
    (bar as SingleBar | null)?.stop();
    await store.close();
  }
}

/** A progress bar on the terminal while a large file is read (it stops itself when reading ends). */
function readProgress(bytes: Buffer, locale: Config["locale"]): ReadProgress | undefined {
  if (bytes.length < READ_PROGRESS_FROM_BYTES) return undefined;
  const bar = new SingleBar({ format: translator(locale)("read.progress"), hideCursor: true });
  let started = false;
  return (done, total) => {
    if (!started) bar.start(total, 0);
    started = true;
    bar.update(done);
    if (done >= total) bar.stop();
  };
}

async function actionsCommand(argv: string[], config: Config, io: CliIo): Promise<number> {
  const t = translator(config.locale);
  const { values } = parseArgs({
    args: argv,
    options: {
      plan: { type: "string" },
      owner: { type: "string" },
      overdue: { type: "boolean" },
      "due-within": { type: "string" },
      status: { type: "string" },
      json: { type: "boolean" },
    },
  });
  const args = ActionsArgs.parse(values);
  const store = await openStore(config.database);
  try {
    const rows = await listActions(
      store.db,
      { plan: args.plan, owner: args.owner, overdue: args.overdue, dueWithinDays: args["due-within"], status: args.status },
      io.now(),
    );
    if (args.json) {
      io.out(JSON.stringify(rows, null, 2));
      return 0;
    }
    if (rows.length === 0) io.out(t("cli.actions.none"));
    for (const r of rows) {
      const when = r.targetTo
        ? r.daysLate !== null && r.daysLate > 0 && r.status !== "complete"
          ? t("cli.actions.late", { date: ukDate(r.targetTo), count: r.daysLate })
          : ukDate(r.targetTo)
        : (r.targetText ?? t("cli.actions.no_target"));
      io.out(t("cli.actions.row", {
        plan: r.plan,
        ref: r.ref,
        title: r.title,
        owners: r.owners.join(", ") || t("cli.actions.no_owner"),
        when,
        status: r.status ? t(`status.${r.status}`) : t("cli.actions.no_status"),
      }));
    }
    return 0;
  } finally {
    await store.close();
  }
}
