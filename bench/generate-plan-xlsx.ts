import ExcelJS from "exceljs";

const OWNERS = ["Monitoring Officer", "CDAI", "Corporate Director of Resources", "Head of Procurement", "Chief Executive"];
const STATUSES = ["Complete", "In progress", "Delayed", "Not started", "On track", "Ongoing"];
const TARGETS = ["31/03/2026", "Early 2026", "Q3 2026/27", "Ongoing", "30/11/2026", "Autumn 2026"];

/** Writes an action plan of `rows` actions (ten per recommendation) as an XLSX file, streaming. */
export async function generatePlanXlsx(file: string, rows: number): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false });
  const sheet = workbook.addWorksheet("Action plan");
  sheet.addRow(["Ref", "Theme", "Recommendation", "Action", "Lead Officer", "Target date", "Status", "Progress to date"]).commit();
  for (let i = 0; i < rows; i++) {
    const rec = Math.floor(i / 10) + 1;
    const first = i % 10 === 0;
    sheet
      .addRow([
        first ? `R${rec}` : "",
        first ? `Theme ${(rec % 50) + 1}` : "",
        first ? `Recommendation ${rec}: improve the governance of programme ${rec} so that decisions are recorded.` : "",
        `Action ${rec}.${(i % 10) + 1}: review the arrangements and report to the committee with evidence.`,
        first || i % 3 === 0 ? OWNERS[i % OWNERS.length] : "",
        TARGETS[i % TARGETS.length],
        STATUSES[i % STATUSES.length],
        `Update ${i}: work is progressing; the next milestone is the committee meeting.`,
      ])
      .commit();
  }
  sheet.commit();
  await workbook.commit();
}
