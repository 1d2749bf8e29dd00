import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import Database from "libsql";
import { describe, expect, it } from "vitest";
import { freshDatabase, PROVIDERS } from "./helpers/test-store.js";

const run = promisify(execFile);
const root = resolve(__dirname, "..");
const MIGRATIONS = readdirSync(resolve(root, "prisma/migrations")).filter((d) => /^\d{4}_/.test(d)).sort();

async function migrations(database: Awaited<ReturnType<typeof freshDatabase>>["database"]): Promise<string[]> {
  if (database.provider === "sqlite") {
    const db = new Database(database.file);
    try {
      return (db.prepare("SELECT name FROM _chaser_migrations ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query<{ name: string }>("SELECT name FROM _chaser_migrations ORDER BY name")).rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

describe.each(PROVIDERS)("schema migration (%s)", (provider) => {
  it("is applied exactly once when several processes start at the same time", async () => {
    const { database, drop } = await freshDatabase(provider);
    try {
      const results = await Promise.all(
        [1, 2, 3, 4].map(() =>
          run(process.execPath, ["--import", "tsx", resolve(__dirname, "helpers/migrate-child.ts"), JSON.stringify(database)], { cwd: root }),
        ),
      );
      const applied = results.map((r) => JSON.parse(r.stdout) as string[]);
      // One process applied everything; the others found nothing left to do.
      expect(applied.filter((a) => a.length > 0)).toEqual([MIGRATIONS]);
      expect(applied.filter((a) => a.length === 0)).toHaveLength(3);
      expect(await migrations(database)).toEqual(MIGRATIONS);
    } finally {
      await drop();
    }
  });
});
