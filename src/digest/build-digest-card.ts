import type { TFunction } from "i18next";
import { ukDate } from "../domain/london-date.js";
import { longDate } from "../domain/calendar-words.js";
import { localeOf } from "../i18n.js";
import type { DigestBar, DigestCard, DigestSection } from "../conversation/card.js";
import type { DigestView, ListedItem, Milestone, ThemeView } from "./digest-view.js";
import { DIGEST_RAGS, type DigestRag } from "./rag-rule.js";
import { MAX_THEMES, needingAttention } from "./read-digest-view.js";

/** Items each list shows behind "Show all": the card must stay within Teams' 28 KB for any plan. */
export const DETAIL_ITEMS = 6;
/** Themes on the RAG-by-theme chart. */
export const CHART_THEMES = 10;

/** The digest in the reader's words: a short card, and the full lists behind "Show all". */
export function buildDigestCard(view: DigestView, input: { t: TFunction; top: number }): DigestCard {
  const { t, top } = input;
  const locale = localeOf(t);
  const themes = needingAttention(view.themes.map((th) => ({ th, red: th.main.red, amber: th.main.amber, significant: th.slippage.significant, overdue: th.counts.overdue })))
    .slice(0, MAX_THEMES)
    .map((x) => x.th);
  const hidden = view.themes.length - themes.length;
  const derived = view.totals.main.derived > 0;
  const note =
    view.source === "stated"
      ? t("digest.stated_note", { date: longDate(view.statedAsOf ?? view.asOf, locale) })
      : derived
        ? t("digest.derived_note", { count: view.totals.main.derived })
        : null;
  const chartThemes = [...view.themes].sort((a, b) => b.main.red - a.main.red || b.main.amber - a.main.amber).slice(0, CHART_THEMES);
  return {
    type: "digest",
    title: t("digest.title", { plan: view.theme ? `${view.plan.title}: ${view.theme}` : view.plan.title }),
    subtitle: t(view.previousAsOf ? "digest.subtitle_since" : "digest.subtitle_first", {
      date: longDate(view.asOf, locale),
      since: view.previousAsOf ? longDate(view.previousAsOf, locale) : "",
      count: view.totals.main.total,
      actions: view.totals.counts.actions,
      open: view.totals.counts.open,
    }),
    note,
    chart: { title: t("digest.chart"), slices: ragBars(view.totals, t) },
    themeChart:
      chartThemes.length > 1
        ? { title: t("digest.theme_chart"), themes: chartThemes.map((th) => ({ name: clip(th.theme ?? t("digest.no_theme"), 40), bars: ragBars(th, t, true) })) }
        : null,
    trendChart:
      view.trend.length > 1
        ? {
            title: t("digest.trend_chart", { count: view.trend.length }),
            series: (["red", "amber", "green"] as const).map((rag) => ({ rag, label: t(`rag.${rag}`), values: view.trend.map((p) => ({ x: ukDate(p.asOf).slice(0, 5), y: p[rag] })) })),
          }
        : null,
    trendText: trendWords(view.totals, t),
    sections: themes.map((th) => section(th, t, top, view)),
    detail: [{ ...section(view.totals, t, DETAIL_ITEMS, view), heading: t("digest.all_themes") }],
    showAllLabel: t("digest.show_all"),
    footer: footerOf(view, hidden, t),
  };
}

/**
 * More themes behind "Show all", and, for the admins reading the channel, the roles nobody is
 * mapped to (their actions are chased by no one). Each only when there is something to say.
 */
function footerOf(view: DigestView, hidden: number, t: TFunction): string | null {
  const lines = [
    hidden > 0 ? t("digest.more_themes", { count: hidden }) : null,
    view.unmappedRoles.length > 0 ? t("digest_unmapped.line", { count: view.unmappedRoles.length, roles: view.unmappedRoles.join(", ") }) : null,
  ].filter((line): line is string => line !== null);
  return lines.length > 0 ? lines.join("\n\n") : null;
}

/** Main actions by RAG, each labelled in words with its count, so colour is never the only cue. */
export function ragBars(th: ThemeView, t: TFunction, keepZero = false): DigestBar[] {
  return DIGEST_RAGS.map((rag) => ({ label: ragWord(rag, t), value: th.main[rag], rag })).filter((b) => keepZero || b.value > 0);
}

function ragWord(rag: DigestRag, t: TFunction): string {
  return rag === "complete" ? t("digest.complete") : t(`rag.${rag}`);
}

/** "Red 3 → 2 (down), Amber 7 → 7 (no change), …", or "Red 3, …" with nothing to compare. */
export function trendWords(th: ThemeView, t: TFunction): string {
  return DIGEST_RAGS.map((rag) => {
    const e = th.trend[rag];
    return e.from === null
      ? t("digest.trend_now", { rag: ragWord(rag, t), to: e.to })
      : t("digest.trend_move", { rag: ragWord(rag, t), from: e.from, to: e.to, direction: t(`digest.direction_${e.direction}`) });
  }).join(", ");
}

/** Two or three sentences from the figures, from templates only. */
export function summaryStatement(th: ThemeView, t: TFunction): string {
  const m = th.main;
  const s = th.slippage;
  const sentences: string[] = [];
  const open = m.red + m.amber + m.green;
  if (m.total === 0) return t("digest.summary_empty");
  if (open === 0) sentences.push(t("digest.summary_all_complete"));
  else if (m.red === 0 && s.significant === 0) sentences.push(t("digest.summary_progress_all"));
  else if (m.red === 0) sentences.push(t("digest.summary_progress_significant", { count: s.significant }));
  else sentences.push(t("digest.summary_progress_red", { count: m.red }));
  sentences.push(t("digest.summary_rag", { count: m.total, red: m.red, amber: m.amber, green: m.green, complete: m.complete }));
  const slipping = s.medium + s.significant;
  const worst = th.slipping[0];
  if (slipping > 0 && worst) {
    sentences.push(
      t(worst.reason ? "digest.summary_slippage_reason" : "digest.summary_slippage", {
        count: slipping,
        medium: s.medium,
        significant: s.significant,
        item: `${worst.ref} ${clip(worst.title, 80)}`,
        reason: clip(worst.reason ?? "", 120),
      }),
    );
  } else if (slipping > 0) {
    sentences.push(t("digest.summary_slippage_counts", { count: slipping, medium: s.medium, significant: s.significant }));
  } else if (m.red + m.amber > 0) {
    sentences.push(t("digest.summary_on_track", { count: s.onTrack }));
  }
  return sentences.join(" ");
}

export function milestoneWords(m: Milestone, t: TFunction): string {
  const when = m.targetText ?? (m.targetTo ? ukDate(m.targetTo) : null);
  if (m.state === "on_track" && when) return t("digest.milestone.on_track_for", { when });
  if (m.state === "overdue" && m.targetTo) return t("digest.milestone.overdue_since", { date: ukDate(m.targetTo) });
  if (m.state === "delayed" && when) return t("digest.milestone.delayed_to", { when });
  return t(`digest.milestone.${m.state}`);
}

function section(th: ThemeView, t: TFunction, limit: number, view: DigestView): DigestSection {
  const name = (a: { ref: string; title: string; owners: string[] }) =>
    `${a.ref ? `${a.ref} ` : ""}${clip(a.title, 90)}${a.owners.length ? ` (${clip(a.owners.join(", "), 40)})` : ""}`;
  // "and N more" only under named items: a stated summary gives counts without names. Callers
  // word only the first `limit` items (a translation costs about 0.1 ms; lists run to dozens).
  const list = (label: string, total: number, items: string[]) => ({
    label,
    items: items.slice(0, limit),
    more: items.length > 0 && total > Math.min(limit, items.length) ? t("digest.more", { count: total - Math.min(limit, items.length) }) : null,
  });
  const slipLine = (a: ListedItem) =>
    t("digest.slip_item", {
      item: name(a),
      level: t(`digest.slip_${a.slip ?? "medium"}`),
      count: a.days ?? 0,
      main: a.mainText ? clip(`${a.mainRef ? `${a.mainRef} ` : ""}${a.mainText}`, 60) : "",
      reason: a.reason ? clip(a.reason, 120) : t("digest.no_reason"),
    });
  const lines: DigestSection["lines"] = [];
  const slip = th.slippage;
  if (th.main.red + th.main.amber > 0 || slip.medium + slip.significant > 0) {
    lines.push(list(t("digest.slippage", { onTrack: slip.onTrack, medium: slip.medium, significant: slip.significant }), slip.medium + slip.significant, th.slipping.slice(0, limit).map(slipLine)));
  }
  for (const group of th.achievements) {
    const label = group.weekOf ? t("digest.achievements_week", { date: longDate(group.weekOf, localeOf(t)), count: group.items.length }) : t("digest.achievements_period", { period: group.period || t("digest.this_period"), count: group.items.length });
    // Worded only as far as the card shows them: a plan-wide week can hold thousands.
    const items = group.items.slice(0, limit).map((a) =>
      a.ref ? t(a.kind === "completed" ? "digest.achieved_completed" : "digest.achieved_note", { item: name(a), note: clip(a.note ?? "", 120) }) : clip(a.title, 140),
    );
    lines.push(list(label, group.items.length, items));
  }
  if (th.milestones.length > 0) {
    lines.push(list(t("digest.milestones", { count: th.milestones.length }), th.milestones.length, th.milestones.slice(0, limit).map((m) => `${clip(m.title, 90)}: ${milestoneWords(m, t)}`)));
  }
  if (th.counts.overdue > 0) lines.push(list(t("digest.overdue", { count: th.counts.overdue }), th.counts.overdue, th.overdue.slice(0, limit).map((a) => t("digest.late", { item: name(a), count: a.days ?? 0 }))));
  if (th.counts.dueSoon > 0) lines.push(list(t("digest.dueSoon", { count: th.counts.dueSoon }), th.counts.dueSoon, th.dueSoon.slice(0, limit).map((a) => t("digest.due", { item: name(a), date: a.targetTo ? ukDate(a.targetTo) : "?" }))));
  if (th.counts.silent > 0) lines.push(list(t("digest.silent", { count: th.counts.silent }), th.counts.silent, th.silent.slice(0, limit).map((a) => t("digest.quiet", { item: name(a), count: Math.floor((a.days ?? 0) / 7) }))));
  if (th.extensions.length > 0) {
    const items = th.extensions.slice(0, limit).map((e) => t("digest.extension", { item: name(e), from: e.from ? ukDate(e.from) : "?", to: ukDate(e.to), reason: e.reason ? clip(e.reason, 120) : t("digest.no_reason") }));
    lines.push(list(t("digest.extensions", { count: th.extensions.length }), th.extensions.length, items));
  }
  const stated = view.source === "stated";
  return {
    heading: th.theme ?? (view.theme ?? t("digest.no_theme")),
    summary: summaryStatement(th, t),
    ragLine: t(stated ? "digest.rag_line_stated" : th.main.derived > 0 ? "digest.rag_line_derived" : "digest.rag_line", { count: th.main.total, trend: trendWords(th, t) }),
    bars: ragBars(th, t),
    lines: lines.filter((l) => l.items.length > 0 || l.label),
  };
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
