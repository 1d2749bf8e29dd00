import { describe, expect, it } from "vitest";
import { buildOwnerLexicon, splitOwners } from "../src/domain/split-owners.js";
import type { ParsedRole } from "../src/import/parsed-plan.js";

type Row = [cell: string, owners: string[], roles: ParsedRole[]];

describe("splitOwners without a lexicon", () => {
  it.each<Row>([
    // Seed 000: lead officers.
    ["CDAI", ["CDAI"], []],
    ["CEDR", ["CEDR"], []],
    ["CEDR Monitoring Officer", ["CEDR", "Monitoring Officer"], []],
    ["Monitoring Officer Monitoring Officer", ["Monitoring Officer"], []],
    ["CDAI CDAI", ["CDAI"], []],
    [
      "Corporate Director, Commercial Development, Asset and Investment CDAI",
      ["CDAI"],
      [{ name: "CDAI", aliases: ["Corporate Director, Commercial Development, Asset and Investment"] }],
    ],
    // Seed 001: accountable roles and responsible people.
    ["Corporate Directors & Monitoring Officer", ["Corporate Directors", "Monitoring Officer"], []],
    ["Chief Executive and Corporate Directors", ["Chief Executive", "Corporate Directors"], []],
    ["Corporate Directors & Stephen Lawrence-Orumwense", ["Corporate Directors", "Stephen Lawrence-Orumwense"], []],
    ["Corporate Director of Finance Resources", ["Corporate Director of Finance Resources"], []],
    ["Corporate Director of Resources", ["Corporate Director of Resources"], []],
    ["Corporate Director of Housing", ["Corporate Director of Housing"], []],
    ["Corporate Director of SCRER", ["Corporate Director of SCRER"], []],
    ["Corporate Directors", ["Corporate Directors"], []],
    ["Assistant Chief Executive", ["Assistant Chief Executive"], []],
    ["Susmita Sen", ["Susmita Sen"], []],
    ["Huw Rhys-Lewis", ["Huw Rhys-Lewis"], []],
    [
      "Allister Bannin, Director of Finance (Deputy S151 Officer)",
      ["Allister Bannin"],
      [{ name: "Allister Bannin", aliases: ["Director of Finance (Deputy S151 Officer)"] }],
    ],
    // Plain cells.
    ["Head of Procurement", ["Head of Procurement"], []],
    ["Procurement", ["Procurement"], []],
    ["• Procurement", ["Procurement"], []],
    ["", [], []],
    ["   ", [], []],
    ["•", [], []],
    // Separators.
    ["Monitoring Officer\nChief Executive", ["Monitoring Officer", "Chief Executive"], []],
    ["Monitoring Officer; Chief Executive", ["Monitoring Officer", "Chief Executive"], []],
    ["Head of Finance / S151 Officer", ["Head of Finance", "S151 Officer"], []],
    ["Policy/Commissioning", ["Policy", "Commissioning"], []],
    ["CEDR & ELT", ["CEDR", "ELT"], []],
    ["Policy with Commissioning and Procurement", ["Policy", "Commissioning", "Procurement"], []],
    ["• Policy • Commissioning", ["Policy", "Commissioning"], []],
    ["Director of Finance and Stephen Smith", ["Director of Finance", "Stephen Smith"], []],
    ["Head of Finance and Monitoring Officer", ["Head of Finance", "Monitoring Officer"], []],
    // Titles kept whole: "of", title lists, modifiers, run-on generic nouns.
    ["Director of Children, Families and Education", ["Director of Children, Families and Education"], []],
    ["Head of Policy and Procurement", ["Head of Policy and Procurement"], []],
    ["Deputy Monitoring Officer", ["Deputy Monitoring Officer"], []],
    ["Chief Executive Officer", ["Chief Executive Officer"], []],
    ["HR Manager", ["HR Manager"], []],
    ["Head of Finance (Procurement & Commissioning)", ["Head of Finance (Procurement & Commissioning)"], []],
    ["McDonald", ["McDonald"], []],
    // Camel-case joins split even without a lexicon; the words stay one unit.
    ["PolicyCommissioning", ["Policy Commissioning"], []],
    // Acronym definitions.
    ["Head of Legal Services (HLS)", ["HLS"], [{ name: "HLS", aliases: ["Head of Legal Services"] }]],
    [
      "Monitoring Officer and Head of Legal Services HLS",
      ["Monitoring Officer", "HLS"],
      [{ name: "HLS", aliases: ["Head of Legal Services"] }],
    ],
    [
      "Corporate Director, Commercial Development, Asset and Investment CDAI Monitoring Officer",
      ["CDAI", "Monitoring Officer"],
      [{ name: "CDAI", aliases: ["Corporate Director, Commercial Development, Asset and Investment"] }],
    ],
  ])("%j → %j", (cell, owners, roles) => {
    expect(splitOwners(cell)).toEqual({ owners, roles });
  });
});

// Seed 004's "Responsible owner" cells, as the importer gives them.
const SEED_004_CELLS = [
  "Transformation Team Procurement Commissioning",
  "Policy with Commissioning and Procurement",
  "Policy Commissioning Transformation Team Procurement",
  "Commissioning Procurement",
  "Commissioning Policy",
  "PolicyCommissioning",
  "Commissioning",
  "• Commissioning",
  "CommissioningProcurement",
  "Transformation Team Procurement",
  "• Procurement",
  "Procurement Commissioning",
  "Procurement Transformation Team",
  "Policy",
  "Policy Commissioning J",
];

describe("buildOwnerLexicon", () => {
  it("collects the units seed 004 names on their own", () => {
    expect([...buildOwnerLexicon(SEED_004_CELLS)].sort()).toEqual(["Commissioning", "Policy", "Procurement"]);
  });

  it.each<[cells: string[], lexicon: string[]]>([
    [[], []],
    [["", "  "], []],
    [
      [
        "Corporate Director, Commercial Development, Asset and Investment CDAI",
        "CDAI",
        "Monitoring Officer Monitoring Officer",
        "CEDR Monitoring Officer",
        "CEDR",
      ],
      ["CDAI", "CEDR", "Monitoring Officer"],
    ],
    // A single generic noun, a stray letter or prose is no unit.
    [["Team", "J", "workshop for all", "Procurement"], ["Procurement"]],
    // A title that merely contains a unit after "of" is a unit of its own.
    [["Procurement", "Head of Procurement"], ["Head of Procurement", "Procurement"]],
    // "Commissioning Team" is not Commissioning plus Team.
    [["Commissioning", "Commissioning Team"], ["Commissioning", "Commissioning Team"]],
  ])("%j → %j", (cells, lexicon) => {
    expect([...buildOwnerLexicon(cells)].sort()).toEqual(lexicon);
  });
});

describe("splitOwners with seed 004's lexicon", () => {
  const lexicon = buildOwnerLexicon(SEED_004_CELLS);

  it.each<[cell: string, owners: string[]]>([
    ["Transformation Team Procurement Commissioning", ["Transformation Team", "Procurement", "Commissioning"]],
    ["Policy with Commissioning and Procurement", ["Policy", "Commissioning", "Procurement"]],
    ["Policy Commissioning Transformation Team Procurement", ["Policy", "Commissioning", "Transformation Team", "Procurement"]],
    ["Commissioning Procurement", ["Commissioning", "Procurement"]],
    ["Commissioning Policy", ["Commissioning", "Policy"]],
    ["PolicyCommissioning", ["Policy", "Commissioning"]],
    ["PolicyProcurement", ["Policy", "Procurement"]],
    ["Commissioning", ["Commissioning"]],
    ["• Commissioning", ["Commissioning"]],
    ["CommissioningProcurement", ["Commissioning", "Procurement"]],
    ["Transformation Team Procurement", ["Transformation Team", "Procurement"]],
    [" Transformation Team Procurement ", ["Transformation Team", "Procurement"]],
    ["• Procurement", ["Procurement"]],
    ["Procurement Commissioning", ["Procurement", "Commissioning"]],
    ["Procurement Transformation Team", ["Procurement", "Transformation Team"]],
    ["Policy", ["Policy"]],
    ["Policy Commissioning J", ["Policy", "Commissioning"]],
    ["Commissioning Commissioning", ["Commissioning"]],
    // Words after "of" stay in the title; a unit followed by a generic noun stays one.
    ["Head of Procurement", ["Head of Procurement"]],
    ["Commissioning Team", ["Commissioning Team"]],
    // A lexicon unit after "and" is its own owner even after an "of" title.
    ["Head of Policy and Procurement", ["Head of Policy", "Procurement"]],
  ])("%j → %j", (cell, owners) => {
    expect(splitOwners(cell, lexicon)).toEqual({ owners, roles: [] });
  });
});

describe("splitOwners with seed 000's lexicon", () => {
  const cells = [
    "Corporate Director, Commercial Development, Asset and Investment CDAI",
    "CDAI",
    "Monitoring Officer Monitoring Officer",
    "CEDR Monitoring Officer",
    "CEDR",
  ];
  const lexicon = buildOwnerLexicon(cells);

  it.each<Row>([
    ["CDAI", ["CDAI"], []],
    ["CEDR Monitoring Officer", ["CEDR", "Monitoring Officer"], []],
    ["Monitoring Officer Monitoring Officer", ["Monitoring Officer"], []],
    ["CDAI CEDR", ["CDAI", "CEDR"], []],
    [
      "Corporate Director, Commercial Development, Asset and Investment CDAI",
      ["CDAI"],
      [{ name: "CDAI", aliases: ["Corporate Director, Commercial Development, Asset and Investment"] }],
    ],
  ])("%j → %j", (cell, owners, roles) => {
    expect(splitOwners(cell, lexicon)).toEqual({ owners, roles });
  });
});
