import { describe, expect, it } from "vitest";
import { mainActionRag, ragTrend, slippage, subActionRag, type RuleAction, type RuleContext } from "../src/digest/rag-rule.js";

const NOW = new Date("2026-11-23T08:30:00Z");
const CTX: RuleContext = { today: "2026-11-23", now: NOW, dueSoonDays: 14, quietDays: 7, mediumDays: 1, significantDays: 28 };
const RECENT = new Date("2026-11-20T10:00:00Z");
const QUIET = new Date("2026-11-01T10:00:00Z");
const a = (fields: Partial<RuleAction>): RuleAction => ({ status: "in_progress", rag: null, targetTo: "2027-06-30", originalTargetTo: "2027-06-30", lastHeard: RECENT, ...fields });

describe("the RAG rule (sub-actions)", () => {
  it.each([
    ["complete, even overdue", a({ status: "complete", targetTo: "2026-01-01" }), "complete", false],
    ["cancelled", a({ status: "cancelled" }), "complete", false],
    ["a RAG given is kept", a({ rag: "green", targetTo: "2026-01-01" }), "green", false],
    ["blocked", a({ status: "blocked" }), "red", true],
    ["overdue", a({ targetTo: "2026-11-22" }), "red", true],
    ["due today is not overdue", a({ targetTo: "2026-11-23" }), "green", true],
    ["ongoing past its date is not overdue", a({ status: "ongoing", targetTo: "2026-01-01" }), "green", true],
    ["delayed", a({ status: "delayed" }), "amber", true],
    ["target moved later", a({ targetTo: "2027-09-30", originalTargetTo: "2027-06-30" }), "amber", true],
    ["due soon, no update for a week", a({ targetTo: "2026-12-01", lastHeard: QUIET }), "amber", true],
    ["due soon, updated this week", a({ targetTo: "2026-12-01" }), "green", true],
    ["due after the window, quiet", a({ targetTo: "2026-12-08", lastHeard: QUIET }), "green", true],
    ["due on the window's last day, quiet", a({ targetTo: "2026-12-07", lastHeard: QUIET }), "amber", true],
    ["nothing wrong", a({}), "green", true],
    ["no status, no target", a({ status: null, targetTo: null, originalTargetTo: null }), "green", true],
  ] as const)("%s → %s", (_name, action, rag, derived) => {
    expect(subActionRag(action, CTX)).toMatchObject({ rag, derived });
  });

  it("the same action changes RAG as `now` moves on", () => {
    const action = a({ targetTo: "2026-12-01", lastHeard: RECENT });
    expect(subActionRag(action, CTX).rag).toBe("green");
    expect(subActionRag(action, { ...CTX, now: new Date("2026-11-28T08:30:00Z"), today: "2026-11-28" }).rag).toBe("amber");
    expect(subActionRag(action, { ...CTX, now: new Date("2026-12-02T08:30:00Z"), today: "2026-12-02" }).rag).toBe("red");
  });
});

describe("a main action follows its sub-actions", () => {
  it.each([
    [[], null],
    [["complete", "complete"], "complete"],
    [["complete", "green"], "green"],
    [["green", "amber", "complete"], "amber"],
    [["amber", "red", "green"], "red"],
  ] as const)("%j → %s", (subs, rag) => {
    expect(mainActionRag([...subs])).toBe(rag);
  });
});

describe("slippage levels", () => {
  it.each([
    ["closed", a({ status: "complete", targetTo: "2026-01-01" }), null],
    ["on track", a({}), { level: "on_track", days: 0 }],
    ["1 day late", a({ targetTo: "2026-11-22" }), { level: "medium", days: 1 }],
    ["27 days late", a({ targetTo: "2026-10-27" }), { level: "medium", days: 27 }],
    ["28 days late", a({ targetTo: "2026-10-26" }), { level: "significant", days: 28 }],
    ["moved 3 months, not yet due", a({ targetTo: "2027-09-30", originalTargetTo: "2027-06-30" }), { level: "significant", days: 92 }],
    ["moved 10 days", a({ targetTo: "2027-07-10", originalTargetTo: "2027-06-30" }), { level: "medium", days: 10 }],
    ["late 5 days after a 40-day move: the larger counts", a({ targetTo: "2026-11-18", originalTargetTo: "2026-10-09" }), { level: "significant", days: 40 }],
    ["delayed with no dates is medium", a({ status: "delayed", targetTo: null, originalTargetTo: null }), { level: "medium", days: 0 }],
    ["blocked is medium", a({ status: "blocked" }), { level: "medium", days: 0 }],
  ] as const)("%s", (_name, action, expected) => {
    expect(slippage(action, CTX)).toEqual(expected);
  });

  it("thresholds come from the plan's settings", () => {
    const late = a({ targetTo: "2026-11-13" });
    expect(slippage(late, CTX)!.level).toBe("medium");
    expect(slippage(late, { ...CTX, significantDays: 7 })!.level).toBe("significant");
    expect(slippage(late, { ...CTX, mediumDays: 14, significantDays: 28 })!.level).toBe("on_track");
  });
});

describe("the trend between digests", () => {
  it.each([
    [{ red: 3, amber: 7, green: 9, complete: 1 }, { red: 2, amber: 7, green: 10, complete: 1 }, { red: "down", amber: "same", green: "up", complete: "same" }],
    [{ red: 0, amber: 0, green: 0, complete: 0 }, null, { red: "new", amber: "new", green: "new", complete: "new" }],
  ] as const)("%j then %j", (previous, now, directions) => {
    const [before, after] = now === null ? [null, previous] : [previous, now];
    const trend = ragTrend(after, before);
    expect(Object.fromEntries(Object.entries(trend).map(([k, v]) => [k, v.direction]))).toEqual(directions);
    if (before) expect(trend.red).toEqual({ from: before.red, to: after.red, direction: directions.red });
  });
});
