import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Row } from "../src/import/row.js";
import { ParsedPlan } from "../src/import/parsed-plan.js";
import {
  isThemeSummaryHeader,
  parseThemeSummary,
  themeRagCounts,
  themeSubActionCounts,
  type ThemeRecommendation,
} from "../src/import/parse-theme-summary.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const SEED = path.resolve(here, "fixtures/seeds/003_b55c756c8d3dd9e1.txt");

function rowsOf(text: string): Row[] {
  return text.split("\n").map((line, i) => ({ line: i + 1, cells: line.split("\t") }));
}

const rows = rowsOf(readFileSync(SEED, "utf8"));
const plan = parseThemeSummary(rows);

function theme(name: string): ThemeRecommendation {
  const rec = plan.recommendations.find((r) => r.theme === name);
  if (!rec) throw new Error(`no theme ${name}`);
  return rec;
}

function milestone(themeName: string, title: string) {
  const action = theme(themeName).actions.find((a) => a.title === title);
  if (!action) throw new Error(`no milestone "${title}" in ${themeName}`);
  return action;
}

function tally(rec: ThemeRecommendation): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of rec.actions) counts[String(a.status)] = (counts[String(a.status)] ?? 0) + 1;
  return counts;
}

const SEED_HEADER = ["Theme", "Summary", "Achievements this period (Aug-Oct)", "Key Milestones"];

describe("isThemeSummaryHeader", () => {
  it("recognises seed 003's header and loose variants", () => {
    expect(isThemeSummaryHeader(SEED_HEADER)).toBe(true);
    expect(isThemeSummaryHeader(["THEME", "summary", "Milestones"])).toBe(true);
    expect(isThemeSummaryHeader(["<b>Theme</b>", "Achievements this period (Nov-Jan)", "Key milestones"])).toBe(true);
  });

  it("rejects other tables", () => {
    expect(
      isThemeSummaryHeader(["Item", "Recommendation", "Key Issues", "Activity", "Lead Officer", "Target Start", "Status"]),
    ).toBe(false);
    expect(isThemeSummaryHeader(["Theme", "Summary", "Achievements"])).toBe(false);
    expect(isThemeSummaryHeader(["Summary", "Theme", "Key Milestones"])).toBe(false);
    expect(isThemeSummaryHeader(["Theme", "Key Milestones"])).toBe(false);
    expect(isThemeSummaryHeader(["<b>Organisational Culture</b>", "<p>Summary Statement: milestones</p>", "", ""])).toBe(false);
  });
});

describe("parseThemeSummary on seed 003", () => {
  it("is a valid ParsedPlan of kind theme-summary with the file's title and no warnings", () => {
    expect(() => ParsedPlan.parse(plan)).not.toThrow();
    expect(plan.kind).toBe("theme-summary");
    expect(plan.title).toBe("Improvement Plan Theme Progress Summary October 2022");
    expect(plan.warnings).toEqual([]);
  });

  it("finds the six themes in order, each starting on its row", () => {
    expect(plan.recommendations.map((r) => r.theme)).toEqual([
      "Organisational Culture",
      "Corporate Oversight",
      "Strategic Direction",
      "Decision Making",
      "Procurement & Commercial",
      "Partnerships & Relationships",
    ]);
    expect(plan.recommendations.map((r) => r.line)).toEqual([6, 19, 30, 46, 57, 73]);
    expect(plan.recommendations.every((r) => r.ref === null)).toBe(true);
  });

  it("takes the Summary Statement as the recommendation text", () => {
    expect(theme("Corporate Oversight").text).toBe("Progress is being made across all workstreams.");
    const culture = theme("Organisational Culture").text;
    expect(culture.startsWith("Progress is being made across all workstreams. Slippage is being experienced")).toBe(true);
    expect(culture.endsWith("(which is rated as a green risk).")).toBe(true);
    expect(culture).not.toContain("Summary Statement");
    expect(culture).not.toContain("Of the 16");
    expect(theme("Procurement & Commercial").text).toBe(
      "Progress is being made across all workstreams. Implementation of a corporate performance management system is rated as low risk but is experiencing a significant level of slippage.",
    );
  });

  it("reassembles the summary across rows and page breaks into detail", () => {
    const culture = theme("Organisational Culture");
    // A list item cut by the page break after line 6, continued by a paragraph on line 9.
    expect(culture.summary).toContain(
      "Organisational Development Strategy and Plan Approved- being redefined as Workforce Strategy. This is dependent on the outcomes",
    );
    // From the last continuation row, line 18.
    expect(culture.summary).toContain("Final interviews with Chief Officer Terms and Conditions Committee took place 20 October 2022");
    expect(culture.detail).toContain(culture.summary);
    // An item cut across a page break in the Strategic Direction summary (lines 42 → 45).
    expect(theme("Strategic Direction").summary).toContain("Report due to Leadership Team in coming weeks.");
    // A lowercase continuation in Decision Making (lines 50 → 52).
    expect(theme("Decision Making").summary).toContain("commentary and omission from change control.");
    // Workstream headings stay their own lines, not glued to the item before.
    expect(theme("Corporate Oversight").summary).toContain("\nCorporate Oversight Workstream Updates\n");
  });

  it("keeps achievements this period, joined across page breaks, in detail", () => {
    const culture = theme("Organisational Culture");
    expect(culture.achievementsLabel).toBe("Achievements this period (Aug-Oct)");
    expect(culture.achievements).toContain("• Training provider in place for Directorship and Trusteeship Training");
    expect(culture.achievements).not.toMatch(/^• and Trusteeship/m);
    expect(culture.detail).toContain("Achievements this period (Aug-Oct):\nOctober\n• Member Development programme part of BAU");
    expect(theme("Decision Making").achievements).toContain("SEND procurement exercise undertaken in line with contract procurement rules");
  });

  it("turns a milestone with a status suffix into an action with status, rag and target", () => {
    const ceo = milestone("Organisational Culture", "Appointment of Permanent Chief Executive");
    expect(ceo.status).toBe("in_progress");
    expect(ceo.rag).toBe("green");
    expect(ceo.statusText).toBe("On track for Nov 2023");
    expect(ceo.target?.from).toBe("2023-11-01");
    expect(ceo.target?.to).toBe("2023-11-30");
    expect(ceo.line).toBe(9);
    expect(ceo.owners).toEqual([]);
    expect(ceo.progress).toBeNull();
    expect(ceo.refGenerated).toBe(true);

    const doc = milestone(
      "Organisational Culture",
      "Approval of document / statement setting out desired organisational culture",
    );
    expect(doc.statusText).toBe("On track for Jan 2023");
    expect(doc.target?.from).toBe("2023-01-01");
    expect(doc.target?.to).toBe("2023-01-31");
  });

  it("reads 'Commenced' and a Month – Month range from the title part", () => {
    const part2 = milestone("Organisational Culture", "Part 2 engagement – determining desired culture");
    expect(part2.status).toBe("in_progress");
    expect(part2.statusText).toBe("Commenced");
    expect(part2.target?.from).toBe("2022-08-01");
    expect(part2.target?.to).toBe("2022-12-31");
    const training = milestone("Organisational Culture", "Corporate Governance Training Delivery");
    expect(training.status).toBe("in_progress");
    expect(training.target?.text).toMatch(/Autumn 2022/);
    expect(training.target?.from?.startsWith("2022-")).toBe(true);
    expect(milestone("Strategic Direction", "Commercial Strategy").status).toBe("in_progress");
  });

  it("marks items under a 'Complete:' paragraph complete, also on rows after a page break", () => {
    const budget = milestone("Organisational Culture", "Budget Holder Role Profile Approved");
    expect(budget.status).toBe("complete");
    expect(budget.target).toBeNull();
    // Line 12 continues the Complete: list begun on line 9.
    const scope = milestone("Organisational Culture", "Scope of Corporate Governance Training approved");
    expect(scope.status).toBe("complete");
    expect(scope.line).toBe(12);
    // "Complete:" is the last paragraph of line 35; its items are on line 38.
    const parenting = milestone("Strategic Direction", "Corporate Parenting Strategy Refresh Approved");
    expect(parenting.status).toBe("complete");
    expect(parenting.line).toBe(38);
    expect(milestone("Corporate Oversight", "Improvement Plan approved").status).toBe("complete");
    expect(milestone("Procurement & Commercial", "New SEND Transport contract in place").status).toBe("complete");
    // Not under Complete:, and its status words do not say complete.
    expect(milestone("Corporate Oversight", "All Directorate-level restructuring completed").status).toBe("in_progress");
  });

  it("joins milestone items cut across page breaks", () => {
    const partnerships = theme("Partnerships & Relationships");
    const rep = milestone(
      "Partnerships & Relationships",
      "Officer & Member representation agreed to key regional and sub-regional meetings and clear",
    );
    expect(rep.status).toBe("complete");
    expect(rep.line).toBe(73);
    expect(partnerships.actions.some((a) => /^regional meetings/.test(a.title))).toBe(false);

    // "Revised Financial Regulations agreed-" (line 46) + "On track for December" (line 49).
    const regs = milestone("Decision Making", "Revised Financial Regulations agreed");
    expect(regs.statusText).toBe("On track for December");
    expect(regs.status).toBe("in_progress");
    expect(regs.target?.from).toBe("2022-12-01");
    expect(regs.line).toBe(46);
    expect(theme("Decision Making").actions.some((a) => a.title.startsWith("On track"))).toBe(false);
  });

  it("reads other milestone statuses and targets", () => {
    expect(milestone("Corporate Oversight", "Oracle Fusion Implemented").status).toBe("in_progress");
    const locality = milestone("Strategic Direction", "Model for Locality Working Approved");
    expect(locality.status).toBe("on_hold");
    expect(locality.statusText).toBe("On hold and incorporation within Customer Journey Workstream.");

    const election = milestone("Decision Making", "Council Decision on options for alternative election cycle");
    expect(election.status).toBeNull();
    expect(election.statusText).toBe("Due Nov 2022");
    expect(election.target?.from).toBe("2022-11-01");
    expect(election.target?.to).toBe("2022-11-30");

    const fleet = milestone("Procurement & Commercial", "Fleet replacement complete");
    expect(fleet.status).toBeNull();
    expect(fleet.target?.text).toBe("Mid 2023");
    expect(fleet.target?.from?.startsWith("2023-")).toBe(true);

    const leisure = milestone("Procurement & Commercial", "Arrangement in place for future delivery of leisure services");
    expect(leisure.target?.from).toBe("2023-05-01");
    expect(leisure.target?.to).toBe("2023-05-31");

    // Yearless months take their year from the summary's date (October 2022).
    const send = milestone("Procurement & Commercial", "SEND Transport Contract Monitoring arrangements in place");
    expect(send.statusText).toBe("Due in January");
    expect(send.target?.from).toBe("2023-01-01");
    const mtfp = milestone("Strategic Direction", "Approval of Medium-Term Financial Plan and Capital Strategy");
    expect(mtfp.status).toBe("in_progress");
    expect(mtfp.rag).toBe("green");
    expect(mtfp.target?.from).toBe("2022-11-01");

    const sct = milestone("Partnerships & Relationships", "Review of SCT Contract concludes");
    expect(sct.statusText).toBe("due Autumn 2022 for commencement from April 2023.");
    expect(sct.target?.text).toMatch(/Autumn 2022/);
    expect(sct.target?.from?.startsWith("2022-")).toBe(true);

    const lion = milestone(
      "Procurement & Commercial",
      "Lion Farm report to Cabinet on determination of position of developer",
    );
    expect(lion.statusText).toBe("date tbc as part of the ED process");
    expect(lion.target).toBeNull();
  });

  it("numbers milestones T1.M1… by theme and leaves no dangling separators in titles", () => {
    for (const rec of plan.recommendations) {
      expect(rec.actions.map((a) => a.ref)).toEqual(rec.actions.map((_, i) => `T${plan.recommendations.indexOf(rec) + 1}.M${i + 1}`));
      for (const a of rec.actions) {
        expect(a.title).not.toMatch(/[-–:]\s*$/);
        expect(a.title).not.toMatch(/^[•a-z]/);
      }
    }
  });

  it("gives the expected milestone counts by status per theme", () => {
    expect(tally(theme("Organisational Culture"))).toEqual({ in_progress: 5, complete: 9 });
    expect(tally(theme("Corporate Oversight"))).toEqual({ in_progress: 2, complete: 4 });
    expect(tally(theme("Strategic Direction"))).toEqual({ in_progress: 7, on_hold: 1, complete: 5, null: 1 });
    expect(tally(theme("Decision Making"))).toEqual({ in_progress: 2, null: 3, complete: 7 });
    const procurement = theme("Procurement & Commercial");
    expect(procurement.actions).toHaveLength(15);
    expect(procurement.actions.filter((a) => a.status === "complete")).toHaveLength(10);
    expect(procurement.actions.filter((a) => a.status === "in_progress")).toHaveLength(1);
    expect(tally(theme("Partnerships & Relationships"))).toEqual({ null: 1, complete: 9 });
  });

  it("extracts the RAG counts each theme's summary states", () => {
    const counts = Object.fromEntries(plan.recommendations.map((r) => [r.theme, r.ragCounts]));
    expect(counts).toEqual({
      "Organisational Culture": { red: 0, amber: 7, green: 9, total: 16 },
      "Corporate Oversight": { red: 1, amber: 4, green: 6, total: 11 },
      "Strategic Direction": { red: 0, amber: 6, green: 7, total: 13 },
      "Decision Making": { red: 0, amber: 5, green: 2, total: 7 },
      // The green count sits on the row after the page break.
      "Procurement & Commercial": { red: 0, amber: 7, green: 4, total: 11 },
      // "Of the 4 actions with an amber risk rating" later on is a breakdown, not the count.
      "Partnerships & Relationships": { red: 0, amber: 5, green: 1, total: 6 },
    });
  });

  it("extracts the sub-action counts each theme's summary states", () => {
    expect(theme("Strategic Direction").subActions).toEqual({
      onTrack: 7,
      mediumSlippage: 4,
      significantSlippage: 2,
      completedThisMonth: 6,
      notYetDue: 1,
    });
    expect(theme("Decision Making").subActions).toEqual({
      onTrack: 4,
      mediumSlippage: 4,
      significantSlippage: 1,
      completedThisMonth: 1,
      notYetDue: 0,
    });
  });

  it("uses an explicit title option over the file's title line", () => {
    expect(parseThemeSummary(rows, { title: "Given" }).title).toBe("Given");
    expect(parseThemeSummary(rows.filter((r) => r.line !== 3)).title).toBeNull();
    expect(parseThemeSummary(rows.filter((r) => r.line !== 3), { title: "Given" }).title).toBe("Given");
  });
});

describe("themeRagCounts", () => {
  it("reads counts in words and digits and ignores breakdown headings", () => {
    expect(
      themeRagCounts(
        "Of the 11 main actions there are:\n• zero actions with a red risk rating,\n• 7 actions with an amber risk rating,\n• 4 actions with a green risk rating\nOf the 7 actions with an amber risk rating:",
      ),
    ).toEqual({ red: 0, amber: 7, green: 4, total: 11 });
    expect(themeRagCounts("Of the 4 main actions with an amber risk rating:\n• 2 live sub-actions are on track")).toEqual({
      red: null,
      amber: null,
      green: null,
      total: null,
    });
    expect(themeRagCounts("Of the 6 main action areas, there are: two actions with a red risk rating").red).toBe(2);
    expect(themeRagCounts("4 sub-actions have or will experience medium slippage")).toEqual({
      red: null,
      amber: null,
      green: null,
      total: null,
    });
  });
});

describe("themeSubActionCounts", () => {
  it("reads slippage, completions and not-yet-due counts", () => {
    expect(
      themeSubActionCounts(
        "• 3 live sub-actions to deliver the action are on track\n• 4 sub-actions have or will experience medium slippage or issues.\n• Two sub-actions have or will experience significant slippage\n• 6 sub actions have been closed this month\n• 1 sub-actions is not yet due to commence",
      ),
    ).toEqual({ onTrack: 3, mediumSlippage: 4, significantSlippage: 2, completedThisMonth: 6, notYetDue: 1 });
  });
});

describe("parseThemeSummary warnings", () => {
  it("warns about rows it cannot place instead of dropping them", () => {
    const result = parseThemeSummary([
      { line: 1, cells: ["## A Summary March 2023"] },
      { line: 2, cells: SEED_HEADER },
      { line: 3, cells: ["", "<p>Orphan summary text</p>", "", ""] },
      { line: 4, cells: ["Theme A", "<p><b>Summary Statement:</b> All good.</p>", "", "<ul><li>Thing done- <b>Complete</b></li></ul>"] },
      { line: 5, cells: ["A stray note between rows"] },
      { line: 6, cells: ["", "", "", "", "<p>extra column</p>"] },
    ]);
    expect(() => ParsedPlan.parse(result)).not.toThrow();
    expect(result.title).toBe("A Summary March 2023");
    expect(result.recommendations).toHaveLength(1);
    expect(result.recommendations[0]?.text).toBe("All good.");
    expect(result.recommendations[0]?.actions[0]?.status).toBe("complete");
    expect(result.recommendations[0]?.actions[0]?.title).toBe("Thing done");
    expect(result.warnings.map((w) => w.line)).toEqual([3, 5, 6]);
    expect(result.warnings[0]?.message).toContain("Orphan summary text");
    expect(result.warnings[1]?.message).toContain("A stray note between rows");
    expect(result.warnings[2]?.message).toContain("extra column");
  });
});
