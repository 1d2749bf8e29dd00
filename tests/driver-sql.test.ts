/**
 * The store's statements straight on the driver (Store.driver): rows as Prisma's $queryRaw gives
 * them, transactions that commit or roll back as a whole, and one connection shared with Prisma.
 */
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Prisma } from "../src/generated/sqlite/client.js";
import { freshStore, PROVIDERS, type TestStore } from "./helpers/test-store.js";

const NOW = new Date("2026-11-23T09:30:00.123Z");

describe.each(PROVIDERS)("statements on the driver (%s)", (provider) => {
  let store: TestStore;
  const statements: string[] = [];

  beforeEach(async () => {
    statements.length = 0;
    store = await freshStore(provider, { onQuery: (sql) => void statements.push(sql) });
    const { db } = store;
    await db.person.create({ data: { id: "p1", name: "Sam Jones", email: "sam@example.gov.uk", isAdmin: true, teamsUserId: "29:sam", unreachableAt: NOW } });
    await db.person.create({ data: { id: "p2", name: "Kim Lee" } });
    await db.plan.create({ data: { id: "plan-1", slug: "p", title: "Plan" } });
    await db.recommendation.create({ data: { id: "rec-1", planId: "plan-1", key: "R1", ref: "R1", text: "Do it", position: 0 } });
    await db.action.create({ data: { id: "a1", planId: "plan-1", recommendationId: "rec-1", key: "1", ref: "1.1", title: "Action", targetOngoing: true, position: 3, lastUpdateAt: NOW } });
  });
  afterEach(async () => store.drop());

  const columns = (fields: Record<string, string>) => Object.values(fields).map((c) => `"${c}"`).join(", ");

  it("gives rows as Prisma's $queryRaw and its models do: dates, booleans, numbers and nulls alike", async () => {
    const { db } = store;
    const sql = store.driver.sql();
    for (const [table, fields] of [["Person", Prisma.PersonScalarFieldEnum], ["Action", Prisma.ActionScalarFieldEnum]] as const) {
      const text = `SELECT ${columns(fields)} FROM "${table}" ORDER BY "id"`;
      expect(await sql.rows(text)).toEqual(await db.$queryRawUnsafe(text));
    }
    const [sam] = await sql.rows(`SELECT ${columns(Prisma.PersonScalarFieldEnum)} FROM "Person" WHERE "teamsUserId" = ?`, "29:sam");
    expect(sam).toEqual(await db.person.findUniqueOrThrow({ where: { id: "p1" } }));
    expect(sam).toMatchObject({ isAdmin: true, unreachableAt: NOW, slackUserId: null });
    expect(await sql.rows(`SELECT "position", "targetOngoing", "lastUpdateAt" FROM "Action" WHERE "lastUpdateAt" = ? AND "targetOngoing" = ?`, NOW, true)).toEqual([{ position: 3, targetOngoing: true, lastUpdateAt: NOW }]);
    // Every statement is heard, as Prisma's query log hears its own.
    expect(statements.filter((s) => s.includes(`"teamsUserId" =`))).toHaveLength(1);
  });

  it("refuses a select list of *, which a migration adding a column would break once prepared", async () => {
    const sql = store.driver.sql();
    for (const text of [`SELECT * FROM "Person"`, `SELECT p.* FROM "Person" p`, `SELECT "id", p.* FROM "Person" p`]) {
      await expect(sql.rows(text)).rejects.toThrow("name the columns rather than select *");
    }
    expect(await sql.rows<{ n: unknown }>(`SELECT COUNT(*) AS "n" FROM "Person"`)).toHaveLength(1);
  });

  it("commits a transaction's statements together, and rolls all of them back when it throws", async () => {
    const { db } = store;
    const written = await store.driver.transaction(async (sql) => {
      await sql.run(`UPDATE "Person" SET "name" = ? WHERE "id" = ?`, "Sam J", "p1");
      return sql.rows<{ name: string }>(`UPDATE "Person" SET "locale" = ? WHERE "id" = ? RETURNING "name"`, "cy", "p1");
    });
    expect(written).toEqual([{ name: "Sam J" }]);
    expect(await db.person.findUniqueOrThrow({ where: { id: "p1" } })).toMatchObject({ name: "Sam J", locale: "cy" });

    let escaped: ((text: string) => Promise<number>) | undefined;
    await expect(
      store.driver.transaction(async (sql) => {
        await sql.run(`UPDATE "Person" SET "name" = ? WHERE "id" = ?`, "Changed", "p2");
        escaped = (text) => sql.run(text);
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(await db.person.findUniqueOrThrow({ where: { id: "p2" } })).toMatchObject({ name: "Kim Lee" });
    // A transaction that has ended takes no more statements.
    await expect(escaped!(`DELETE FROM "Person"`)).rejects.toThrow("the transaction has ended");
    expect(await db.person.count()).toBe(2);
    expect(statements.filter((s) => /^\s*(BEGIN|COMMIT|ROLLBACK)\b/.test(s))).toEqual(["BEGIN", "COMMIT", "BEGIN", "ROLLBACK"]);
  });

  it.runIf(provider === "postgresql")("rolls back a transaction stuck past its time, tells its caller, and the store goes on", async () => {
    const { db } = store;
    const other = new pg.Client({ connectionString: (store.database as { url: string }).url });
    await other.connect();
    try {
      // Another process holds the row the transaction wants to change, until after the time is up.
      await other.query("BEGIN");
      await other.query(`SELECT 1 FROM "Person" WHERE "id" = 'p2' FOR UPDATE`);
      const stuck = store.driver.transaction(
        async (sql) => {
          await sql.run(`UPDATE "Person" SET "name" = ? WHERE "id" = ?`, "Sam J", "p1");
          await sql.run(`UPDATE "Person" SET "name" = ? WHERE "id" = ?`, "Kim L", "p2");
        },
        { timeoutMs: 300 },
      );
      await expect(stuck).rejects.toThrow("took longer than 300 ms and was rolled back");
      await other.query("ROLLBACK");
    } finally {
      await other.end();
    }
    expect((await db.person.findMany({ orderBy: { id: "asc" } })).map((p) => p.name)).toEqual(["Sam Jones", "Kim Lee"]);
    await store.driver.transaction((sql) => sql.run(`UPDATE "Person" SET "name" = ? WHERE "id" = ?`, "Kim L", "p2"));
    expect(await db.person.findUniqueOrThrow({ where: { id: "p2" } })).toMatchObject({ name: "Kim L" });
  });

  it("shares the database with Prisma's own transactions: both write, neither is refused or lost", async () => {
    const { db } = store;
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2 === 0
          ? store.driver.transaction(async (sql) => {
              const [counted] = await sql.rows<{ n: unknown }>(`SELECT COUNT(*) AS "n" FROM "History"`);
              await sql.run(`INSERT INTO "History" ("id","at","entity","entityId","via","actorLabel","note") VALUES (?,?,?,?,?,?,?)`, `d${i}`, NOW, "test", "p1", "cli", "driver", String(counted?.n));
            })
          : db.$transaction(async (tx) => {
              await tx.history.count();
              await tx.history.create({ data: { id: `p${i}`, at: NOW, entity: "test", entityId: "p1", via: "cli", actorLabel: "prisma" } });
            }),
      ),
    );
    expect(await db.history.count({ where: { entity: "test" } })).toBe(10);
  });

  it.runIf(provider === "postgresql")("prepares each statement once on a PostgreSQL connection, so the server plans it once", async () => {
    const prepared = await store.driver.transaction(async (sql) => {
      for (let i = 0; i < 3; i++) await sql.rows(`SELECT "id" FROM "Person" WHERE "id" = ?`, "p1");
      return sql.rows<{ statement: string }>(`SELECT "statement" FROM pg_prepared_statements WHERE "name" LIKE ?`, "chaser_%");
    });
    expect(prepared.map((p) => p.statement).sort()).toEqual([`SELECT "id" FROM "Person" WHERE "id" = $1`, `SELECT "statement" FROM pg_prepared_statements WHERE "name" LIKE $1`].sort());
  });

  it("goes on reading, its statements prepared, after a migration adds a column", async () => {
    const { db } = store;
    const sql = store.driver.sql();
    const read = () => sql.rows(`SELECT "id", "title" FROM "Plan"`);
    // Prepared on every connection of the pool that may serve it.
    await Promise.all(Array.from({ length: 4 }, read));
    await db.$executeRawUnsafe(`ALTER TABLE "Plan" ADD COLUMN "extra" TEXT DEFAULT 'x'`);
    expect(await Promise.all(Array.from({ length: 4 }, read))).toEqual(Array.from({ length: 4 }, () => [{ id: "plan-1", title: "Plan" }]));
    expect(await sql.rows(`SELECT "id", "extra" FROM "Plan"`)).toEqual([{ id: "plan-1", extra: "x" }]);
  });

  it.runIf(provider === "sqlite")("reads what the schema now holds after it changes, though SQLite keeps statements prepared", async () => {
    const { db } = store;
    const all = async () => (await db.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "Plan"`))[0];
    expect(await all()).not.toHaveProperty("extra");
    await db.$executeRawUnsafe(`ALTER TABLE "Plan" ADD COLUMN "extra" TEXT DEFAULT 'x'`);
    expect(await all()).toMatchObject({ id: "plan-1", extra: "x" });
  });

  it("connects on first use, and again after the store was disconnected", async () => {
    const fresh = await freshStore(provider);
    try {
      expect(await fresh.driver.sql().rows(`SELECT COUNT(*) AS "n" FROM "Person"`)).toHaveLength(1);
      await fresh.db.$disconnect();
      expect(await fresh.driver.sql().rows(`SELECT "id" FROM "Person"`)).toEqual([]);
    } finally {
      await fresh.drop();
    }
  });
});
