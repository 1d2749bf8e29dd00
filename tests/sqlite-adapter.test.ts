import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "../src/store/open-store.js";

// Another process holding SQLite's write lock for a moment: a CLI import while the server runs.
const HOLD_LOCK = `
const Database = require("libsql");
const db = new Database(process.argv[1]);
db.exec("BEGIN IMMEDIATE");
db.prepare("INSERT INTO \\"OwnerRole\\" (id, name) VALUES ('held', 'Held by another process')").run();
process.stdout.write("locked\\n");
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 400);
db.exec("COMMIT");
db.close();
`;

describe("the SQLite store beside another connection", () => {
  let dir: string;
  let store: Store;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "chaser-adapter-"));
    store = await openStore({ provider: "sqlite", file: join(dir, "chaser.db") });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a transaction that reads and then writes waits for another process's write, rather than failing as locked", async () => {
    await store.db.ownerRole.create({ data: { id: "before", name: "Before" } });
    const child = spawn(process.execPath, ["-e", HOLD_LOCK, join(dir, "chaser.db")], { cwd: process.cwd(), stdio: ["ignore", "pipe", "inherit"] });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    // It reads first: begun deferred (as Prisma asks), it would read from before the other
    // process's commit, and its write would then fail at once as "database is locked".
    await store.db.$transaction(async (tx) => {
      const seen = await tx.ownerRole.count();
      await tx.ownerRole.create({ data: { id: "after", name: `After ${seen}` } });
    });
    expect(await exited).toBe(0);
    const names = (await store.db.ownerRole.findMany({ orderBy: { id: "asc" } })).map((r) => r.name);
    // The transaction began once the other's commit was in: it saw both rows before it.
    expect(names).toEqual(["After 2", "Before", "Held by another process"]);
  });
});
