// Writes prisma/migrations/NNNN_name/{sqlite.sql,postgresql.sql,schema.prisma}: the SQL that
// takes each provider from the previous migration's schema to the current one. The runtime
// migrator (src/store/migrate.ts) applies these; Prisma's own `migrate deploy` cannot run offline
// on PostgreSQL.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { root, sqliteSchema } from "./postgres-schema.js";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:migration -- <name_in_snake_case>");
  process.exit(2);
}
const dir = join(root, "prisma", "migrations");
mkdirSync(dir, { recursive: true });
const previous = readdirSync(dir).filter((d) => /^\d{4}_/.test(d)).sort();
const last = previous.at(-1);
const next = String(previous.length + 1).padStart(4, "0") + "_" + name;
const prisma = join(root, "node_modules", "prisma", "build", "index.js");
const tmp = join(root, "prisma", "generated", "migration-tmp");
rmSync(tmp, { recursive: true, force: true });
mkdirSync(tmp, { recursive: true });

function asProvider(schemaPath, provider, out) {
  const text = readFileSync(schemaPath, "utf8").replace('provider = "sqlite"', `provider = "${provider}"`);
  writeFileSync(out, text);
  return out;
}

const sql = {};
for (const provider of ["sqlite", "postgresql"]) {
  const to = asProvider(sqliteSchema, provider, join(tmp, `to-${provider}.prisma`));
  const from = last
    ? ["--from-schema-datamodel", asProvider(join(dir, last, "schema.prisma"), provider, join(tmp, `from-${provider}.prisma`))]
    : ["--from-empty"];
  sql[provider] = execFileSync(process.execPath, [prisma, "migrate", "diff", ...from, "--to-schema-datamodel", to, "--script"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
  });
}
rmSync(tmp, { recursive: true, force: true });
if (/^\s*(-- This is an empty migration\.)?\s*$/.test(sql.sqlite)) {
  console.log("schema unchanged: no migration written");
  process.exit(0);
}
const target = join(dir, next);
if (existsSync(target)) throw new Error(`${target} exists`);
mkdirSync(target);
writeFileSync(join(target, "sqlite.sql"), sql.sqlite);
writeFileSync(join(target, "postgresql.sql"), sql.postgresql);
copyFileSync(sqliteSchema, join(target, "schema.prisma"));
console.log(`wrote prisma/migrations/${next}`);
