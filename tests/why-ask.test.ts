import { describe, expect, it } from "vitest";
import { whyAsk, type ActionState } from "../src/domain/why-ask.js";

const NOW = new Date("2026-11-23T09:30:00Z");
const TODAY = "2026-11-23";
const base: ActionState = {
  status: "in_progress",
  targetTo: "2027-06-30",
  originalTargetTo: "2027-06-30",
  snoozedUntil: null,
  lastUpdateAt: new Date("2026-11-20T10:00:00Z"),
  createdAt: new Date("2026-01-01T10:00:00Z"),
};

describe("why an action needs an answer", () => {
  it.each<[string, Partial<ActionState>, ReturnType<typeof whyAsk>]>([
    ["nothing due, recently updated", {}, null],
    ["target passed", { targetTo: "2026-11-11" }, { kind: "overdue", days: 12 }],
    ["target was yesterday", { targetTo: "2026-11-22" }, { kind: "overdue", days: 1 }],
    ["target is today: due, not late", { targetTo: "2026-11-23" }, { kind: "due_soon", days: 0 }],
    ["due in 5 days", { targetTo: "2026-11-28" }, { kind: "due_soon", days: 5 }],
    ["due in exactly 14 days", { targetTo: "2026-12-07" }, { kind: "due_soon", days: 14 }],
    ["due in 15 days", { targetTo: "2026-12-08" }, null],
    ["delayed", { status: "delayed" }, { kind: "slipping" }],
    ["target moved later", { targetTo: "2027-09-30" }, { kind: "slipping" }],
    ["no update for 28 days", { lastUpdateAt: new Date("2026-10-26T09:00:00Z") }, { kind: "silent", days: 28 }],
    ["no update for 27 days", { lastUpdateAt: new Date("2026-10-27T10:00:00Z") }, null],
    ["never updated since import", { lastUpdateAt: null, createdAt: new Date("2026-09-01T00:00:00Z") }, { kind: "silent", days: 83 }],
    ["complete, however late", { status: "complete", targetTo: "2026-01-01" }, null],
    ["cancelled", { status: "cancelled", targetTo: "2026-01-01" }, null],
    ["awaiting verification (checked changes), however late", { status: "awaiting_verification", targetTo: "2026-01-01" }, null],
    ["snoozed until tomorrow", { targetTo: "2026-11-01", snoozedUntil: "2026-11-24" }, null],
    ["snooze ended yesterday", { targetTo: "2026-11-01", snoozedUntil: "2026-11-22" }, { kind: "overdue", days: 22 }],
    ["ongoing past its date is not late", { status: "ongoing", targetTo: "2026-01-01" }, null],
    ["ongoing and silent", { status: "ongoing", lastUpdateAt: new Date("2026-09-01T00:00:00Z") }, { kind: "silent", days: 83 }],
    ["unknown status, overdue", { status: null, targetTo: "2026-11-20" }, { kind: "overdue", days: 3 }],
    ["overdue beats slipping", { status: "delayed", targetTo: "2026-11-20" }, { kind: "overdue", days: 3 }],
  ])("%s", (_, change, expected) => {
    expect(whyAsk({ ...base, ...change }, TODAY, NOW)).toEqual(expected);
  });
});
