// The PostgreSQL schema is the SQLite one with the provider swapped, derived on demand so the
// two can never drift apart. Prisma needs one schema per provider.
import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const sqliteSchema = join(root, "prisma", "schema.prisma");
export const postgresSchema = join(root, "prisma", "generated", "postgresql.prisma");

export function writePostgresSchema() {
  const source = readFileSync(sqliteSchema, "utf8");
  const derived = source
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace('url      = "file:./unused.db"', 'url      = "postgresql://unused"')
    .replace('output       = "../src/generated/sqlite"', 'output       = "../../src/generated/postgresql"');
  if (derived === source || !derived.includes('"postgresql"')) throw new Error("could not derive the PostgreSQL schema");
  mkdirSync(dirname(postgresSchema), { recursive: true });
  writeFileSync(postgresSchema, "// Generated from prisma/schema.prisma by scripts/postgres-schema.js. Do not edit.\n" + derived);
  return postgresSchema;
}
