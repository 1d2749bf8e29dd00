import i18next from "i18next";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LOCALES, localeKeys, localeOf, pickLocale, translator } from "../src/i18n.js";
import { dayName, longDate } from "../src/domain/calendar-words.js";
import { englishIn, englishStrings, isCommandSyntax, welshStrings, wordsOf } from "./helpers/english-words.js";

// Welsh has more plural forms than English; a key's plural family counts as one key.
const family = (key: string) => key.replace(/_(zero|one|two|few|many|other)$/, "");

describe("locales", () => {
  it("Welsh has every string English has, and no strays", () => {
    const en = new Set(localeKeys("en-GB").map(family));
    const cy = new Set(localeKeys("cy").map(family));
    expect([...en].filter((k) => !cy.has(k))).toEqual([]);
    expect([...cy].filter((k) => !en.has(k))).toEqual([]);
  });

  it("Welsh plural forms are all present where a string has plurals", () => {
    const cy = localeKeys("cy");
    for (const key of cy.filter((k) => k.endsWith("_other"))) {
      for (const form of ["zero", "one", "two", "few", "many"]) expect(cy).toContain(key.replace(/_other$/, `_${form}`));
    }
  });

  it("translates with parameters in both languages", () => {
    expect(translator("en-GB")("import.empty_file", { file: "plan.csv" })).toBe("plan.csv is empty: there is no table to import.");
    expect(translator("cy")("import.empty_file", { file: "plan.csv" })).toBe("Mae plan.csv yn wag: does dim tabl i'w fewnforio.");
    expect(translator("en-GB")("cli.actions.late", { date: "01/02/2021", count: 1 })).toBe("01/02/2021 (1 day overdue)");
    expect(translator("cy")("cli.actions.late", { date: "01/02/2021", count: 2 })).toBe("01/02/2021 (2 ddiwrnod yn hwyr)");
  });

  it("says what i18next says for every string in both languages, with and without parameters, asked once or again", () => {
    const resources = Object.fromEntries(LOCALES.map((l) => [l, { translation: JSON.parse(readFileSync(new URL(`../locales/${l}.json`, import.meta.url), "utf8")) }]));
    const params = { ref: "R1", title: "A title", name: "Sam", date: "01/02/2021", file: "plan.csv", who: "Alex", reason: "waiting" };
    for (const locale of LOCALES) {
      const reference = i18next.createInstance();
      void reference.init({ initAsync: false, lng: locale, fallbackLng: "en-GB", resources, interpolation: { escapeValue: false }, returnNull: false, showSupportNotice: false });
      const expected = reference.getFixedT(locale);
      const t = translator(locale);
      expect(localeOf(t)).toBe(locale);
      for (const key of new Set(localeKeys(locale).map(family))) {
        expect([key, t(key)]).toEqual([key, expected(key)]);
        expect([key, t(key)]).toEqual([key, expected(key)]);
        for (const count of [0, 1, 2, 3, 6, 11]) expect([key, count, t(key, { ...params, count })]).toEqual([key, count, expected(key, { ...params, count })]);
      }
      expect(t("no.such.key")).toBe("no.such.key");
    }
    expect(translator("cy")("card.prompt.title")).not.toBe(translator("en-GB")("card.prompt.title"));
  });

  it("picks Welsh for any Welsh tag and English otherwise", () => {
    expect(pickLocale("cy-GB")).toBe("cy");
    expect(pickLocale("cy")).toBe("cy");
    expect(pickLocale("en-US")).toBe("en-GB");
    expect(pickLocale(undefined)).toBe("en-GB");
  });

  it("Welsh strings are Welsh: no English word is left in any of them", () => {
    const english = welshStrings()
      .filter(([key]) => !isCommandSyntax(key))
      .map(([key, text]) => [key, englishIn(text)] as const)
      .filter(([, words]) => words.length > 0);
    expect(english).toEqual([]);
  });

  it("no Welsh string is a copy of its English one", () => {
    const en = new Map(englishStrings());
    // A string of placeholders and names only ("{{ref}}: {{answer}}", "Slack") is the same in both.
    const copies = welshStrings().filter(([key, text]) => !isCommandSyntax(key) && en.get(key) === text && englishIn(text).length + wordsOf(text).filter((w) => !["chaser", "microsoft", "teams", "slack"].includes(w)).length > 0);
    expect(copies).toEqual([]);
  });

  it("the English detector finds English, and only outside what the plan's data says", () => {
    expect(englishIn("Mae angen diweddariad ar eich camau gweithredu: overdue by 3 days")).toEqual(["overdue", "by", "days"]);
    expect(englishIn("Your actions need an update")).toEqual(expect.arrayContaining(["your", "actions", "need", "update"]));
    expect(englishIn("Wythnos hyd at Monday 21/12/2020")).toEqual(["monday"]);
    expect(englishIn("Cynllun: Procurement review · Yn hwyr o 21 diwrnod", ["Procurement review"])).toEqual([]);
    expect(englishIn(translator("cy")("card.prompt.title"))).toEqual([]);
    expect(englishIn(translator("en-GB")("card.prompt.title")).length).toBeGreaterThan(0);
  });

  it("writes dates and day names in Welsh from Node's own ICU data", () => {
    expect(longDate("2020-12-21", "cy")).toBe("21 Rhagfyr 2020");
    expect(longDate("2021-03-01", "cy")).toBe("1 Mawrth 2021");
    expect(dayName("2020-12-21", "cy")).toBe("Dydd Llun");
    expect(dayName("2020-12-26", "cy")).toBe("Dydd Sadwrn");
    expect(longDate("2020-12-21", "en-GB")).toBe("21 December 2020");
    expect(dayName("2020-12-21", "en-GB")).toBe("Monday");
  });
});
