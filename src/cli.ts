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
import { parsePlanFile } from "./import/parse-plan.js";
import { importPlan } from "./store/import-plan.js";
import { listActions } from "./store/list-actions.js";
import { listPlans } from "./store/list-plans.js";
import { mapRole } from "./store/map-role.js";
import { openStore } from "./store/open-store.js";
import { userInfo } from "node:os";
import { digestCommand } from "./cli-digest.js";
import { adminCommand, delegateCommand, outboxCommand, pauseCommand, settingsCommand, subscribeCommand } from "./cli-admin.js";

/** Files with more rows than this get a progress bar while they are written. */
const PROGRESS_FROM = 2000;

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
const MapRoleArgs = z.object({
  role: z.string().trim().min(1),
  person: z.string().trim().min(1).max(200),
  email: z.email().optional(),
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
      case "plans":
        return await plansCommand(rest, config, io);
      case "actions":
        return await actionsCommand(rest, config, io);
      case "map-role":
        return await mapRoleCommand(rest, config, io);
      case "settings":
        return await settingsCommand(rest, config, io);
      case "pause":
      case "resume":
        return await pauseCommand(command === "pause", config, io);
      case "subscribe":
        return await subscribeCommand(rest, config, io);
      case "outbox":
        return await outboxCommand(rest, config, io);
      case "admin":
        return await adminCommand(rest, config, io);
      case "delegate":
        return await delegateCommand(rest, config, io);
      case "digest":
        return await digestCommand(rest, config, io);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.out(t("cli.help"));
        return 0;
      default:
        io.err(t("cli.unknown_command", { command }));
        io.err(t("cli.help"));
        return 2;
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

function actor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return "cli";
  }
}

async function importCommand(argv: string[], config: Config, io: CliIo): Promise<number> {
  const t = translator(config.locale);
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { plan: { type: "string" }, "dry-run": { type: "boolean" }, json: { type: "boolean" } },
  });
  if (positionals.length !== 1) throw new ChaserError("cli.import_usage");
  const args = ImportArgs.parse({ ...values, file: positionals[0] });
  let bytes: Buffer;
  try {
    bytes = await readFile(args.file);
  } catch (error) {
    throw new ChaserError("import.cannot_read", { file: args.file, reason: (error as NodeJS.ErrnoException).code ?? "?" }, { cause: error });
  }
  const parsed = await parsePlanFile(bytes, basename(args.file), config.locale);
  if (args.json) {
    io.out(JSON.stringify(parsed, null, 2));
    return 0;
  }
  const store = await openStore(config.database);
  const total = parsed.recommendations.reduce((n, r) => n + r.actions.length, 0);
  const bar = total >= PROGRESS_FROM ? new SingleBar({ format: t("cli.progress"), hideCursor: true }) : null;
  bar?.start(total, 0);
  try {
    const report = await importPlan(store, parsed, {
      planName: args.plan,
      sourceDocument: basename(args.file),
      via: "cli",
      actorLabel: actor(),
      dryRun: args["dry-run"],
      now: io.now(),
      onProgress: (done) => bar?.update(done),
    });
    bar?.stop();
    io.out(t(report.dryRun ? "cli.import.dry_run" : report.planCreated ? "cli.import.created" : "cli.import.updated", { slug: report.planSlug, title: report.planTitle }));
    io.out(t("cli.import.recommendations", report.recommendations));
    io.out(t("cli.import.actions", { ...report.actions, missing: report.actions.missingFromFile.length }));
    for (const change of report.changes.slice(0, 20)) io.out(t("cli.import.change", { ref: change.ref, fields: change.fields.join(", ") }));
    if (report.changes.length > 20) io.out(t("cli.import.more_changes", { count: report.changes.length - 20 }));
    if (report.keptStatus.length > 0) io.out(t("cli.import.kept_status", { refs: report.keptStatus.join(", ") }));
    if (report.actions.missingFromFile.length > 0) io.out(t("cli.import.missing", { refs: report.actions.missingFromFile.slice(0, 20).join(", ") }));
    for (const w of report.warnings) io.err(t("cli.warning", { line: w.line, message: w.message }));
    return 0;
  } finally {
    bar?.stop();
    await store.close();
  }
}

async function plansCommand(argv: string[], config: Config, io: CliIo): Promise<number> {
  const t = translator(config.locale);
  const { values } = parseArgs({ args: argv, options: { json: { type: "boolean" } } });
  const store = await openStore(config.database);
  try {
    const plans = await listPlans(store.db, io.now());
    if (values.json) io.out(JSON.stringify(plans, null, 2));
    else if (plans.length === 0) io.out(t("cli.plans.none"));
    else for (const p of plans) io.out(t("cli.plans.row", { ...p }));
    return 0;
  } finally {
    await store.close();
  }
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

async function mapRoleCommand(argv: string[], config: Config, io: CliIo): Promise<number> {
  const t = translator(config.locale);
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { person: { type: "string" }, email: { type: "string" } },
  });
  if (positionals.length !== 1 || !values.person) throw new ChaserError("cli.map_role_usage");
  const args = MapRoleArgs.parse({ role: positionals[0], person: values.person, email: values.email });
  const store = await openStore(config.database);
  try {
    const result = await mapRole(store.db, { role: args.role, personName: args.person, email: args.email, via: "cli", actorLabel: actor() });
    io.out(t(result.created ? "cli.map_role.done" : "cli.map_role.already", result));
    return 0;
  } finally {
    await store.close();
  }
}
