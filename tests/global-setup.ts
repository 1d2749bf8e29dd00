import pg from "pg";
import { TEST_PG_URL } from "./helpers/test-store.js";

/** Store tests run on SQLite and PostgreSQL alike; say plainly when PostgreSQL is not there. */
export default async function setup(): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `The store tests need PostgreSQL at ${TEST_PG_URL} (${(error as Error).message}). ` +
        "Start it (bash .ci/run does) or point TEST_DATABASE_URL at one.",
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
