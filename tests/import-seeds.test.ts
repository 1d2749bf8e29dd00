import { beforeAll, describe, expect, it } from "vitest";
import { parseSeed } from "./helpers/seeds.js";
import type { ParsedAction, ParsedPlan, ParsedRecommendation } from "../src/import/parsed-plan.js";

function rec(plan: ParsedPlan, ref: string): ParsedRecommendation {
  const found = plan.recommendations.find((r) => r.ref === ref);
  if (!found) throw new Error(`no recommendation ${ref}`);
  return found;
}

function action(plan: ParsedPlan, ref: string): ParsedAction {
  const found = plan.recommendations.flatMap((r) => r.actions).find((a) => a.ref === ref);
  if (!found) throw new Error(`no action ${ref}`);
  return found;
}

const actionsOf = (plan: ParsedPlan) => plan.recommendations.flatMap((r) => r.actions);

describe("seed 000: procurement review management response", () => {
  let plan: ParsedPlan;
  beforeAll(async () => (plan = await parseSeed("procurement")));

  it("finds all seven items once, despite the header repeated at every page break", () => {
    expect(plan.recommendations.map((r) => r.ref)).toEqual(["1", "2", "3", "4", "5", "6", "7"]);
    expect(plan.warnings).toEqual([]);
    expect(rec(plan, "7").text).toBe(
      "Relevant external procurement expertise should be sought to ensure the procurement capacity in the organisation is effective and compliant.",
    );
  });

  it("makes sub-activities on rows with an empty item their own actions, refs 2.1…2.7", () => {
    expect(rec(plan, "2").actions.map((a) => a.ref)).toEqual(["2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7"]);
    expect(rec(plan, "3").actions).toHaveLength(4);
    expect(rec(plan, "4").actions).toHaveLength(2);
    expect(rec(plan, "7").actions).toHaveLength(3);
    expect(action(plan, "2.3").title).toBe(
      "Purchase of eEvaluation software enforces a single auditable approach to evaluation, complete with version control",
    );
  });

  it("returns sentences cut by a page break to the activity they belong to", () => {
    expect(action(plan, "2.1").detail).toMatch(/include an Introduction to Procurement and Evaluation training\.$/);
    expect(action(plan, "2.2").detail).toBe(
      "Retention of records - tender record keeping was inconsistent. Guidance has been changed to remove element of destroying provisional scoring.",
    );
    expect(action(plan, "2.6").detail).toMatch(/remaining unfilled roles continues\.$/);
    expect(action(plan, "3.3").statusText).toMatch(/will be addressed in team meetings & 1:1s\.$/);
    expect(action(plan, "3.4").statusText).toBe("Complete");
    expect(rec(plan, "4").detail).toContain("A £1m virement has to be approved by Full Council but a £1m settlement can be agreed by a single officer");
  });

  it("reads several dates and statuses in one cell as one action", () => {
    const a = action(plan, "2.1");
    expect(a.target).toEqual({ text: "31/12/20 31/12/20 31/12/20", from: "2020-12-31", to: "2020-12-31", ongoing: false });
    expect(a.statusText).toBe("Complete Complete Complete");
    expect(a.status).toBe("complete");
  });

  it("reads d/mm/yy targets day first, and Ongoing as ongoing with no date", () => {
    expect(action(plan, "1").target).toEqual({ text: "21/10/20", from: "2020-10-21", to: "2020-10-21", ongoing: false });
    expect(action(plan, "3.1").target?.from).toBe("2021-01-04");
    expect(action(plan, "7.3").target?.from).toBe("2021-04-01");
    expect(action(plan, "6").target).toEqual({ text: "Ongoing", from: null, to: null, ongoing: true });
  });

  it("normalises statuses and keeps the words as written", () => {
    expect(actionsOf(plan).map((a) => a.status)).toEqual([
      "complete",
      "complete", "complete", "complete", "complete", "complete", "in_progress", "in_progress",
      "complete", "complete", "in_progress", "complete",
      "in_progress", "in_progress",
      null,
      null,
      null, "complete", "delayed",
    ]);
    expect(action(plan, "2.7").statusText).toMatch(/^In progress – framework approved; workshops planned/);
    expect(action(plan, "5").statusText).toBe("Protocol agreed by CEDR and regular briefing sessions in place");
  });

  it("resolves owners: acronyms, roles run together, the item's lead for its sub-activities", () => {
    expect(plan.roles).toEqual([{ name: "CDAI", aliases: ["Corporate Director, Commercial Development, Asset and Investment"] }]);
    expect(action(plan, "1").owners).toEqual(["CDAI"]);
    expect(action(plan, "2.5").owners).toEqual(["CDAI"]);
    expect(action(plan, "4.1").owners).toEqual(["Monitoring Officer"]);
    expect(action(plan, "4.2").owners).toEqual(["CEDR", "Monitoring Officer"]);
    expect(action(plan, "6").owners).toEqual(["CEDR"]);
  });
});

describe("seed 001: annual governance statement action plan", () => {
  let plan: ParsedPlan;
  beforeAll(async () => (plan = await parseSeed("governance")));

  it("finds all eleven governance issues, skipping the --- separator", () => {
    expect(plan.title).toBe("Appendix 1 - AGS 2022-23 Action Plan Progress Update");
    expect(plan.recommendations.map((r) => r.ref)).toEqual(["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"]);
    expect(rec(plan, "1").text).toBe("Financial management");
    expect(rec(plan, "5").text).toBe("Review and improve arrangements for health and safety");
    expect(plan.warnings).toEqual([]);
  });

  it("strips HTML from cells and keeps the progress and impact commentary", () => {
    const five = rec(plan, "5").actions[0]!;
    expect(five.title).toBe("Review of effectiveness of health and safety arrangements");
    expect(five.progress).toMatch(/^Corporate Health & Safety Board continues to meet every 6-8 weeks\./);
    expect(five.progress).not.toMatch(/<p>|<\/p>/);
    expect(rec(plan, "1").actions[0]!.progress).toContain('"Finalise the root and branch review of financial management');
    expect(rec(plan, "1").actions[0]!.impact).toBeTruthy();
  });

  it("keeps the accountable role apart from the named responsible person", () => {
    expect(rec(plan, "1").actions[0]!.owners).toEqual(["Allister Bannin"]);
    expect(rec(plan, "1").actions[0]!.accountable).toEqual(["Corporate Director of Finance Resources"]);
    expect(rec(plan, "6").actions[0]!.owners).toEqual(["Corporate Directors", "Stephen Lawrence-Orumwense"]);
    expect(rec(plan, "6").actions[0]!.accountable).toEqual(["Corporate Directors", "Monitoring Officer"]);
    expect(rec(plan, "11").actions[0]!.accountable).toEqual(["Chief Executive", "Corporate Directors"]);
    expect(plan.roles).toContainEqual({ name: "Allister Bannin", aliases: ["Director of Finance (Deputy S151 Officer)"] });
  });

  it("has no target or status column, so invents none", () => {
    for (const a of actionsOf(plan)) {
      expect(a.target).toBeNull();
      expect(a.status).toBeNull();
    }
  });
});

describe("seed 002: responses to external auditor and LGA recommendations", () => {
  let plan: ParsedPlan;
  beforeAll(async () => (plan = await parseSeed("auditor")));

  it("finds every recommendation with its ref as written", () => {
    expect(plan.recommendations).toHaveLength(43);
    const refs = plan.recommendations.map((r) => r.ref);
    expect(refs.slice(0, 6)).toEqual(["K1", "K2", "K3", "K4", "KLOE A1-1", "KLOE A1-2"]);
    expect(refs.filter((r) => r === "KLOE 8")).toHaveLength(4);
    expect(refs.filter((r) => r === null)).toHaveLength(10);
  });

  it("records who made each recommendation and its strand as the theme", () => {
    expect(rec(plan, "K1").body).toBe("Grant Thornton");
    expect(rec(plan, "KLOE A7-9").theme).toBe("Waste");
    expect(rec(plan, "KLOE A7-10").theme).toBe("Waste");
    const lga = plan.recommendations.filter((r) => r.body === "LGA");
    expect(lga).toHaveLength(10);
    expect(lga[0]!.theme).toBe("Corporate Oversight / Strategic Director");
  });

  it("repairs rows where the empty Ref cell was dropped and the text shifted left", () => {
    const shifted = plan.recommendations.find((r) => r.text.startsWith("The customer journey, Equalities Diversity and inclusion"))!;
    expect(shifted.ref).toBeNull();
    expect(shifted.theme).toBe("Customer Journey/ Organisational Culture");
    expect(shifted.actions[0]!.title).toBe("Update to milestones for Customer Journey, EDI, and Organisational Culture");
  });

  it("picks out cross-references to improvement-plan actions", () => {
    expect(rec(plan, "K2").actions[0]!.crossRefs).toEqual(["CO.13"]);
    expect(rec(plan, "KLOE A1-4").actions[0]!.crossRefs).toContain("CO.C1.7");
    expect(rec(plan, "KLOE A2-6").actions[0]!.crossRefs).toContain("PC1.6");
  });

  it("reads a bare 'Complete' response as a status, and warns about each stray note line", () => {
    expect(rec(plan, "KLOE A7-9").actions[0]!.status).toBe("complete");
    expect(plan.warnings.map((w) => w.line)).toEqual([35, 37, 39, 59, 61]);
    expect(plan.warnings[0]!.message).toContain("Ask for contract ref from Ben");
  });
});

describe("seed 003: theme progress summary", () => {
  let plan: ParsedPlan;
  beforeAll(async () => (plan = await parseSeed("themes")));

  it("imports themes and their milestones rather than refusing", () => {
    expect(plan.kind).toBe("theme-summary");
    expect(plan.title).toBe("Improvement Plan Theme Progress Summary October 2022");
    expect(plan.recommendations.map((r) => r.theme)).toEqual([
      "Organisational Culture",
      "Corporate Oversight",
      "Strategic Direction",
      "Decision Making",
      "Procurement & Commercial",
      "Partnerships & Relationships",
    ]);
    const ceo = actionsOf(plan).find((a) => a.title === "Appointment of Permanent Chief Executive")!;
    expect(ceo.status).toBe("in_progress");
    expect(ceo.target).toMatchObject({ from: "2023-11-01", to: "2023-11-30" });
    expect(new Set(actionsOf(plan).map((a) => a.ref)).size).toBe(actionsOf(plan).length);
  });
});

describe("seed 004: select committee recommendations and updated action plan", () => {
  let plan: ParsedPlan;
  beforeAll(async () => (plan = await parseSeed("committee")));

  it("finds R1 to R27 with refs as written", () => {
    const refs = plan.recommendations.map((r) => r.ref);
    expect(refs).toHaveLength(27);
    expect(refs.slice(0, 6)).toEqual(["R1", "R 2", "R3", "R4", "R 5", "R 6"]);
    expect(refs.at(-1)).toBe("R 27");
    expect(plan.warnings).toEqual([{ line: 219, message: 'Joined "Performance and", split across two cells by the text extraction.' }]);
  });

  it("joins an owner cut by the text extraction instead of keeping \"Performance a\" as an owner", async () => {
    const plan = await parseSeed("committee");
    const r25 = plan.recommendations.find((r) => r.ref === "R 25")!.actions[0]!;
    expect(r25.owners).toEqual(["Commissioning", "Performance", "Risk"]);
    expect(plan.recommendations.flatMap((r) => r.actions.flatMap((a) => a.owners)).filter((o) => / [a-z]{1,2}$/.test(o))).toEqual([]);
  });

  it("reassembles text that flows over many rows, column by column", () => {
    expect(rec(plan, "R 6").text).toBe(
      "Invest time defining the desired outcomes and measures (quantitative and qualitative), ensuring these are user and communities focused and evaluate impacts (not outputs), using Co-production of outcomes and measures where appropriate.",
    );
    expect(rec(plan, "R 15").text).toMatch(/^Simplify and standardise procurement processes further to remove or minimise procurement process barriers by: - introducing reduced and less onerous requirements/);
    expect(rec(plan, "R 15").text).toMatch(/- giving earlier notice of intention to put contract out to tender and more time for the completion and submission of tenders\.$/);
    expect(rec(plan, "R 6").actions[0]!.progress).toMatch(/^The outcomes defined in KCC's new Strategic Statement were informed by both public and staff consultation/);
  });

  it("gives a sentence pushed onto the next recommendation's row back to the one it belongs to", () => {
    expect(rec(plan, "R3").actions[0]!.title).toMatch(/^The analysis of roles and responsibilities within the report is welcomed/);
    expect(rec(plan, "R 2").actions[0]!.detail).toMatch(/about what good commissioning will look like for KCC\.$/);
  });

  it("names themes from section-heading rows, OCR cuts joined", () => {
    expect(rec(plan, "R1").theme).toBe("Commissioning Landscap");
    expect(rec(plan, "R 8").theme).toBe("Engagement and Communication");
    expect(rec(plan, "R14").theme).toBe("Procurement process");
    expect(rec(plan, "R 17").theme).toBe("Procurement process");
    expect(rec(plan, "R 18").theme).toBe("Support to develop the market and build capacity");
    expect(rec(plan, "R 27").theme).toBe("Social Value");
  });

  it("reads fuzzy timescales as ranges", () => {
    expect(action(plan, "R1").target).toEqual({ text: "Early 2015", from: "2015-01-01", to: "2015-04-30", ongoing: false });
    expect(action(plan, "R 9").target).toEqual({ text: "Autumn 2014", from: "2014-09-01", to: "2014-11-30", ongoing: false });
    expect(action(plan, "R 7").target).toEqual({ text: "April 2015 and ongoing", from: "2015-04-01", to: "2015-04-30", ongoing: true });
    expect(action(plan, "R 6").target).toEqual({ text: "On going", from: null, to: null, ongoing: true });
    expect(action(plan, "R 18").target).toEqual({ text: "Winter 2014", from: "2014-12-01", to: "2015-02-28", ongoing: false });
    expect(action(plan, "R 8").target).toBeNull();
  });

  it("splits owners run together or listed in one cell", () => {
    expect(action(plan, "R1").owners).toEqual(["Transformation Team", "Procurement", "Commissioning"]);
    expect(action(plan, "R 7").owners).toEqual(["Policy", "Commissioning"]);
    expect(action(plan, "R 11").owners).toEqual(["Commissioning", "Procurement"]);
    expect(action(plan, "R 2").owners).toEqual(["Policy", "Commissioning", "Procurement"]);
    expect(action(plan, "R 15").owners).toEqual(["Procurement", "Transformation Team"]);
    expect(action(plan, "R 18").owners).toEqual(["Policy", "Commissioning"]);
  });

  it("treats blank statuses as unknown and Completed as complete", () => {
    expect(action(plan, "R 5").status).toBeNull();
    expect(action(plan, "R 27").status).toBeNull();
    expect(actionsOf(plan).filter((a) => a.status === "complete")).toHaveLength(25);
  });
});
