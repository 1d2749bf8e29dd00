import type { Locale } from "../i18n.js";
import { writeHistory, type Actor } from "./history.js";
import type { Db } from "./open-store.js";
import type { Person } from "./people.js";

/**
 * The language Chaser writes to a person in was chosen (by them, or by an admin for them): stored
 * with when, so the platform's locale no longer overrides it, and the history row written in the
 * same transaction. Choosing the language already chosen writes nothing.
 */
export async function choosePersonLocale(db: Db, person: Person, locale: Locale, actor: Actor): Promise<Person> {
  if (person.locale === locale && person.localeChosenAt) return person;
  return db.$transaction(async (tx) => {
    const updated = await tx.person.update({ where: { id: person.id }, data: { locale, localeChosenAt: actor.now } });
    await writeHistory(tx, actor, {
      entity: "person-locale",
      entityId: person.id,
      before: { locale: person.locale, chosen: person.localeChosenAt !== null },
      after: { locale, chosen: true },
    });
    return updated;
  });
}

