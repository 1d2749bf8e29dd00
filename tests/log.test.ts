import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../src/log.js";

function capture(format: "json" | "pretty") {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on("data", (c: Buffer) => chunks.push(c.toString("utf8")));
  const log = createLogger({ level: "info", format, destination: out });
  return { log, text: async () => { await new Promise((r) => setImmediate(r)); return chunks.join(""); } };
}

describe("logs", () => {
  it("are one JSON object a line in production, with an ISO time and the level", async () => {
    const { log, text } = capture("json");
    log.info({ plan: "procurement-review" }, "store ready");
    log.debug("not at this level");
    const lines = (await text()).trim().split("\n");
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: 30, app: "chaser", plan: "procurement-review", msg: "store ready" });
    expect(new Date(entry.time as string).toISOString()).toBe(entry.time);
  });

  it("are readable lines in a terminal: time, level name, message, then the fields", async () => {
    const { log, text } = capture("pretty");
    log.warn({ plan: "procurement-review" }, "Teams authentication is OFF");
    const out = await text();
    expect(out).toMatch(/^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\] WARN: Teams authentication is OFF\n/);
    expect(out).toContain('plan: "procurement-review"');
    expect(() => JSON.parse(out)).toThrow();
  });
});
