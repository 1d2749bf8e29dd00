import { describe, expect, it } from "vitest";
import { combineStatuses, normaliseStatus, splitStatuses, worstRag } from "../src/domain/normalise-status.js";
import type { Rag, Status } from "../src/domain/vocabulary.js";

type Row = [text: string, status: Status | null, rag: Rag | null];

describe("normaliseStatus", () => {
  it.each<Row>([
    // Statuses seen in the seeds.
    ["Complete", "complete", null],
    ["Completed", "complete", null],
    ["COMPLETE", "complete", null],
    ["complete", "complete", null],
    ["Complete, and processes incorporated into a Handbook for use by all staff Category Managers in post", "complete", null],
    ["Complete, and 'Introduction to the Provision Cycle' sessions used to communicate roles & responsibilities.", "complete", null],
    // The leading words decide: commentary mentioning another status does not.
    ["Complete, and work on the handbook is in progress", "complete", null],
    ["In progress", "in_progress", null],
    ["In progress – framework approved; workshops planned with staff in March 2021 once Hub & HESC structures are filled.", "in_progress", null],
    ["In progress. Behaviours have been the focus of all interviews for the Hub & HESC posts.", "in_progress", null],
    ["In-progress", "in_progress", null],
    ["Delayed", "delayed", null],
    ["Delayed – awaiting restructure", "delayed", null],
    ["Ongoing", "ongoing", null],
    ["On going", "ongoing", null],
    ["On-going", "ongoing", null],
    ["BAU", "ongoing", null],
    ["On track", "in_progress", "green"],
    ["On track for Jan 2023", "in_progress", "green"],
    ["On hold", "on_hold", null],
    ["Commenced", "in_progress", null],
    ["Underway", "in_progress", null],
    ["not yet due", "not_started", null],
    ["Not yet due to commence", "not_started", null],
    ["Not started", "not_started", null],
    ["Not due to start", "not_started", null],
    ["Yet to start", "not_started", null],
    ["Blocked", "blocked", null],
    ["Cancelled", "cancelled", null],
    ["Canceled", "cancelled", null],
    ["Withdrawn", "cancelled", null],
    ["Superseded", "cancelled", null],
    ["Superseded by the new strategy", "cancelled", null],
    ["No longer required", "cancelled", null],
    ["medium slippage", "delayed", "amber"],
    ["Medium slippage or issues", "delayed", "amber"],
    ["significant slippage", "delayed", "red"],
    ["Behind schedule", "delayed", null],
    ["Overdue", "delayed", null],
    ["Partially complete", "in_progress", null],
    ["Partly implemented", "in_progress", null],
    ["Not yet complete", "in_progress", null],
    ["Implemented.", "complete", null],
    ["Implemented. The Scrutiny and Overview Committee receives and challenges the monthly reports", "complete", null],
    ["• Complete", "complete", null],
    ["Status: Delayed", "delayed", null],
    // A colour after the status.
    ["In progress (Amber)", "in_progress", "amber"],
    ["In progress (A)", "in_progress", "amber"],
    ["Complete - Green", "complete", "green"],
    ["Delayed (Red)", "delayed", "red"],
    // A colour before the status.
    ["Amber - in progress", "in_progress", "amber"],
    ["Red: significant slippage", "delayed", "red"],
    ["Green – all actions complete", null, "green"],
    // Plain RAG words.
    ["Red", null, "red"],
    ["Amber", null, "amber"],
    ["Green", null, "green"],
    ["green", null, "green"],
    ["R", null, "red"],
    ["A", null, "amber"],
    ["G", null, "green"],
    ["Amber/Green", null, "amber"],
    ["Green/Amber", null, "amber"],
    ["Red/Amber", null, "red"],
    ["R/A", null, "red"],
    ["A/G", null, "amber"],
    // Welsh.
    ["Wedi'i gwblhau", "complete", null],
    ["Wedi’i gwblhau", "complete", null],
    ["Wedi ei gwblhau", "complete", null],
    ["Cwblhawyd", "complete", null],
    ["Ar y gweill", "in_progress", null],
    ["Yn mynd rhagddo", "in_progress", null],
    ["Wedi oedi", "delayed", null],
    ["Ar y trywydd iawn", "in_progress", "green"],
    ["Parhaus", "ongoing", null],
    ["Heb ddechrau", "not_started", null],
    ["Gwyrdd", null, "green"],
    ["Coch", null, "red"],
    // Unknown commentary.
    ["All Hubs posts expected to be filled by March 2021", null, null],
    ["Protocol agreed by CEDR and regular briefing sessions in place", null, null],
    ["team meetings & 1:1s. Complete", null, null],
    ["A number of processes have been identified", null, null],
    ["Red flags remain around capacity", null, null],
    ["Completely revised guidance", null, null],
    ["N/A see R4", null, null],
    ["", null, null],
    ["   ", null, null],
  ])("%j → %s / %s", (text, status, rag) => {
    expect(normaliseStatus(text)).toEqual({ status, rag });
  });
});

describe("splitStatuses", () => {
  it.each<[text: string, parts: string[]]>([
    ["Complete Complete Complete", ["Complete", "Complete", "Complete"]],
    ["Complete In progress", ["Complete", "In progress"]],
    ["In progress Complete", ["In progress", "Complete"]],
    ["Not started Not started", ["Not started", "Not started"]],
    ["Complete; Delayed", ["Complete", "Delayed"]],
    ["Complete, In progress", ["Complete", "In progress"]],
    ["Complete\nIn progress – workshops planned", ["Complete", "In progress – workshops planned"]],
    ["Complete In progress – framework approved", ["Complete", "In progress – framework approved"]],
    ["Green Green Amber", ["Green", "Green", "Amber"]],
    ["Amber/Green Red", ["Amber/Green", "Red"]],
    // A single status with commentary stays one item.
    ["Complete", ["Complete"]],
    [
      "Complete, and processes incorporated into a Handbook for use by all staff Category Managers in post",
      ["Complete, and processes incorporated into a Handbook for use by all staff Category Managers in post"],
    ],
    [
      "In progress – framework approved; workshops planned with staff in March 2021 once Hub & HESC structures are filled. Management assessing any skill gaps in the interim.",
      [
        "In progress – framework approved; workshops planned with staff in March 2021 once Hub & HESC structures are filled. Management assessing any skill gaps in the interim.",
      ],
    ],
    [
      "In progress. Behaviours have been the focus of all interviews for the Hub & HESC posts. Behaviours are part of the Competency & Training Framework and will be addressed in",
      [
        "In progress. Behaviours have been the focus of all interviews for the Hub & HESC posts. Behaviours are part of the Competency & Training Framework and will be addressed in",
      ],
    ],
    ["In progress. Delayed by supplier issues.", ["In progress. Delayed by supplier issues."]],
    ["Recruitment delayed. Complete by March.", ["Recruitment delayed. Complete by March."]],
    ["All Hubs posts expected to be filled by March 2021", ["All Hubs posts expected to be filled by March 2021"]],
    // Commentary carried over from the row before, then this row's bare status.
    ["team meetings & 1:1s. Complete", ["team meetings & 1:1s.", "Complete"]],
    ["", []],
    ["  ", []],
  ])("%j → %j", (text, parts) => {
    expect(splitStatuses(text)).toEqual(parts);
  });

  it("splits the seed 000 multi-row cell into statuses that normalise", () => {
    const parts = splitStatuses("Complete Complete Complete").map(normaliseStatus);
    expect(parts).toEqual([
      { status: "complete", rag: null },
      { status: "complete", rag: null },
      { status: "complete", rag: null },
    ]);
  });
});

describe("combineStatuses", () => {
  it.each<[statuses: (Status | null)[], combined: Status | null]>([
    [[], null],
    [[null], null],
    [[null, null], null],
    [["complete"], "complete"],
    [["complete", "complete", "complete"], "complete"],
    [["complete", null, "complete"], "complete"],
    [["in_progress", "in_progress"], "in_progress"],
    [["complete", "in_progress"], "in_progress"],
    [["complete", "not_started"], "in_progress"],
    [["complete", "ongoing"], "in_progress"],
    [["complete", "on_hold"], "in_progress"],
    [["complete", "delayed"], "delayed"],
    [["in_progress", "delayed", "complete"], "delayed"],
    [["delayed", "blocked"], "blocked"],
    [["complete", "blocked", "in_progress"], "blocked"],
    [["complete", "cancelled"], "complete"],
    [["cancelled", "cancelled"], "cancelled"],
    [["in_progress", "cancelled", "complete"], "in_progress"],
    [["not_started", "on_hold"], "on_hold"],
    [["not_started", "in_progress"], "in_progress"],
    [[null, "delayed"], "delayed"],
  ])("%j → %s", (statuses, combined) => {
    expect(combineStatuses(statuses)).toBe(combined);
  });
});

describe("worstRag", () => {
  it.each<[rags: (Rag | null)[], worst: Rag | null]>([
    [[], null],
    [[null], null],
    [["green"], "green"],
    [["green", "amber"], "amber"],
    [["amber", "red", "green"], "red"],
    [[null, "green", null], "green"],
  ])("%j → %s", (rags, worst) => {
    expect(worstRag(rags)).toBe(worst);
  });
});
