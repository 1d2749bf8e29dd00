import { describe, expect, it } from "vitest";
import { inferColumns, kindOfCell } from "../src/import/infer-columns.js";
import { parsePlanTable } from "../src/import/parse-plan.js";
import { parseColumnChoice, readColumns } from "../src/import/read-columns.js";
import type { Row } from "../src/import/row.js";
import type { Table } from "../src/import/read-table.js";

const rows = (cells: string[][]): Row[] => cells.map((c, i) => ({ line: i + 1, cells: c }));
const table = (cells: string[][]): Table => ({ format: "csv", rows: rows(cells), notes: [] });

describe("what a cell looks like", () => {
  it.each([
    ["31/03/2025", "date"],
    ["June 2024", "date"],
    ["Q3 2024/25", "date"],
    ["End of March 2025", "date"],
    ["Complete", "status"],
    ["In progress", "status"],
    ["Not started", "status"],
    ["Green", "rag"],
    ["A", "rag"],
    ["Amber/Green", "rag"],
    ["2.3", "ref"],
    ["R 6", "ref"],
    ["R6.", "ref"],
    ["KLOE A1-1", "ref"],
    ["CO.13", "ref"],
    ["AFI 3", "ref"],
    ["Sam Jones", "name"],
    ["Head of Procurement", "name"],
    ["Director of Finance", "name"],
    ["CDAI", "name"],
    ["Monitoring Officer", "name"],
    ["Review the procurement framework and report to Cabinet on the findings.", "prose"],
    ["Update the risk register", "text"],
    ["", "empty"],
    ["-", "empty"],
    ["N/A", "empty"],
  ])("%s is %s", (cell, kind) => {
    expect(kindOfCell(cell)).toBe(kind);
  });
});

// A tracker with no header row at all, as pasted out of a committee paper.
const NO_HEADER = [
  ["1.1", "The council should review its procurement framework so that it is fit for purpose.", "Review the framework and report to Cabinet with options.", "Head of Procurement", "31/03/2025", "In progress"],
  ["1.2", "The council should publish its contract register on its website every quarter.", "Publish the register and keep it up to date each quarter.", "Sam Jones", "30/06/2025", "Not started"],
  ["2.1", "Training for all commissioning officers on the new contract procedure rules.", "Run training sessions for every commissioning officer in the spring.", "HR Manager", "Q1 2025/26", "Complete"],
  ["2.2", "Governance of key decisions must be clear and recorded for audit purposes.", "Record every key decision in the decisions log, with its reasons.", "Monitoring Officer", "June 2025", "On track"],
];

describe("each column's role from what it holds", () => {
  it("reads a table with no header row: refs, two prose columns, owners, dates, statuses", () => {
    const guesses = inferColumns(rows(NO_HEADER), 6);
    expect(guesses.map((g) => g.role)).toEqual(["recRef", "recommendation", "action", "owner", "target", "status"]);
    expect(guesses.every((g) => g.confidence === "likely")).toBe(true);
  });

  it("reads one prose column as the action, and prose after the owner as progress", () => {
    const guesses = inferColumns(
      rows([
        ["Review the procurement framework and report back to Cabinet with options.", "Sam Jones", "31/03/2025", "The first draft went to the working group in January and was agreed."],
        ["Publish the contract register on the website every quarter from now on.", "Jo Bloggs", "30/06/2025", "Published in April; the next update is due at the end of June."],
        ["Train every commissioning officer on the new contract procedure rules.", "HR Manager", "31/07/2025", "Two sessions held so far, attended by thirty officers in total."],
      ]),
      4,
    );
    expect(guesses.map((g) => g.role)).toEqual(["action", "owner", "target", "progress"]);
  });

  it("reads a column of colours as RAG, apart from the status", () => {
    const guesses = inferColumns(rows([["Do the first thing properly", "Green", "Complete"], ["Do the second thing properly", "Amber", "In progress"], ["Do the third thing properly", "Red", "Delayed"]]), 3);
    expect(guesses.map((g) => g.role)).toEqual(["action", "rag", "status"]);
  });

  it("asks which of two date columns is the target, guessing the later one", () => {
    const guesses = inferColumns(rows([["01/01/2024", "Do the first thing", "31/03/2025"], ["01/02/2024", "Do the second thing", "30/06/2025"], ["01/03/2024", "Do a third thing", "30/09/2025"]]), 3);
    expect(guesses[2]).toMatchObject({ role: "target", confidence: "unsure" });
    expect(guesses[0]!.role).toBeNull();
  });

  it("leaves columns headings already named alone, and does not give their roles again", () => {
    const guesses = inferColumns(rows(NO_HEADER), 6, ["recRef", null, null, "accountable", null, null]);
    expect(guesses.map((g) => [g.index, g.role])).toEqual([[1, "recommendation"], [2, "action"], [4, "target"], [5, "status"]]);
  });

  it("is unsure of a column with too few cells to tell", () => {
    const guesses = inferColumns(rows([["Do the first thing properly", "Sam Jones"], ["Do the second thing properly", ""]]), 2);
    expect(guesses[1]).toMatchObject({ role: "owner", confidence: "unsure" });
  });
});

describe("a plan with no header row still imports", () => {
  it("imports refs, owners, targets as dates and statuses, and says it read every column by content", () => {
    const plan = parsePlanTable(table([["Procurement improvement plan"], [], ...NO_HEADER]), "plan.csv");
    expect(plan.title).toBe("Procurement improvement plan");
    const actions = plan.recommendations.flatMap((r) => r.actions);
    expect(actions.map((a) => [a.ref, a.owners, a.target?.to, a.status])).toEqual([
      ["1.1", ["Head of Procurement"], "2025-03-31", "in_progress"],
      ["1.2", ["Sam Jones"], "2025-06-30", "not_started"],
      ["2.1", ["HR Manager"], "2025-06-30", "complete"],
      ["2.2", ["Monitoring Officer"], "2025-06-30", "in_progress"],
    ]);
    expect(plan.recommendations[0]!.text).toBe("The council should review its procurement framework so that it is fit for purpose.");
    expect(plan.reading!.headerLine).toBeNull();
    expect(plan.reading!.columns.map((c) => [c.column, c.role, c.source])).toEqual([
      ["A", "recRef", "content"], ["B", "recommendation", "content"], ["C", "action", "content"],
      ["D", "owner", "content"], ["E", "target", "content"], ["F", "status", "content"],
    ]);
    expect(plan.reading!.questions.map((q) => [q.reason, q.open])).toEqual([["no_header", true]]);
  });

  it("reads headings in words Chaser does not know by the columns' content, and names them in the preview", () => {
    const plan = parsePlanTable(table([["Nº", "What", "How", "Who's on it", "Finish", "Where we are"], ...NO_HEADER]), "plan.csv");
    expect(plan.reading!.headerLine).toBe(1);
    expect(plan.reading!.columns.map((c) => [c.heading, c.role])).toEqual([
      ["Nº", "recRef"], ["What", "recommendation"], ["How", "action"], ["Who's on it", "owner"], ["Finish", "target"], ["Where we are", "status"],
    ]);
    expect(plan.recommendations).toHaveLength(4);
  });

  it("fills a blank heading from content beside headings it knows", () => {
    const plan = parsePlanTable(table([["Ref", "Finding", "Action", "", "Deadline", "Status"], ...NO_HEADER]), "plan.csv");
    const d = plan.reading!.columns[3]!;
    expect(d).toMatchObject({ column: "D", heading: "", role: "owner", source: "content", confidence: "likely" });
    expect(plan.recommendations[1]!.actions[0]!.owners).toEqual(["Sam Jones"]);
    expect(plan.reading!.questions).toEqual([]);
  });

  it("still refuses a table that holds nothing like a plan", () => {
    expect(() => parsePlanTable(table([["Name", "Colour"], ["A", "Red"], ["B", "Blue"]]), "colours.csv")).toThrow(expect.objectContaining({ code: "import.no_columns" }));
  });
});

describe("a person's mapping overrides what Chaser read", () => {
  const HEADED = [["Ref", "Issue", "Action", "Assigned To", "Date raised", "Due", "Notes on it"], ...NO_HEADER.map((r) => [r[0]!, r[1]!, r[2]!, r[3]!, "01/01/2024", r[4]!, r[5]!])];

  it("parses HEADING=ROLE, by Chaser's role name or any heading that names it, or ignore", () => {
    expect(parseColumnChoice("Assigned To=owner")).toEqual({ column: "Assigned To", role: "owner" });
    expect(parseColumnChoice("E = Due date")).toEqual({ column: "E", role: "target" });
    expect(parseColumnChoice("3=ignore")).toEqual({ column: "3", role: null });
    expect(parseColumnChoice("Progress=original target")).toEqual({ column: "Progress", role: "originalTarget" });
    expect(() => parseColumnChoice("Assigned To")).toThrow(expect.objectContaining({ code: "reading.bad_map" }));
    expect(() => parseColumnChoice("Assigned To=favourite colour")).toThrow(expect.objectContaining({ code: "reading.unknown_role" }));
  });

  it("takes a role from the column that had it when a person gives it to another", () => {
    const reading = readColumns(rows(HEADED), { given: [parseColumnChoice("Date raised=target"), parseColumnChoice("G=status")] })!;
    expect(reading.columns.map((c) => [c.heading, c.role, c.source])).toEqual([
      ["Ref", "recRef", "heading"], ["Issue", "recommendation", "heading"], ["Action", "action", "heading"],
      ["Assigned To", "owner", "heading"], ["Date raised", "target", "mapping"], ["Due", null, null], ["Notes on it", "status", "mapping"],
    ]);
    const plan = parsePlanTable(table(HEADED), "plan.csv", "en-GB", { given: [parseColumnChoice("Date raised=target"), parseColumnChoice("G=status")] });
    expect(plan.recommendations[0]!.actions[0]!.target?.to).toBe("2024-01-01");
  });

  it("uses a remembered mapping, and this import's choices over it", () => {
    const reading = readColumns(rows(HEADED), { remembered: [{ column: "Notes on it", role: "progress" }], given: [{ column: "Notes on it", role: "status" }] })!;
    expect(reading.columns[6]).toMatchObject({ role: "status", source: "mapping" });
    const only = readColumns(rows(HEADED), { remembered: [{ column: "Notes on it", role: "progress" }] })!;
    expect(only.columns[6]).toMatchObject({ role: "progress", source: "remembered" });
  });

  it("refuses a column the file does not have, naming those it has", () => {
    expect(() => readColumns(rows(HEADED), { given: [{ column: "Owner name", role: "owner" }] })).toThrow(expect.objectContaining({ code: "reading.unknown_column" }));
    expect(() => readColumns(rows(HEADED), { given: [{ column: "Z", role: "owner" }] })).toThrow(expect.objectContaining({ code: "reading.unknown_column" }));
  });
});

describe("fragments the text extraction left", () => {
  it("joins a word cut across two cells", async () => {
    const { joinSplitWords } = await import("../src/import/ocr-fragments.js");
    expect(joinSplitWords(["x", " Performance a ", "nd approved", ""])).toEqual({ cells: ["x", "Performance and", "approved", ""], joined: ["Performance and"] });
    // "a" then a whole word is two words, not one cut in two.
    expect(joinSplitWords(["Finance a", "to do"]).joined).toEqual([]);
    expect(joinSplitWords(["Head of Finance", "and more"]).joined).toEqual([]);
  });

  it("flags an owner that is the cut-off end of a line, and keeps real ones", async () => {
    const { isOwnerFragment } = await import("../src/import/ocr-fragments.js");
    expect(["Performance a", "Finance and", "Head of", "Corporate Director of"].map(isOwnerFragment)).toEqual([true, true, true, true]);
    expect(["CDAI", "Head of Finance", "Sam Jones", "Policy", "HR"].map(isOwnerFragment)).toEqual([false, false, false, false, false]);
  });

  it("keeps a fragment owner out of the plan, with a warning on its line", () => {
    const plan = parsePlanTable(table([["Ref", "Action", "Lead Officer", "Deadline"], ["1", "Review the framework", "Head of Finance", "31/03/2025"], ["2", "Publish the register", "Sam Jones\nPerformance a", "30/06/2025"]]), "plan.csv");
    expect(plan.recommendations[1]!.actions[0]!.owners).toEqual(["Sam Jones"]);
    expect(plan.warnings.map((w) => w.message)).toEqual(['Owner "Performance a" looks like a fragment cut from the row above, so it was not kept as an owner.']);
  });
});
