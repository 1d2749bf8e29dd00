import { openStore } from "../src/store/open-store.js";
import { readThemeFigures, readListedActions } from "../src/store/read-digest.js";
import { ruleContext, DIGEST_DEFAULTS } from "../src/digest/read-digest-view.js";
import { DEFAULT_SCHEDULE_SETTINGS } from "../src/schedule/schedule-settings.js";
import { NOW } from "./common.js";
import { writeFileSync } from "node:fs";
const { database, planId } = JSON.parse(process.argv[2]!);
const store = await openStore(database, { migrate: false });
const raw = store.db.$queryRawUnsafe.bind(store.db);
const out: string[] = [];
(store.db as any).$queryRawUnsafe = (sql: string, ...args: unknown[]) => {
  let text = sql.replace(/\$(\d+)/g, (_, n) => { const v = args[Number(n) - 1]; return typeof v === "number" ? String(v) : `'${String(v).replace(/'/g, "''")}'`; });
  if (store.provider === "sqlite") { let i = 0; text = sql.replace(/\?/g, () => { const v = args[i++]; return typeof v === "number" ? String(v) : `'${String(v)}'`; }); }
  out.push(text);
  return raw(sql, ...args);
};
const q = { planId, themeId: null, ctx: ruleContext(NOW, DEFAULT_SCHEDULE_SETTINGS), dueWithinDays: DIGEST_DEFAULTS.dueWithinDays, silentDays: DEFAULT_SCHEDULE_SETTINGS.silentDays, perTheme: 3, planWide: 50 };
for (let i = 0; i < 3; i++) {
  let t = performance.now(); await readThemeFigures(store, q); const f = performance.now() - t;
  t = performance.now(); await readListedActions(store, q, [], true); const w = performance.now() - t;
  t = performance.now(); await readListedActions(store, q, "all", false); const p = performance.now() - t;
  console.log(`figures ${f.toFixed(0)} wide ${w.toFixed(0)} perTheme ${p.toFixed(0)}`);
}
writeFileSync("/work/scratch/queries.sql", out.slice(0, 3).join(";\n\n"));
await store.close();
