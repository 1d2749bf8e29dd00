import Database from "libsql";
import pg from "pg";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Database as DatabaseConfig } from "../config/load-config.js";

const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "prisma", "migrations");
// Any constant works; it only has to be the same in every Chaser process.
const PG_LOCK_KEY = 727_274_001;

interface Migration {
  name: string;
  sql: string;
}

function migrations(provider: "sqlite" | "postgresql"): Migration[] {
  return readdirSync(MIGRATIONS)
    .filter((d) => /^\d{4}_/.test(d))
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(MIGRATIONS, name, `${provider}.sql`), "utf8") }));
}

/**
 * Brings the schema up to date. Safe when several processes start at once: on PostgreSQL an
 * advisory lock serialises them, on SQLite an immediate transaction holds the write lock; the
 * second process then finds everything applied and does nothing. Returns the migrations applied.
 */
export async function migrate(database: DatabaseConfig): Promise<string[]> {
  return database.provider === "sqlite" ? migrateSqlite(database.file) : migratePostgres(database.url);
}

function migrateSqlite(file: string): string[] {
  const db = new Database(file);
  try {
    // WAL lets readers carry on while a writer commits, which chat replies during a digest need.
    // Pragmas answer with a row, which libSQL's exec refuses; they are read as queries.
    db.prepare("PRAGMA busy_timeout = 30000").get();
    if (file !== ":memory:") db.prepare("PRAGMA journal_mode = WAL").get();
    db.exec("CREATE TABLE IF NOT EXISTS _chaser_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)");
    const applied: string[] = [];
    db.transaction(() => {
      const rows = db.prepare("SELECT name FROM _chaser_migrations").all() as { name: string }[];
      const done = new Set(rows.map((r) => r.name));
      for (const m of migrations("sqlite")) {
        if (done.has(m.name)) continue;
        db.exec(m.sql);
        db.prepare("INSERT INTO _chaser_migrations (name, applied_at) VALUES (?, ?)").run(m.name, new Date().toISOString());
        applied.push(m.name);
      }
    }).immediate();
    return applied;
  } finally {
    db.close();
  }
}

async function migratePostgres(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [PG_LOCK_KEY]);
    await client.query("CREATE TABLE IF NOT EXISTS _chaser_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)");
    const done = new Set((await client.query<{ name: string }>("SELECT name FROM _chaser_migrations")).rows.map((r) => r.name));
    const applied: string[] = [];
    for (const m of migrations("postgresql")) {
      if (done.has(m.name)) continue;
      await client.query(m.sql);
      await client.query("INSERT INTO _chaser_migrations (name, applied_at) VALUES ($1, now())", [m.name]);
      applied.push(m.name);
    }
    await client.query("COMMIT");
    return applied;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
