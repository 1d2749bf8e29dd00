/**
 * The Slack app manifest (manifest/slack/manifest.json) is valid against Slack's official manifest
 * schema (tests/fixtures/slack, from slackapi/manifest-schema) and uses only scope and event names
 * Slack documents (the lists in @slack/web-api's manifest types); and it asks for what the adapter
 * uses, and no more: each Web API method the adapter calls, event it listens to and command it
 * answers is found in its source and checked against the manifest's scopes, events and commands.
 */
import Ajv from "ajv";
import ajvFormats from "ajv-formats";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { SLACK_EVENTS_PATH } from "../src/adapters/slack/create-slack.js";

const manifest = JSON.parse(readFileSync(resolve(__dirname, "../manifest/slack/manifest.json"), "utf8")) as unknown;
const adapterDir = resolve(__dirname, "../src/adapters/slack");
const adapterSource = readdirSync(adapterDir)
  .filter((f) => f.endsWith(".ts"))
  .map((f) => readFileSync(join(adapterDir, f), "utf8"))
  .join("\n");

/** The bot scope each Web API method needs (api.slack.com/methods); null: none needed. */
const METHOD_SCOPES: Record<string, string | null> = {
  "chat.postMessage": "chat:write",
  "chat.update": "chat:write",
  "conversations.open": "im:write",
  "users.info": "users:read",
  "users.lookupByEmail": "users:read.email",
  "views.open": null,
};
/** Events the adapter listens to: the subscription each needs, and that subscription's scope. */
const EVENT_SUBSCRIPTIONS: Record<string, { event: string; scope: string | null }> = {
  message: { event: "message.im", scope: "im:history" },
  app_home_opened: { event: "app_home_opened", scope: null },
};

const Url = z.string().regex(/^https:\/\/[^/]+\/slack\/events$/);
const Manifest = z.object({
  display_information: z.object({ name: z.string().min(1).max(35), description: z.string().min(1).max(140) }),
  features: z.object({
    bot_user: z.object({ display_name: z.string().min(1).max(80), always_online: z.boolean() }),
    app_home: z.object({ messages_tab_enabled: z.literal(true), messages_tab_read_only_enabled: z.literal(false) }),
    slash_commands: z.array(z.object({ command: z.string().regex(/^\/[a-z0-9_-]+$/), description: z.string().min(1), usage_hint: z.string(), url: Url })),
  }),
  oauth_config: z.object({ scopes: z.object({ bot: z.array(z.string()) }) }),
  settings: z.object({
    event_subscriptions: z.object({ request_url: Url, bot_events: z.array(z.string()) }),
    interactivity: z.object({ is_enabled: z.literal(true), request_url: Url }),
    socket_mode_enabled: z.boolean(),
  }),
});

/** A string union from @slack/web-api's manifest types (`type BotScope = 'a' | 'b' …;`). */
function documented(name: string): Set<string> {
  const types = readFileSync(join(dirname(createRequire(import.meta.url).resolve("@slack/web-api")), "types", "request", "manifest.d.ts"), "utf8");
  const union = new RegExp(`type ${name} = ([^;]+);`).exec(types)?.[1] ?? "";
  return new Set([...union.matchAll(/'([^']+)'/g)].map((m) => m[1]!));
}

describe("the Slack app manifest against Slack's documentation", () => {
  const schema = JSON.parse(readFileSync(resolve(__dirname, "fixtures/slack/manifest.schema.1.0.0.json"), "utf8")) as object;
  // strict off: Slack's schema uses a keyword of its own ("regex") beside the standard ones.
  const ajv = new Ajv.default({ allErrors: true, strict: false });
  ajvFormats.default(ajv);
  const validate = ajv.compile(schema);

  it("is valid against Slack's official version 1 manifest schema", () => {
    expect((manifest as { _metadata: unknown })._metadata).toEqual({ major_version: 1, minor_version: 1 });
    expect(validate(manifest), JSON.stringify(validate.errors, null, 2)).toBe(true);
    // The schema is really applied: Slack's limits on a field Chaser sets, and an unknown field.
    const broken = structuredClone(manifest) as { display_information: Record<string, unknown>; features: Record<string, unknown> };
    broken.display_information.long_description = "Too short for Slack.";
    broken.features.slash_command = [];
    expect(validate(broken)).toBe(false);
    expect(validate.errors!.map((e) => e.instancePath + " " + e.keyword)).toEqual(
      expect.arrayContaining(["/display_information/long_description minLength", "/features additionalProperties"]),
    );
  });

  it("asks only for scopes and events Slack documents", () => {
    const botScopes = documented("BotScope");
    const events = documented("ManifestEvent");
    expect(botScopes.size).toBeGreaterThan(50);
    expect(events.size).toBeGreaterThan(50);
    const m = Manifest.parse(manifest);
    for (const scope of m.oauth_config.scopes.bot) expect([...botScopes], scope).toContain(scope);
    for (const event of m.settings.event_subscriptions.bot_events) expect([...events], event).toContain(event);
  });
});

describe("the Slack app manifest", () => {
  const parsed = Manifest.parse(manifest);
  const scopes = new Set(parsed.oauth_config.scopes.bot);
  const methods = [...new Set([...adapterSource.matchAll(/\bclient\.(chat|conversations|users|views|im|reactions)\.(\w+)\(/g)].map((m) => `${m[1]}.${m[2]}`))];
  const events = [...new Set([...adapterSource.matchAll(/\bapp\.event\("(\w+)"/g)].map((m) => m[1]!))];
  const commands = [...new Set([...adapterSource.matchAll(/\bapp\.command\("([^"]+)"/g)].map((m) => m[1]!))];

  it("has the fields Slack needs, every request URL pointing at the adapter's endpoint", () => {
    expect(parsed.display_information.name).toBe("Chaser");
    expect(parsed.features.bot_user).toEqual({ display_name: "Chaser", always_online: true });
    expect(parsed.settings.socket_mode_enabled).toBe(false);
    const urls = [parsed.settings.event_subscriptions.request_url, parsed.settings.interactivity.request_url, ...parsed.features.slash_commands.map((c) => c.url)];
    for (const url of urls) expect(new URL(url).pathname).toBe(SLACK_EVENTS_PATH);
  });

  it("grants the scope of every Web API method the adapter calls", () => {
    // The scan finds the calls: if it found none, it would prove nothing.
    expect(methods).toEqual(expect.arrayContaining(["chat.postMessage", "chat.update", "conversations.open", "users.info", "users.lookupByEmail", "views.open"]));
    for (const method of methods) {
      expect(Object.keys(METHOD_SCOPES), `add ${method}'s scope to METHOD_SCOPES and the manifest`).toContain(method);
      const scope = METHOD_SCOPES[method];
      if (scope) expect([...scopes], method).toContain(scope);
    }
  });

  it("grants files:write when the adapter uploads the digest's chart", () => {
    // filesUploadV2 calls files.getUploadURLExternal and files.completeUploadExternal.
    expect(adapterSource).toMatch(/\bclient\.filesUploadV2\(/);
    expect([...scopes]).toContain("files:write");
  });

  it("grants files:read when the adapter downloads a plan file shared in the DM", () => {
    // Slack serves url_private_download only to a bot token with files:read.
    expect(adapterSource).toMatch(/url_private_download/);
    expect([...scopes]).toContain("files:read");
  });

  it("subscribes to every event the adapter listens to, with its scope", () => {
    expect(events.sort()).toEqual(["app_home_opened", "message"]);
    for (const name of events) {
      const needed = EVENT_SUBSCRIPTIONS[name];
      expect(needed, `add ${name} to EVENT_SUBSCRIPTIONS and the manifest`).toBeDefined();
      expect(parsed.settings.event_subscriptions.bot_events).toContain(needed!.event);
      if (needed!.scope) expect([...scopes]).toContain(needed!.scope);
    }
  });

  it("declares the slash commands the adapter answers, with the commands scope", () => {
    expect(commands).toEqual(["/chaser"]);
    expect(parsed.features.slash_commands.map((c) => c.command)).toEqual(commands);
    expect(parsed.features.slash_commands[0]!.usage_hint).toBe("[my actions | help]");
    expect(scopes).toContain("commands");
  });

  it("asks for no scope the adapter does not use", () => {
    const used = new Set<string>(["commands"]);
    if (/\bclient\.filesUploadV2\(/.test(adapterSource)) used.add("files:write");
    if (/url_private_download/.test(adapterSource)) used.add("files:read");
    for (const method of methods) if (METHOD_SCOPES[method]) used.add(METHOD_SCOPES[method]!);
    for (const name of events) if (EVENT_SUBSCRIPTIONS[name]?.scope) used.add(EVENT_SUBSCRIPTIONS[name]!.scope!);
    expect([...scopes].sort()).toEqual([...used].sort());
  });
});
