import i18next, { type i18n, type TFunction } from "i18next";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const LOCALES = ["en-GB", "cy"] as const;
export type Locale = (typeof LOCALES)[number];

const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "locales");

function load(locale: Locale): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, `${locale}.json`), "utf8")) as Record<string, unknown>;
}

let instance: i18n | undefined;

function init(): i18n {
  if (instance) return instance;
  const created = i18next.createInstance();
  void created.init({
    initAsync: false,
    lng: "en-GB",
    fallbackLng: "en-GB",
    supportedLngs: [...LOCALES],
    resources: Object.fromEntries(LOCALES.map((l) => [l, { translation: load(l) }])),
    interpolation: { escapeValue: false },
    returnNull: false,
    showSupportNotice: false,
  });
  instance = created;
  return created;
}

/** Picks the nearest supported locale for what a platform reports ("cy-GB", "en-US", "en"). */
export function pickLocale(tag: string | null | undefined): Locale {
  const lower = (tag ?? "").toLowerCase();
  if (lower === "cy" || lower.startsWith("cy-")) return "cy";
  return "en-GB";
}

/** The locale a translator is bound to. */
export function localeOf(t: TFunction): Locale {
  return pickLocale((t as unknown as { lng?: string }).lng);
}

const translators = new Map<Locale, TFunction>();

/**
 * A translator bound to one locale: one per locale for the process. i18next's own getFixedT copies
 * its whole options object on every call, and a card asks for some 150 strings, so cards took
 * milliseconds of CPU; this goes to `t` directly. Words without parameters come from the locale
 * files, loaded once and never changed, so each is looked up once.
 */
export function translator(locale: Locale = "en-GB"): TFunction {
  let t = translators.get(locale);
  if (t) return t;
  const i18n = init();
  const plain = new Map<string, string>();
  const fixed = (key: string | string[], options?: unknown, ...rest: unknown[]): string => {
    if (options === undefined && rest.length === 0 && typeof key === "string") {
      let text = plain.get(key);
      if (text === undefined) plain.set(key, (text = i18n.t(key, { lng: locale })));
      return text;
    }
    if (typeof options === "object" && options !== null && rest.length === 0) return i18n.t(key, { ...(options as object), lng: locale });
    return (i18n.getFixedT(locale) as unknown as (...args: unknown[]) => string)(key, options, ...rest);
  };
  t = Object.assign(fixed, { lng: locale, ns: undefined, keyPrefix: undefined, $TFunctionBrand: "" }) as unknown as TFunction;
  translators.set(locale, t);
  return t;
}

/** Every key of a locale file, flattened ("import.empty_file"), for completeness tests. */
export function localeKeys(locale: Locale): string[] {
  const walk = (node: unknown, prefix: string): string[] =>
    node && typeof node === "object"
      ? Object.entries(node as Record<string, unknown>).flatMap(([k, v]) => walk(v, prefix ? `${prefix}.${k}` : k))
      : [prefix];
  return walk(load(locale), "");
}
