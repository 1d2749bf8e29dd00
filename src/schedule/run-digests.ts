import { pickLocale, translator } from "../i18n.js";
import { enqueue, type Deliverer } from "../conversation/deliver.js";
import type { Platform } from "../conversation/chat-user.js";
import { buildDigestCard } from "../digest/build-digest-card.js";
import { readDigestView } from "../digest/read-digest-view.js";
import { recordDigestFigures } from "../store/read-digest.js";
import { planById } from "../store/plans.js";
import { lastDigestSent, listSubscriptions } from "../store/subscriptions.js";
import type { ThemeView } from "../digest/digest-view.js";
import { claimRun, finishRun, releaseRun } from "./claim-run.js";
import { planSettings } from "./plan-settings.js";
import type { ScheduleSettings } from "./schedule-settings.js";

/**
 * One week's digests: each subscribed leadership channel gets its plan's (or theme's) digest,
 * with movement since the digest it last received. Claimed by the week's key; each digest is
 * recorded in the outbox under its own key, so it is sent once however many processes run this.
 */
export async function runDigests(deps: Deliverer, slot: { key: string }, now: Date, defaults: ScheduleSettings, only: { planId?: string } = {}): Promise<{ claimed: boolean; digests: number }> {
  if (!(await claimRun(deps, slot.key, now))) return { claimed: false, digests: 0 };
  try {
    const { db } = deps.store;
    let digests = 0;
    for (const sub of await listSubscriptions(db, only)) {
      const plan = await planById(db, sub.planId);
      if (!plan || plan.archived) continue;
      const settings = planSettings(defaults, plan.settings);
      // A plan paused by its admins gets no weekly digest; "send now" (`only`) still sends it.
      if (settings.paused && !only.planId) continue;
      // A channel's first digest reports the past week's movement, not everything since the import.
      const since = (await lastDigestSent(db, sub)) ?? new Date(now.getTime() - 7 * 86_400_000);
      const view = await readDigestView(deps.store, { plan, themeId: sub.themeId, now, since, settings });
      // Kept once a day per plan, whichever channel's digest comes first, so the next trend is one read.
      if (view.source === "counted") {
        await recordDigestFigures(deps.store, plan.id, view.asOf, [
          ...(sub.themeId ? [] : [{ theme: "", ...figuresOf(view.totals) }]),
          ...view.themes.filter((th) => th.theme !== null).map((th) => ({ theme: th.theme!, ...figuresOf(th) })),
        ]);
      }
      const locale = pickLocale(sub.locale);
      const t = translator(locale);
      const result = await enqueue(deps, {
        key: `${slot.key}:${sub.id}`,
        kind: "digest",
        to: { platform: sub.platform as Platform, address: sub.address, locale },
        card: () => buildDigestCard(view, { t, top: DIGEST_CARD_TOP }),
      }, now);
      if (result.status === "queued") digests += 1;
    }
    await finishRun(deps, slot.key, { digests });
    return { claimed: true, digests };
  } finally {
    releaseRun(deps, slot.key);
  }
}

/** Items each list shows on the card before "and N more". */
export const DIGEST_CARD_TOP = 3;

function figuresOf(th: ThemeView) {
  const { red, amber, green, complete, derived } = th.main;
  return { red, amber, green, complete, derived, ...th.slippage };
}
