import { londonDate } from "../domain/london-date.js";
import { whyAsk } from "../domain/why-ask.js";
import { pickLocale, translator } from "../i18n.js";
import { buildPromptCard, MAX_CARD_ITEMS } from "./build-card.js";
import { deliver, type Deliverer, type DeliveryResult } from "./deliver.js";
import { findPersonActions } from "../store/find-person-actions.js";
import { personById } from "../store/conversation.js";

/**
 * Sends a person one card listing every action of theirs that needs an answer today, with why.
 * The key makes it once a day unless the caller says otherwise (the schedule names its period).
 */
export async function sendPrompt(
  deps: Deliverer,
  personId: string,
  now: Date,
  options: { key?: string } = {},
): Promise<DeliveryResult | { status: "nothing_to_ask" }> {
  const { db } = deps.store;
  const today = londonDate(now);
  const person = await personById(db, personId);
  const actions = (await findPersonActions(db, personId, today)).filter((a) => whyAsk(a, today, now) !== null);
  if (actions.length === 0) return { status: "nothing_to_ask" };
  const t = translator(pickLocale(person.locale));
  return deliver(
    deps,
    {
      key: options.key ?? `prompt:${personId}:${today}`,
      kind: "prompt",
      to: { person },
      actionIds: actions.slice(0, MAX_CARD_ITEMS).map((a) => a.id),
      card: (messageId) =>
        buildPromptCard({
          t,
          messageId,
          entries: actions.map((action) => ({ action, reason: whyAsk(action, today, now), recorded: null })),
          today,
          now,
          purpose: "prompt",
        }),
    },
    now,
  );
}
