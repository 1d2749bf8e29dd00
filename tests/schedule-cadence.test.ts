import { describe, expect, it } from "vitest";
import type { AskReason } from "../src/domain/why-ask.js";
import { escalationKey, needsEscalation, shouldPromptAgain, type Escalation } from "../src/schedule/cadence.js";

const d = (iso: string) => new Date(iso);

describe("asking about an action again", () => {
  it.each<[string, string | null, string | null, number, string, boolean, string?]>([
    ["never asked", null, null, 7, "2026-11-23T09:30:00Z", true],
    ["asked yesterday", "2026-11-23T09:30:00Z", null, 7, "2026-11-24T09:30:00Z", false],
    ["asked 6 days ago, late Sunday", "2026-11-23T09:30:00Z", null, 7, "2026-11-29T23:59:00Z", false],
    ["asked at 09:31 last Monday, now 09:30 Monday: a week of calendar days", "2026-11-23T09:31:00Z", null, 7, "2026-11-30T09:30:00Z", true],
    ["asked 8 days ago", "2026-11-23T09:30:00Z", null, 7, "2026-12-01T09:30:00Z", true],
    ["asked 2 days ago, state changed since", "2026-11-23T09:30:00Z", "2026-11-24T15:00:00Z", 7, "2026-11-25T09:30:00Z", true],
    ["asked 2 days ago, state changed before that", "2026-11-23T09:30:00Z", "2026-11-20T15:00:00Z", 7, "2026-11-25T09:30:00Z", false],
    ["state changed at the very instant of the prompt", "2026-11-23T09:30:00Z", "2026-11-23T09:30:00Z", 7, "2026-11-25T09:30:00Z", false],
    ["daily cadence: 23:59 then 00:01 is the next day", "2026-11-23T23:59:00Z", null, 1, "2026-11-24T00:01:00Z", true],
    ["daily cadence: same day", "2026-11-23T09:30:00Z", null, 1, "2026-11-23T16:00:00Z", false],
    ["a week across BST starting (167 hours)", "2026-03-23T09:31:00Z", null, 7, "2026-03-30T08:30:00Z", true],
    ["a week across BST ending (169 hours), one minute early", "2026-10-19T08:31:00Z", null, 7, "2026-10-26T09:29:00Z", true],
    ["six days across BST ending", "2026-10-19T08:31:00Z", null, 7, "2026-10-25T23:59:00Z", false],
    ["00:30 BST is the London day, not the UTC day before", "2026-07-01T23:30:00Z", null, 1, "2026-07-02T12:00:00Z", false],
    ["the same instants in New York are two days", "2026-11-23T03:00:00Z", null, 1, "2026-11-23T12:00:00Z", true, "America/New_York"],
    ["…and one London day", "2026-11-23T03:00:00Z", null, 1, "2026-11-23T12:00:00Z", false, "Europe/London"],
  ])("%s", (_, lastPromptedAt, lastStateChangeAt, cadenceDays, now, expected, timeZone) => {
    expect(
      shouldPromptAgain({
        lastPromptedAt: lastPromptedAt ? d(lastPromptedAt) : null,
        lastStateChangeAt: lastStateChangeAt ? d(lastStateChangeAt) : null,
        cadenceDays,
        now: d(now),
        ...(timeZone ? { timeZone } : {}),
      }),
    ).toBe(expected);
  });
});

describe("escalation", () => {
  const defaults = { escalateAfterDaysOverdue: 14, escalateAfterUnansweredPrompts: 2 };
  const eager = { escalateAfterDaysOverdue: 0, escalateAfterUnansweredPrompts: 1 };
  it.each<[string, AskReason | null, number, typeof defaults, Escalation | null]>([
    ["nothing to ask, however many prompts went unanswered", null, 5, defaults, null],
    ["overdue 15 days", { kind: "overdue", days: 15 }, 0, defaults, { why: "overdue" }],
    ["overdue exactly 14 days: not more than 14", { kind: "overdue", days: 14 }, 0, defaults, null],
    ["overdue 14 days, 1 prompt unanswered", { kind: "overdue", days: 14 }, 1, defaults, null],
    ["overdue 14 days, 2 prompts unanswered", { kind: "overdue", days: 14 }, 2, defaults, { why: "unanswered" }],
    ["overdue 30 days and unanswered: overdue comes first", { kind: "overdue", days: 30 }, 3, defaults, { why: "overdue" }],
    ["due soon, 1 unanswered", { kind: "due_soon", days: 3 }, 1, defaults, null],
    ["due soon, 2 unanswered", { kind: "due_soon", days: 3 }, 2, defaults, { why: "unanswered" }],
    ["silent for 90 days is not overdue", { kind: "silent", days: 90 }, 0, defaults, null],
    ["silent, 3 unanswered", { kind: "silent", days: 90 }, 3, defaults, { why: "unanswered" }],
    ["slipping, none unanswered", { kind: "slipping" }, 0, defaults, null],
    ["eager settings: overdue a day", { kind: "overdue", days: 1 }, 0, eager, { why: "overdue" }],
    ["eager settings: one unanswered", { kind: "slipping" }, 1, eager, { why: "unanswered" }],
  ])("%s", (_, reason, unansweredPrompts, settings, expected) => {
    expect(needsEscalation({ reason, unansweredPrompts, settings })).toEqual(expected);
  });
});

describe("one escalation per action per cadence period", () => {
  // 2026-11-23 is day 20780 after 1970-01-01; periods count from that Thursday.
  it.each<[string, string, string, number, string, string?]>([
    ["Monday, weekly", "act-1", "2026-11-23T09:30:00Z", 7, "escalation:act-1:2968"],
    ["Wednesday, the same week-long period", "act-1", "2026-11-25T17:00:00Z", 7, "escalation:act-1:2968"],
    ["Thursday, the next period", "act-1", "2026-11-26T09:30:00Z", 7, "escalation:act-1:2969"],
    ["the Wednesday after, still that period", "act-1", "2026-12-02T09:30:00Z", 7, "escalation:act-1:2969"],
    ["another action, same period, its own key", "act-2", "2026-11-23T09:30:00Z", 7, "escalation:act-2:2968"],
    ["fortnightly", "act-1", "2026-11-26T09:30:00Z", 14, "escalation:act-1:1484"],
    ["daily", "act-1", "2026-11-23T09:30:00Z", 1, "escalation:act-1:20780"],
    ["Wednesday 23:30 BST is still Wednesday", "act-1", "2026-07-01T22:30:00Z", 7, "escalation:act-1:2947"],
    ["Thursday 00:30 BST is Thursday in London, though Wednesday in UTC", "act-1", "2026-07-01T23:30:00Z", 7, "escalation:act-1:2948"],
    ["…and Wednesday in New York", "act-1", "2026-07-01T23:30:00Z", 7, "escalation:act-1:2947", "America/New_York"],
  ])("%s", (_, actionId, now, cadenceDays, expected, timeZone) => {
    expect(escalationKey(actionId, d(now), cadenceDays, timeZone)).toBe(expected);
  });

  it.each([0, -7, 1.5])("refuses a cadence of %s days", (cadenceDays) => {
    expect(() => escalationKey("act-1", d("2026-11-23T09:30:00Z"), cadenceDays)).toThrow(/cadenceDays/);
  });
});
