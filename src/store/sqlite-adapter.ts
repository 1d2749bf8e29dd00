import type { Client, InStatement, ResultSet, Transaction, TransactionMode } from "@libsql/client";
import { PrismaLibSQL } from "@prisma/adapter-libsql";
import Database from "libsql";
import { startCheckpointer } from "./start-checkpointer.js";

/** How long a write waits for another connection's lock (a CLI import while the server runs). */
const BUSY_TIMEOUT_MS = 30_000;

type Value = null | number | bigint | string | Buffer;
type Row = Value[];

/** libSQL's native errors as its own SqliteError (code and rawCode), which Prisma maps to P2002 and peers. */
function driverError(error: unknown): unknown {
  const e = error as { libsqlError?: boolean; message: string; code: string; rawCode: number };
  return e?.libsqlError ? new Database.SqliteError(e.message, e.code, e.rawCode) : error;
}

function toSql(value: unknown): Value {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Date) return value.valueOf();
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (value === undefined) throw new TypeError("undefined cannot be passed as argument to the database");
  return value as Value;
}

/** Blobs as the adapter expects them: an ArrayBuffer of exactly the blob's bytes. */
function fromSqlRow(row: Row): unknown[] {
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (Buffer.isBuffer(v)) (row as unknown[])[i] = v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength);
  }
  return row;
}

/** Statements kept prepared, by their SQL: most of what runs is the same few dozen statements. */
const PREPARED_MAX = 500;

/** A statement kept prepared, with the names and declared types of its columns (a reader's), read once. */
type Prepared = { stmt: Database.Statement; columns: string[] | null; columnTypes: string[] };

/** Statements that change the schema: what is kept prepared may then read other columns, so all of it is dropped. */
const SCHEMA_CHANGE = /^\s*(CREATE|ALTER|DROP)\b/i;

/**
 * Prepares a statement once and keeps it (the least recently used dropped past PREPARED_MAX):
 * SQLite's prepare parses and plans the statement, and libSQL's list of a statement's columns is
 * slow to make, together a good part of a short statement's cost.
 */
function prepared(db: Database.Database, cache: Map<string, Prepared>, sql: string): Prepared {
  const found = cache.get(sql);
  if (found) {
    cache.delete(sql);
    cache.set(sql, found);
    return found;
  }
  if (SCHEMA_CHANGE.test(sql)) {
    cache.clear();
    return { stmt: db.prepare(sql), columns: null, columnTypes: [] };
  }
  const stmt = db.prepare(sql);
  let entry: Prepared = { stmt, columns: null, columnTypes: [] };
  if (stmt.reader) {
    stmt.raw(true);
    const columns = stmt.columns() as { name: string; type: string | null }[];
    entry = { stmt, columns: columns.map((c) => c.name), columnTypes: columns.map((c) => c.type ?? "") };
  }
  cache.set(sql, entry);
  if (cache.size > PREPARED_MAX) cache.delete(cache.keys().next().value!);
  return entry;
}

function run(db: Database.Database, cache: Map<string, Prepared>, statement: InStatement): ResultSet {
  const { sql, args } = typeof statement === "string" ? { sql: statement, args: [] } : statement;
  const values = Array.isArray(args) ? args.map(toSql) : [];
  try {
    const { stmt, columns, columnTypes } = prepared(db, cache, sql);
    if (columns) {
      const rows = (stmt.all(values) as Row[]).map(fromSqlRow);
      return { columns, columnTypes, rows, rowsAffected: 0, lastInsertRowid: undefined } as unknown as ResultSet;
    }
    const info = stmt.run(values) as { changes: number; lastInsertRowid: number | bigint };
    return { columns: [], columnTypes: [], rows: [], rowsAffected: info.changes, lastInsertRowid: BigInt(info.lastInsertRowid) } as unknown as ResultSet;
  } catch (error) {
    throw driverError(error);
  }
}

/**
 * One native connection, used for every statement and every transaction, as Prisma's SQLite
 * adapters expect (they let one transaction run at a time). @libsql/client's own local mode opens
 * a new connection after each transaction and wraps every row in an object, which made a reply's
 * transaction about four times and a scan about seven times slower than better-sqlite3.
 */
function localClient(file: string, onClose: (stopped: Promise<void>) => void): Client {
  const db = new Database(file);
  // Pragmas answer with a row; they are read as queries. Foreign keys and the busy wait are off by
  // default on a new SQLite connection, and the schema relies on both.
  db.prepare(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`).get();
  db.prepare("PRAGMA foreign_keys = ON").get();
  // In WAL mode NORMAL syncs at checkpoints, not at every commit: a crash of Chaser loses nothing,
  // a power cut may lose the last commits. better-sqlite3, used before, is built with this default.
  db.prepare("PRAGMA synchronous = NORMAL").get();
  const checkpointer = startCheckpointer(db, file);
  let closed = false;
  const cache = new Map<string, Prepared>();
  const transaction = async (mode: TransactionMode = "write"): Promise<Transaction> => {
    // Prisma asks for deferred transactions, but every one Chaser opens writes or may: taking the
    // write lock at BEGIN lets SQLite wait for another connection (the checkpointer, a CLI import)
    // through its busy timeout, where a deferred one's first write fails at once as "locked".
    db.exec(mode === "read" ? "BEGIN" : "BEGIN IMMEDIATE");
    let open = true;
    const end = (sql: string): void => {
      if (open && db.inTransaction) db.exec(sql);
      open = false;
    };
    return {
      execute: async (s: InStatement) => run(db, cache, s),
      batch: async (statements: InStatement[]) => statements.map((s) => run(db, cache, s)),
      executeMultiple: async (sql: string) => {
        cache.clear();
        db.exec(sql);
      },
      commit: async () => end("COMMIT"),
      rollback: async () => end("ROLLBACK"),
      close: () => end("ROLLBACK"),
      get closed() {
        return !open;
      },
    } as unknown as Transaction;
  };
  return {
    execute: async (s: InStatement, args?: unknown[]) => run(db, cache, typeof s === "string" && args ? ({ sql: s, args } as InStatement) : s),
    batch: async (statements: InStatement[]) => {
      const tx = await transaction("deferred");
      try {
        const results = await tx.batch(statements);
        await tx.commit();
        return results;
      } finally {
        tx.close();
      }
    },
    executeMultiple: async (sql: string) => {
      cache.clear();
      db.exec(sql);
    },
    transaction,
    close: () => {
      closed = true;
      onClose(checkpointer.stop());
      db.close();
    },
    get closed() {
      return closed;
    },
    protocol: "file",
  } as unknown as Client;
}

/**
 * The SQLite store's Prisma adapter: libSQL, whose engine installs ready-built from the npm
 * registry (`@libsql/linux-x64-gnu` and peers), so no C++ toolchain is needed anywhere. Prisma's
 * adapter does the type mapping; only the connection underneath is Chaser's.
 */
export class SqliteAdapter extends PrismaLibSQL {
  private readonly stopping: Promise<void>[] = [];

  constructor(private readonly file: string) {
    super({ url: `file:${file}` });
  }

  override createClient(config: Parameters<PrismaLibSQL["createClient"]>[0]): Client {
    return config.url === ":memory:" ? super.createClient(config) : localClient(this.file, (stopped) => this.stopping.push(stopped));
  }

  /** Resolves once every connection this adapter closed has let go of the files, its checkpointer's too. */
  async released(): Promise<void> {
    await Promise.all(this.stopping);
  }
}
