// A weekly digest over one large plan: collect, build and lay out, timed end to end.
import { renderAdaptiveCard } from "../src/cards/render-adaptive-card.js";
import { renderBlockKit } from "../src/cards/render-block-kit.js";
import { buildDigestCard } from "../src/digest/build-digest-card.js";
import { readDigestView } from "../src/digest/read-digest-view.js";
import { DEFAULT_SCHEDULE_SETTINGS } from "../src/schedule/schedule-settings.js";
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

/** Times readDigestView + buildDigestCard (best of 2) beside hand-written SQL for the same figures, with peak RSS; false if it failed. */
export async function digestFigures(store: Store, planId: string, size: number, themes: number, note = ""): Promise<boolean> {
  const t = translator("en-GB");
  const plan = { id: planId, slug: "bench", title: "Bench plan 1", kind: "action-table" };
  let best = { total: Number.POSITIVE_INFINITY, view: 0, card: 0, sections: 0, bytes: 0, teamsBytes: 0, slackBytes: 0, slackBlocks: 0 };
  let hand = Number.POSITIVE_INFINITY;
  let peak = process.memoryUsage().rss;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    for (let round = 0; round < 2; round++) {
      const t0 = performance.now();
      const view = await readDigestView(store, { plan, themeId: null, now: NOW, since: SINCE, settings: DEFAULT_SCHEDULE_SETTINGS });
      const t1 = performance.now();
      const card = buildDigestCard(view, { t, top: 3 });
      const t2 = performance.now();
      if (t2 - t0 < best.total) best = { ...best, total: t2 - t0, view: t1 - t0, card: t2 - t1, sections: view.themes.length };
      if (round === 0) {
        best.bytes = JSON.stringify(card).length;
        best.teamsBytes = JSON.stringify(renderAdaptiveCard(card)).length;
        const slack = renderBlockKit(card);
        best.slackBytes = JSON.stringify(slack.blocks).length;
        best.slackBlocks = slack.blocks.length;
      }
      const h0 = performance.now();
      await handWritten(store, planId);
      hand = Math.min(hand, performance.now() - h0);
    }
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).trim().split("\n").filter(Boolean).at(-1);
    console.log(`digest ${store.provider}: ${size} actions, ${themes} themes, FAILED: ${message}`);
    return false;
  } finally {
    clearInterval(sample);
  }
  console.log(
    `digest ${store.provider}: ${size} actions, ${best.sections} themes, ${Math.round(best.total)} ms (target 500), hand-written SQL for the same counts ${ms(hand)} ms, ` +
      `ratio ${(best.view / hand).toFixed(2)} (target 1.5); view ${ms(best.view)} ms, card ${ms(best.card)} ms; peak RSS ${Math.round(peak / 1048576)} MB (target 250); ` +
      `card ${kb(best.bytes)} KB, as an Adaptive Card ${kb(best.teamsBytes)} KB, as Slack blocks ${kb(best.slackBytes)} KB in ${best.slackBlocks} blocks${note})`,
  );
  return true;
}

/**
 * The best hand-written SQL for the digest's headline figures: main actions by RAG (the worst of
 * their sub-actions, RAG given or derived) per theme, in one statement, for comparison.
 */
async function handWritten(store: Store, planId: string): Promise<unknown[]> {
  const { ragSql } = await import("../src/digest/rag-rule.js");
  const { ruleContext } = await import("../src/digest/read-digest-view.js");
  const rule = ragSql(store.provider, ruleContext(NOW, DEFAULT_SCHEDULE_SETTINGS));
  const p = store.provider === "sqlite" ? "?" : "$1";
  return store.db.$queryRawUnsafe(
    `SELECT theme, SUM(CASE WHEN m = 3 THEN 1 ELSE 0 END) AS red, SUM(CASE WHEN m = 2 THEN 1 ELSE 0 END) AS amber,
       SUM(CASE WHEN m = 1 THEN 1 ELSE 0 END) AS green, SUM(CASE WHEN m = 0 THEN 1 ELSE 0 END) AS complete
     FROM (SELECT r."themeId" AS theme, MAX(${rule.rank}) AS m FROM "Action" a JOIN "Recommendation" r ON r.id = a."recommendationId"
           WHERE a."planId" = ${p} GROUP BY r."themeId", a."recommendationId") x GROUP BY theme`,
    planId,
  );
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
