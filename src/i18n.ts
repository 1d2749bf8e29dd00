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

/** A translator bound to one locale. */
export function translator(locale: Locale = "en-GB"): TFunction {
  return init().getFixedT(locale);
}

/** Every key of a locale file, flattened ("import.empty_file"), for completeness tests. */
export function localeKeys(locale: Locale): string[] {
  const walk = (node: unknown, prefix: string): string[] =>
    node && typeof node === "object"
      ? Object.entries(node as Record<string, unknown>).flatMap(([k, v]) => walk(v, prefix ? `${prefix}.${k}` : k))
      : [prefix];
  return walk(load(locale), "");
}
