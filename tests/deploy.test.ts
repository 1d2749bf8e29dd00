/**
 * Deployment without Docker on the test machine: the Dockerfile and compose.yaml are read, the
 * runtime image's layout is assembled from the Dockerfile's own COPY lines (the compiled dist/
 * from `tsc -p tsconfig.build.json`, the rest linked from the checkout), and the image's CMD and
 * HEALTHCHECK are run there as Docker would run them: on SQLite, then as compose's two replicas
 * on one PostgreSQL database.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { CORE_SCHEMA, load, mergeTag } from "js-yaml";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/load-config.js";
import { freshDatabase } from "./helpers/test-store.js";

const ROOT = resolve(__dirname, "..");
const SEED = join(ROOT, "tests", "fixtures", "seeds", "000_5423bac07f4abb57.txt");
const run = promisify(execFile);
// Only a ceiling for a stuck process on a busy shared machine; nothing here measures speed.
const START_LIMIT = 240_000;

// ---- The Dockerfile, read as Docker reads it: continuation lines joined, stages split at FROM. ----

interface Instruction {
  op: string;
  args: string;
}

function readDockerfile(): Instruction[][] {
  const text = readFileSync(join(ROOT, "Dockerfile"), "utf8").replace(/\\\n/g, " ");
  const stages: Instruction[][] = [];
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith("#")) continue;
    const [, op, args] = /^(\S+)\s+(.*)$/.exec(trimmed)!;
    if (op!.toUpperCase() === "FROM") stages.push([]);
    stages.at(-1)!.push({ op: op!.toUpperCase(), args: args!.trim() });
  }
  return stages;
}

const stages = readDockerfile();
const build = stages[0]!;
const runtime = stages.at(-1)!;
const one = (op: string) => runtime.filter((i) => i.op === op);
const execForm = (args: string) => JSON.parse(args.slice(args.indexOf("["))) as string[];
const CMD = execForm(one("CMD")[0]!.args);
const HEALTHCHECK = execForm(one("HEALTHCHECK")[0]!.args.replace(/^.*?\bCMD\s+/, ""));
const IMAGE_ENV: Record<string, string> = Object.fromEntries(
  one("ENV").flatMap((i) => [...i.args.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!])),
);
const COPIES = one("COPY").map((i) => {
  const words = i.args.split(/\s+/);
  const from = words.find((w) => w.startsWith("--from="))?.slice("--from=".length) ?? null;
  const [source, dest] = words.filter((w) => !w.startsWith("--"));
  return { from, source: source!, dest: dest! };
});

// ---- compose.yaml, with ${VAR:-default} filled in as compose does from an empty environment. ----

type Service = Record<string, any>;
const compose = load(readFileSync(join(ROOT, "compose.yaml"), "utf8"), { schema: CORE_SCHEMA.withTags(mergeTag) }) as { services: Record<string, Service> };
const interpolate = (value: string, env: Record<string, string> = {}) =>
  value.replace(/\$\{(\w+)(?::-([^}]*))?\}/g, (_, name: string, fallback?: string) => env[name] || fallback || "");
const serviceEnv = (service: Service) =>
  Object.fromEntries(Object.entries(service.environment as Record<string, string>).map(([k, v]) => [k, interpolate(String(v))]));

// ---- The runtime image's /app, assembled in a temporary directory. ----

const dir = mkdtempSync(join(tmpdir(), "chaser-deploy-"));
const app = join(dir, "app");
const started: ChildProcess[] = [];

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

interface Running {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
}

/** Starts the image's CMD; resolves once it logs that it is listening, rejects if it exits first. */
function startImage(env: Record<string, string>): Promise<Running> {
  const [command, ...args] = CMD;
  const child = spawn(command === "node" ? process.execPath : command!, args, {
    cwd: app,
    env: { PATH: process.env.PATH ?? "", ...IMAGE_ENV, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.push(child);
  const lines: string[] = [];
  let stderr = "";
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return new Promise((resolveRun, reject) => {
    let buffered = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const parts = buffered.split("\n");
      buffered = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        if (line.includes("Chaser is listening")) resolveRun({ child, lines, exited });
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    void exited.then((code) => reject(new Error(`${CMD.join(" ")} exited with ${code}: ${stderr}${lines.join("\n")}`)));
  });
}

/** Runs the image's HEALTHCHECK command (with other paths, to show it can fail). */
async function healthcheck(env: Record<string, string>, paths?: string[]): Promise<{ code: number; stderr: string }> {
  const [command, ...args] = HEALTHCHECK;
  const argv = paths ? [...args.filter((a) => !a.startsWith("/")), ...paths] : args;
  try {
    await run(command === "node" ? process.execPath : command!, argv, { cwd: app, env: { PATH: process.env.PATH ?? "", ...IMAGE_ENV, ...env } });
    return { code: 0, stderr: "" };
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

async function stop(running: Running): Promise<number | null> {
  running.child.kill("SIGTERM");
  return running.exited;
}

beforeAll(async () => {
  mkdirSync(app, { recursive: true });
  for (const { from, source, dest } of COPIES) {
    const target = resolve(app, dest);
    mkdirSync(dirname(target), { recursive: true });
    if (from !== null && source === "/app/dist") continue; // compiled below
    const inCheckout = from === null ? join(ROOT, source) : join(ROOT, source.replace(/^\/app\//, ""));
    expect(existsSync(inCheckout), `${source} for the image`).toBe(true);
    symlinkSync(inCheckout, target);
  }
  // The build stage's `npm run build`, into the assembled image instead of the checkout's dist/.
  await run(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(ROOT, "tsconfig.build.json"), "--outDir", join(app, "dist")], { cwd: ROOT });
}, 300_000);

afterAll(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

describe("the Dockerfile", () => {
  it("builds in one stage and runs the compiled JavaScript, as an unprivileged user, in a slim Node 20 image", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(build[0]!.args).toMatch(/^node:20[\w.-]*-slim AS build$/);
    expect(runtime[0]!.args).toMatch(/^node:20[\w.-]*-slim$/);
    const runs = build.filter((i) => i.op === "RUN").map((i) => i.args).join("\n");
    expect(runs).toMatch(/npm ci\b/);
    expect(runs).toMatch(/npm run build\b/);
    // No toolchain in any stage: nothing is compiled at install (tests/install.test.ts).
    expect(runs).not.toMatch(/\b(g\+\+|make|python3|build-essential)\b/);
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toMatch(/tsc -p tsconfig\.build\.json$/);
    expect(pkg.scripts["start:prod"]).toBe(CMD.join(" "));
    expect(JSON.parse(readFileSync(join(ROOT, "tsconfig.build.json"), "utf8")).compilerOptions).toMatchObject({ rootDir: "src", outDir: "dist", noEmit: false });

    expect(CMD).toEqual(["node", "dist/main.js"]);
    expect(one("USER").map((i) => i.args)).toEqual(["node"]);
    expect(IMAGE_ENV).toMatchObject({ HOST: "0.0.0.0", NODE_ENV: "production", LOG_FORMAT: "json" });
    expect(HEALTHCHECK.slice(0, 2)).toEqual(["node", "scripts/healthcheck.js"]);
    expect(HEALTHCHECK).toContain("/healthz");
    // Nothing of the sources in the image: it runs what was compiled.
    expect(COPIES.map((c) => c.source)).not.toContain("src");
    expect(COPIES.filter((c) => c.from === "build").map((c) => c.source).sort()).toEqual(["/app/dist", "/app/node_modules", "/app/package.json"]);
  });

  it("runs: the CMD serves /healthz, the HEALTHCHECK passes, logs are JSON, the CLI works from dist, SIGTERM stops it cleanly", async () => {
    const port = String(await freePort());
    // The image listens on 0.0.0.0, where the playground is served only with its sign-in secret.
    const secret = "deploy-check-playground-secret";
    const env = { PORT: port, DATABASE_URL: `file:${join(dir, "data", "chaser.db")}`, CHASER_PLAYGROUND_SECRET: secret };
    const server = await startImage(env);

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    expect(await healthcheck(env)).toEqual({ code: 0, stderr: "" });
    const failing = await healthcheck(env, ["/healthz", "/no-such-page"]);
    expect(failing.code).toBe(1);
    expect(failing.stderr).toMatch(new RegExp(`http://127\\.0\\.0\\.1:${port}/no-such-page: HTTP 40[134]`));
    // The playground page needs locales/ found from dist/.
    const page = await fetch(`http://127.0.0.1:${port}/`, { headers: { authorization: `Bearer ${secret}` } });
    expect(page.status).toBe(200);

    // `chaser` in the image (bin/ with no src/) runs dist/cli.js against the same store.
    const imported = await run(process.execPath, ["bin/chaser.js", "import", SEED, "--plan", "Deploy check"], { cwd: app, env: { PATH: process.env.PATH ?? "", ...IMAGE_ENV, ...env } });
    expect(imported.stdout).toMatch(/deploy-check/);
    const plans = (await (await fetch(`http://127.0.0.1:${port}/api/plans`, { headers: { authorization: `Bearer ${secret}` } })).json()) as Array<{ slug: string }>;
    expect(plans.map((p) => p.slug)).toContain("deploy-check");

    expect(await stop(server)).toBe(0);
    expect(server.lines.length).toBeGreaterThan(2);
    for (const line of server.lines) expect(JSON.parse(line)).toMatchObject({ app: "chaser", level: expect.any(Number), time: expect.any(String) });
  }, START_LIMIT);
});

describe("compose.yaml", () => {
  const services = compose.services;
  const replicas = Object.keys(services).filter((name) => name !== "postgres");

  it("is PostgreSQL and two Chaser replicas built from the Dockerfile, health-checked on /healthz and /readyz", () => {
    expect(Object.keys(services).sort()).toEqual(["chaser-1", "chaser-2", "postgres"]);
    const db = services.postgres!;
    expect(db.image).toMatch(/^postgres:\d+/);
    expect(db.healthcheck.test).toEqual(expect.arrayContaining(["pg_isready"]));
    const dbEnv = serviceEnv(db);
    const hostPorts = new Set<string>();
    for (const name of replicas) {
      const service = services[name]!;
      expect(service.build).toBe(".");
      expect(service.depends_on).toEqual({ postgres: { condition: "service_healthy" } });
      expect(service.healthcheck.test).toEqual(["CMD", ...HEALTHCHECK.filter((a) => !a.startsWith("/")), "/healthz", "/readyz"]);
      for (const p of service.ports as string[]) hostPorts.add(p.split(":").slice(0, -1).join(":"));
      // What compose hands the container is a valid configuration, on the compose network's database.
      const config = loadConfig({ ...IMAGE_ENV, ...serviceEnv(service) }, { isTTY: false });
      expect(config.host).toBe("0.0.0.0");
      expect(config.logFormat).toBe("json");
      expect(config.database.provider).toBe("postgresql");
      const url = new URL((config.database as { url: string }).url);
      expect([url.hostname, url.port, url.username, decodeURIComponent(url.password), url.pathname]).toEqual([
        "postgres", "5432", dbEnv.POSTGRES_USER, dbEnv.POSTGRES_PASSWORD, `/${dbEnv.POSTGRES_DB}`,
      ]);
    }
    expect(hostPorts.size).toBe(replicas.length);
  });

  it("runs: both replicas start at once on one PostgreSQL database, which is migrated once, and pass the image's health check", async () => {
    const fresh = await freshDatabase("postgresql");
    try {
      const url = (fresh.database as { url: string }).url;
      const envs = await Promise.all(replicas.map(async (name) => ({ ...serviceEnv(services[name]!), DATABASE_URL: url, PORT: String(await freePort()) })));
      const running = await Promise.all(envs.map((env) => startImage(env)));
      for (const env of envs) expect(await healthcheck(env)).toEqual({ code: 0, stderr: "" });
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query<{ name: string }>("SELECT name FROM _chaser_migrations ORDER BY name");
      await client.end();
      const migrations = readdirSync(join(ROOT, "prisma", "migrations")).filter((d) => /^\d{4}_/.test(d)).sort();
      expect(rows.map((r) => r.name)).toEqual(migrations);
      for (const r of running) expect(await stop(r)).toBe(0);
    } finally {
      await fresh.drop();
    }
  }, START_LIMIT);
});
