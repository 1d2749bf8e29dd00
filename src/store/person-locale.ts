import type { Locale } from "../i18n.js";
import type { Via } from "../domain/vocabulary.js";
import type { Db } from "./open-store.js";
import type { Person } from "./people.js";

/**
 * A person chose the language Chaser speaks to them in: stored with when they chose it, so the
 * platform's locale no longer overrides it, and the history row written in the same transaction.
 * Choosing the language already chosen writes nothing.
 */
export async function choosePersonLocale(db: Db, person: Person, locale: Locale, via: Via, now: Date): Promise<Person> {
  if (person.locale === locale && person.localeChosenAt) return person;
  return db.$transaction(async (tx) => {
    const updated = await tx.person.update({ where: { id: person.id }, data: { locale, localeChosenAt: now } });
    await tx.history.create({
      data: {
        at: now,
        entity: "person-locale",
        entityId: person.id,
        via,
        actorPersonId: person.id,
        actorLabel: person.name,
        before: JSON.stringify({ locale: person.locale, chosen: person.localeChosenAt !== null }),
        after: JSON.stringify({ locale, chosen: true }),
      },
    });
    return updated;
  });
}
