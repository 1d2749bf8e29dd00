import { describe, expect, it } from "vitest";
import { matchHeaderRow, roleOfHeader } from "../src/import/match-columns.js";

describe("finding columns by their headers", () => {
  it.each([
    ["Select Committee Recommendation", "recommendation"],
    ["Governance Issue", "recommendation"],
    ["Proposed Actions", "action"],
    ["Activity", "action"],
    ["Lead Officer", "owner"],
    ["Responsible owner", "owner"],
    ["Accountable", "accountable"],
    ["Target Start", "target"],
    ["Timescales", "target"],
    ["Status", "status"],
    ["Status Update from 2022/23", "progress"],
    ["Progress to date", "progress"],
    ["Assessment of Impact / Outcomes Achieved", "impact"],
    ["KLOE Ref", "kloeRef"],
    ["Review Report", "body"],
    ["Incorporation within Improvement Plan / Other mechanisms for ensuring inclusion", "action"],
    ["RAG rating", "rag"],
    ["Favourite colour", null],
    ["Recommendation 1: improve governance", null],
  ])("%s → %s", (header, role) => {
    expect(roleOfHeader(header)).toBe(role);
  });

  it("reads a real header row, and takes a data row for data even when its cells start like headers", () => {
    expect(matchHeaderRow(["Item", "Recommendation", "Key Issues", "Activity", "Lead Officer", "Target Start", "Status"])).toEqual({
      recRef: 0, recommendation: 1, keyIssues: 2, action: 3, owner: 4, target: 5, status: 6,
    });
    expect(matchHeaderRow(["R1", "Theme 2", "Recommendation 1: improve", "Action 1.1: review", "Monitoring Officer", "31/03/2026", "Complete", "Update 0: work"])).toBeNull();
    expect(matchHeaderRow(["Name", "Colour"])).toBeNull();
  });
});
