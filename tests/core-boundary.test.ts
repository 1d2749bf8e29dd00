import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const src = resolve(__dirname, "../src");
// Only the channel adapters may talk to a chat platform's SDK.
const ADAPTERS = ["adapters/teams", "adapters/slack"];
const SDKS = /from\s+["'](botbuilder[^"']*|@slack\/[^"']+|botframework-[^"']+)["']|import\(["'](botbuilder|@slack\/)/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "generated" ? [] : files(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

describe("the platform-neutral core", () => {
  it("imports no chat SDK outside the Teams and Slack adapters", () => {
    const offenders = files(src)
      .filter((f) => !ADAPTERS.some((a) => relative(src, f).startsWith(a)))
      .filter((f) => SDKS.test(readFileSync(f, "utf8")))
      .map((f) => relative(src, f));
    expect(offenders).toEqual([]);
  });

  it("reads process.env in one place only", () => {
    const readers = files(src)
      .filter((f) => /process\.env\b/.test(readFileSync(f, "utf8")))
      .map((f) => relative(src, f));
    expect(readers).toEqual(["config/load-config.ts"]);
  });

  it("the SDK check catches an import when there is one", () => {
    expect(SDKS.test('import { CloudAdapter } from "botbuilder";')).toBe(true);
    expect(SDKS.test('import { App } from "@slack/bolt";')).toBe(true);
    expect(SDKS.test('import { z } from "zod";')).toBe(false);
  });
});
