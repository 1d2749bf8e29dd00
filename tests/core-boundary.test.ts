import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readGraph, violations, type ModuleGraph, type Rule } from "./helpers/module-graph.js";

const src = resolve(__dirname, "../src");
const nodeModules = resolve(__dirname, "../node_modules");
const graph = readGraph(src);


const inStore = (m: string) => m.startsWith("store/");
const inPlatformAdapter = (m: string) => m.startsWith("adapters/teams/") || m.startsWith("adapters/slack/");

function prismaRule(): Rule {
  return {
    roots: (m) => !inStore(m),
    // The store is the only way to the database.
    gate: inStore,
    forbiddenFile: (m) => m.startsWith("generated/") || m.includes("/generated/"),
    forbiddenPackage: (p) => p === "prisma" || p.startsWith("@prisma/") || p.startsWith(".prisma"),
    nodeModules,
  };
}

/** Any chat platform's SDK, and any package built on one. */
const SDK = (p: string) => /^(botbuilder|botframework-|@slack\/|@microsoft\/agents-|@microsoft\/teams)/.test(p);

function sdkRule(modules = nodeModules): Rule {
  return {
    // main.ts is where the adapters are put together; everything else stays platform-neutral.
    roots: (m) => !inPlatformAdapter(m) && m !== "main.ts",
    // No gate: a core module that imports an adapter reaches the adapter's SDK, and that is the fault.
    gate: () => false,
    forbiddenFile: () => false,
    forbiddenPackage: SDK,
    nodeModules: modules,
  };
}

/** Prisma model delegates (db.plan.findMany…) and client methods, by the schema's own model names. */
function prismaCalls(graph: ModuleGraph, roots: (m: string) => boolean): string[] {
  const models = [...readFileSync(resolve(__dirname, "../prisma/schema.prisma"), "utf8").matchAll(/^model (\w+)/gm)].map((m) => m[1]!.replace(/^./, (c) => c.toLowerCase()));
  const call = new RegExp(`\\.(?:${models.join("|")})\\s*\\.\\s*(?:find\\w*|create\\w*|update\\w*|upsert|delete\\w*|count|aggregate|groupBy)\\s*\\(|\\.\\$(?:transaction|queryRaw\\w*|executeRaw\\w*)\\s*\\(`);
  return [...graph.source.entries()].filter(([m, text]) => roots(m) && call.test(text)).map(([m]) => m);
}

describe("the platform-neutral core", () => {
  it("reaches no chat SDK outside the Teams and Slack adapters, through any import, type-only or dynamic", () => {
    expect(violations(graph, sdkRule())).toEqual([]);
  });

  it("reaches Prisma and its generated client only through src/store/", () => {
    expect(violations(graph, prismaRule())).toEqual([]);
  });

  it("calls no Prisma model outside src/store/", () => {
    expect(prismaCalls(graph, (m) => !inStore(m))).toEqual([]);
  });

  it("reads process.env in one place only", () => {
    const readers = [...graph.source.entries()].filter(([, text]) => /process\.env\b/.test(text)).map(([m]) => m);
    expect(readers).toEqual(["config/load-config.ts"]);
  });
});

describe("the boundary checks can fail", () => {
  const root = mkdtempSync(join(tmpdir(), "chaser-graph-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write("generated/sqlite/client.ts", "export class PrismaClient {}\n");
  write("store/plans.ts", 'import { PrismaClient } from "../generated/sqlite/client.js";\nexport const plans = new PrismaClient();\n');
  write("digest/fine.ts", 'import { plans } from "../store/plans.js";\nexport const ok = plans;\n');
  // Three ways around the store: through a helper, a type-only import, a dynamic import.
  write("util/helper.ts", 'export type { PrismaClient } from "../generated/sqlite/client.js";\n');
  write("conversation/sneaky.ts", 'import type { PrismaClient } from "../util/helper.js";\nexport type X = PrismaClient;\n');
  write("schedule/lazy.ts", 'export const load = () => import("@prisma/client");\n');
  write("commands/calls.ts", 'export const f = (db: any) => db.plan.findMany({});\n');
  // A chat SDK reached from the core through an adapter, and dynamically.
  write("adapters/slack/app.ts", 'import { App } from "@slack/bolt";\nexport const app = App;\n');
  write("conversation/leaky.ts", 'import { app } from "../adapters/slack/app.js";\nexport const a = app;\n');
  write("digest/lazy-bot.ts", 'export const bot = () => import("botbuilder");\n');
  const fake = readGraph(root);

  it("finds Prisma reached around the store, transitively, type-only and dynamically", () => {
    const found = violations(fake, prismaRule());
    expect(found.map((v) => v.module).sort()).toEqual(["conversation/sneaky.ts", "schedule/lazy.ts", "util/helper.ts"]);
    expect(found.find((v) => v.module === "conversation/sneaky.ts")!.chain).toEqual(["conversation/sneaky.ts", "util/helper.ts", "generated/sqlite/client.ts"]);
  });

  it("finds a Prisma call outside the store", () => {
    expect(prismaCalls(fake, (m) => !inStore(m))).toEqual(["commands/calls.ts"]);
  });

  it("finds a chat SDK reached from the core through an adapter or a dynamic import", () => {
    expect(violations(fake, sdkRule()).map((v) => v.module).sort()).toEqual(["conversation/leaky.ts", "digest/lazy-bot.ts"]);
  });

  it("finds a package that wraps an SDK, by its dependencies", () => {
    write("node_modules/chat-kit/package.json", JSON.stringify({ name: "chat-kit", dependencies: { "left-pad": "1", "@slack/web-api": "7" } }));
    write("node_modules/left-pad/package.json", JSON.stringify({ name: "left-pad" }));
    write("digest/wrapped.ts", 'import { post } from "chat-kit";\nexport const p = post;\n');
    write("digest/padded.ts", 'import pad from "left-pad";\nexport const p = pad;\n');
    const found = violations(readGraph(root), sdkRule(join(root, "node_modules"))).map((v) => v.module);
    expect(found).toContain("digest/wrapped.ts");
    expect(found).not.toContain("digest/padded.ts");
  });
});
