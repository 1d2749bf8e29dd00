/**
 * Runs a query over many ids in slices. SQLite binds at most 32,766 values a statement and
 * PostgreSQL 65,535, and Prisma's includes repeat an id list per relation, so big lists are cut.
 */
export async function inChunks<T>(ids: string[], query: (slice: string[]) => Promise<T[]>, size = 500): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += size) out.push(...(await query(ids.slice(i, i + size))));
  return out;
}
