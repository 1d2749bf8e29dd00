import { AlignmentType, Document, HeadingLevel, Packer, PageOrientation, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from "docx";
import type { TFunction } from "i18next";
import { ukDate } from "../domain/london-date.js";
import { milestoneWords, summaryStatement, trendWords } from "./build-digest-card.js";
import type { DigestView, ThemeView } from "./digest-view.js";

/**
 * The monthly theme progress summary as a Word document, laid out like seed 003: one table row
 * per theme with its Summary (statement, main actions by RAG, slippage with the most serious
 * named), Achievements this period, and Key Milestones with their state in words.
 */
export async function renderDigestDocx(view: DigestView, t: TFunction): Promise<Buffer> {
  const header = new TableRow({
    tableHeader: true,
    children: [t("digest.docx.theme"), t("digest.docx.summary"), t("digest.docx.achievements"), t("digest.docx.milestones")].map(
      (text) => new TableCell({ children: [new Paragraph({ children: [new TextRun({ text, bold: true })] })] }),
    ),
  });
  const themes = view.themes.length > 0 ? view.themes : [view.totals];
  const rows = themes.map(
    (th) =>
      new TableRow({
        children: [
          new TableCell({ width: { size: 14, type: WidthType.PERCENTAGE }, children: [new Paragraph({ children: [new TextRun({ text: th.theme ?? view.theme ?? t("digest.no_theme"), bold: true })] })] }),
          new TableCell({ width: { size: 40, type: WidthType.PERCENTAGE }, children: summaryCell(th, view, t) }),
          new TableCell({ width: { size: 23, type: WidthType.PERCENTAGE }, children: achievementsCell(th, t) }),
          new TableCell({ width: { size: 23, type: WidthType.PERCENTAGE }, children: milestonesCell(th, t) }),
        ],
      }),
  );
  const doc = new Document({
    creator: "Chaser",
    title: t("digest.docx.title", { plan: view.plan.title, date: ukDate(view.asOf) }),
    styles: { default: { document: { run: { font: "Arial", size: 20 } } } },
    sections: [
      {
        properties: { page: { size: { orientation: PageOrientation.LANDSCAPE } } },
        children: [
          new Paragraph({ heading: HeadingLevel.HEADING_1, alignment: AlignmentType.LEFT, children: [new TextRun(t("digest.docx.title", { plan: view.plan.title, date: ukDate(view.asOf) }))] }),
          ...(view.source === "stated" ? [new Paragraph(t("digest.stated_note", { date: ukDate(view.statedAsOf ?? view.asOf) }))] : view.totals.main.derived > 0 ? [new Paragraph(t("digest.derived_note", { count: view.totals.main.derived }))] : []),
          new Paragraph(t("digest.rag_line", { count: view.totals.main.total, trend: trendWords(view.totals, t) })),
          new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, rows: [header, ...rows] }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

const bullet = (text: string, level = 0) => new Paragraph({ text, bullet: { level } });
const bold = (text: string) => new Paragraph({ children: [new TextRun({ text, bold: true })] });

function summaryCell(th: ThemeView, view: DigestView, t: TFunction): Paragraph[] {
  const m = th.main;
  const out = [bold(t("digest.docx.statement")), new Paragraph(summaryStatement(th, t))];
  out.push(new Paragraph(t("digest.docx.of_main", { count: m.total })));
  for (const rag of ["red", "amber", "green", "complete"] as const) {
    const e = th.trend[rag];
    out.push(bullet(t(`digest.docx.main_${rag}`, { count: m[rag] }) + (e.from !== null ? ` (${t("digest.docx.previously", { count: e.from })})` : "")));
  }
  if (m.red + m.amber > 0) {
    out.push(new Paragraph(t("digest.docx.of_amber_red", { count: m.red + m.amber })));
    out.push(bullet(t("digest.docx.on_track", { count: th.slippage.onTrack })));
    out.push(bullet(t("digest.docx.medium", { count: th.slippage.medium })));
    for (const s of th.slipping.filter((x) => x.slip === "medium")) out.push(bullet(`${s.mainText ? `${s.mainText}: ` : ""}${s.ref} ${s.title}${s.reason ? ` (${s.reason})` : ""}`, 1));
    out.push(bullet(t("digest.docx.significant", { count: th.slippage.significant })));
    for (const s of th.slipping.filter((x) => x.slip === "significant")) out.push(bullet(`${s.mainText ? `${s.mainText}: ` : ""}${s.ref} ${s.title}${s.reason ? ` (${s.reason})` : ""}`, 1));
  }
  if (th.counts.overdue > 0) out.push(new Paragraph(t("digest.overdue", { count: th.counts.overdue })));
  for (const e of th.extensions) out.push(bullet(t("digest.extension", { item: `${e.ref} ${e.title}`, from: e.from ? ukDate(e.from) : "?", to: ukDate(e.to), reason: e.reason ?? t("digest.no_reason") })));
  if (view.source === "stated") out.push(new Paragraph({ children: [new TextRun({ text: t("digest.stated_note", { date: ukDate(view.statedAsOf ?? view.asOf) }), italics: true })] }));
  return out;
}

function achievementsCell(th: ThemeView, t: TFunction): Paragraph[] {
  if (th.achievements.length === 0) return [new Paragraph(t("digest.docx.none"))];
  return th.achievements.flatMap((g) => [
    bold(g.weekOf ? t("digest.docx.week_of", { date: ukDate(g.weekOf) }) : g.period || t("digest.this_period")),
    ...g.items.map((a) => bullet(a.ref ? `${a.ref} ${a.title}${a.owners.length ? ` (${a.owners.join(", ")})` : ""}${a.kind === "note" && a.note ? `: ${a.note}` : ""}` : a.title)),
  ]);
}

function milestonesCell(th: ThemeView, t: TFunction): Paragraph[] {
  if (th.milestones.length === 0) return [new Paragraph(t("digest.docx.none"))];
  return th.milestones.map((m) => new Paragraph({ bullet: { level: 0 }, children: [new TextRun(`${m.title} – `), new TextRun({ text: milestoneWords(m, t), bold: true })] }));
}
