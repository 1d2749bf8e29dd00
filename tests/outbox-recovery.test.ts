import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { LEASE_MS } from "../src/conversation/deliver.js";
import { tick } from "../src/schedule/scheduler.js";
import { importPlan } from "../src/store/import-plan.js";
import { mapRole } from "../src/store/map-role.js";
import { httpChannel } from "./helpers/http-channel.js";
import { parseSeed } from "./helpers/seeds.js";
import { freshStore, type TestStore } from "./helpers/test-store.js";

const SLOT = "2014-09-01T09:30:00Z";

describe("a process killed mid-dispatch", () => {
  let store: TestStore;
  let platform: Server;
  afterEach(async () => {
    await new Promise((r) => platform?.close(r));
    await store?.drop();
  });

  it("loses nothing and duplicates nothing when another process resumes", async () => {
    store = await freshStore("postgresql");
    await importPlan(store, await parseSeed("committee"), { sourceDocument: "committee.tsv", via: "cli", actorLabel: "test", now: new Date("2014-06-01T09:00:00Z") });
    for (let i = 0; i < 20; i++) {
      for (const role of ["Commissioning", "Procurement", "Policy", "Transformation Team"]) await mapRole(store.db, { role, personName: `Officer ${i}`, via: "cli", actorLabel: "test", playground: true });
    }
    const received: string[] = [];
    let onReceive: (() => void) | null = null;
    platform = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        received.push((JSON.parse(body) as { address: string }).address);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ messageRef: `m${received.length}` }));
        onReceive?.();
      });
    });
    await new Promise<void>((r) => platform.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(platform.address() as AddressInfo).port}`;

    const child = spawn(process.execPath, ["--import", "tsx", resolve(__dirname, "helpers/dispatch-child.ts"), JSON.stringify(store.database), url, SLOT], { cwd: resolve(__dirname, ".."), stdio: "ignore" });
    // Kill it between two sends: after the 7th arrived and was recorded, before the 8th (200 ms later).
    await new Promise<void>((done) => (onReceive = () => received.length === 7 && setTimeout(done, 80)));
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    expect(received).toHaveLength(7);
    expect(await store.db.chatMessage.count({ where: { status: "sent" } })).toBe(7);
    expect(await store.db.chatMessage.count()).toBe(20);

    // The run and its messages are taken over once their leases have run out.
    const resumeAt = new Date(new Date(SLOT).getTime() + Math.max(LEASE_MS, 10 * 60_000) + 60_000);
    await tick({ store, log: pino({ level: "silent" }), channels: { web: httpChannel(url) }, workerId: "survivor" }, resumeAt);
    expect(received).toHaveLength(20);
    expect(new Set(received).size).toBe(20);
    expect(await store.db.chatMessage.count({ where: { status: "sent" } })).toBe(20);
  }, 30_000);
});
