import type { Store, Tx } from "./open-store.js";

// SQLite allows 32,766 bound parameters a statement and PostgreSQL 65,535; stay well under both.
const MAX_PARAMS = 30_000;

/**
 * Inserts many rows in few statements. Prisma's createMany compiles each row through its query
 * engine, which costs ten times as much as the insert itself on a 50,000-action plan.
 * Every row must have the same keys, which are trusted column names (never user input).
 */
export async function insertMany(tx: Tx, provider: Store["provider"], table: string, rows: Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  const columnList = columns.map((c) => `"${c}"`).join(",");
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const values: unknown[] = [];
    const tuples = chunk.map((row) => {
      const placeholders = columns.map((column) => {
        values.push(row[column] ?? null);
        return provider === "sqlite" ? "?" : `$${values.length}`;
      });
      return `(${placeholders.join(",")})`;
    });
    await tx.$executeRawUnsafe(`INSERT INTO "${table}" (${columnList}) VALUES ${tuples.join(",")}`, ...values);
  }
}
