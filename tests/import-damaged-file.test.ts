import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { translator } from "../src/i18n.js";
import { startServer } from "../src/web/start-server.js";
import { freshDatabase, freshStore, type TestStore } from "./helpers/test-store.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, "..");
const DAMAGED = path.join(here, "fixtures/formats/damaged.xlsx");
const t = translator("en-GB");
const cy = translator("cy");

/** Runs bin/chaser.js as a person would, resolving with its exit code and output whatever the code. */
function chaser(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["bin/chaser.js", ...args], { cwd: ROOT, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

describe("a damaged workbook (once a pending promise: exit 13, no output)", () => {
  it("`chaser import damaged.xlsx` exits 1 saying the workbook is damaged, in English and in Welsh", async () => {
    const fresh = await freshDatabase("sqlite");
    try {
      if (fresh.database.provider !== "sqlite") throw new Error("expected SQLite");
      const env = { DATABASE_URL: `file:${fresh.database.file}`, CHASER_LOCALE: "en-GB" };
      const english = await chaser(["import", DAMAGED], env);
      expect(english.code).toBe(1);
      expect(english.stderr.trim()).toBe(t("cli.error", { message: t("import.bad_xlsx", { file: "damaged.xlsx" }) }));
      const welsh = await chaser(["import", DAMAGED], { ...env, CHASER_LOCALE: "cy" });
      expect(welsh.code).toBe(1);
      expect(welsh.stderr).toContain(cy("import.bad_xlsx", { file: "damaged.xlsx" }));
    } finally {
      await fresh.drop();
    }
    // Two processes that each compile the TypeScript sources first: slow on a busy machine, never hung.
  }, 180_000);

  describe("the playground's import route", () => {
    let store: TestStore;
    let server: Server;
    let base: string;
    beforeAll(async () => {
      store = await freshStore("sqlite");
      server = await startServer(0, { store, log: pino({ level: "silent" }), locale: "en-GB" });
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server?.closeAllConnections();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await store?.drop();
    });

    it("answers 422 with the coded error and stores nothing", async () => {
      const res = await fetch(`${base}/api/import?file=damaged.xlsx`, { method: "POST", body: new Uint8Array(readFileSync(DAMAGED)) });
      expect(res.status).toBe(422);
      expect(await res.json()).toEqual({ error: "import.bad_xlsx", message: t("import.bad_xlsx", { file: "damaged.xlsx" }) });
      const plans = (await (await fetch(`${base}/api/plans`)).json()) as unknown[];
      expect(plans).toEqual([]);
    });

    it("imports the Word document of a plan through the same route", async () => {
      const res = await fetch(`${base}/api/import?file=own-plan.docx`, { method: "POST", body: new Uint8Array(readFileSync(path.join(here, "fixtures/formats/own-plan.docx"))) });
      expect(res.status).toBe(200);
      const plans = (await (await fetch(`${base}/api/plans`)).json()) as { title: string; actions: number }[];
      expect(plans.map((p) => [p.title, p.actions])).toEqual([["Adult Social Care inspection: improvement plan", 6]]);
    });
  });
});
