// A weekly digest over one large plan: collect, build and lay out, timed end to end.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Store } from "../src/store/open-store.js";
import type { TestStore } from "../tests/helpers/test-store.js";
import { DAY_MS, ms, NOW } from "./common.js";
import { generateDataset } from "./dataset.js";

const here = dirname(fileURLToPath(import.meta.url));
/** The last digest went out a week before NOW. */
export const SINCE = new Date(NOW.getTime() - 7 * DAY_MS);
export const kb = (bytes: number) => (bytes / 1024).toFixed(bytes < 10_240 ? 1 : 0);

/** One plan of `size` actions in up to 500 themes, with 3% of them changed since the last digest. */
export async function generateDigestPlan(store: Store, size: number): Promise<{ planId: string; themes: number }> {
  const themes = Math.min(500, Math.max(1, Math.floor(size / 20)));
  const { planIds } = await generateDataset(store, {
    actions: size,
    plans: 1,
    themesPerPlan: themes,
    actionsPerRecommendation: 10,
    roles: 300,
    importHistory: true,
    changesSince: { since: SINCE, count: Math.max(10, Math.round(size * 0.03)) },
    seed: 7,
  });
  return { planId: planIds[0]!, themes };
}

/**
 * Times the digest (readDigestView + buildDigestCard, best of 3 after one warm-up) beside the
 * hand-written SQL for the same figures, in a process of its own so its peak RSS is the digest's
 * and not the generator's; false if it failed.
 */
export async function digestFigures(store: TestStore, planId: string, size: number, themes: number): Promise<boolean> {
  const child = spawnSync(process.execPath, ["--import", "tsx", join(here, "digest-child.ts"), JSON.stringify({ database: store.database, planId })], {
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = child.stdout.split("\n").find((l) => l.startsWith("{"));
  if (child.status !== 0 || !line) {
    const message = (child.stderr || child.stdout).trim().split("\n").filter(Boolean).at(-1);
    console.log(`digest ${store.provider}: ${size} actions, ${themes} themes, FAILED: ${message}`);
    return false;
  }
  const r = JSON.parse(line) as DigestChildResult;
  console.log(
    `digest ${store.provider}: ${size} actions, ${r.sections} themes: ${ms(r.total)} ms (target under 500) = view ${ms(r.view)} ms + card ${ms(r.card)} ms; ` +
      `hand-written SQL for the same figures ${ms(r.hand)} ms, ratio ${(r.view / r.hand).toFixed(2)} for the read, ${(r.total / r.hand).toFixed(2)} with the card (target within 1.5); ` +
      `peak RSS ${Math.round(r.peakRss / 1048576)} MB (target under 250); ` +
      `card ${kb(r.bytes)} KB, as an Adaptive Card ${kb(r.teamsBytes)} KB, as Slack blocks ${kb(r.slackBytes)} KB in ${r.slackBlocks} blocks`,
  );
  return true;
}

export interface DigestChildResult {
  total: number;
  view: number;
  card: number;
  hand: number;
  peakRss: number;
  sections: number;
  bytes: number;
  teamsBytes: number;
  slackBytes: number;
  slackBlocks: number;
}
