// One scan in a process of its own, so its peak RSS is the scan's and not the bench's: prints
// {"found": n, "ms": t, "maxRssMb": m}. Arguments: the database as JSON, the instant as ISO.
import type { Database } from "../src/config/load-config.js";
import { scanActions } from "../src/schedule/scan-actions.js";
import { DEFAULT_SCHEDULE_SETTINGS } from "../src/schedule/schedule-settings.js";
import { openStore } from "../src/store/open-store.js";
import { ownPeakRss } from "./common.js";

const [database, now] = [JSON.parse(process.argv[2]!) as Database, new Date(process.argv[3]!)];
const store = await openStore(database, { migrate: false });
try {
  const t0 = performance.now();
  const found = await scanActions(store, now, DEFAULT_SCHEDULE_SETTINGS);
  const ms = performance.now() - t0;
  console.log(JSON.stringify({ found: found.length, ms, maxRssMb: ownPeakRss() / 1048576 }));
} finally {
  await store.close();
}
