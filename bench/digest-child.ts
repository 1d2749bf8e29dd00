// Run by bench/digest.ts in a process of its own: opens the generated store, times the digest and
// the hand-written SQL for the same figures, and prints one JSON line (peak RSS is the digest's).
import { renderAdaptiveCard } from "../src/cards/render-adaptive-card.js";
import { renderBlockKit } from "../src/cards/render-block-kit.js";
import type { Database } from "../src/config/load-config.js";
import { buildDigestCard } from "../src/digest/build-digest-card.js";
import { readDigestView, ruleContext, DIGEST_DEFAULTS } from "../src/digest/read-digest-view.js";
import { translator } from "../src/i18n.js";
import { DEFAULT_SCHEDULE_SETTINGS } from "../src/schedule/schedule-settings.js";
import { ruleValues } from "../src/store/digest-sql.js";
import { openStore } from "../src/store/open-store.js";
import { NOW, ownPeakRss } from "./common.js";
import type { DigestChildResult } from "./digest.js";
import { SINCE } from "./digest.js";
import { handWritten } from "./hand-written-digest.js";

const ROUNDS = 5;
const { database, planId } = JSON.parse(process.argv[2]!) as { database: Database; planId: string };
const store = await openStore(database, { migrate: false });
const t = translator("en-GB");
const plan = { id: planId, slug: "bench", title: "Bench plan 1", kind: "action-table" };
const r: DigestChildResult = { total: Infinity, view: 0, card: 0, hand: Infinity, peakRss: 0, sections: 0, bytes: 0, teamsBytes: 0, slackBytes: 0, slackBlocks: 0 };

const digestOnce = async (round: number) => {
  const t0 = performance.now();
  const view = await readDigestView(store, { plan, themeId: null, now: NOW, since: SINCE, settings: DEFAULT_SCHEDULE_SETTINGS });
  const t1 = performance.now();
  const card = buildDigestCard(view, { t, top: 3 });
  const t2 = performance.now();
  if (round > 0 && t2 - t0 < r.total) Object.assign(r, { total: t2 - t0, view: t1 - t0, card: t2 - t1, sections: view.themes.length });
  if (round === 0) {
    const slack = renderBlockKit(card);
    Object.assign(r, { bytes: JSON.stringify(card).length, teamsBytes: JSON.stringify(renderAdaptiveCard(card)).length, slackBytes: JSON.stringify(slack.blocks).length, slackBlocks: slack.blocks.length });
  }
};

const v = ruleValues(ruleContext(NOW, DEFAULT_SCHEDULE_SETTINGS), { dueWithinDays: DIGEST_DEFAULTS.dueWithinDays, silentDays: DEFAULT_SCHEDULE_SETTINGS.silentDays });
const input = {
  planId,
  today: String(v.today),
  now: (v.now as Date).toISOString(),
  soonTo: String(v.soonTo),
  quietBefore: (v.quietBefore as Date).toISOString(),
  dueTo: String(v.dueTo),
  silentBefore: (v.silentBefore as Date).toISOString(),
  lateMedium: String(v.lateMedium),
  lateSignificant: String(v.lateSignificant),
  mediumDays: Number(v.movedMedium),
  significantDays: Number(v.movedSignificant),
  since: SINCE.toISOString(),
};
try {
  // Round 0 warms up (the query engine's first compile, the locale files); the digest's peak RSS
  // is taken before the hand-written SQL opens its own connection.
  await digestOnce(0);
  await digestOnce(1);
  r.peakRss = ownPeakRss();
  const hand = await handWritten(database, input);
  try {
    await hand.run();
    // Alternated, so both see the same machine: on a shared one the load moves by the second.
    for (let round = 2; round <= ROUNDS; round++) {
      r.hand = Math.min(r.hand, await hand.run());
      await digestOnce(round);
    }
  } finally {
    await hand.close();
  }
} finally {
  await store.close();
}
console.log(JSON.stringify(r));
