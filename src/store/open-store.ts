import { PrismaPg } from "@prisma/adapter-pg";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Database } from "../config/load-config.js";
import { PrismaClient as SqliteClient } from "../generated/sqlite/client.js";
import { PrismaClient as PostgresClient } from "../generated/postgresql/client.js";
import { DriverSql } from "./driver-sql.js";
import { migrate } from "./migrate.js";
import { SqliteAdapter } from "./sqlite-adapter.js";

/**
 * The store's client. Both providers are generated from one schema, so their APIs are the same;
 * code is written against the SQLite client's types.
 */
export type Db = SqliteClient;
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

export interface Store {
  db: Db;
  provider: Database["provider"];
  /** SQL straight on Prisma's own connection, for the statements every button press runs (store modules only). */
  driver: DriverSql;
  close(): Promise<void>;
}

/**
 * A database that stops answering must fail requests, not hang them: a person is then told their
 * answer was not saved while they are still there, and the scheduler's tick ends and is retried.
 */
export const PG_POOL = { connectionTimeoutMillis: 5_000, keepAlive: true } as const;

/**
 * Opens the store, bringing its schema up to date first unless told not to. `onQuery` hears of
 * every SQL statement (the benchmarks count them).
 */
export async function openStore(database: Database, options: { migrate?: boolean; onQuery?: (sql: string) => void } = {}): Promise<Store> {
  if (database.provider === "sqlite" && database.file !== ":memory:") mkdirSync(dirname(database.file), { recursive: true });
  if (options.migrate !== false) await migrate(database);
  const log = { log: options.onQuery ? [{ emit: "event" as const, level: "query" as const }] : [] };
  const driver = new DriverSql(database.provider, options.onQuery);
  const connect = () => db.$connect();
  const sqlite = database.provider === "sqlite" ? new SqliteAdapter(database.file) : null;
  const db: Db =
    database.provider === "sqlite"
      ? new SqliteClient({ adapter: driver.watch(sqlite!, connect), ...log })
      : (new PostgresClient({ adapter: driver.watch(new PrismaPg({ connectionString: database.url, ...PG_POOL }), connect), ...log }) as unknown as Db);
  const onQuery = options.onQuery;
  if (onQuery) (db as unknown as { $on(event: "query", listener: (e: { query: string }) => void): void }).$on("query", (e) => onQuery(e.query));
  // Closed once the database's files are let go of, by the connection and its checkpointer both.
  const close = async () => {
    await db.$disconnect();
    await sqlite?.released();
  };
  return { db, provider: database.provider, driver, close };
}
