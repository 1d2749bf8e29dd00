import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "libsql";
import { afterEach, describe, expect, it } from "vitest";
import { startCheckpointer, type Checkpointer } from "../src/store/start-checkpointer.js";
import { openStore } from "../src/store/open-store.js";

const autoCheckpoint = (db: Database.Database) => (db.prepare("PRAGMA wal_autocheckpoint").raw(true).get() as [number])[0];

async function until(check: () => boolean, ms = 10_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (check()) return true;
  return check();
}

describe("SQLite checkpoints on a worker thread", () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0)) await f();
  });

  function walDatabase(): { db: Database.Database; file: string } {
    const dir = mkdtempSync(join(tmpdir(), "chaser-checkpoint-"));
    const file = join(dir, "chaser.db");
    const db = new Database(file);
    db.prepare("PRAGMA journal_mode = WAL").get();
    db.exec("CREATE TABLE t (x BLOB)");
    cleanup.push(() => {
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    });
    return { db, file };
  }

  it("copies committed pages into the database file while the connection's own commits never do", async () => {
    const { db, file } = walDatabase();
    let checkpointer: Checkpointer | null = startCheckpointer(db, file);
    cleanup.unshift(() => checkpointer?.stop());
    expect(autoCheckpoint(db)).toBe(0);
    const before = statSync(file).size;
    const insert = db.prepare("INSERT INTO t VALUES (?)");
    // About 1,500 pages: past the 1,000 at which a commit would otherwise checkpoint.
    for (let i = 0; i < 1_500; i++) insert.run([Buffer.alloc(4_000, i % 256)]);
    expect(await until(() => statSync(file).size >= before + 5_000_000)).toBe(true);
    await checkpointer.stop();
    checkpointer = null;
  });

  it("gives the checkpoints back to the connection when the worker fails", async () => {
    const { db } = walDatabase();
    // A directory cannot be opened as a database, so the worker fails as it starts.
    const checkpointer = startCheckpointer(db, tmpdir());
    cleanup.unshift(() => checkpointer.stop());
    expect(await until(() => autoCheckpoint(db) === 1_000)).toBe(true);
  });

  it("leaves a database not in WAL mode alone", () => {
    const dir = mkdtempSync(join(tmpdir(), "chaser-checkpoint-"));
    const db = new Database(join(dir, "plain.db"));
    cleanup.push(() => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    });
    void startCheckpointer(db, join(dir, "plain.db")).stop();
    expect(autoCheckpoint(db)).toBe(1_000);
  });

  it("a store's writes reach its database file, and it closes cleanly", async () => {
    const dir = mkdtempSync(join(tmpdir(), "chaser-checkpoint-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, "chaser.db");
    const store = await openStore({ provider: "sqlite", file });
    const before = statSync(file).size;
    const rows = Array.from({ length: 300 }, (_, i) => ({ name: `Role ${i} ${"x".repeat(3_000)}` }));
    for (let i = 0; i < rows.length; i += 50) await store.db.ownerRole.createMany({ data: rows.slice(i, i + 50) });
    expect(await until(() => statSync(file).size >= before + 900_000)).toBe(true);
    await store.close();
    const reopened = await openStore({ provider: "sqlite", file }, { migrate: false });
    expect(await reopened.db.ownerRole.count()).toBe(300);
    await reopened.close();
    // Closed means let go of, by the checkpointer too: the folder can go at once (a worker still
    // closing its connection made SQLite's files reappear while a test removed the folder).
    rmSync(dir, { recursive: true });
    expect(existsSync(dir)).toBe(false);
  });
});
