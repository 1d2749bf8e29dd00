import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config/load-config.js";

describe("configuration from the environment", () => {
  it("defaults to SQLite under ./data and port 3978", () => {
    expect(loadConfig({})).toEqual({
      database: { provider: "sqlite", file: resolve("data/chaser.db") },
      teams: { appId: "", appPassword: null, appType: "MultiTenant", tenantId: null },
      slack: null,
      logLevel: "info",
      port: 3978,
      host: "127.0.0.1",
      locale: "en-GB",
      playground: { mode: "open" },
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

  it("names every variable to fix, with what to set", () => {
    let error: unknown;
    try {
      loadConfig({ DATABASE_URL: "mysql://db/x", PORT: "eighty", CHASER_LOCALE: "fr" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join("\n");
    expect(problems).toMatch(/^DATABASE_URL: .*postgresql:\/\//m);
    expect(problems).toMatch(/^PORT: /m);
    expect(problems).toMatch(/^CHASER_LOCALE: /m);
  });

  it("connects Slack only with both its token and signing secret", () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" }).slack).toEqual({ botToken: "xoxb-1", signingSecret: "s", appToken: null, apiUrl: null });
    expect(() => loadConfig({ SLACK_BOT_TOKEN: "xoxb-1" })).toThrow(/SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET: set both/);
    expect(() => loadConfig({ SLACK_BOT_TOKEN: "xapp-wrong", SLACK_SIGNING_SECRET: "s" })).toThrow(/a bot token starts xoxb-/);
  });

  it("asks for the Teams secret with an app id", () => {
    expect(() => loadConfig({ MicrosoftAppId: "app" })).toThrow(/MicrosoftAppPassword/);
    expect(loadConfig({ MicrosoftAppId: "app", MicrosoftAppPassword: "pw" }).teams).toEqual({ appId: "app", appPassword: "pw", appType: "MultiTenant", tenantId: null });
  });
});
