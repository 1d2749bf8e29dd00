import { formFor } from "../../conversation/build-card.js";
import type { AnswerPayload, CardForm } from "../../conversation/card.js";
import { pickLocale, translator } from "../../i18n.js";

/**
 * The form a Slack "More…" button opens, rebuilt from the answer it carries: Slack sends back only the
 * button's value, not the card's form. The core's `formFor` makes it, as it did for the card, so
 * the modal asks exactly what the card would; the language is the card's, else Slack's.
 */
export function formForAnswer(answer: AnswerPayload, locale: string | null | undefined, today: string): { form: CardForm | null; cancelLabel: string } {
  const t = translator(pickLocale(locale));
  return { form: formFor(answer.k, t, today), cancelLabel: t("slack.cancel") };
}
