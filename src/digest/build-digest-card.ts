import type { TFunction } from "i18next";
import { ukDate } from "../domain/london-date.js";
import type { DigestBar, DigestCard, DigestSection } from "../conversation/card.js";
import type { Digest, ListedAction, ThemeDigest } from "./build-digest.js";

const RAGS = ["red", "amber", "green", "none"] as const;
/** Themes shown on the card, most overdue first; the rest are counted in the footer. */
export const MAX_THEMES = 6;
/** Items per list behind "show all". */
export const DETAIL_ITEMS = 10;

/** The digest in the reader's words: a short card, and the full lists behind "show all". */
export function buildDigestCard(digest: Digest, input: { t: TFunction; planTitle: string; today: string; top: number }): DigestCard {
  const { t } = input;
  const bars = (d: ThemeDigest): DigestBar[] => RAGS.map((rag) => ({ label: t(rag === "none" ? "digest.no_rag" : `rag.${rag}`), value: d.byRag[rag], rag })).filter((b) => b.value > 0);
  const section = (d: ThemeDigest, limit: number): DigestSection => {
    const listed = (key: "completed" | "slipped" | "overdue" | "dueSoon" | "silent", describe: (a: ListedAction) => string) => {
      const all = d[key];
      return { label: t(`digest.${key}`, { count: all.length }), items: all.slice(0, limit).map(describe), more: all.length > limit ? t("digest.more", { count: all.length - limit }) : null };
    };
    // Titles and owners clipped: a digest line is a pointer to the action, not the action.
    const name = (a: ListedAction) => `${a.ref} ${clip(a.title, 90)}${a.owners.length ? ` (${clip(a.owners.join(", "), 40)})` : ""}`;
    const lines = [
      listed("completed", name),
      listed("slipped", name),
      {
        label: t("digest.extensions", { count: d.extensions.length }),
        items: d.extensions.slice(0, limit).map((e) => t("digest.extension", { ref: e.ref, title: clip(e.title, 90).replace(/[\s.,;:]+$/, ""), from: e.from ? ukDate(e.from) : "?", to: ukDate(e.to), reason: e.reason ?? t("digest.no_reason") })),
        more: d.extensions.length > limit ? t("digest.more", { count: d.extensions.length - limit }) : null,
      },
      listed("overdue", (a) => t("digest.late", { item: name(a), count: a.days })),
      listed("dueSoon", (a) => t("digest.due", { item: name(a), date: ukDate(a.targetTo!) })),
      listed("silent", (a) => t("digest.quiet", { item: name(a), count: Math.floor(a.days! / 7) })),
    ].filter((l) => l.items.length > 0);
    const status = Object.entries(d.byStatus).map(([s, n]) => `${s === "unknown" ? t("digest.no_status") : t(`status.${s}`)} ${n}`).join(", ");
    return {
      heading: d.theme ?? t("digest.no_theme"),
      summary: t("digest.theme_summary", { count: d.total, open: d.open, statuses: status }),
      bars: bars(d),
      lines,
    };
  };
  // A card must stay within Teams' 28 KB and Slack's 13,000 characters whatever the plan's size:
  // the themes needing most attention are shown, the rest counted; "show all" lists plan-wide.
  const themes = [...digest.themes].sort((a, b) => b.overdue.length - a.overdue.length || b.byRag.red - a.byRag.red).slice(0, MAX_THEMES);
  const hidden = digest.themes.length - themes.length;
  return {
    type: "digest",
    title: t("digest.title", { plan: input.planTitle }),
    subtitle: t(digest.since ? "digest.subtitle_since" : "digest.subtitle_first", {
      date: ukDate(input.today),
      since: digest.since ? ukDate(digest.since.toISOString().slice(0, 10)) : "",
      count: digest.totals.total,
      open: digest.totals.open,
    }),
    chart: { title: t("digest.chart"), slices: bars(digest.totals) },
    sections: themes.map((d) => section(d, input.top)),
    detail: [{ ...section(digest.totals, DETAIL_ITEMS), heading: t("digest.all_themes") }],
    showAllLabel: t("digest.show_all"),
    footer: hidden > 0 ? t("digest.more_themes", { count: hidden }) : null,
  };
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
