import { Document, HeadingLevel, Packer, PageOrientation, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from "docx";
import type { TFunction } from "i18next";
import { ukDate } from "../domain/london-date.js";
import type { ExportAction, PlanExport } from "../store/read-plan-export.js";
import { extensionWords, statusWords, verificationWords } from "./plan-export-rows.js";

const WIDTHS = [8, 34, 16, 12, 12, 18];

/** A cell's text kept as lines: bullets and line breaks in a plan are meaningful. */
const cell = (text: string, width: number, bold = false) =>
  new TableCell({
    width: { size: width, type: WidthType.PERCENTAGE },
    children: (text || " ").split("\n").map((line) => new Paragraph({ children: [new TextRun({ text: line, bold })] })),
  });

function targetCell(a: ExportAction, t: TFunction): string {
  const current = a.currentTarget && /^\d{4}-\d{2}-\d{2}$/.test(a.currentTarget) ? ukDate(a.currentTarget) : (a.currentTarget ?? "");
  const original = a.originalTarget && /^\d{4}-\d{2}-\d{2}$/.test(a.originalTarget) ? ukDate(a.originalTarget) : (a.originalTarget ?? "");
  return original && original !== current ? `${current}\n${t("export.docx.originally", { target: original })}` : current;
}

/**
 * The progress report as committee papers carry it (seed appendices): for each recommendation its
 * text, then a table of its actions with owner, target, status and progress.
 */
export async function renderPlanDocx(plan: PlanExport, t: TFunction, asOf: string): Promise<Buffer> {
  const header = new TableRow({
    tableHeader: true,
    children: ["ref", "action", "owner", "target", "status", "progress"].map((k, i) => cell(t(`export.docx.${k}`), WIDTHS[i]!, true)),
  });
  const children: (Paragraph | Table)[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(t("export.docx.title", { plan: plan.title }))] }),
    new Paragraph(t("export.docx.as_of", { date: ukDate(asOf) })),
  ];
  let theme: string | null = null;
  for (const r of plan.recommendations) {
    if (r.theme && r.theme !== theme) {
      theme = r.theme;
      children.push(new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(r.theme)] }));
    }
    children.push(new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun(`${r.ref} ${r.text}`.trim())] }));
    const rows = r.actions.map(
      (a) =>
        new TableRow({
          children: [
            cell(a.ref, WIDTHS[0]!),
            cell(a.title, WIDTHS[1]!),
            cell([...a.owners, ...a.accountable.map((o) => t("export.docx.accountable", { owner: o }))].join("\n"), WIDTHS[2]!),
            cell(targetCell(a, t), WIDTHS[3]!),
            cell([statusWords(a, t), verificationWords(a, t)].filter(Boolean).join("\n"), WIDTHS[4]!),
            cell([a.progress ?? "", extensionWords(a, t)].filter(Boolean).join("\n"), WIDTHS[5]!),
          ],
        }),
    );
    children.push(rows.length > 0 ? new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, rows: [header, ...rows] }) : new Paragraph(t("export.docx.no_actions")));
  }
  const doc = new Document({
    creator: "Chaser",
    title: t("export.docx.title", { plan: plan.title }),
    styles: { default: { document: { run: { font: "Arial", size: 20 } } } },
    sections: [{ properties: { page: { size: { orientation: PageOrientation.LANDSCAPE } } }, children }],
  });
  return Packer.toBuffer(doc);
}
