/**
 * A plan file sent in chat waits in the store between its preview and the Import press: a restart
 * in between loses nothing, a press repeated or made twice at once imports once, an expired preview
 * is swept, and only the person who sent the file can press its buttons.
 */
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Card, ChooseCard } from "../src/conversation/card.js";
import { handleEvent, type ConversationDeps } from "../src/conversation/handle-event.js";
import { openStore, type Store } from "../src/store/open-store.js";
import { freshStore, PROVIDERS, type TestStore } from "./helpers/test-store.js";

const NOW = new Date("2025-01-13T09:30:00Z");
const TRACKER = [
  "AFI Ref,Area for Improvement,Action,Assigned To,Finish by,Where are we",
  "AFI 1,The service should improve how it records audits.,Introduce one audit form.,Group Manager Prevention,31/03/2025,In progress",
  "AFI 2,The service should make sure staff understand the values.,Run values workshops.,Head of People,30/06/2025,Not started",
].join("\n");

describe.each(PROVIDERS)("importing a plan sent in chat (%s)", (provider) => {
  let store: TestStore;
  let reopened: Store | null = null;
  const depsOf = (s: Store): ConversationDeps => ({ store: s, log: pino({ level: "silent" }), channels: {}, later: () => undefined });
  const user = (name: string) => ({ platform: "web" as const, userId: name });
  let delivery = 0;
  const send = async (deps: ConversationDeps, name: string, fileName = "fire-tracker.csv", at = NOW): Promise<Card> => {
    const outcome = await handleEvent(deps, { type: "file", user: user(name), deliveryId: `file-${++delivery}`, file: { name: fileName, download: async () => new TextEncoder().encode(TRACKER) } }, at);
    return outcome.reply!;
  };
  const press = async (deps: ConversationDeps, name: string, card: Card, label: string, at = NOW): Promise<string> => {
    const option = (card as ChooseCard).options.find((o) => o.label === label);
    expect(option, `a button "${label}"`).toBeDefined();
    const outcome = await handleEvent(deps, { type: "answer", user: user(name), deliveryId: `press-${++delivery}`, payload: option!.answer, inputs: {}, inline: true }, at);
    return outcome.reply?.type === "notice" ? outcome.reply.text : JSON.stringify(outcome.reply);
  };
  const plans = (s: Store) => s.db.plan.count();

  beforeEach(async () => {
    store = await freshStore(provider);
    const deps = depsOf(store);
    for (const name of ["Ada Admin", "Olu Officer"]) await handleEvent(deps, { type: "contact", user: user(name), address: { platform: "web", address: name } }, NOW);
    await store.db.person.updateMany({ where: { name: "Ada Admin" }, data: { isAdmin: true } });
  });
  afterEach(async () => {
    await reopened?.close();
    reopened = null;
    await store.drop();
  });

  it("keeps the previewed file in the store, so Import after a restart imports it; pressed again, it is not imported twice", async () => {
    const card = await send(depsOf(store), "Ada Admin");
    expect(card.type).toBe("choose");
    expect(await store.db.pendingImport.count({ where: { status: "waiting" } })).toBe(1);
    expect(await plans(store)).toBe(0);

    // Chaser restarts: a new connection, nothing carried over in memory.
    await store.db.$disconnect();
    reopened = await openStore(store.database, { migrate: false });
    const after = depsOf(reopened);
    expect(await press(after, "Ada Admin", card, "Import")).toMatch(/^Imported fire-tracker\.csv \(fire-tracker\): 2 recommendations, 2 actions\./);
    expect(await reopened.db.action.count()).toBe(2);
    const written = await reopened.db.history.count();

    expect(await press(after, "Ada Admin", card, "Import")).toBe("fire-tracker.csv has already been imported (as fire-tracker); it was not imported again.");
    expect(await press(after, "Ada Admin", card, "Cancel")).toBe("fire-tracker.csv has already been imported (as fire-tracker); it was not imported again.");
    expect(await reopened.db.history.count()).toBe(written);
    // Once imported, the file itself is not kept.
    expect((await reopened.db.pendingImport.findFirstOrThrow()).bytes.length).toBe(0);
  });

  it("imports once when Import is pressed twice at the same moment", async () => {
    const deps = depsOf(store);
    const card = await send(deps, "Ada Admin");
    const answers = await Promise.all([press(deps, "Ada Admin", card, "Import"), press(deps, "Ada Admin", card, "Import")]);
    expect(answers.filter((a) => a.startsWith("Imported fire-tracker.csv"))).toHaveLength(1);
    expect(answers.filter((a) => !a.startsWith("Imported"))[0]).toMatch(/fire-tracker\.csv (has already been imported|is being imported)/);
    expect(await store.db.history.count({ where: { entity: "plan" } })).toBe(1);
    expect(await store.db.action.count()).toBe(2);
  });

  it("lets only the person who sent the file press its buttons", async () => {
    const deps = depsOf(store);
    const card = await send(deps, "Ada Admin");
    expect(await press(deps, "Olu Officer", card, "Import")).toContain("This import is no longer waiting");
    expect(await plans(store)).toBe(0);
    expect(await press(deps, "Ada Admin", card, "Cancel")).toBe("Import of fire-tracker.csv cancelled: nothing was written.");
    expect(await press(deps, "Ada Admin", card, "Import")).toBe("Import of fire-tracker.csv cancelled: nothing was written.");
    expect(await plans(store)).toBe(0);
  });

  it("forgets a preview an hour old: its Import writes nothing, and the next file sweeps it away with a history entry", async () => {
    const deps = depsOf(store);
    const card = await send(deps, "Ada Admin");
    const later = new Date(NOW.getTime() + 61 * 60_000);
    expect(await press(deps, "Ada Admin", card, "Import", later)).toContain("This import is no longer waiting");
    expect(await plans(store)).toBe(0);
    await send(deps, "Ada Admin", "another.csv", later);
    expect((await store.db.pendingImport.findMany()).map((p) => p.fileName)).toEqual(["another.csv"]);
    expect(await store.db.history.count({ where: { entity: "pending-import", note: "expired" } })).toBe(1);
  });

  it("does not keep a file it refuses", async () => {
    const deps = depsOf(store);
    const outcome = await handleEvent(deps, { type: "file", user: user("Ada Admin"), deliveryId: "bad", file: { name: "plan.pdf", download: async () => new TextEncoder().encode("not a pdf at all") } }, NOW);
    expect(outcome.reply).toMatchObject({ type: "notice", text: expect.stringContaining("plan.pdf was not imported") });
    expect(await store.db.pendingImport.count()).toBe(0);
  });
});
