import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { translator } from "../src/i18n.js";
import { MAX_FILE_BYTES } from "../src/import/read-table.js";
import type { ImportReport } from "../src/store/import-plan.js";
import type { ActionRow } from "../src/store/list-actions.js";
import type { PlanRow } from "../src/store/list-plans.js";
import { startServer } from "../src/web/start-server.js";
import { freshStore, PROVIDERS, type TestStore } from "./helpers/test-store.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const SEEDS = path.resolve(here, "fixtures/seeds");
const SEED_000 = readFileSync(path.join(SEEDS, "000_5423bac07f4abb57.txt"));
const NOW = new Date("2021-02-01T12:00:00Z");
const t = translator("en-GB");

/** A small plan whose action title holds markup (entity-encoded in an HTML cell, as seed 001's cells are). */
const XSS_CSV = [
  "Ref,Recommendation,Action,Lead Officer,Target date,Status",
  `1,Stop injection,"<p>&lt;script&gt;alert('x')&lt;/script&gt; now</p>",CDAI,31/12/20,In progress`,
  "",
].join("\n");

describe.each(PROVIDERS)("the HTTP server on %s", (provider) => {
  let store: TestStore;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    store = await freshStore(provider);
    server = await startServer(0, { store, log: pino({ level: "silent" }), locale: "en-GB", now: () => NOW });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    }
    await store?.drop();
  });

  const get = (pathname: string) => fetch(base + pathname);
  const post = (pathname: string, body: Uint8Array | string) =>
    fetch(base + pathname, {
      method: "POST",
      body: typeof body === "string" ? body : new Uint8Array(body),
      headers: { "content-type": "application/octet-stream" },
    });
  const importFile = (query: Record<string, string>, body: Uint8Array | string) =>
    post(`/api/import?${new URLSearchParams(query)}`, body);
  const plans = async (): Promise<PlanRow[]> => {
    const res = await get("/api/plans");
    expect(res.status).toBe(200);
    return (await res.json()) as PlanRow[];
  };

  it("GET /healthz answers 200 {ok: true}", async () => {
    const res = await get("/healthz");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ ok: true });
  });

  it("POST /api/import with an empty body answers 422 import.empty_file and stores nothing", async () => {
    const res = await importFile({ file: "empty-plan.tsv" }, new Uint8Array(0));
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ error: "import.empty_file", message: t("import.empty_file", { file: "empty-plan.tsv" }) });
    expect(await plans()).toEqual([]);
  });

  it("POST /api/import refuses a binary body with 422 import.binary_file", async () => {
    // Not any format Chaser knows by its first bytes (a PNG would be refused as an image).
    const res = await importFile({ file: "scan.csv" }, Uint8Array.from([0x01, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]));
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: string }).error).toBe("import.binary_file");
    expect(await plans()).toEqual([]);
  });

  it("POST /api/import of a body over MAX_FILE_BYTES answers 413 import.file_too_large and stores nothing", async () => {
    const res = await importFile({ file: "huge.csv" }, new Uint8Array(MAX_FILE_BYTES + 1).fill(0x41));
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toBe("import.file_too_large");
    expect(await plans()).toEqual([]);
  });

  it("POST /api/import with dryRun=1 reports and stores nothing", async () => {
    const res = await importFile({ file: "dry-run.tsv", dryRun: "1" }, SEED_000);
    expect(res.status).toBe(200);
    const report = (await res.json()) as ImportReport;
    expect(report).toMatchObject({ planSlug: "dry-run", dryRun: true, planCreated: true, actions: { added: 19 } });
    expect(await plans()).toEqual([]);
  });

  it("POST /api/import stores a seed and reports it; GET /api/plans and /actions then show it", async () => {
    const res = await importFile({ file: "procurement-review.tsv" }, SEED_000);
    expect(res.status).toBe(200);
    const report = (await res.json()) as ImportReport;
    expect(report).toMatchObject({
      planSlug: "procurement-review",
      planTitle: "procurement-review.tsv",
      planCreated: true,
      dryRun: false,
      recommendations: { added: 7, updated: 0, unchanged: 0 },
      actions: { added: 19, updated: 0, unchanged: 0, missingFromFile: [] },
      warnings: [],
    });

    const again = (await (await importFile({ file: "procurement-review.tsv" }, SEED_000)).json()) as ImportReport;
    expect(again).toMatchObject({ planCreated: false, recommendations: { added: 0, unchanged: 7 }, actions: { added: 0, updated: 0, unchanged: 19 } });

    const listed = await plans();
    expect(listed.map((p) => [p.slug, p.title, p.recommendations, p.actions, p.complete, p.overdue])).toEqual([
      ["procurement-review", "procurement-review.tsv", 7, 19, 10, 6],
    ]);

    const actionsRes = await get("/api/plans/procurement-review/actions");
    expect(actionsRes.status).toBe(200);
    const actions = (await actionsRes.json()) as ActionRow[];
    expect(actions).toHaveLength(19);
    expect(actions.map((a) => a.ref).slice(0, 4)).toEqual(["1", "2.1", "2.2", "2.3"]);
    const a42 = actions.find((a) => a.ref === "4.2")!;
    expect(a42).toMatchObject({ plan: "procurement-review", owners: ["CEDR", "Monitoring Officer"], targetTo: "2020-11-30", status: "in_progress", daysLate: 63 });
  });

  it("POST /api/import takes the plan's name from ?plan=", async () => {
    const res = await importFile({ file: "x.tsv", plan: "Named by hand" }, SEED_000);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ planSlug: "named-by-hand", planTitle: "Named by hand" });
    const actions = (await (await get("/api/plans/named-by-hand/actions")).json()) as ActionRow[];
    expect(actions).toHaveLength(19);
  });

  it("GET / shows each plan's title and action titles in HTML, escaped", async () => {
    expect((await importFile({ file: "xss.csv" }, XSS_CSV)).status).toBe(200);
    expect((await importFile({ file: "markup.csv", plan: `<b>Bold</b> & "co"` }, XSS_CSV)).status).toBe(200);
    // The stored title really holds the markup, so the page has something to escape.
    const stored = (await (await get("/api/plans/xss/actions")).json()) as ActionRow[];
    expect(stored.map((a) => a.title)).toEqual(["<script>alert('x')</script> now"]);

    const res = await get("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain("<summary><strong>procurement-review.tsv</strong>");
    expect(html).toContain("<td>CEX expectations already made clear</td>");
    expect(html).toContain("PWC brought in to coordinate new operating model (Hub &amp; spoke).");
    expect(html).toContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; now");
    expect(html).not.toContain("<script>alert(");
    expect(html).toContain("<summary><strong>&lt;b&gt;Bold&lt;/b&gt; &amp; &quot;co&quot;</strong>");
    expect(html).not.toContain("<b>Bold</b>");
  });

  it("POST /api/import without ?file= answers 400", async () => {
    for (const query of ["", "?file=", "?plan=x"]) {
      const res = await post(`/api/import${query}`, SEED_000);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: string }).error, query).toBe("bad_request");
    }
  });

  it("GET /api/plans/BAD!/actions answers 400", async () => {
    const res = await get("/api/plans/BAD!/actions");
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "bad_plan" });
  });

  it("GET /api/plans/<unknown>/actions answers 200 with no actions", async () => {
    const res = await get("/api/plans/no-such-plan/actions");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
  });

  it("an unknown path, or a known one with the wrong method, answers 404", async () => {
    for (const [method, pathname] of [["GET", "/nope"], ["GET", "/api/import"], ["POST", "/healthz"], ["GET", "/api/plans/x/actions/y"]] as const) {
      const res = await fetch(base + pathname, { method });
      expect(res.status, `${method} ${pathname}`).toBe(404);
      expect(await res.json()).toEqual({ error: "not_found" });
    }
  });
});
