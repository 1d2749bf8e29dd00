import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config/load-config.js";

describe("configuration from the environment", () => {
  it("defaults to SQLite under ./data and port 3978", () => {
    expect(loadConfig({}, { isTTY: false })).toEqual({
      database: { provider: "sqlite", file: resolve("data/chaser.db") },
      teams: { appId: "", appPassword: null, appType: "MultiTenant", tenantId: null, tenants: [] },
      slack: null,
      logLevel: "info",
      logFormat: "json",
      port: 3978,
      host: "127.0.0.1",
      locale: "en-GB",
      playground: { mode: "open" },
      admins: [],
    });
  });

  it.each([
    ["file:./x/plan.db", { provider: "sqlite", file: resolve("x/plan.db") }],
    ["file:/var/lib/chaser.db", { provider: "sqlite", file: "/var/lib/chaser.db" }],
    ["postgresql://u:p@db:5432/chaser", { provider: "postgresql", url: "postgresql://u:p@db:5432/chaser" }],
    ["postgres://db/chaser", { provider: "postgresql", url: "postgres://db/chaser" }],
  ])("DATABASE_URL=%s", (url, database) => {
    expect(loadConfig({ DATABASE_URL: url }).database).toEqual(database);
  });

  it.each([
    [{}, false, "json"],
    [{}, true, "pretty"],
    [{ LOG_FORMAT: "json" }, true, "json"],
    [{ LOG_FORMAT: "pretty" }, false, "pretty"],
  ])("logs %j with a terminal=%s as %s", (env, isTTY, format) => {
    expect(loadConfig(env, { isTTY }).logFormat).toBe(format);
  });

  it("takes an empty variable as unset, as compose passes them", () => {
    const config = loadConfig({ DATABASE_URL: "", PORT: "", SLACK_BOT_TOKEN: "", SLACK_SIGNING_SECRET: " ", MicrosoftAppId: "", LOG_FORMAT: "" }, { isTTY: false });
    expect(config).toMatchObject({ database: { provider: "sqlite" }, port: 3978, slack: null, teams: { appId: "" }, logFormat: "json" });
  });

  it("names every variable to fix, with what to set", () => {
    let error: unknown;
    try {
      loadConfig({ DATABASE_URL: "mysql://db/x", PORT: "eighty", CHASER_LOCALE: "fr", LOG_FORMAT: "xml" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join("\n");
    expect(problems).toMatch(/^DATABASE_URL: .*postgresql:\/\//m);
    expect(problems).toMatch(/^PORT: /m);
    expect(problems).toMatch(/^CHASER_LOCALE: /m);
    expect(problems).toMatch(/^LOG_FORMAT: /m);
  });

  it("connects Slack only with both its token and signing secret", () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" }).slack).toEqual({ botToken: "xoxb-1", signingSecret: "s", appToken: null, apiUrl: null, teams: [] });
    expect(() => loadConfig({ SLACK_BOT_TOKEN: "xoxb-1" })).toThrow(/SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET: set both/);
    expect(() => loadConfig({ SLACK_BOT_TOKEN: "xapp-wrong", SLACK_SIGNING_SECRET: "s" })).toThrow(/a bot token starts xoxb-/);
  });

  it("asks for the Teams secret with an app id", () => {
    expect(() => loadConfig({ MicrosoftAppId: "app" })).toThrow(/MicrosoftAppPassword/);
    expect(loadConfig({ MicrosoftAppId: "app", MicrosoftAppPassword: "pw", CHASER_TEAMS_TENANTS: TENANT }).teams).toEqual({ appId: "app", appPassword: "pw", appType: "MultiTenant", tenantId: null, tenants: [TENANT] });
  });

  it("serves the tenants and workspaces listed, and a single-tenant bot's own tenant", () => {
    const other = "0f0e0d0c-0b0a-4909-8807-060504030201";
    expect(loadConfig({ MicrosoftAppId: "app", MicrosoftAppPassword: "pw", MicrosoftAppType: "SingleTenant", MicrosoftAppTenantId: TENANT, CHASER_TEAMS_TENANTS: ` ${other.toUpperCase()} ,` }).teams.tenants).toEqual([TENANT, other]);
    expect(loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s", CHASER_SLACK_TEAMS: "T0123ABCD, E0456EFGH" }).slack?.teams).toEqual(["T0123ABCD", "E0456EFGH"]);
  });

  it("will not start a multi-tenant Teams bot that names no tenant, and says what to set", () => {
    expect(() => loadConfig({ MicrosoftAppId: "app", MicrosoftAppPassword: "pw" })).toThrow(/CHASER_TEAMS_TENANTS: a multi-tenant Teams bot must list/);
  });

  it("refuses tenant and workspace lists it cannot read, naming the variable", () => {
    expect(() => loadConfig({ CHASER_TEAMS_TENANTS: "contoso.onmicrosoft.com" })).toThrow(/CHASER_TEAMS_TENANTS: CHASER_TEAMS_TENANTS is a comma-separated list like .*"contoso.onmicrosoft.com"/);
    expect(() => loadConfig({ CHASER_SLACK_TEAMS: "T0123ABCD,my-workspace" })).toThrow(/CHASER_SLACK_TEAMS: .*"my-workspace"/);
  });
});

const TENANT = "11111111-2222-4333-8444-555555555555";
