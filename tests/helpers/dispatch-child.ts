// Spawned by tests/outbox-recovery.test.ts: one Chaser process running a schedule tick, slowly.
import pino from "pino";
import { Pacer } from "../../src/conversation/pacer.js";
import { tick } from "../../src/schedule/scheduler.js";
import { openStore } from "../../src/store/open-store.js";
import { httpChannel } from "./http-channel.js";

const [database, platformUrl, at] = process.argv.slice(2) as [string, string, string];
const store = await openStore(JSON.parse(database), { migrate: false });
// Five sends a second, so the test can stop this process between two sends.
const pacer = new Pacer({ teams: { perAddress: [], overall: [] }, slack: { perAddress: [], overall: [] }, web: { perAddress: [], overall: [{ limit: 1, ms: 200 }] } });
await tick({ store, log: pino({ level: "silent" }), channels: { web: httpChannel(platformUrl) }, pacer, workerId: "child" }, new Date(at));
await store.close();
