import pg from "pg";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "../../src/config/load-config.js";
import { openStore, type Store } from "../../src/store/open-store.js";

export const PROVIDERS = ["sqlite", "postgresql"] as const;
export type Provider = (typeof PROVIDERS)[number];

/** The PostgreSQL server the tests use; CI starts it (see .ci/run). */
export const TEST_PG_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

export interface TestStore extends Store {
  database: Database;
  drop(): Promise<void>;
}

/** A fresh, empty, migrated store: a temporary SQLite file or a new PostgreSQL database. */
export async function freshStore(provider: Provider, options: { onQuery?: (sql: string) => void } = {}): Promise<TestStore> {
  const database = await freshDatabase(provider);
  const store = await openStore(database.database, options);
  return {
    ...store,
    database: database.database,
    drop: async () => {
      await store.close();
      await database.drop();
    },
  };
}

export async function freshDatabase(provider: Provider): Promise<{ database: Database; drop(): Promise<void> }> {
  if (provider === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "chaser-test-"));
    return { database: { provider, file: join(dir, "chaser.db") }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `chaser_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  return {
    database: { provider, url: url.toString() },
    drop: async () => {
      const client = new pg.Client({ connectionString: TEST_PG_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
