// A weekly digest over one large plan: collect, build and lay out, timed end to end.
import { renderAdaptiveCard } from "../src/cards/render-adaptive-card.js";
import { renderBlockKit } from "../src/cards/render-block-kit.js";
import { londonDate } from "../src/domain/london-date.js";
import { buildDigest, DEFAULT_DIGEST_SETTINGS } from "../src/digest/build-digest.js";
import { buildDigestCard } from "../src/digest/build-digest-card.js";
import { collectDigest } from "../src/digest/collect-digest.js";
import { translator } from "../src/i18n.js";
import type { Store } from "../src/store/open-store.js";
import { freshStore, type Provider } from "../tests/helpers/test-store.js";
import { DAY_MS, ms, NOW } from "./common.js";
import { generateDataset } from "./dataset.js";

/** Below SQLite's 32,766 bound parameters a statement, which collectDigest's owner query needs one per action. */
export const FALLBACK_ACTIONS = 30_000;
/** The last digest went out a week before NOW. */
export const SINCE = new Date(NOW.getTime() - 7 * DAY_MS);
const kb = (bytes: number) => (bytes / 1024).toFixed(bytes < 10_240 ? 1 : 0);

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

/** Times collectDigest + buildDigest + buildDigestCard (best of 2) and prints one line; false if it failed. */
export async function digestFigures(store: Store, planId: string, size: number, themes: number, note = ""): Promise<boolean> {
  const today = londonDate(NOW);
  const t = translator("en-GB");
  // Twice: the first run pays for Prisma compiling the queries; the second is what a weekly run costs.
  let best = { total: Number.POSITIVE_INFINITY, collect: 0, build: 0, card: 0, sections: 0, moved: 0, bytes: 0, teamsBytes: 0, slackBytes: 0 };
  try {
    for (let round = 0; round < 2; round++) {
      const t0 = performance.now();
      const { actions, changes } = await collectDigest(store.db, planId, null, SINCE);
      const t1 = performance.now();
      const digest = buildDigest(actions, changes, { since: SINCE, now: NOW, today }, DEFAULT_DIGEST_SETTINGS);
      const t2 = performance.now();
      const card = buildDigestCard(digest, { t, planTitle: "Bench plan 1", today, top: DEFAULT_DIGEST_SETTINGS.top });
      const t3 = performance.now();
      if (t3 - t0 < best.total) best = { ...best, total: t3 - t0, collect: t1 - t0, build: t2 - t1, card: t3 - t2, sections: card.sections.length, moved: changes.length };
      if (round === 0) {
        // What the platforms would be sent (not timed): Teams takes about 28 KB, Slack 50 blocks.
        best.bytes = JSON.stringify(card).length;
        best.teamsBytes = JSON.stringify(renderAdaptiveCard(card)).length;
        best.slackBytes = JSON.stringify(renderBlockKit(card).blocks).length;
      }
    }
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).trim().split("\n").filter(Boolean).at(-1);
    console.log(`digest ${store.provider}: ${size} actions, ${themes} themes, FAILED in collectDigest: ${message}`);
    return false;
  }
  console.log(
    `digest ${store.provider}: ${size} actions, ${best.sections} themes, ${Math.round(best.total)} ms ` +
      `(collect ${ms(best.collect)} ms, build ${ms(best.build)} ms, card ${ms(best.card)} ms; ${best.moved} changes since the last digest; ` +
      `card ${kb(best.bytes)} KB, as an Adaptive Card ${kb(best.teamsBytes)} KB, as Slack blocks ${kb(best.slackBytes)} KB${note})`,
  );
  return true;
}

/** When the full size fails, the figure at the largest size that runs, in a store of its own. */
export async function digestFallback(provider: Provider, failedSize: number): Promise<void> {
  if (failedSize <= FALLBACK_ACTIONS) return;
  const store = await freshStore(provider);
  try {
    const { planId, themes } = await generateDigestPlan(store, FALLBACK_ACTIONS);
    await digestFigures(store, planId, FALLBACK_ACTIONS, themes, `; the largest size under the bound-parameter limit, as ${failedSize} failed`);
  } finally {
    await store.drop();
  }
}
