import { resolve } from "node:path";
import { z } from "zod";
import { isLoopback } from "./is-loopback.js";

/** Where the store lives, decided from DATABASE_URL. */
export type Database =
  | { provider: "sqlite"; file: string }
  | { provider: "postgresql"; url: string };

/**
 * Who may use the playground: anyone who can reach a loopback address (the person at this
 * machine); whoever gives the secret; or nobody.
 */
export type PlaygroundAccess = { mode: "open" } | { mode: "secret"; secret: string } | { mode: "off" };

export const DEFAULT_SQLITE_FILE = "data/chaser.db";

const databaseUrl = z
  .string()
  .trim()
  .optional()
  .transform((value, ctx): Database => {
    if (!value) return { provider: "sqlite", file: resolve(DEFAULT_SQLITE_FILE) };
    if (value.startsWith("file:")) {
      const file = value.slice("file:".length).replace(/^\/\/(?=\/)/, "");
      if (!file) {
        ctx.addIssue({ code: "custom", message: "DATABASE_URL=file: needs a path, e.g. DATABASE_URL=file:./data/chaser.db" });
        return z.NEVER;
      }
      return { provider: "sqlite", file: file === ":memory:" ? file : resolve(file) };
    }
    if (/^postgres(ql)?:\/\//.test(value)) {
      try {
        new URL(value);
      } catch {
        ctx.addIssue({ code: "custom", message: "DATABASE_URL is not a valid URL, e.g. postgresql://user:password@host:5432/chaser" });
        return z.NEVER;
      }
      return { provider: "postgresql", url: value };
    }
    ctx.addIssue({
      code: "custom",
      message: "DATABASE_URL must be unset (SQLite under ./data), file:PATH (SQLite) or postgresql://… (PostgreSQL)",
    });
    return z.NEVER;
  });

/** A comma list of ids, each checked; empty entries are ignored. */
function idList(pattern: RegExp, example: string, variable: string) {
  return z
    .string()
    .optional()
    .transform((value, ctx): string[] => {
      const ids = (value ?? "").split(",").map((s) => s.trim()).filter(Boolean);
      const bad = ids.filter((id) => !pattern.test(id));
      if (bad.length > 0) {
        ctx.addIssue({ code: "custom", message: `${variable} is a comma-separated list like ${example}; not understood: ${bad.map((b) => JSON.stringify(b.slice(0, 60))).join(", ")}` });
        return z.NEVER;
      }
      return ids;
    });
}

/** Entra ID tenant ids are GUIDs. */
const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Slack workspace (T…) and Enterprise Grid (E…) ids. */
const SLACK_TEAM_ID = /^[TE][A-Z0-9]{2,20}$/;

const EnvSchema = z.object({
  DATABASE_URL: databaseUrl,
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // Unset: readable lines in a terminal, JSON (one object a line) when output goes to a file or a collector.
  LOG_FORMAT: z.enum(["json", "pretty"]).optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3978),
  // Loopback by default. On any other address the playground is off unless CHASER_PLAYGROUND_SECRET is set.
  HOST: z.string().trim().min(1).default("127.0.0.1"),
  CHASER_PLAYGROUND_SECRET: z.string().min(16, "at least 16 characters (a long random string, e.g. from `openssl rand -base64 24`)").optional(),
  CHASER_LOCALE: z.enum(["en-GB", "cy"]).default("en-GB"),
  MicrosoftAppId: z.string().trim().optional(),
  MicrosoftAppPassword: z.string().optional(),
  MicrosoftAppType: z.enum(["MultiTenant", "SingleTenant", "UserAssignedMSI"]).default("MultiTenant"),
  MicrosoftAppTenantId: z.string().trim().optional(),
  SLACK_BOT_TOKEN: z.string().trim().regex(/^xoxb-/, "a bot token starts xoxb-").optional(),
  SLACK_SIGNING_SECRET: z.string().trim().min(1).optional(),
  SLACK_APP_TOKEN: z.string().trim().regex(/^xapp-/, "an app-level token starts xapp-").optional(),
  SLACK_API_URL: z.url().optional(),
  /** Chaser's first admins, by the email their platform vouches for; later ones are made by command. */
  CHASER_ADMINS: idList(/^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/, "CHASER_ADMINS=jo.bloggs@council.gov.uk,…", "CHASER_ADMINS"),
  CHASER_TEAMS_TENANTS: idList(TENANT_ID, "CHASER_TEAMS_TENANTS=72f988bf-86f1-41af-91ab-2d7cd011db47,…", "CHASER_TEAMS_TENANTS"),
  CHASER_SLACK_TEAMS: idList(SLACK_TEAM_ID, "CHASER_SLACK_TEAMS=T0123ABCD,T0456EFGH", "CHASER_SLACK_TEAMS"),
});

export interface TeamsConfig {
  /** Empty when unset: then the Bot Framework token check is off, for local use only. */
  appId: string;
  appPassword: string | null;
  appType: "MultiTenant" | "SingleTenant" | "UserAssignedMSI";
  tenantId: string | null;
  /**
   * Tenants whose requests are served: CHASER_TEAMS_TENANTS and a single-tenant bot's own. Empty
   * only without an app id (the emulator on loopback), where any tenant is let in.
   */
  tenants?: string[];
}

export interface SlackConfig {
  botToken: string;
  signingSecret: string;
  /** Socket Mode: no public URL needed. */
  appToken: string | null;
  /** Where the Web API is; tests point it at a local fake. */
  apiUrl: string | null;
  /** Workspaces served besides the bot token's own (auth.test): CHASER_SLACK_TEAMS. */
  teams?: string[];
}

export type Config = {
  database: Database;
  teams: TeamsConfig;
  /** Null unless both SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set. */
  slack: SlackConfig | null;
  logLevel: z.infer<typeof EnvSchema>["LOG_LEVEL"];
  logFormat: "json" | "pretty";
  port: number;
  host: string;
  locale: "en-GB" | "cy";
  /** CHASER_ADMINS: emails made Chaser admins at start (once each); later admins by command. */
  admins: string[];
  /**
   * The playground is a local tool: open on a loopback HOST; with CHASER_PLAYGROUND_SECRET, only to
   * whoever gives the secret (wherever it listens); otherwise off.
   */
  playground: PlaygroundAccess;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Chaser cannot start; set these environment variables:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** The one place process.env is read. Throws ConfigError listing every variable to fix. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, output: { isTTY?: boolean } = process.stdout): Config {
  // An empty variable counts as unset: compose files and Kubernetes manifests pass empty ones through.
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ""));
  const parsed = EnvSchema.safeParse(set);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".") || "environment"}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (Boolean(e.SLACK_BOT_TOKEN) !== Boolean(e.SLACK_SIGNING_SECRET)) {
    problems.push("SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET: set both to connect Slack, or neither");
  }
  if (e.SLACK_APP_TOKEN && !e.SLACK_BOT_TOKEN) problems.push("SLACK_APP_TOKEN: Socket Mode also needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET");
  if (e.MicrosoftAppId && !e.MicrosoftAppPassword && e.MicrosoftAppType !== "UserAssignedMSI") {
    problems.push("MicrosoftAppPassword: the Teams bot's client secret, needed with MicrosoftAppId");
  }
  if (e.MicrosoftAppType === "SingleTenant" && !e.MicrosoftAppTenantId) problems.push("MicrosoftAppTenantId: needed when MicrosoftAppType=SingleTenant");
  if (e.MicrosoftAppTenantId && !TENANT_ID.test(e.MicrosoftAppTenantId)) problems.push("MicrosoftAppTenantId: the bot's Entra ID tenant id, a GUID");
  const tenants = [...new Set([...(e.MicrosoftAppTenantId && TENANT_ID.test(e.MicrosoftAppTenantId) ? [e.MicrosoftAppTenantId] : []), ...e.CHASER_TEAMS_TENANTS].map((t) => t.toLowerCase()))];
  // A multi-tenant bot can be installed by any organisation; with nothing listed Chaser would serve
  // them all, so it refuses to start rather than guess whose staff it is for.
  if (e.MicrosoftAppId && tenants.length === 0) {
    problems.push("CHASER_TEAMS_TENANTS: a multi-tenant Teams bot must list the Entra ID tenant ids it serves (comma-separated), or set MicrosoftAppType=SingleTenant with MicrosoftAppTenantId");
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    database: e.DATABASE_URL,
    teams: { appId: e.MicrosoftAppId ?? "", appPassword: e.MicrosoftAppPassword ?? null, appType: e.MicrosoftAppType, tenantId: e.MicrosoftAppTenantId ?? null, tenants },
    slack: e.SLACK_BOT_TOKEN && e.SLACK_SIGNING_SECRET
      ? { botToken: e.SLACK_BOT_TOKEN, signingSecret: e.SLACK_SIGNING_SECRET, appToken: e.SLACK_APP_TOKEN ?? null, apiUrl: e.SLACK_API_URL ?? null, teams: e.CHASER_SLACK_TEAMS }
      : null,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT ?? (output.isTTY === true ? "pretty" : "json"),
    port: e.PORT,
    host: e.HOST,
    locale: e.CHASER_LOCALE,
    admins: e.CHASER_ADMINS.map((a) => a.toLowerCase()),
    playground: e.CHASER_PLAYGROUND_SECRET ? { mode: "secret", secret: e.CHASER_PLAYGROUND_SECRET } : isLoopback(e.HOST) ? { mode: "open" } : { mode: "off" },
  };
}
