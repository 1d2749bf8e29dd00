import { IANAZone } from "luxon";
import { z } from "zod";
import { ChaserError } from "../domain/chaser-error.js";
import { DEFAULT_TIME_ZONE, WEEKDAYS, minutesOf } from "./zoned.js";

/** The three UK bank-holiday calendars (England and Wales share one). */
export const HOLIDAY_REGIONS = ["england-and-wales", "scotland", "northern-ireland"] as const;
export const HolidayRegion = z.enum(HOLIDAY_REGIONS);
export type HolidayRegion = z.infer<typeof HolidayRegion>;

export const Weekday = z.enum(WEEKDAYS);
export type Weekday = z.infer<typeof Weekday>;

/** A wall-clock time, 24-hour HH:MM. */
const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const ClockTime = z.string().regex(CLOCK_TIME, "must be a 24-hour time like 09:30");

/** Name a mistyped key plainly instead of zod's "Unrecognized key". */
const strict = {
  error: (issue: { code?: string; keys?: string[] }) =>
    issue.code === "unrecognized_keys" ? `unknown setting ${(issue.keys ?? []).map((k) => JSON.stringify(k)).join(", ")}` : undefined,
};

const WholeNumber = (min: number) => z.number().int("must be a whole number").min(min, `must be at least ${min}`);

/**
 * Sending is allowed only outside [start, end). A window whose start is later than its end
 * (18:00–08:00) wraps midnight; start equal to end means no quiet hours at all.
 */
export const QuietHours = z.strictObject(
  {
    start: ClockTime.default("18:00"),
    end: ClockTime.default("08:00"),
  },
  strict,
);
export type QuietHours = z.infer<typeof QuietHours>;

/** Is the wall-clock time `hhmm` inside the quiet window? */
export function inQuietHours(hhmm: string, quiet: QuietHours): boolean {
  const [m, start, end] = [minutesOf(hhmm), minutesOf(quiet.start), minutesOf(quiet.end)];
  if (start === end) return false;
  return start < end ? m >= start && m < end : m >= start || m < end;
}

/**
 * When and how often Chaser chases, per plan (Plan.settings) or for the deployment. Every field
 * has a default, so "{}" is valid; stored JSON overrides field by field (quietHours too).
 * Unknown keys are an error, so a mistyped setting is reported instead of silently ignored.
 */
export const ScheduleSettings = z
  .strictObject({
    /** When the day's prompts run, local time. */
    promptTime: ClockTime.default("09:30"),
    /** Days prompts may run; bank holidays of `holidayRegion` are skipped as well. */
    workingDays: z
      .array(Weekday)
      .min(1, "needs at least one day")
      .refine((days) => new Set(days).size === days.length, "lists a day twice")
      .default(["mon", "tue", "wed", "thu", "fri"]),
    holidayRegion: HolidayRegion.default("england-and-wales"),
    quietHours: QuietHours.prefault({}),
    /** Ask about actions whose target falls within this many days (why-ask). */
    dueSoonDays: WholeNumber(0).default(14),
    /** Ask about actions with no update for this many days (why-ask). */
    silentDays: WholeNumber(1).default(28),
    /** Do not ask about the same action again within this many days unless its state changed. */
    cadenceDays: WholeNumber(1).default(7),
    /** Escalate an action overdue by more than this many days. */
    escalateAfterDaysOverdue: WholeNumber(0).default(14),
    /** Escalate after this many prompts about an action went unanswered. */
    escalateAfterUnansweredPrompts: WholeNumber(1).default(2),
    /**
     * In the digest, a sub-action this many days past its target (or its target moved this far)
     * is in medium slippage (default 1), and from slippageSignificantDays in significant (28).
     * Optional so settings written before them stay whole; src/digest/digest-settings.ts fills them.
     */
    slippageMediumDays: WholeNumber(1).optional(),
    slippageSignificantDays: WholeNumber(1).optional(),
    /** The weekly digest's day; on a bank holiday it runs on the next working day. */
    digestDay: Weekday.default("mon"),
    digestTime: ClockTime.default("08:30"),
    timeZone: z
      .string()
      .refine((zone) => IANAZone.isValidZone(zone), "must be an IANA time zone such as Europe/London")
      .default(DEFAULT_TIME_ZONE),
    /** Paused: no scheduled prompts, escalations or digests. Replies still work. */
    paused: z.boolean().default(false),
    /** Checked changes (off when absent): a "delayed" with a new target waits for a plan admin's approval. */
    approveTargetChanges: z.boolean().optional(),
    /** Checked changes: "complete" waits for a verifier to accept it. */
    verifyCompletion: z.boolean().optional(),
    /** Checked changes: an owner role whose people may verify completions, beside plan admins. */
    verifierRole: z.string().trim().min(1).max(200).optional(),
  }, strict)
  // zod may run this after other fields failed; check only what is itself valid.
  .superRefine((s, ctx) => {
    if (s.workingDays.length > 0 && !s.workingDays.includes(s.digestDay)) {
      ctx.addIssue({ code: "custom", path: ["digestDay"], message: `must be one of the working days (${s.workingDays.join(", ")})` });
    }
    for (const key of ["promptTime", "digestTime"] as const) {
      const times = [s[key], s.quietHours.start, s.quietHours.end];
      if (times.every((t) => CLOCK_TIME.test(t)) && inQuietHours(s[key], s.quietHours)) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `${s[key]} is inside quiet hours (${s.quietHours.start}–${s.quietHours.end}), so nothing could be sent then`,
        });
      }
    }
  });
export type ScheduleSettings = z.infer<typeof ScheduleSettings>;

export const DEFAULT_SCHEDULE_SETTINGS: ScheduleSettings = ScheduleSettings.parse({});

/** "promptTime: must be …; quietHours.end: …", for people. */
function describe(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message)).join("; ");
}

/**
 * The settings stored as JSON text (null, undefined or "" for none) over the defaults. Invalid
 * stored values throw ChaserError "settings.invalid" with `problems`, one line naming every field
 * that is wrong, so the person who set them can put them right.
 */
export function parseScheduleSettings(json: string | null | undefined): ScheduleSettings {
  if (json === null || json === undefined || json.trim() === "") return ScheduleSettings.parse({});
  let stored: unknown;
  try {
    stored = JSON.parse(json);
  } catch (error) {
    throw new ChaserError("settings.invalid", { problems: `not valid JSON (${(error as Error).message})` }, { cause: error });
  }
  if (stored === null || typeof stored !== "object" || Array.isArray(stored)) {
    throw new ChaserError("settings.invalid", { problems: "settings must be a JSON object, e.g. {\"promptTime\": \"09:30\"}" });
  }
  const parsed = ScheduleSettings.safeParse(stored);
  if (!parsed.success) throw new ChaserError("settings.invalid", { problems: describe(parsed.error) }, { cause: parsed.error });
  return parsed.data;
}
