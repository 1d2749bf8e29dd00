/**
 * When the store cannot be reached, whatever a person said or pressed gets one answer from the
 * core, in their language: it was not saved, send it again. Installs and removals fail instead,
 * so the platform delivers them again.
 */
import pino from "pino";
import { describe, expect, it } from "vitest";
import { handleEvent, type ConversationDeps, type InboundEvent } from "../src/conversation/handle-event.js";
import { translator } from "../src/i18n.js";
import type { Store } from "../src/store/open-store.js";

/** A database every query of which fails as an unreachable PostgreSQL does, through Prisma or straight on the driver. */
const refused = async () => Promise.reject(new Error("Connection terminated unexpectedly"));
const unreachable = new Proxy({}, { get: () => new Proxy({}, { get: () => refused }) }) as Store["db"];
const driver = { sql: () => ({ rows: refused, run: refused }), transaction: refused } as unknown as Store["driver"];
const deps: ConversationDeps = {
  store: { db: unreachable, provider: "postgresql", driver, close: async () => undefined },
  log: pino({ level: "silent" }),
  channels: {},
  later: () => undefined,
};
const NOW = new Date("2020-12-20T09:30:00Z");

describe("the core with its database unreachable", () => {
  it.each([
    ["cy-GB", "cy"],
    ["en-GB", "en-GB"],
    [undefined, "en-GB"],
  ] as const)("tells a person (%s) nothing was saved, in their language, whatever they sent", async (locale, language) => {
    const user = { platform: "slack" as const, userId: "U0SAM", ...(locale ? { locale } : {}) };
    const events: InboundEvent[] = [
      { type: "text", user, deliveryId: "d1", text: "2.3 done" },
      { type: "text", user, deliveryId: "d2", text: "pause" },
      { type: "answer", user, deliveryId: "d3", payload: { v: 1, m: null, a: "action-1", k: "on_track" }, inputs: {}, inline: true },
      { type: "list", user },
      { type: "help", user },
    ];
    for (const event of events) {
      const outcome = await handleEvent(deps, event, NOW);
      expect(outcome, event.type).toEqual({ pressed: null, reply: { type: "notice", text: translator(language)("unavailable.not_saved") }, notSaved: true, keepCard: true });
    }
    expect(translator("cy")("unavailable.not_saved")).not.toBe(translator("en-GB")("unavailable.not_saved"));
  });

  it("fails installs and removals, for the platform to deliver again", async () => {
    const user = { platform: "teams" as const, userId: "29:alice" };
    await expect(handleEvent(deps, { type: "contact", user, address: { platform: "teams", address: "{}" } }, NOW)).rejects.toThrow("Connection terminated");
    await expect(handleEvent(deps, { type: "gone", user }, NOW)).rejects.toThrow("Connection terminated");
  });
});
