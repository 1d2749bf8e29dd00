// Runs at `npm ci`/`npm install`: generates the Prisma clients for both providers, offline.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { root, sqliteSchema, writePostgresSchema } from "./postgres-schema.js";

const prisma = join(root, "node_modules", "prisma", "build", "index.js");
for (const schema of [sqliteSchema, writePostgresSchema()]) {
  execFileSync(process.execPath, [prisma, "generate", "--no-hints", "--schema", schema], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
  });
}
