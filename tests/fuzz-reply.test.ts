import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { MAX_REPLY_LENGTH, parseReply, type ParsedReply } from "../src/domain/parse-reply.js";
import { BoundedWorker, fuzzParams, PROPERTY_TIMEOUT, settleWithin } from "./helpers/fuzz.js";

/**
 * Property-based tests of the reply parser: whatever a person types, parseReply answers (it never
 * throws), within the bound, with a well-formed reading.
 *
 * The bound: a reply is at most 2,000 characters and is read in well under 50 ms even when it is one
 * word repeated 2,000 times, so 2 s leaves a fortyfold margin for a shared 2-core machine. The
 * generated replies run up to that length, made of the parser's own vocabulary repeated, which is
 * where a backtracking regex goes exponential: such a call runs far past 2 s, is cut off (the call
 * runs in a worker thread) and fails with its input.
 */
const BOUND_MS = 2_000;

const worker = new BoundedWorker();
afterAll(() => worker.stop());

const isoDate = z.string().refine((d) => {
  const date = new Date(`${d}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === d;
}, "a real calendar date");
const Target = z
  .object({ text: z.string().min(1), from: isoDate.nullable(), to: isoDate.nullable(), ongoing: z.boolean() })
  .refine((t) => t.from === null || t.to === null || t.from <= t.to, "from after to");
/** Free text Chaser keeps: absent, or words with no space at either end. */
const Text = z.string().min(1).refine((s) => s.trim() === s, "untrimmed").nullable();
const Intent = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("on_track") }),
  z.object({ kind: z.literal("complete"), note: Text, evidenceUrl: z.string().regex(/^(?:https?:\/\/|www\.)\S+$/i).nullable() }),
  z.object({ kind: z.literal("delayed"), newTarget: Target.nullable(), reason: Text }),
  z.object({ kind: z.literal("blocked"), reason: Text }),
  z.object({ kind: z.literal("note"), text: z.string().min(1) }),
  z.object({ kind: z.literal("snooze"), until: Target.nullable() }),
  z.object({ kind: z.literal("not_mine"), note: Text }),
  z.object({ kind: z.literal("my_actions") }),
  z.object({ kind: z.literal("help") }),
]);
const WellFormed = z.strictObject({
  intent: Intent.nullable(),
  ref: z.string().min(1).refine((s) => s.trim() === s && !/\s{2}/.test(s), "untidy ref").nullable(),
  confident: z.boolean(),
  /** Status words that did not agree ("nearly done"): asked back, never recorded. */
  statusWords: z.literal(true).optional(),
});

/** Reads `text` in the worker and checks what came back. */
async function read(text: string, today: string): Promise<ParsedReply> {
  const result = await settleWithin(worker, BOUND_MS, "parseReply", [text, today]);
  if (!result.ok) throw new Error(`parseReply threw ${result.code}; it must never throw`);
  const reply = WellFormed.parse(result.value) as ParsedReply;
  // URLs are held aside as private-use marks while parsing; none may leak into what is kept, and
  // marks typed by the person are not taken for URLs. (A date in the past is read as written:
  // checkAnswer refuses it with a message, which the payload properties cover.)
  expect(JSON.stringify(reply)).not.toMatch(/[\uE000\uE001]/);
  if (text.length > MAX_REPLY_LENGTH) expect(reply).toEqual({ intent: null, ref: null, confident: false });
  return reply;
}

const today = fc
  .date({ min: new Date(Date.UTC(1900, 0, 1)), max: new Date(Date.UTC(2199, 11, 31)), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

// ---------------------------------------------------------------------------------------------
// The words people answer with, in English and Welsh

const REFS = ["2.3", "R6", "R 6", "r6.", "(R6)", "KLOE A1-1", "#34", "T2.M5", "6", "PC1.6", "CO.C1.7", "Q3", "FY24", "re 2.3:", "action 6", "2.3 and 2.4", "2.3, 2.4"];
const STATUS = [
  "done", "complete", "completed", "all done", "finished", "signed off", "not yet", "incomplete", "nearly done", "80% complete",
  "on track", "going well", "progressing nicely", "in progress", "under way", "no change", "delayed", "running late", "slipped",
  "pushed back", "new date", "now due", "blocked", "stuck", "can't progress", "on hold", "paused", "snooze", "remind me later",
  "ask me again", "not now", "not mine", "isn't my action", "wrong person", "nothing to do with me", "not done", "not on track",
  "no delay", "no longer blocked", "to be done", "will be complete", "done but delayed",
  "wedi'i gwblhau", "wedi gorffen", "wedi ei wneud", "heb ei wneud", "ddim eto", "bron â gorffen", "ar y trywydd iawn",
  "ar amser", "yn mynd yn dda", "ar y gweill", "wedi oedi", "wedi'i ohirio", "yn hwyr", "llithro", "wedi'i rwystro", "yn sownd",
  "methu symud ymlaen", "ar stop", "atgoffa fi", "gofyn eto", "ddim nawr", "nid fi", "nid fy ngweithred", "person anghywir",
];
const WHEN = [
  "to end of March", "until 1 March", "to 31/03/2027", "to 31.03.27", "in 2 weeks", "for a month", "tomorrow", "next week",
  "by 2 weeks", "to Q3", "to the end of the year", "to early 2027", "until mid-May", "to May", "to 29 February", "to 31 June",
  "to 99/99/9999", "to 0/0/0", "to 31/12/9999", "to 1st", "tan ddiwedd mis Mawrth", "yfory", "mewn pythefnos",
  "wythnos nesaf", "to 12 weeks", "for 99 months", "to June 2027 end", "erbyn diwedd y flwyddyn ariannol",
];
const COURTESY = ["hi", "Hi Sam,", "hello there", "morning all", "thanks", "Thanks, Sam", "cheers", "ok", "ok then", "diolch yn fawr", "bore da", "shwmae", "kind regards", "pls"];
const REASONS = ["because", "due to", "as", "waiting for Cabinet", "no budget", "oherwydd", "gan fod", "so", "but", "and", "hence"];
const HEDGES = ["maybe", "I think", "probably", "not sure", "efallai", "dwi'n meddwl", "sort of", "ish", "?"];
const OTHER = [
  "note:", "update:", "fyi", "nodyn:", "evidence at", "see", "https://example.gov.uk/report.pdf", "www.example.com/a?b=1.", "help",
  "my actions", "list", "fy nghamau", "it", "is", "now", "the", "IT", "R", "-", ":", ",", ".", "!", "(", ")", "'", "\"", "’", "—",
  "😀", "👍🏽", "\u200d", "\ufe0f", "\u00a0", "\u2028", "\ud800", "\uE0001\uE001", "Ŵ", "e\u0301", "\t", "\n", "",
];
const word = fc.oneof(
  { arbitrary: fc.constantFrom(...STATUS), weight: 4 },
  { arbitrary: fc.constantFrom(...REFS), weight: 2 },
  { arbitrary: fc.constantFrom(...WHEN), weight: 2 },
  { arbitrary: fc.constantFrom(...COURTESY), weight: 1 },
  { arbitrary: fc.constantFrom(...REASONS), weight: 1 },
  { arbitrary: fc.constantFrom(...HEDGES), weight: 1 },
  { arbitrary: fc.constantFrom(...OTHER), weight: 2 },
  { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
);
const separator = fc.constantFrom(" ", " ", " ", ", ", ": ", ". ", "! ", " - ", "\n", "", "  ");
const phrase = fc.array(fc.tuple(word, separator), { minLength: 1, maxLength: 14 }).map((parts) => parts.map(([w, s]) => w + s).join(""));
/** A phrase repeated to 1,000–2,100 characters: the inputs that make backtracking regexes explode. */
const longPhrase = fc
  .tuple(phrase.filter((p) => p.length > 0), fc.integer({ min: 1000, max: MAX_REPLY_LENGTH + 100 }), fc.constantFrom("", "x", " done", "!", "?"))
  .map(([p, size, tail]) => p.repeat(Math.ceil(size / p.length)).slice(0, size - tail.length) + tail);

describe("parseReply under property-based fuzzing: never throws, never hangs, always well-formed", () => {
  it("reads arbitrary text", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: fc.constantFrom("grapheme", "binary") as never, maxLength: 2100 }), today, async (text, day) => {
        await read(text, day);
      }),
      fuzzParams(40),
    );
  }, PROPERTY_TIMEOUT);

  it("reads realistic English and Welsh answers", async () => {
    await fc.assert(
      fc.asyncProperty(phrase, today, async (text, day) => {
        const reply = await read(text, day);
        // The same words are always read the same way.
        expect(parseReply(text, { today: day })).toEqual(reply);
      }),
      {
        ...fuzzParams(200),
        // Found by this property: parseReply took 2200-01-01 as today, then parseTarget threw on it.
        examples: [["running late to end of March ", "2199-12-31"], ["snooze until 1 March", "2199-12-31"], ["delayed to end of March", "1900-01-01"]],
      },
    );
  }, PROPERTY_TIMEOUT);

  it("reads long answers of repeated vocabulary, up to and past the length limit", async () => {
    await fc.assert(
      fc.asyncProperty(longPhrase, today, async (text, day) => {
        await read(text, day);
      }),
      {
        ...fuzzParams(30),
        // Found by this property: a typed URL mark ("\uE0001\uE001") became an empty URL, leaving "2.3 " untrimmed.
        examples: [[`${"1 done 2.3 \uE0001\uE001 ".repeat(90)}done`, "1970-01-01"]],
      },
    );
  }, PROPERTY_TIMEOUT);

  it("refuses a today it cannot read dates against at once, not half-way through a date (found by fuzzing)", () => {
    expect(() => parseReply("running late to end of March", { today: "2200-01-01" })).toThrow(RangeError);
    expect(() => parseReply("hello", { today: "2200-01-01" })).toThrow(RangeError);
    expect(parseReply("running late to end of March", { today: "2199-12-31" }).intent).toMatchObject({ kind: "delayed" });
  });
});
