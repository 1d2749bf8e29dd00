import { describe, expect, it } from "vitest";
import { HEADINGS } from "../src/import/heading-vocabulary.js";
import { matchHeaderRow, normaliseHeader, roleOfHeader, type ColumnRole } from "../src/import/match-columns.js";

// Headings as published plans and trackers write them, with the role each names.
const PUBLISHED: [string, ColumnRole | null][] = [
  // Owners.
  ["Assigned To", "owner"],
  ["ASSIGNED TO:", "owner"],
  ["By Whom", "owner"],
  ["By whom?", "owner"],
  ["Who", "owner"],
  ["Lead", "owner"],
  ["Lead(s)", "owner"],
  ["Leads", "owner"],
  ["Lead Officer(s)", "owner"],
  ["Responsible Officer", "owner"],
  ["Responsible Officers", "owner"],
  ["Action Owner", "owner"],
  ["Action owner(s)", "owner"],
  ["Owner", "owner"],
  ["Person responsible", "owner"],
  ["Officer responsible", "owner"],
  ["Responsibility", "owner"],
  ["Named lead", "owner"],
  ["Lead / Responsible Officer", "owner"],
  ["Owner/Lead", "owner"],
  ["Lead Service", "owner"],
  ["Service Lead", "owner"],
  ["Delivery Lead", "owner"],
  ["Lead Department", "owner"],
  ["Operational lead", "owner"],
  ["Lead Officer & Team", "owner"],
  ["Who is responsible?", "owner"],
  ["To be actioned by", "owner"],
  ["Action Lead (Name & Role)", "owner"],
  ["Clinical Lead", "owner"],
  // Accountable.
  ["Accountable Officer", "accountable"],
  ["Executive Lead", "accountable"],
  ["Exec Lead", "accountable"],
  ["Executive Sponsor", "accountable"],
  ["SRO", "accountable"],
  ["Senior Responsible Owner", "accountable"],
  ["Lead Director", "accountable"],
  ["Portfolio Holder", "accountable"],
  ["Cabinet Member", "accountable"],
  ["Accountable Director(s)", "accountable"],
  // Dates.
  ["Deadline", "target"],
  ["Deadlines", "target"],
  ["Due", "target"],
  ["Due Date", "target"],
  ["Due by", "target"],
  ["Date due", "target"],
  ["Completion date", "target"],
  ["Target Completion Date", "target"],
  ["By when", "target"],
  ["By When?", "target"],
  ["When", "target"],
  ["Timescale", "target"],
  ["Timescales", "target"],
  ["Timeframe", "target"],
  ["Target date (dd/mm/yyyy)", "target"],
  ["Revised Target Date", "target"],
  ["Revised deadline", "target"],
  ["Planned completion date", "target"],
  ["Expected completion", "target"],
  ["Implementation Date", "target"],
  ["Agreed implementation date", "target"],
  ["Date for completion", "target"],
  ["To be completed by", "target"],
  ["Target Quarter", "target"],
  ["Date", "target"],
  ["Original target date", "originalTarget"],
  ["Original Deadline", "originalTarget"],
  ["Original due date", "originalTarget"],
  ["Date raised", null],
  ["Date completed", null],
  ["Actual completion date", null],
  ["Last updated", null],
  // Refs.
  ["Ref", "recRef"],
  ["Ref.", "recRef"],
  ["Ref No", "recRef"],
  ["Reference Number", "recRef"],
  ["No.", "recRef"],
  ["#", null],
  ["ID", "recRef"],
  ["Rec No", "recRef"],
  ["Recommendation Number", "recRef"],
  ["Para", "recRef"],
  ["Paragraph ref", "recRef"],
  ["Finding ref", "recRef"],
  ["Item", "recRef"],
  ["Action Ref", "actionRef"],
  ["Action No.", "actionRef"],
  ["Task ref", "actionRef"],
  ["KLOE", "kloeRef"],
  ["Key Line of Enquiry", "kloeRef"],
  // Recommendations.
  ["Recommendation", "recommendation"],
  ["Recommendations", "recommendation"],
  ["Finding", "recommendation"],
  ["Findings", "recommendation"],
  ["Area for Improvement", "recommendation"],
  ["Areas for Improvement", "recommendation"],
  ["AFI", "recommendation"],
  ["Must do / Should do", "recommendation"],
  ["Requirement", "recommendation"],
  ["Issue", "recommendation"],
  ["Issue Identified", "recommendation"],
  ["Cause of Concern", "recommendation"],
  ["What we found", "recommendation"],
  ["You said", "recommendation"],
  ["HMICFRS Recommendation", "recommendation"],
  ["Audit Finding", "recommendation"],
  ["Lessons learned", "recommendation"],
  // Actions.
  ["Action", "action"],
  ["Actions", "action"],
  ["Actions to be taken", "action"],
  ["Action required", "action"],
  ["Agreed Action(s)", "action"],
  ["Management Action", "action"],
  ["What we will do", "action"],
  ["We will", "action"],
  ["Task", "action"],
  ["Tasks", "action"],
  ["Description", "action"],
  ["Milestones", "action"],
  ["Key actions", "action"],
  ["Corrective action", "action"],
  ["Planned actions", "action"],
  ["Actions & milestones", "action"],
  // Progress notes.
  ["Progress", "progress"],
  ["Progress Update", "progress"],
  ["Progress to date", "progress"],
  ["Update", "progress"],
  ["Latest Update", "progress"],
  ["Comments", "progress"],
  ["Commentary", "progress"],
  ["Current Position", "progress"],
  ["Position statement", "progress"],
  ["Narrative", "progress"],
  ["Actions taken to date", "progress"],
  ["Progress made", "progress"],
  ["What we have done", "progress"],
  ["We did", "progress"],
  ["Lead Officer Comments", "progress"],
  ["Q2 update", "progress"],
  ["Update (March 2024)", "progress"],
  ["Management Response", "progress"],
  // Statuses.
  ["Status", "status"],
  ["STATUS", "status"],
  ["Current Status", "status"],
  ["Action Status", "status"],
  ["Overall status", "status"],
  ["Implementation status", "status"],
  ["Completion status", "status"],
  ["Open/Closed", "status"],
  ["Complete (Y/N)", "status"],
  ["Status as at 31 March", "status"],
  // RAG.
  ["RAG", "rag"],
  ["R.A.G.", null],
  ["RAG Rating", "rag"],
  ["RAG status", "rag"],
  ["BRAG", "rag"],
  ["B/RAG", "rag"],
  ["BRAG rating", "rag"],
  ["Current RAG", "rag"],
  ["RAG (Red/Amber/Green)", "rag"],
  ["Traffic light", "rag"],
  ["Delivery confidence", "rag"],
  ["Risk rating", "rag"],
  // Evidence and outcomes.
  ["Evidence", "impact"],
  ["Evidence of completion", "impact"],
  ["Success measures", "impact"],
  ["Success Criteria", "impact"],
  ["How will we know?", "impact"],
  ["Outcome", "impact"],
  ["Expected outcomes", "impact"],
  ["KPIs", "impact"],
  ["Sources of assurance", "impact"],
  // Themes and sources.
  ["Theme", "theme"],
  ["Themes", "theme"],
  ["Workstream", "theme"],
  ["Work stream", "theme"],
  ["Domain", "theme"],
  ["CQC Domain", "theme"],
  ["Pillar", "theme"],
  ["Service Area", "theme"],
  ["Source", "body"],
  ["Source of recommendation", "body"],
  ["Raised by", "body"],
  ["Inspectorate", "body"],
  // Not columns Chaser uses.
  ["Favourite colour", null],
  ["Recommendation 1: improve governance", null],
  ["Action 2.1 review the framework", null],
];

describe("a heading as published plans write it", () => {
  it.each(PUBLISHED)("%s → %s", (heading, role) => {
    expect(roleOfHeader(heading)).toBe(role);
  });
});

describe("every heading in the vocabulary", () => {
  const entries = (Object.entries(HEADINGS) as [ColumnRole, string[]][]).flatMap(([role, names]) => names.map((name) => [name, role] as const));
  // A heading listed under two roles would be read as the first: each must be listed once.
  it("is listed under one role only", () => {
    const seen = new Map<string, ColumnRole>();
    const clashes: string[] = [];
    for (const [name, role] of entries) {
      const key = normaliseHeader(name);
      if (seen.has(key) && seen.get(key) !== role) clashes.push(`${name}: ${seen.get(key)} and ${role}`);
      seen.set(key, role);
    }
    expect(clashes).toEqual([]);
  });
  it.each(entries)("%s → %s, in capitals and plural too", (name, role) => {
    expect(roleOfHeader(name)).toBe(role);
    expect(roleOfHeader(name.toUpperCase())).toBe(role);
    expect(roleOfHeader(`${name}:`)).toBe(role);
  });
});

describe("header rows from other bodies' plans", () => {
  it.each([
    [["Ref", "Finding", "Agreed Action", "Assigned To", "Deadline", "RAG", "Progress Update"], { recRef: 0, recommendation: 1, action: 2, owner: 3, target: 4, rag: 5, progress: 6 }],
    [["No.", "Must do / Should do", "Actions to be taken", "By Whom", "By When", "Status", "Evidence"], { recRef: 0, recommendation: 1, action: 2, owner: 3, target: 4, status: 5, impact: 6 }],
    [["AFI Ref", "Area for Improvement", "Action", "Lead", "Exec Lead", "Due", "BRAG"], { recRef: 0, recommendation: 1, action: 2, owner: 3, accountable: 4, target: 5, rag: 6 }],
    [["Recommendation", "What we will do", "Responsible Officer", "Completion date", "Current position", "Status (RAG)"], { recommendation: 0, action: 1, owner: 2, target: 3, progress: 4, status: 5 }],
  ])("%j", (cells, map) => {
    expect(matchHeaderRow(cells)).toEqual(map);
  });

  it("takes a data row for data, however many of its words are also headings", () => {
    expect(matchHeaderRow(["1", "Review the framework", "Lead Officer", "31/03/2025", "Complete"])).toBeNull();
    expect(matchHeaderRow(["R 6", "Action", "Owner", "The council will review its procurement framework and report back to the committee in the spring"])).toBeNull();
  });
});
