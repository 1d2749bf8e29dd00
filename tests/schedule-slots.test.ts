import cron from "node-cron";
import { describe, expect, it } from "vitest";
import type { ScheduleSettings } from "../src/schedule/schedule-settings.js";
import {
  canSendAt,
  cronExpressions,
  digestSlot,
  dueSlots,
  nextDigestAt,
  nextPromptAt,
  nextSendAt,
  promptSlot,
  type Slot,
} from "../src/schedule/slots.js";

/** The defaults, written out so these tests say what they assume. */
const S: ScheduleSettings = {
  promptTime: "09:30",
  workingDays: ["mon", "tue", "wed", "thu", "fri"],
  holidayRegion: "england-and-wales",
  quietHours: { start: "18:00", end: "08:00" },
  dueSoonDays: 14,
  silentDays: 28,
  cadenceDays: 7,
  escalateAfterDaysOverdue: 14,
  escalateAfterUnansweredPrompts: 2,
  digestDay: "mon",
  digestTime: "08:30",
  timeZone: "Europe/London",
  paused: false,
};
const scotland: Partial<ScheduleSettings> = { holidayRegion: "scotland" };
const paused: Partial<ScheduleSettings> = { paused: true };
const everyDay: Partial<ScheduleSettings> = { workingDays: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] };
const noQuiet: Partial<ScheduleSettings> = { quietHours: { start: "00:00", end: "00:00" } };

const iso = (d: Date | null) => d?.toISOString() ?? null;
const brief = (slot: Slot | null) => slot && { key: slot.key, date: slot.date, at: slot.at.toISOString() };

/** What a scheduler waking every `step` minutes sees: each key's first instant and how often it opened. */
function simulate(from: string, to: string, stepMinutes: number, slotAt: (now: Date) => Slot | null) {
  const seen: Record<string, { first: string; openings: number }> = {};
  let previous: string | null = null;
  for (let t = Date.parse(from); t <= Date.parse(to); t += stepMinutes * 60_000) {
    const key = slotAt(new Date(t))?.key ?? null;
    if (key && key !== previous) {
      const entry = (seen[key] ??= { first: new Date(t).toISOString(), openings: 0 });
      entry.openings++;
    }
    previous = key;
  }
  return seen;
}

describe("the day's prompt slot", () => {
  it.each<[string, string, Partial<ScheduleSettings>, ReturnType<typeof brief>]>([
    ["Monday 09:29:59 GMT: not yet", "2026-11-23T09:29:59Z", {}, null],
    ["Monday 09:30 GMT", "2026-11-23T09:30:00Z", {}, { key: "prompt:2026-11-23", date: "2026-11-23", at: "2026-11-23T09:30:00.000Z" }],
    ["Monday afternoon: still today's slot", "2026-11-23T15:00:00Z", {}, { key: "prompt:2026-11-23", date: "2026-11-23", at: "2026-11-23T09:30:00.000Z" }],
    ["Monday 23:59: still today's slot", "2026-11-23T23:59:00Z", {}, { key: "prompt:2026-11-23", date: "2026-11-23", at: "2026-11-23T09:30:00.000Z" }],
    ["Tuesday 00:00: a new day, not yet due", "2026-11-24T00:00:00Z", {}, null],
    ["Saturday", "2026-11-28T10:00:00Z", {}, null],
    ["Sunday", "2026-11-29T10:00:00Z", {}, null],
    ["Saturday, when every day is worked", "2026-11-28T10:00:00Z", everyDay, { key: "prompt:2026-11-28", date: "2026-11-28", at: "2026-11-28T09:30:00.000Z" }],
    ["paused", "2026-11-23T10:00:00Z", paused, null],
    ["Spring bank holiday Monday", "2026-05-25T09:00:00Z", {}, null],
    ["the Tuesday after it, 09:29 BST", "2026-05-26T08:29:00Z", {}, null],
    ["the Tuesday after it, 09:30 BST", "2026-05-26T08:30:00Z", {}, { key: "prompt:2026-05-26", date: "2026-05-26", at: "2026-05-26T08:30:00.000Z" }],
    ["Easter Monday in England", "2026-04-06T09:00:00Z", {}, null],
    ["Easter Monday in Scotland", "2026-04-06T09:00:00Z", scotland, { key: "prompt:2026-04-06", date: "2026-04-06", at: "2026-04-06T08:30:00.000Z" }],
    ["Scottish summer bank holiday, in Scotland", "2026-08-03T09:00:00Z", scotland, null],
    // Clocks go forward on Sunday 2026-03-29.
    ["Friday before BST, 09:29 GMT", "2026-03-27T09:29:00Z", {}, null],
    ["Friday before BST, 09:30 GMT", "2026-03-27T09:30:00Z", {}, { key: "prompt:2026-03-27", date: "2026-03-27", at: "2026-03-27T09:30:00.000Z" }],
    ["Monday after BST starts, 09:29 BST", "2026-03-30T08:29:00Z", {}, null],
    ["Monday after BST starts, 09:30 BST", "2026-03-30T08:30:00Z", {}, { key: "prompt:2026-03-30", date: "2026-03-30", at: "2026-03-30T08:30:00.000Z" }],
    ["Monday after BST starts, 10:30 BST: the same slot, not another", "2026-03-30T09:30:00Z", {}, { key: "prompt:2026-03-30", date: "2026-03-30", at: "2026-03-30T08:30:00.000Z" }],
    // Clocks go back on Sunday 2026-10-25.
    ["Friday before BST ends, 09:30 BST", "2026-10-23T08:30:00Z", {}, { key: "prompt:2026-10-23", date: "2026-10-23", at: "2026-10-23T08:30:00.000Z" }],
    ["Monday after BST ends, 08:30 GMT: the wrong hour", "2026-10-26T08:30:00Z", {}, null],
    ["Monday after BST ends, 09:29 GMT", "2026-10-26T09:29:00Z", {}, null],
    ["Monday after BST ends, 09:30 GMT", "2026-10-26T09:30:00Z", {}, { key: "prompt:2026-10-26", date: "2026-10-26", at: "2026-10-26T09:30:00.000Z" }],
    ["23:30 UTC in summer is already tomorrow in London", "2026-07-01T23:30:00Z", {}, null],
    ["23:30 UTC in summer, every day worked: not Wednesday's slot", "2026-07-01T23:30:00Z", { ...everyDay, promptTime: "00:15", ...noQuiet }, { key: "prompt:2026-07-02", date: "2026-07-02", at: "2026-07-01T23:15:00.000Z" }],
    ["another zone: 09:30 in New York", "2026-11-23T14:30:00Z", { timeZone: "America/New_York" }, { key: "prompt:2026-11-23", date: "2026-11-23", at: "2026-11-23T14:30:00.000Z" }],
    ["another zone: 09:29 in New York", "2026-11-23T14:29:00Z", { timeZone: "America/New_York" }, null],
  ])("%s", (_, now, change, expected) => {
    expect(brief(promptSlot(new Date(now), { ...S, ...change }))).toEqual(expected);
  });
});

describe("the clock-change weeks, as a scheduler waking every 5 minutes sees them", () => {
  it.each<[string, string, string, Partial<ScheduleSettings>, Record<string, { first: string; openings: number }>]>([
    ["BST starts (Sun 2026-03-29)", "2026-03-27T00:00:00Z", "2026-03-31T23:55:00Z", {}, {
      "prompt:2026-03-27": { first: "2026-03-27T09:30:00.000Z", openings: 1 },
      "prompt:2026-03-30": { first: "2026-03-30T08:30:00.000Z", openings: 1 },
      "prompt:2026-03-31": { first: "2026-03-31T08:30:00.000Z", openings: 1 },
    }],
    ["BST ends (Sun 2026-10-25)", "2026-10-23T00:00:00Z", "2026-10-27T23:55:00Z", {}, {
      "prompt:2026-10-23": { first: "2026-10-23T08:30:00.000Z", openings: 1 },
      "prompt:2026-10-26": { first: "2026-10-26T09:30:00.000Z", openings: 1 },
      "prompt:2026-10-27": { first: "2026-10-27T09:30:00.000Z", openings: 1 },
    }],
    ["the 23-hour day, every day worked", "2026-03-28T00:00:00Z", "2026-03-30T22:55:00Z", everyDay, {
      "prompt:2026-03-28": { first: "2026-03-28T09:30:00.000Z", openings: 1 },
      "prompt:2026-03-29": { first: "2026-03-29T08:30:00.000Z", openings: 1 },
      "prompt:2026-03-30": { first: "2026-03-30T08:30:00.000Z", openings: 1 },
    }],
    ["the 25-hour day, every day worked", "2026-10-24T00:00:00Z", "2026-10-26T23:55:00Z", everyDay, {
      "prompt:2026-10-24": { first: "2026-10-24T08:30:00.000Z", openings: 1 },
      "prompt:2026-10-25": { first: "2026-10-25T09:30:00.000Z", openings: 1 },
      "prompt:2026-10-26": { first: "2026-10-26T09:30:00.000Z", openings: 1 },
    }],
    ["01:30, a time skipped when BST starts, opens once at 02:30 BST", "2026-03-29T00:00:00Z", "2026-03-29T12:00:00Z", { ...everyDay, ...noQuiet, promptTime: "01:30", digestTime: "01:30" }, {
      "prompt:2026-03-29": { first: "2026-03-29T01:30:00.000Z", openings: 1 },
    }],
    ["01:30, a time that happens twice when BST ends, opens once, at the second", "2026-10-24T23:00:00Z", "2026-10-25T12:00:00Z", { ...everyDay, ...noQuiet, promptTime: "01:30", digestTime: "01:30" }, {
      "prompt:2026-10-25": { first: "2026-10-25T01:30:00.000Z", openings: 1 },
    }],
  ])("%s", (_, from, to, change, expected) => {
    expect(simulate(from, to, 5, (now) => promptSlot(now, { ...S, ...change }))).toEqual(expected);
  });

  it("the digest, too, opens once at 08:30 local each side of both changes", () => {
    const digests = (from: string, to: string) => simulate(from, to, 5, (now) => digestSlot(now, S));
    expect(digests("2026-03-20T00:00:00Z", "2026-04-01T00:00:00Z")).toEqual({
      "digest:2026-W13": { first: "2026-03-23T08:30:00.000Z", openings: 1 },
      "digest:2026-W14": { first: "2026-03-30T07:30:00.000Z", openings: 1 },
    });
    expect(digests("2026-10-16T00:00:00Z", "2026-10-28T00:00:00Z")).toEqual({
      "digest:2026-W43": { first: "2026-10-19T07:30:00.000Z", openings: 1 },
      "digest:2026-W44": { first: "2026-10-26T08:30:00.000Z", openings: 1 },
    });
  });
});

describe("when the next prompt run is due", () => {
  it.each<[string, string, Partial<ScheduleSettings>, string | null]>([
    ["Monday morning: today at 09:30", "2026-11-23T08:00:00Z", {}, "2026-11-23T09:30:00.000Z"],
    ["exactly at 09:30: the next one, tomorrow", "2026-11-23T09:30:00Z", {}, "2026-11-24T09:30:00.000Z"],
    ["Friday afternoon: Monday", "2026-11-27T14:00:00Z", {}, "2026-11-30T09:30:00.000Z"],
    ["Saturday before BST starts: Monday 09:30 BST", "2026-03-28T12:00:00Z", {}, "2026-03-30T08:30:00.000Z"],
    ["Friday before BST starts: Monday 09:30 BST", "2026-03-27T10:00:00Z", {}, "2026-03-30T08:30:00.000Z"],
    ["Friday before BST ends: Monday 09:30 GMT", "2026-10-23T09:00:00Z", {}, "2026-10-26T09:30:00.000Z"],
    ["Friday before Spring bank holiday: Tuesday", "2026-05-22T10:00:00Z", {}, "2026-05-26T08:30:00.000Z"],
    ["Christmas Eve: past Christmas, the weekend and the Boxing Day substitute", "2026-12-24T10:00:00Z", {}, "2026-12-29T09:30:00.000Z"],
    ["Maundy Thursday in England: past Good Friday and Easter Monday", "2026-04-02T10:00:00Z", {}, "2026-04-07T08:30:00.000Z"],
    ["Maundy Thursday in Scotland: Easter Monday is worked", "2026-04-02T10:00:00Z", scotland, "2026-04-06T08:30:00.000Z"],
    ["paused: none", "2026-11-23T08:00:00Z", paused, null],
  ])("%s", (_, now, change, expected) => {
    expect(iso(nextPromptAt(new Date(now), { ...S, ...change }))).toBe(expected);
  });
});

describe("the weekly digest slot", () => {
  const friday: Partial<ScheduleSettings> = { digestDay: "fri" };
  it.each<[string, string, Partial<ScheduleSettings>, ReturnType<typeof brief>]>([
    ["Monday 08:29 GMT: not yet", "2026-11-23T08:29:00Z", {}, null],
    ["Monday 08:30 GMT", "2026-11-23T08:30:00Z", {}, { key: "digest:2026-W48", date: "2026-11-23", at: "2026-11-23T08:30:00.000Z" }],
    ["Monday evening: still due, for a restart to catch up", "2026-11-23T20:00:00Z", {}, { key: "digest:2026-W48", date: "2026-11-23", at: "2026-11-23T08:30:00.000Z" }],
    ["Tuesday after a normal Monday: none", "2026-11-24T08:30:00Z", {}, null],
    ["paused", "2026-11-23T08:30:00Z", paused, null],
    ["Spring bank holiday Monday: none", "2026-05-25T07:30:00Z", {}, null],
    ["the Tuesday after it, 08:29 BST", "2026-05-26T07:29:00Z", {}, null],
    ["the Tuesday after it, 08:30 BST: the digest moved here", "2026-05-26T07:30:00Z", {}, { key: "digest:2026-W22", date: "2026-05-26", at: "2026-05-26T07:30:00.000Z" }],
    ["the Wednesday after it: none", "2026-05-27T07:30:00Z", {}, null],
    ["Easter Monday in England: none", "2026-04-06T07:30:00Z", {}, null],
    ["Easter Monday in Scotland: as usual", "2026-04-06T07:30:00Z", scotland, { key: "digest:2026-W15", date: "2026-04-06", at: "2026-04-06T07:30:00.000Z" }],
    ["Easter Tuesday in England: moved here", "2026-04-07T07:30:00Z", {}, { key: "digest:2026-W15", date: "2026-04-07", at: "2026-04-07T07:30:00.000Z" }],
    ["Easter Tuesday in Scotland: none, it ran on Monday", "2026-04-07T07:30:00Z", scotland, null],
    ["Monday after BST starts, 07:30 GMT (08:30 BST)", "2026-03-30T07:30:00Z", {}, { key: "digest:2026-W14", date: "2026-03-30", at: "2026-03-30T07:30:00.000Z" }],
    ["Monday after BST starts, 07:29 UTC", "2026-03-30T07:29:00Z", {}, null],
    ["Monday after BST ends, 07:30 UTC: the wrong hour", "2026-10-26T07:30:00Z", {}, null],
    ["Monday after BST ends, 08:30 GMT", "2026-10-26T08:30:00Z", {}, { key: "digest:2026-W44", date: "2026-10-26", at: "2026-10-26T08:30:00.000Z" }],
    ["Boxing Day substitute Monday: none", "2026-12-28T08:30:00Z", {}, null],
    ["the Tuesday after: week 53 of 2026", "2026-12-29T08:30:00Z", {}, { key: "digest:2026-W53", date: "2026-12-29", at: "2026-12-29T08:30:00.000Z" }],
    ["first Monday of 2027: week 01", "2027-01-04T08:30:00Z", {}, { key: "digest:2027-W01", date: "2027-01-04", at: "2027-01-04T08:30:00.000Z" }],
    ["Friday digest on New Year's Day: none", "2027-01-01T08:30:00Z", friday, null],
    ["…it runs Monday under its own week, 2026-W53", "2027-01-04T08:30:00Z", friday, { key: "digest:2026-W53", date: "2027-01-04", at: "2027-01-04T08:30:00.000Z" }],
    ["…and that week's Friday has its own", "2027-01-08T08:30:00Z", friday, { key: "digest:2027-W01", date: "2027-01-08", at: "2027-01-08T08:30:00.000Z" }],
    ["Friday digest on Good Friday: past Easter Monday to Tuesday, under week 14", "2026-04-07T07:30:00Z", friday, { key: "digest:2026-W14", date: "2026-04-07", at: "2026-04-07T07:30:00.000Z" }],
  ])("%s", (_, now, change, expected) => {
    expect(brief(digestSlot(new Date(now), { ...S, ...change }))).toEqual(expected);
  });
});

describe("when the next digest is due", () => {
  it.each<[string, string, Partial<ScheduleSettings>, string | null]>([
    ["Sunday: Monday 08:30", "2026-11-22T12:00:00Z", {}, "2026-11-23T08:30:00.000Z"],
    ["exactly at Monday 08:30: next Monday", "2026-11-23T08:30:00Z", {}, "2026-11-30T08:30:00.000Z"],
    ["before Spring bank holiday: Tuesday", "2026-05-24T12:00:00Z", {}, "2026-05-26T07:30:00.000Z"],
    ["on Spring bank holiday: Tuesday", "2026-05-25T09:00:00Z", {}, "2026-05-26T07:30:00.000Z"],
    ["the Tuesday, before it runs", "2026-05-26T07:00:00Z", {}, "2026-05-26T07:30:00.000Z"],
    ["the Tuesday, after it ran: next Monday", "2026-05-26T08:00:00Z", {}, "2026-06-01T07:30:00.000Z"],
    ["Friday before BST starts: Monday 08:30 BST", "2026-03-27T12:00:00Z", {}, "2026-03-30T07:30:00.000Z"],
    ["Friday before BST ends: Monday 08:30 GMT", "2026-10-23T12:00:00Z", {}, "2026-10-26T08:30:00.000Z"],
    ["Christmas Eve: Tuesday 29th", "2026-12-24T12:00:00Z", {}, "2026-12-29T08:30:00.000Z"],
    ["Friday digest, New Year's Eve: Monday 4th", "2026-12-31T12:00:00Z", { digestDay: "fri" }, "2027-01-04T08:30:00.000Z"],
    ["Friday digest, on Easter Monday: Tuesday, last week's digest moved off Good Friday", "2026-04-06T12:00:00Z", { digestDay: "fri" }, "2026-04-07T07:30:00.000Z"],
    ["paused: none", "2026-11-22T12:00:00Z", paused, null],
  ])("%s", (_, now, change, expected) => {
    expect(iso(nextDigestAt(new Date(now), { ...S, ...change }))).toBe(expected);
  });
});

describe("quiet hours", () => {
  const lunch: Partial<ScheduleSettings> = { quietHours: { start: "12:00", end: "13:00" } };
  it.each<[string, string, Partial<ScheduleSettings>, boolean]>([
    ["19:00 GMT", "2026-11-23T19:00:00Z", {}, false],
    ["07:59 GMT", "2026-11-24T07:59:00Z", {}, false],
    ["08:00 GMT", "2026-11-24T08:00:00Z", {}, true],
    ["17:59 GMT", "2026-11-23T17:59:00Z", {}, true],
    ["17:59:59.999 GMT", "2026-11-23T17:59:59.999Z", {}, true],
    ["18:00 GMT", "2026-11-23T18:00:00Z", {}, false],
    ["midnight", "2026-11-24T00:00:00Z", {}, false],
    ["18:00 BST (17:00 UTC)", "2026-07-01T17:00:00Z", {}, false],
    ["17:59 BST", "2026-07-01T16:59:00Z", {}, true],
    ["08:00 BST (07:00 UTC)", "2026-07-01T07:00:00Z", {}, true],
    ["07:59 BST", "2026-07-01T06:59:00Z", {}, false],
    ["08:00 BST on the Monday after the change", "2026-03-30T07:00:00Z", {}, true],
    ["no quiet hours, 03:00", "2026-11-24T03:00:00Z", noQuiet, true],
    ["a lunchtime window, 12:30", "2026-11-24T12:30:00Z", lunch, false],
    ["a lunchtime window, 13:00", "2026-11-24T13:00:00Z", lunch, true],
    ["a lunchtime window, 19:00", "2026-11-24T19:00:00Z", lunch, true],
  ])("%s: may send %s", (_, now, change, expected) => {
    expect(canSendAt(new Date(now), { ...S, ...change })).toBe(expected);
  });

  it.each<[string, string, Partial<ScheduleSettings>, string]>([
    ["evening: tomorrow 08:00", "2026-11-23T19:00:00Z", {}, "2026-11-24T08:00:00.000Z"],
    ["18:00: tomorrow 08:00", "2026-11-23T18:00:00Z", {}, "2026-11-24T08:00:00.000Z"],
    ["23:59:30: tomorrow 08:00", "2026-11-23T23:59:30Z", {}, "2026-11-24T08:00:00.000Z"],
    ["after midnight: today 08:00", "2026-11-24T00:00:00Z", {}, "2026-11-24T08:00:00.000Z"],
    ["07:00: today 08:00", "2026-11-24T07:00:00Z", {}, "2026-11-24T08:00:00.000Z"],
    ["allowed now: now", "2026-11-24T12:00:00Z", {}, "2026-11-24T12:00:00.000Z"],
    ["Saturday night before BST starts: 08:00 BST", "2026-03-28T19:00:00Z", {}, "2026-03-29T07:00:00.000Z"],
    ["Saturday night before BST ends: 08:00 GMT", "2026-10-24T20:00:00Z", {}, "2026-10-25T08:00:00.000Z"],
    ["inside a lunchtime window: 13:00", "2026-11-24T12:30:00Z", lunch, "2026-11-24T13:00:00.000Z"],
  ])("%s", (_, now, change, expected) => {
    expect(nextSendAt(new Date(now), { ...S, ...change }).toISOString()).toBe(expected);
  });
});

describe("the slots to run now", () => {
  it.each<[string, string, Partial<ScheduleSettings>, string[]]>([
    ["Monday 08:30: the digest", "2026-11-23T08:30:00Z", {}, ["digest:2026-W48"]],
    ["Monday 09:30: digest first, then prompts", "2026-11-23T09:30:00Z", {}, ["digest:2026-W48", "prompt:2026-11-23"]],
    ["Tuesday 09:30: prompts", "2026-11-24T09:30:00Z", {}, ["prompt:2026-11-24"]],
    ["Monday 19:00, inside quiet hours: nothing, so nothing is claimed unsent", "2026-11-23T19:00:00Z", {}, []],
    ["Spring bank holiday Monday: nothing", "2026-05-25T10:00:00Z", {}, []],
    ["paused: nothing", "2026-11-23T09:30:00Z", paused, []],
  ])("%s", (_, now, change, expected) => {
    expect(dueSlots(new Date(now), { ...S, ...change }).map((s) => s.key)).toEqual(expected);
  });

  it("inside quiet hours the day's slot exists but is not run", () => {
    const now = new Date("2026-11-23T19:00:00Z");
    expect(promptSlot(now, S)?.key).toBe("prompt:2026-11-23");
    expect(dueSlots(now, S)).toEqual([]);
  });
});

describe("cron expressions that wake the scheduler", () => {
  it.each<[string, Partial<ScheduleSettings>, Array<[string, string]>]>([
    ["the defaults", {}, [["prompt", "30 9 * * 1,2,3,4,5"], ["digest", "30 8 * * 1,2,3,4,5"], ["catch-up", "*/5 * * * *"]]],
    ["weekends and odd times", { promptTime: "07:05", digestTime: "13:00", workingDays: ["sun", "sat", "wed"], digestDay: "wed" }, [["prompt", "5 7 * * 0,3,6"], ["digest", "0 13 * * 0,3,6"], ["catch-up", "*/5 * * * *"]]],
  ])("%s", (_, change, expected) => {
    const jobs = cronExpressions({ ...S, ...change });
    expect(jobs.map((j) => [j.name, j.expression])).toEqual(expected);
    expect(jobs.map((j) => j.timezone)).toEqual(["Europe/London", "Europe/London", "Europe/London"]);
    for (const job of jobs) expect(cron.validate(job.expression)).toBe(true);
  });

  it("node-cron reads them in the zone: 09:30 local either side of both clock changes", async () => {
    const [prompt, digest, catchUp] = cronExpressions(S).map((j) => cron.createTask(j.expression, () => undefined, { timezone: j.timezone }));
    try {
      const matches = (task: typeof prompt, at: string) => task!.match(new Date(at));
      expect(
        [
          "2026-03-27T09:30:00Z", // Friday 09:30 GMT
          "2026-03-30T08:30:00Z", // Monday 09:30 BST
          "2026-03-30T09:30:00Z", // Monday 10:30 BST
          "2026-10-23T08:30:00Z", // Friday 09:30 BST
          "2026-10-26T08:30:00Z", // Monday 08:30 GMT
          "2026-10-26T09:30:00Z", // Monday 09:30 GMT
          "2026-03-28T09:30:00Z", // Saturday
        ].map((at) => matches(prompt, at)),
      ).toEqual([true, true, false, true, false, true, false]);
      expect(["2026-03-30T07:30:00Z", "2026-03-30T08:30:00Z", "2026-10-26T08:30:00Z"].map((at) => matches(digest, at))).toEqual([true, false, true]);
      // A restart at 11:17 is caught up by the 11:20 wake-up, and the prompt slot is still due then.
      expect(["2026-11-23T11:17:00Z", "2026-11-23T11:20:00Z"].map((at) => matches(catchUp, at))).toEqual([false, true]);
      expect(dueSlots(new Date("2026-11-23T11:20:00Z"), S).map((s) => s.key)).toEqual(["digest:2026-W48", "prompt:2026-11-23"]);
    } finally {
      await Promise.all([prompt, digest, catchUp].map((t) => t?.destroy()));
    }
  });
});
