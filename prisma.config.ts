// Prisma's CLI would otherwise download a native schema engine, which cannot be fetched offline.
// With the JS engine, `prisma generate` and `prisma migrate diff` run without any download.
import os from "node:os";
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaLibSQL } from "@prisma/adapter-libsql";

export default defineConfig({
  engine: "js",
  experimental: { adapter: true },
  schema: path.join("prisma", "schema.prisma"),
  async adapter() {
    return new PrismaLibSQL({ url: `file:${path.join(os.tmpdir(), "chaser-prisma-cli.db")}` });
  },
});
