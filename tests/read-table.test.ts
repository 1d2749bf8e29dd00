import ExcelJS from "exceljs";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ChaserError } from "../src/domain/chaser-error.js";
import { translator } from "../src/i18n.js";
import { parsePlanFile } from "../src/import/parse-plan.js";
import { MAX_FILE_BYTES, readTable } from "../src/import/read-table.js";
import type { ParsedAction, ParsedPlan } from "../src/import/parsed-plan.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const SEEDS = path.resolve(here, "fixtures/seeds");
const seed = (name: string): Buffer => readFileSync(path.join(SEEDS, name));
const t = translator("en-GB");

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Windows-1252 bytes for text, as Excel on Windows saves a CSV. */
function windows1252(text: string): Uint8Array {
  const special: Record<string, number> = { "€": 0x80, "‘": 0x91, "’": 0x92, "“": 0x93, "”": 0x94, "–": 0x96, "—": 0x97 };
  return Uint8Array.from([...text].map((c) => {
    const code = special[c] ?? c.charCodeAt(0);
    if (code > 0xff) throw new Error(`${c} is not in Windows-1252`);
    return code;
  }));
}

/** The ChaserError code a promise rejects with; fails the test if it resolves or throws anything else. */
async function errorOf(promise: Promise<unknown>): Promise<ChaserError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ChaserError) return error;
    throw error;
  }
  throw new Error("expected a ChaserError, but it succeeded");
}

const actionsOf = (plan: ParsedPlan): ParsedAction[] => plan.recommendations.flatMap((r) => r.actions);

function action(plan: ParsedPlan, ref: string): ParsedAction {
  const found = actionsOf(plan).find((a) => a.ref === ref);
  if (!found) throw new Error(`no action ${ref} in ${actionsOf(plan).map((a) => a.ref).join(", ")}`);
  return found;
}

describe("readTable: TSV as extracted from committee papers", () => {
  it("reads every seed as tab-separated rows numbered by file line, though the files are named .txt", async () => {
    for (const name of ["000_5423bac07f4abb57.txt", "001_214d1d25ae55c38b.txt", "002_40555e7837e11ff6.txt", "004_70c8ab65d85634c4.txt"]) {
      const bytes = seed(name);
      const lines = bytes.toString("utf8").split(/\r?\n/);
      const table = await readTable(bytes, name);
      expect(table.format, name).toBe("tsv");
      expect(table.notes, name).toEqual([]);
      expect(table.rows.map((r) => r.line), name).toEqual(lines.map((_, i) => i + 1));
      expect(table.rows.map((r) => r.cells), name).toEqual(lines.map((l) => l.split("\t")));
    }
  });

  it("keeps seed 000's header and sub-activity rows cell by cell", async () => {
    const table = await readTable(seed("000_5423bac07f4abb57.txt"), "000.txt");
    expect(table.rows[0]).toEqual({ line: 1, cells: ["Item", "Recommendation", "Key Issues", "Activity", "Lead Officer", "Target Start", "Status"] });
    const row6 = table.rows.find((r) => r.line === 6)!;
    expect(row6.cells).toHaveLength(7);
    expect(row6.cells.slice(0, 3)).toEqual(["", "", ""]);
    expect(row6.cells.slice(5)).toEqual(["31/12/20", "Complete"]);
  });

  it("keeps quotes inside cells as literal text: TSV has no quoting", async () => {
    const table = await readTable(seed("002_40555e7837e11ff6.txt"), "002.txt");
    const row = table.rows.find((r) => r.line === 26)!;
    expect(row.cells[4]).toContain('creating a "golden thread" throughout the organisation');

    const text = 'Item\tRecommendation\tAction\n1\t"Opening the Books" review\tReport to "A&G"\n2\t"unbalanced\tsays "hi\n';
    const own = await readTable(utf8(text), "plan.tsv");
    expect(own.rows.slice(0, 3)).toEqual([
      { line: 1, cells: ["Item", "Recommendation", "Action"] },
      { line: 2, cells: ["1", '"Opening the Books" review', 'Report to "A&G"'] },
      // An opening quote with no closing one does not swallow the rest of the file.
      { line: 3, cells: ["2", '"unbalanced', 'says "hi'] },
    ]);
  });

  it("parses seed 000 end to end into its seven recommendations", async () => {
    const plan = await parsePlanFile(seed("000_5423bac07f4abb57.txt"), "000_5423bac07f4abb57.txt");
    expect(plan.kind).toBe("action-table");
    expect(plan.recommendations.map((r) => r.ref)).toEqual(["1", "2", "3", "4", "5", "6", "7"]);
    expect(action(plan, "2.2").line).toBe(6);
    expect(action(plan, "2.2").target).toEqual({ text: "31/12/20", from: "2020-12-31", to: "2020-12-31", ongoing: false });
    expect(action(plan, "6").target).toEqual({ text: "Ongoing", from: null, to: null, ongoing: true });
  });
});

describe("readTable: CSV", () => {
  const header = "Ref,Recommendation,Action,Lead Officer,Target date,Status";

  it("reads quoted cells holding commas, doubled quotes and line breaks, numbering rows by the line they start on", async () => {
    const text = [
      header, //                                                     line 1
      '1,"Improve guidance, notes and ""scoring""","Update the guidance', // 2
      'so evaluators sign, then score",CDAI,31/12/20,Complete', //   3
      "2,Train staff,Run sessions,Head of Procurement,30/11/20,In progress", // 4
      '3,"Review the', //                                            5
      "", //                                                         6 (blank line inside a quoted cell)
      'constitution",Take it to Council,Monitoring Officer,31/03/21,', // 7
      "4,Last,Close out,CDAI,01/04/21,Delayed", //                  8
    ].join("\n");
    const table = await readTable(utf8(text), "plan.csv");
    expect(table.format).toBe("csv");
    expect(table.notes).toEqual([]);
    expect(table.rows.map((r) => r.line)).toEqual([1, 2, 4, 5, 8]);
    expect(table.rows[1]!.cells).toEqual([
      "1",
      'Improve guidance, notes and "scoring"',
      "Update the guidance\nso evaluators sign, then score",
      "CDAI",
      "31/12/20",
      "Complete",
    ]);
    expect(table.rows[3]!.cells[1]).toBe("Review the\n\nconstitution");

    const plan = await parsePlanFile(utf8(text), "plan.csv");
    expect(actionsOf(plan).map((a) => [a.ref, a.line])).toEqual([["1", 2], ["2", 4], ["3", 5], ["4", 8]]);
    expect(plan.recommendations[0]!.text).toBe('Improve guidance, notes and "scoring"');
  });

  it("numbers rows correctly in a Windows (CRLF) CSV whose cells also hold CRLF line breaks", async () => {
    const text = [
      header, //                                                     line 1
      '1,"First line', //                                            2
      'second line', //                                              3
      'third line",Update guidance,CDAI,31/12/20,Complete', //       4
      "2,Train staff,Run sessions,Head of Procurement,30/11/20,In progress", // 5
      '3,Review,"Take it', //                                        6
      'to Council",Monitoring Officer,31/03/21,', //                 7
      "4,Last,Close out,CDAI,01/04/21,Delayed", //                  8
      "",
    ].join("\r\n");
    const table = await readTable(utf8(text), "plan.csv");
    expect(table.rows.filter((r) => r.cells.some((c) => c !== "")).map((r) => [r.cells[0], r.line])).toEqual([
      ["Ref", 1],
      ["1", 2],
      ["2", 5],
      ["3", 6],
      ["4", 8],
    ]);
  });

  it("guesses CSV from the content when the file name does not say", async () => {
    const table = await readTable(utf8(`${header}\n1,"A, B",C,CDAI,31/12/20,Complete\n`), "export.txt");
    expect(table.format).toBe("csv");
    expect(table.rows[1]!.cells.slice(0, 3)).toEqual(["1", "A, B", "C"]);
  });

  it("decodes a CSV saved as Windows-1252 and says the encoding was guessed", async () => {
    const text = `${header}\r\n1,Cyngor Sir Gâr – save £5K,Agree the council’s “plan”,CDAI,31/12/20,Complete\r\n`;
    const bytes = windows1252(text);
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes)).toThrow(); // really not UTF-8
    const table = await readTable(bytes, "plan.csv");
    expect(table.rows[1]!.cells.slice(0, 3)).toEqual(["1", "Cyngor Sir Gâr – save £5K", "Agree the council’s “plan”"]);
    expect(table.notes).toEqual([{ line: 0, code: "import.encoding_guessed", params: { encoding: "windows-1252" } }]);

    const plan = await parsePlanFile(bytes, "plan.csv");
    expect(plan.recommendations[0]!.text).toBe("Cyngor Sir Gâr – save £5K");
    expect(plan.warnings).toContainEqual({ line: 0, message: t("import.encoding_guessed", { encoding: "windows-1252" }) });
  });

  it("reads UTF-8 with a byte-order mark: no BOM in the first header, no encoding note", async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${header}\n1,Cyngor Sir Gâr,Save £5K,CDAI,31/12/20,Complete\n`)]);
    for (const name of ["plan.csv", "plan.txt"]) {
      const table = await readTable(bytes, name);
      expect(table.rows[0]!.cells[0], name).toBe("Ref");
      expect(table.rows[1]!.cells[1], name).toBe("Cyngor Sir Gâr");
      expect(table.notes, name).toEqual([]);
    }
    const plan = await parsePlanFile(bytes, "plan.csv");
    expect(plan.recommendations.map((r) => r.ref)).toEqual(["1"]);
    expect(plan.warnings).toEqual([]);
  });

  it("reads UTF-16LE with a byte-order mark (Excel's 'Unicode text')", async () => {
    const text = "Ref\tRecommendation\tAction\tLead Officer\tTarget date\tStatus\r\n1\tCyngor Sir Gâr\tSave £5K – now\tCDAI\t31/12/20\tComplete\r\n";
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    const table = await readTable(bytes, "plan.txt");
    expect(table.format).toBe("tsv");
    expect(table.rows[0]!.cells[0]).toBe("Ref");
    expect(table.rows[1]!.cells.slice(0, 3)).toEqual(["1", "Cyngor Sir Gâr", "Save £5K – now"]);

    const plan = await parsePlanFile(bytes, "plan.txt");
    expect(plan.recommendations[0]!.text).toBe("Cyngor Sir Gâr");
    expect(action(plan, "1").title).toBe("Save £5K – now");
  });
});

describe("readTable: XLSX", () => {
  async function workbook(): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet("Action plan");
    sheet.addRow(["Ref", "Recommendation", "Action", "Lead Officer", "Target date", "Status"]);
    sheet.addRow(["1", "Improve procurement guidance", "Update the guidance notes", "Head of Procurement", new Date(Date.UTC(2021, 2, 31)), "In progress"]);
    sheet.addRow([
      2,
      { richText: [{ text: "Train ", font: { bold: true } }, { text: "all evaluators" }] },
      "Run evaluation training",
      "CDAI",
      "30/11/20",
      { formula: 'CONCATENATE("Com","plete")', result: "Complete" },
    ]);
    sheet.addRow(["3", "Review the constitution", "Take it to Full Council", "Monitoring Officer", { formula: "DATE(2021,4,1)", result: new Date(Date.UTC(2021, 3, 1)) }, "Delayed"]);
    sheet.getCell("E4").numFmt = "dd/mm/yyyy";
    const lookups = wb.addWorksheet("Lookups");
    lookups.addRow(["Status", "Meaning"]);
    lookups.addRow(["Complete", "Done"]);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  it("reads the first sheet's cells as text: dates UK style, rich text joined, formulas by their result", async () => {
    const table = await readTable(await workbook(), "plan.xlsx");
    expect(table.format).toBe("xlsx");
    expect(table.rows).toEqual([
      { line: 1, cells: ["Ref", "Recommendation", "Action", "Lead Officer", "Target date", "Status"] },
      { line: 2, cells: ["1", "Improve procurement guidance", "Update the guidance notes", "Head of Procurement", "31/03/2021", "In progress"] },
      { line: 3, cells: ["2", "Train all evaluators", "Run evaluation training", "CDAI", "30/11/20", "Complete"] },
      { line: 4, cells: ["3", "Review the constitution", "Take it to Full Council", "Monitoring Officer", "01/04/2021", "Delayed"] },
    ]);
    expect(table.notes).toEqual([{ line: 0, code: "import.sheets_ignored", params: { sheet: "Lookups" } }]);
  });

  it("parses the workbook end to end into recommendations, actions and targets", async () => {
    const plan = await parsePlanFile(await workbook(), "plan.xlsx");
    expect(plan.recommendations.map((r) => [r.ref, r.text])).toEqual([
      ["1", "Improve procurement guidance"],
      ["2", "Train all evaluators"],
      ["3", "Review the constitution"],
    ]);
    expect(action(plan, "1")).toMatchObject({
      title: "Update the guidance notes",
      owners: ["Head of Procurement"],
      target: { text: "31/03/2021", from: "2021-03-31", to: "2021-03-31", ongoing: false },
      status: "in_progress",
      line: 2,
    });
    expect(action(plan, "2")).toMatchObject({ owners: ["CDAI"], target: { from: "2020-11-30" }, status: "complete", line: 3 });
    expect(action(plan, "3")).toMatchObject({ owners: ["Monitoring Officer"], target: { from: "2021-04-01" }, status: "delayed", line: 4 });
    expect(plan.warnings).toEqual([{ line: 0, message: t("import.sheets_ignored", { sheet: "Lookups" }) }]);
  });

  it("refuses a truncated workbook as import.bad_xlsx", async () => {
    const whole = await workbook();
    const error = await errorOf(readTable(whole.subarray(0, Math.floor(whole.length / 2)), "plan.xlsx"));
    expect(error.code).toBe("import.bad_xlsx");
    expect(error.params.file).toBe("plan.xlsx");
  });

  it("refuses a file named .xlsx that is not a zip as import.bad_xlsx", async () => {
    expect((await errorOf(readTable(utf8("Ref,Action\n1,Do it\n"), "plan.xlsx"))).code).toBe("import.bad_xlsx");
    expect((await errorOf(parsePlanFile(utf8("Ref,Action\n1,Do it\n"), "PLAN.XLSX"))).code).toBe("import.bad_xlsx");
  });

  it("refuses a workbook with no cells as import.empty_file", async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("Empty");
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());
    expect((await errorOf(readTable(bytes, "empty.xlsx"))).code).toBe("import.empty_file");
  });
});

describe("readTable and parsePlanFile: files that are not plans", () => {
  it("refuses an empty file as import.empty_file", async () => {
    const error = await errorOf(readTable(new Uint8Array(0), "plan.csv"));
    expect(error.code).toBe("import.empty_file");
    expect(error.params.file).toBe("plan.csv");
  });

  it("refuses a whitespace-only file as import.empty_file", async () => {
    for (const name of ["plan.csv", "plan.tsv", "plan.txt"]) {
      expect((await errorOf(readTable(utf8("  \r\n\t \n\n   "), name))).code, name).toBe("import.empty_file");
    }
    expect((await errorOf(parsePlanFile(utf8(",,,\n\t\n"), "plan.csv"))).code).toBe("import.empty_file");
  });

  it("refuses an image as read.unsupported_image, whatever it is called, and other binary content as import.binary_file", async () => {
    const png = Uint8Array.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
      0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    ]);
    expect((await errorOf(readTable(png, "plan.csv"))).code).toBe("read.unsupported_image");
    expect((await errorOf(parsePlanFile(png, "scan.png"))).code).toBe("read.unsupported_image");
    const binary = Uint8Array.from({ length: 256 }, (_, i) => (i * 7) % 256);
    expect((await errorOf(readTable(binary, "plan.csv"))).code).toBe("import.binary_file");
  });

  it("refuses a file over MAX_FILE_BYTES as import.file_too_large, before looking inside", async () => {
    const error = await errorOf(readTable(new Uint8Array(MAX_FILE_BYTES + 1), "huge.csv"));
    expect(error.code).toBe("import.file_too_large");
    expect(error.params.limitMb).toBe(MAX_FILE_BYTES / 1024 / 1024);
    // At exactly the limit the file is looked at (and these NULs are then refused as binary).
    expect((await errorOf(readTable(new Uint8Array(MAX_FILE_BYTES), "huge.csv"))).code).toBe("import.binary_file");
  });

  it("refuses a table with no recognisable header as import.no_columns", async () => {
    expect((await errorOf(parsePlanFile(utf8("Name,Colour\nA,Red\nB,Blue\n"), "colours.csv"))).code).toBe("import.no_columns");
    expect((await errorOf(parsePlanFile(utf8("Name\tColour\nA\tRed\n"), "colours.tsv"))).code).toBe("import.no_columns");
  });

  it("refuses a header with nothing under it as import.no_rows, naming the header's line", async () => {
    const error = await errorOf(parsePlanFile(utf8("Procurement review action plan\nRecommendation,Action,Lead Officer,Target date\n\n,,,\n"), "plan.csv"));
    expect(error.code).toBe("import.no_rows");
    expect(error.params.line).toBe(2);
  });
});

describe("parsePlanFile: targets that are not dates", () => {
  it("warns with the line and still imports the action, kept as written with no due date", async () => {
    const text = [
      "Ref,Recommendation,Action,Lead Officer,Target date,Status",
      "1,Fund the hub,Recruit two officers,CDAI,When funding allows,Not started",
      "2,Fix the dates,Check every date,Monitoring Officer,45/13/20,In progress",
      "3,A good one,Keep going,CDAI,31/12/20,Complete",
    ].join("\n");
    const plan = await parsePlanFile(utf8(text), "plan.csv");
    expect(actionsOf(plan).map((a) => a.ref)).toEqual(["1", "2", "3"]);
    expect(action(plan, "1").target).toEqual({ text: "When funding allows", from: null, to: null, ongoing: false });
    expect(action(plan, "2").target).toEqual({ text: "45/13/20", from: null, to: null, ongoing: false });
    expect(action(plan, "2").status).toBe("in_progress");
    expect(action(plan, "3").target?.from).toBe("2020-12-31");
    expect(plan.warnings).toEqual([
      { line: 2, message: t("import.target_not_a_date", { text: "When funding allows", line: 2 }) },
      { line: 3, message: t("import.target_not_a_date", { text: "45/13/20", line: 3 }) },
    ]);
  });
});
