import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type Database from "libsql";

/*
 * SQLite in WAL mode copies committed pages back into the database file (a checkpoint) inside the
 * commit that takes the WAL past 1,000 pages. libSQL runs every statement on the event loop, so
 * that commit held up every request in the process for the checkpoint's writes and syncs: 5 to 80
 * ms, longer when other work on the machine is writing. Here a worker thread with a connection of
 * its own checkpoints instead, a few times a second, and the commits never do.
 */

/** How often the worker checkpoints. */
const EVERY_MS = 250;
/**
 * A WAL starts again from its beginning only when a writer finds all of it copied back; under
 * writes that never pause that moment may not come, so past this many pages (16 MB) the worker
 * truncates it, holding writers off for as long as that takes (the pages are already copied).
 */
const TRUNCATE_AT_PAGES = 4_000;
/** SQLite's own threshold, put back if the worker stops unasked. */
const AUTO_CHECKPOINT_PAGES = 1_000;

// Plain JavaScript run by the worker (eval'd, so it needs no build step and no TypeScript loader).
const WORKER_SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
const Database = require(workerData.libsql);
const db = new Database(workerData.file);
db.prepare("PRAGMA busy_timeout = 100").get();
const passive = db.prepare("PRAGMA wal_checkpoint(PASSIVE)").raw(true);
const truncate = db.prepare("PRAGMA wal_checkpoint(TRUNCATE)").raw(true);
const timer = setInterval(() => {
  const [, pages] = passive.get();
  if (pages > workerData.truncateAt) truncate.get();
}, workerData.everyMs);
parentPort.on("message", () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  /**
   * Stops the worker, as the connection closes: resolves once its connection is closed too, so the
   * database's files are left alone from then on (a test then removes them).
   */
  stop(): Promise<void>;
}

/**
 * Moves a file database's checkpoints off `db`'s thread. Nothing happens where the file is not in
 * WAL mode. Should the worker fail, `db` checkpoints in its commits again, as SQLite does by default.
 */
export function startCheckpointer(db: Database.Database, file: string): Checkpointer {
  const mode = db.prepare("PRAGMA journal_mode").raw(true).get() as [string] | undefined;
  if (mode?.[0] !== "wal") return { stop: async () => {} };
  const libsql = createRequire(import.meta.url).resolve("libsql");
  let stopping = false;
  const autoCheckpoint = (pages: number) => {
    if (db.open) db.prepare(`PRAGMA wal_autocheckpoint = ${pages}`).get();
  };
  autoCheckpoint(0);
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { libsql, file, everyMs: EVERY_MS, truncateAt: TRUNCATE_AT_PAGES } });
  // The worker never keeps the process alive; a process ending leaves its WAL for the next to copy.
  worker.unref();
  const fallBack = () => {
    if (!stopping) autoCheckpoint(AUTO_CHECKPOINT_PAGES);
  };
  worker.on("error", fallBack);
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  void exited.then(fallBack);
  return {
    stop() {
      stopping = true;
      // Waited for from here on: a process whose last work is closing the store stays until it ends.
      worker.ref();
      worker.postMessage("stop");
      return exited;
    },
  };
}
