import { describe, expect, it } from "vitest";
import { ChaserError } from "../src/domain/chaser-error.js";
import { checkSettings } from "../src/store/checked-changes.js";
import { planSettings } from "../src/schedule/plan-settings.js";
import { inQuietHours, parseScheduleSettings, type QuietHours, type ScheduleSettings } from "../src/schedule/schedule-settings.js";

/** Written out, not imported, so a changed default fails here. */
const DEFAULTS: ScheduleSettings = {
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

function problemsOf(json: string): string {
  try {
    parseScheduleSettings(json);
  } catch (error) {
    expect(error).toBeInstanceOf(ChaserError);
    expect((error as ChaserError).code).toBe("settings.invalid");
    return String((error as ChaserError).params.problems);
  }
  throw new Error(`expected ${json} to be rejected`);
}

describe("schedule settings: defaults merged with what is stored", () => {
  it.each<[string, string | null | undefined, Partial<ScheduleSettings>]>([
    ["nothing stored (null)", null, {}],
    ["nothing stored (undefined)", undefined, {}],
    ["empty text", "  ", {}],
    ["the column default {}", "{}", {}],
    ["a later prompt", '{"promptTime":"10:15"}', { promptTime: "10:15" }],
    ["Scotland", '{"holidayRegion":"scotland"}', { holidayRegion: "scotland" }],
    ["Northern Ireland", '{"holidayRegion":"northern-ireland"}', { holidayRegion: "northern-ireland" }],
    ["paused", '{"paused":true}', { paused: true }],
    ["only the start of quiet hours: the end stays 08:00", '{"quietHours":{"start":"20:00"}}', { quietHours: { start: "20:00", end: "08:00" } }],
    ["only the end of quiet hours", '{"quietHours":{"end":"07:00"}}', { quietHours: { start: "18:00", end: "07:00" } }],
    ["no quiet hours (start = end)", '{"quietHours":{"start":"00:00","end":"00:00"},"promptTime":"00:00"}', { quietHours: { start: "00:00", end: "00:00" }, promptTime: "00:00" }],
    ["a four-day week with a Tuesday digest", '{"workingDays":["tue","wed","thu","fri"],"digestDay":"tue"}', { workingDays: ["tue", "wed", "thu", "fri"], digestDay: "tue" }],
    ["thresholds", '{"dueSoonDays":0,"silentDays":60,"cadenceDays":14,"escalateAfterDaysOverdue":30,"escalateAfterUnansweredPrompts":3}', { dueSoonDays: 0, silentDays: 60, cadenceDays: 14, escalateAfterDaysOverdue: 30, escalateAfterUnansweredPrompts: 3 }],
    ["another zone", '{"timeZone":"Europe/Dublin"}', { timeZone: "Europe/Dublin" }],
  ])("%s", (_, json, change) => {
    expect(parseScheduleSettings(json)).toEqual({ ...DEFAULTS, ...change });
  });
});

describe("schedule settings: invalid stored values are reported plainly", () => {
  it.each<[string, string, string]>([
    ["not JSON", "{promptTime: 9}", "not valid JSON"],
    ["not an object", "[]", "settings must be a JSON object"],
    ["null stored as JSON", "null", "settings must be a JSON object"],
    ["a 12-hour time", '{"promptTime":"9:30am"}', "promptTime: must be a 24-hour time like 09:30"],
    ["hour 24", '{"digestTime":"24:00"}', "digestTime: must be a 24-hour time like 09:30"],
    ["a bad quiet-hours end", '{"quietHours":{"end":"8"}}', "quietHours.end: must be a 24-hour time like 09:30"],
    ["a mistyped key", '{"promtTime":"10:00"}', 'unknown setting "promtTime"'],
    ["a mistyped quiet-hours key", '{"quietHours":{"begin":"19:00"}}', 'quietHours: unknown setting "begin"'],
    ["an unknown region", '{"holidayRegion":"wales"}', "holidayRegion:"],
    ["an unknown weekday", '{"workingDays":["monday"]}', "workingDays.0:"],
    ["no working days", '{"workingDays":[]}', "workingDays: needs at least one day"],
    ["a day twice", '{"workingDays":["mon","mon"]}', "workingDays: lists a day twice"],
    ["a fractional cadence", '{"cadenceDays":1.5}', "cadenceDays: must be a whole number"],
    ["a zero cadence", '{"cadenceDays":0}', "cadenceDays: must be at least 1"],
    ["a negative threshold", '{"escalateAfterDaysOverdue":-1}', "escalateAfterDaysOverdue: must be at least 0"],
    ["a number as text", '{"silentDays":"28"}', "silentDays:"],
    ["paused as text", '{"paused":"yes"}', "paused:"],
    ["an unknown zone", '{"timeZone":"London"}', "timeZone: must be an IANA time zone such as Europe/London"],
    ["digest on a day off", '{"digestDay":"sat"}', "digestDay: must be one of the working days (mon, tue, wed, thu, fri)"],
    ["prompts inside quiet hours", '{"promptTime":"19:00"}', "promptTime: 19:00 is inside quiet hours (18:00–08:00)"],
    ["digest before quiet hours end", '{"digestTime":"07:59"}', "digestTime: 07:59 is inside quiet hours (18:00–08:00)"],
    ["prompts moved into new quiet hours", '{"quietHours":{"start":"09:00","end":"10:00"}}', "promptTime: 09:30 is inside quiet hours (09:00–10:00)"],
  ])("%s", (_, json, problem) => {
    expect(problemsOf(json)).toContain(problem);
  });

  it("names every wrong field at once", () => {
    expect(problemsOf('{"promptTime":"nine","cadenceDays":0,"holidayRegion":"wales"}').split("; ").map((p) => p.split(":")[0])).toEqual([
      "promptTime",
      "holidayRegion",
      "cadenceDays",
    ]);
  });

  it("does not blame the digest day when the working days are themselves wrong", () => {
    expect(problemsOf('{"workingDays":[]}')).toBe("workingDays: needs at least one day");
  });

  it("does not call an impossible time quiet", () => {
    expect(problemsOf('{"promptTime":"24:30"}')).toBe("promptTime: must be a 24-hour time like 09:30");
  });
});

describe("a plan's settings over the deployment's: a bad one gives way alone", () => {
  const DEPLOYMENT: ScheduleSettings = { ...DEFAULTS, promptTime: "10:00" };
  it.each([
    ["nothing stored", null, {}],
    ["not JSON", "{oops", {}],
    ["not an object", "[1,2]", {}],
    ["all valid", '{"cadenceDays":3,"paused":true}', { cadenceDays: 3, paused: true }],
    // The fault: a bad prompt time and an unknown key used to drop the whole plan's settings, pause and checks with them.
    ["a bad prompt time and an unknown key", '{"promptTime":"25:00","colour":"red","paused":true,"approveTargetChanges":true}', { paused: true, approveTargetChanges: true }],
    ["a bad verifier role", '{"verifierRole":"","verifyCompletion":true}', { verifyCompletion: true }],
    ["working days and a digest day that hold together", '{"workingDays":["sat","sun"],"digestDay":"sun"}', { workingDays: ["sat", "sun"], digestDay: "sun" }],
    ["working days without the deployment's digest day", '{"workingDays":["sat"],"verifyCompletion":true}', { verifyCompletion: true }],
    ["quiet hours over the deployment's prompt time", '{"quietHours":{"start":"07:00","end":"11:00"},"cadenceDays":5}', { cadenceDays: 5 }],
  ])("%s", (_, stored, over) => {
    expect(planSettings(DEPLOYMENT, stored)).toEqual({ ...DEPLOYMENT, ...over });
  });

  it("gives checked changes the same reading: a bad unrelated setting leaves the checks on", () => {
    expect(checkSettings('{"promptTime":"25:00","digestDay":"someday","approveTargetChanges":true,"verifyCompletion":true,"verifierRole":"Internal Audit"}')).toEqual({
      approveTargetChanges: true,
      verifyCompletion: true,
      verifierRole: "Internal Audit",
    });
    expect(checkSettings('{"approveTargetChanges":"yes"}')).toEqual({ approveTargetChanges: false, verifyCompletion: false });
    expect(checkSettings(null)).toEqual({ approveTargetChanges: false, verifyCompletion: false });
  });
});

describe("quiet hours", () => {
  const overnight: QuietHours = { start: "18:00", end: "08:00" };
  const lunch: QuietHours = { start: "12:00", end: "13:00" };
  const none: QuietHours = { start: "00:00", end: "00:00" };
  it.each<[string, QuietHours, boolean]>([
    ["17:59", overnight, false],
    ["18:00", overnight, true],
    ["19:00", overnight, true],
    ["23:59", overnight, true],
    ["00:00", overnight, true],
    ["07:59", overnight, true],
    ["08:00", overnight, false],
    ["12:30", overnight, false],
    ["11:59", lunch, false],
    ["12:00", lunch, true],
    ["12:59", lunch, true],
    ["13:00", lunch, false],
    ["03:00", none, false],
    ["00:00", none, false],
  ])("%s in %o: quiet %s", (time, quiet, expected) => {
    expect(inQuietHours(time, quiet)).toBe(expected);
  });
});
