import ExcelJS from "exceljs";
import { zipSync, strToU8 } from "fflate";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ChaserError } from "../src/domain/chaser-error.js";
import { translator } from "../src/i18n.js";
import { parsePlanFile } from "../src/import/parse-plan.js";
import type { ParsedAction, ParsedPlan } from "../src/import/parsed-plan.js";
import { readTable } from "../src/import/read-table.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name: string): Buffer => readFileSync(path.join(here, "fixtures/formats", name));
const seed = (name: string): Buffer => readFileSync(path.join(here, "fixtures/seeds", name));
const en = translator("en-GB");
const cy = translator("cy");

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

/** The facts of our own plan, whatever format it came in. */
function expectOwnPlan(plan: ParsedPlan, name: string): void {
  expect(plan.title, name).toBe("Adult Social Care inspection: improvement plan");
  expect(plan.recommendations.map((r) => [r.ref, r.theme]), name).toEqual([
    ["1", "Leadership and governance"],
    ["2", "Workforce"],
    ["3", "Workforce"],
    ["4", "Quality of care"],
  ]);
  expect(plan.recommendations[0]!.text, name).toBe("Strengthen oversight of safeguarding at board level.");
  expect(actionsOf(plan).map((a) => a.ref), name).toEqual(["1.1", "1.2", "1.3", "2", "3", "4"]);
  // The lead officer cell is merged over 1.1 and 1.2: it applies to each.
  expect(action(plan, "1.1").owners, name).toEqual(["Director of Adult Services"]);
  expect(action(plan, "1.2").owners, name).toEqual(["Director of Adult Services"]);
  expect(action(plan, "1.3").owners, name).toEqual(["Monitoring Officer"]);
  expect(action(plan, "1.1").target, name).toEqual({ text: "31/03/2025", from: "2025-03-31", to: "2025-03-31", ongoing: false });
  expect(action(plan, "1.2").target?.from, name).toBe("2025-06-30");
  expect(action(plan, "3").target, name).toEqual({ text: "Ongoing", from: null, to: null, ongoing: true });
  expect(action(plan, "4").target?.from, name).toBe("2026-01-31");
  expect(actionsOf(plan).map((a) => a.status), name).toEqual(["complete", "in_progress", "not_started", "delayed", "ongoing", "on_hold"]);
  expect(action(plan, "1.2").title, name).toBe("Train board members on safeguarding duties.");
  // Bullets in the progress cell stay lines.
  expect(action(plan, "3").progress, name).toBe("• Q1 audit: 78% supervised on time.\n• Q2 audit: 85%.");
  expect(action(plan, "2").progress, name).toBe("• Campaign moved to the new year: budget approval pending.");
  expect(action(plan, "4").owners, name).toEqual(["Customer Services Manager"]);
}

describe("Word, PDF, web page and workbook of one plan", () => {
  it("reads the Word document: a table per theme under its heading, merged cells, bullets and line breaks", async () => {
    const table = await readTable(fixture("own-plan.docx"), "own-plan.docx");
    expect(table.format).toBe("docx");
    expect(table.rows.filter((r) => r.heading).map((r) => r.cells[0])).toEqual(["Leadership and governance", "Workforce", "Quality of care"]);
    // A line break inside one paragraph is kept as a line.
    expect(table.rows.find((r) => r.cells[2]?.startsWith("Train"))!.cells[2]).toBe("Train board members on safeguarding duties.\nTwo sessions, one in Welsh.");
    expectOwnPlan(await parsePlanFile(fixture("own-plan.docx"), "own-plan.docx"), "docx");
  });

  it("reads the PDF made from it: rows rebuilt from the text's positions and the cell borders, across page breaks", async () => {
    const table = await readTable(fixture("own-plan.pdf"), "own-plan.pdf");
    expect(table.format).toBe("pdf");
    const plan = await parsePlanFile(fixture("own-plan.pdf"), "own-plan.pdf");
    expectOwnPlan(plan, "pdf");
    // The closing line under the last table is not part of any action.
    expect(plan.warnings.map((w) => w.message)).toEqual([en("import.note_outside_table", { text: "Version 3, agreed by Cabinet" })]);
  });

  it("reads the web page: every content table with rowspan, h2 and caption themes, none of the site's chrome", async () => {
    const table = await readTable(fixture("own-plan.html"), "own-plan.html");
    expect(table.format).toBe("html");
    const text = table.rows.map((r) => r.cells.join(" ")).join("\n");
    for (const chrome of ["Skip to content", "Committees", "Agenda", "cookies", "Contact us", "dataLayer", "border-collapse", "Continued overleaf"]) expect(text).not.toContain(chrome);
    expectOwnPlan(await parsePlanFile(fixture("own-plan.html"), "own-plan.html"), "html");
  });

  it("reads the workbook: the sheet with the plan, title rows above its header, merged cells; says which sheets were left", async () => {
    const plan = await parsePlanFile(fixture("own-plan.xlsx"), "own-plan.xlsx");
    expectOwnPlan(plan, "xlsx");
    expect(plan.warnings).toEqual([
      { line: 0, message: en("import.sheets_ignored", { sheet: "Cover" }) },
      { line: 0, message: en("import.sheets_ignored", { sheet: "Lookups" }) },
    ]);
  });

  it("reads every sheet that holds a plan, each under its sheet's name", async () => {
    const plan = await parsePlanFile(fixture("two-sheets.xlsx"), "two-sheets.xlsx");
    expect(plan.recommendations.map((r) => [r.ref, r.theme])).toEqual([["F1", "Finance"], ["F2", "Finance"], ["H1", "Housing"], ["H2", "Housing"]]);
    expect(action(plan, "H2")).toMatchObject({ owners: ["Head of Housing"], status: "complete", target: { from: "2025-06-30" } });
    expect(plan.warnings).toEqual([{ line: 0, message: en("read.sheets_read", { sheets: "Finance, Housing" }) }]);
  });
});

describe("the seeds as Word, PDF and web page import as they do as text", () => {
  const facts = (plan: ParsedPlan) => actionsOf(plan).map((a) => [a.ref, a.owners, a.target?.from ?? a.target?.text ?? null, a.status]);

  it("seed 000: the same items, sub-activities, owners, targets and statuses from .docx and .pdf", async () => {
    const text = await parsePlanFile(seed("000_5423bac07f4abb57.txt"), "000.txt");
    for (const name of ["seed-000.docx", "seed-000.pdf"]) {
      const plan = await parsePlanFile(fixture(name), name);
      expect(plan.recommendations.map((r) => r.ref), name).toEqual(["1", "2", "3", "4", "5", "6", "7"]);
      expect(facts(plan), name).toEqual(facts(text));
      expect(action(plan, "2.2").target, name).toEqual({ text: "31/12/20", from: "2020-12-31", to: "2020-12-31", ongoing: false });
      expect(action(plan, "4.2").owners, name).toEqual(["CEDR", "Monitoring Officer"]);
      expect(action(plan, "7.3").status, name).toBe("delayed");
    }
  });

  it("seed 004: the 27 recommendations under their themes from .docx, .pdf and .html", async () => {
    const text = await parsePlanFile(seed("004_70c8ab65d85634c4.txt"), "004.txt");
    for (const name of ["seed-004.docx", "seed-004.pdf", "seed-004.html"]) {
      const plan = await parsePlanFile(fixture(name), name);
      expect(plan.title, name).toBe("Appendix 2: Updated Action Plan");
      expect(plan.recommendations.map((r) => [r.ref, r.theme]), name).toEqual(text.recommendations.map((r) => [r.ref, r.theme]));
      expect(action(plan, "R 6"), name).toMatchObject({ owners: ["Commissioning", "Policy"], target: { text: "On going", ongoing: true }, status: "complete" });
      expect(action(plan, "R 12").target?.from, name).toBe("2014-06-01");
      expect(action(plan, "R 24").progress, name).toContain("KCC has a list of all contracts over £50k");
    }
  });
});

describe("formats told from the bytes", () => {
  it("reads a Word document named .xlsx as Word, not as an empty workbook", async () => {
    const table = await readTable(fixture("own-plan.docx"), "plan.xlsx");
    expect(table.format).toBe("docx");
  });

  it("refuses a scanned PDF as having no text, in both languages", async () => {
    const error = await errorOf(parsePlanFile(fixture("scanned.pdf"), "scan.pdf"));
    expect(error.code).toBe("read.pdf_no_text");
    expect(en(error.code, error.params)).toContain("scan");
    expect(cy(error.code, error.params)).toContain("sgan");
  });

  it("refuses old Office files, OpenDocument and zips of other things with their own messages", async () => {
    const ole = Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);
    expect((await errorOf(readTable(ole, "plan.doc"))).code).toBe("read.unsupported_legacy_office");
    const odt = zipSync({ mimetype: strToU8("application/vnd.oasis.opendocument.text"), "content.xml": strToU8("<x/>") });
    expect((await errorOf(readTable(odt, "plan.odt"))).code).toBe("read.unsupported_opendocument");
    const other = zipSync({ "readme.txt": strToU8("hello") });
    expect((await errorOf(readTable(other, "plan.zip"))).code).toBe("read.unsupported_zip");
  });

  it("refuses a Word document or web page with no table", async () => {
    const html = Buffer.from("<!DOCTYPE html><html><body><h1>Minutes</h1><p>No plan here.</p></body></html>");
    expect((await errorOf(readTable(html, "page.html"))).code).toBe("read.no_tables");
  });
});

/** A minimal zip written by hand, so its directory can say what the tests need it to. */
function rawZip(entries: { name: string; data: Uint8Array; method?: 0 | 8; declaredSize?: number; crc?: number }[], options: { dropDirectory?: boolean; overlap?: boolean } = {}): Uint8Array {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.method ?? 8, 8);
    local.writeUInt32LE(e.crc ?? 0, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.declaredSize ?? 0, 22);
    local.writeUInt16LE(name.length, 26);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(e.method ?? 8, 10);
    cd.writeUInt32LE(e.crc ?? 0, 16);
    cd.writeUInt32LE(e.data.length, 20);
    cd.writeUInt32LE(e.declaredSize ?? 0, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(options.overlap ? 0 : offset, 42);
    locals.push(local, name, Buffer.from(e.data));
    central.push(cd, name);
    offset += 30 + name.length + e.data.length;
  }
  const cdBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat(options.dropDirectory ? locals : [...locals, cdBytes, end]);
}

describe("bounded imports: damaged and hostile files are refused with their own codes", () => {
  async function workbook(): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet("Plan");
    sheet.addRow(["Ref", "Recommendation", "Action", "Lead Officer", "Target date", "Status"]);
    for (let i = 1; i <= 50; i++) sheet.addRow([String(i), `Recommendation ${i}`, `Action ${i}`, "CDAI", "31/12/20", "Complete"]);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  it("refuses damaged workbooks that once left the import hanging: truncated, no central directory, bytes flipped", async () => {
    const whole = await workbook();
    const truncated = whole.subarray(0, whole.length - 100);
    const noDirectory = whole.subarray(0, whole.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])));
    const flipped = Buffer.from(whole);
    for (let i = 200; i < flipped.length - 2000; i += 97) flipped[i] = flipped[i]! ^ 0x5a;
    for (const [label, bytes] of [["truncated", truncated], ["no directory", noDirectory], ["flipped", flipped]] as const) {
      const error = await errorOf(parsePlanFile(bytes, "damaged.xlsx"));
      expect(error.code, label).toBe("import.bad_xlsx");
    }
    expect((await errorOf(readTable(noDirectory, "damaged.docx"))).code).toBe("read.bad_docx");
  });

  it("refuses a zip bomb by its compression ratio before inflating it", async () => {
    const zeros = new Uint8Array(16 * 1024 * 1024);
    const bomb = zipSync({ "xl/workbook.xml": strToU8("<workbook/>"), "xl/worksheets/sheet1.xml": zeros }, { level: 9 });
    expect(bomb.length).toBeLessThan(200_000);
    expect((await errorOf(readTable(bomb, "bomb.xlsx"))).code).toBe("read.zip_ratio");
  });

  it("refuses a zip whose entries unpack past the total limit, or whose entry is bigger than declared", async () => {
    const big = zipSync({ "xl/workbook.xml": strToU8("<workbook/>"), "a.xml": new Uint8Array(3 * 1024 * 1024).fill(65) }, { level: 0 });
    expect((await errorOf(readTable(big, "big.xlsx", { limits: { inflatedBytes: 2 * 1024 * 1024 } }))).code).toBe("read.zip_too_large_inflated");
    // The directory declares 10 bytes; the data inflates to a megabyte: stopped at 10.
    const { deflateSync } = await import("fflate");
    const lying = rawZip([{ name: "xl/workbook.xml", data: deflateSync(new Uint8Array(1024 * 1024).fill(60)), declaredSize: 10 }]);
    expect((await errorOf(readTable(lying, "lying.xlsx"))).code).toBe("import.bad_xlsx");
  });

  it("refuses overlapping entries (one compressed body shared by many names) and too many entries", async () => {
    const data = new Uint8Array([1, 2, 3]);
    const overlapping = rawZip([{ name: "xl/workbook.xml", data, method: 0, declaredSize: 3 }, { name: "b", data, method: 0, declaredSize: 3 }], { overlap: true });
    expect((await errorOf(readTable(overlapping, "overlap.xlsx"))).code).toBe("import.bad_xlsx");
    const files: Record<string, Uint8Array> = { "xl/workbook.xml": strToU8("<workbook/>") };
    for (let i = 0; i < 30; i++) files[`f${i}`] = strToU8("x");
    expect((await errorOf(readTable(zipSync(files), "many.xlsx", { limits: { zipEntries: 20 } }))).code).toBe("read.zip_too_many_entries");
  });

  it("refuses too many rows and too long a cell as they are read, in every format", async () => {
    const limits = { rows: 30 };
    expect((await errorOf(readTable(await workbook(), "plan.xlsx", { limits }))).code).toBe("read.too_many_rows");
    expect((await errorOf(readTable(fixture("seed-004.docx"), "plan.docx", { limits }))).code).toBe("read.too_many_rows");
    expect((await errorOf(readTable(fixture("seed-004.html"), "plan.html", { limits }))).code).toBe("read.too_many_rows");
    expect((await errorOf(readTable(fixture("seed-004.pdf"), "plan.pdf", { limits }))).code).toBe("read.too_many_rows");
    expect((await errorOf(readTable(seed("004_70c8ab65d85634c4.txt"), "plan.tsv", { limits }))).code).toBe("read.too_many_rows");
    expect((await errorOf(readTable(Buffer.from("a,b\n".repeat(100)), "plan.csv", { limits }))).code).toBe("read.too_many_rows");
    const long = await errorOf(readTable(fixture("seed-004.docx"), "plan.docx", { limits: { cellChars: 200 } }));
    expect(long.code).toBe("read.cell_too_long");
    expect(en(long.code, long.params)).toContain("200");
    expect(cy(long.code, long.params)).toContain("200");
  });

  it("refuses a PDF that is not one, and one with too many pages", async () => {
    expect((await errorOf(readTable(Buffer.from("%PDF-1.7\n1 0 obj garbage"), "plan.pdf"))).code).toBe("read.bad_pdf");
    expect((await errorOf(readTable(fixture("seed-004.pdf"), "plan.pdf", { limits: { pdfPages: 2 } }))).code).toBe("read.pdf_too_many_pages");
  });
});
