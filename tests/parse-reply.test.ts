import { describe, expect, it } from "vitest";
import { MAX_REPLY_LENGTH, normaliseRef, parseReply, type ParsedReply, type ReplyIntent } from "../src/domain/parse-reply.js";
import { Target } from "../src/domain/target.js";

const TODAY = "2026-11-22";

type Row = [text: string, expected: ParsedReply];

/** A reply with its ref and confidence; confident unless said otherwise. */
function reply(intent: ReplyIntent | null, ref: string | null = null, confident = true): ParsedReply {
  return { intent, ref, confident };
}
const unsure = (intent: ReplyIntent | null, ref: string | null = null): ParsedReply => reply(intent, ref, false);
/** Status words that give no one intent: nothing to record, but an answer was meant, so Chaser asks which. */
const askBack = (ref: string | null = null): ParsedReply => ({ intent: null, ref, confident: false, statusWords: true });

const target = (text: string, from: string, to: string = from): Target => ({ text, from, to, ongoing: false });
const complete = (note: string | null = null, evidenceUrl: string | null = null): ReplyIntent => ({ kind: "complete", note, evidenceUrl });
const delayed = (newTarget: Target | null = null, reason: string | null = null): ReplyIntent => ({ kind: "delayed", newTarget, reason });
const blocked = (reason: string | null = null): ReplyIntent => ({ kind: "blocked", reason });
const note = (text: string): ReplyIntent => ({ kind: "note", text });
const snooze = (until: Target | null = null): ReplyIntent => ({ kind: "snooze", until });
const notMine = (n: string | null = null): ReplyIntent => ({ kind: "not_mine", note: n });
const ON_TRACK: ReplyIntent = { kind: "on_track" };
const MY_ACTIONS: ReplyIntent = { kind: "my_actions" };
const HELP: ReplyIntent = { kind: "help" };

function expectReply(text: string, expected: ParsedReply): void {
  const result = parseReply(text, { today: TODAY });
  expect(result).toEqual(expected);
  const intent = result.intent;
  const targets = intent?.kind === "delayed" ? [intent.newTarget] : intent?.kind === "snooze" ? [intent.until] : [];
  for (const t of targets) if (t) expect(Target.safeParse(t).success).toBe(true);
}

describe("parseReply: complete (today 2026-11-22 throughout)", () => {
  it.each<Row>([
    ["done", reply(complete())],
    ["Done!", reply(complete())],
    ["DONE", reply(complete())],
    ["complete", reply(complete())],
    ["completed", reply(complete())],
    ["finished", reply(complete())],
    ["all done 👍", reply(complete())],
    ["Completed 👍🏻", reply(complete())],
    ["2.3 done", reply(complete(), "2.3")],
    ["done 2.3", reply(complete(), "2.3")],
    ["R6 complete", reply(complete(), "R6")],
    ["R 6 is complete", reply(complete(), "R 6")],
    ["2.3: done, evidence at https://intranet/x", reply(complete(null, "https://intranet/x"), "2.3")],
    ["done, evidence: www.example.gov.uk/report.", reply(complete(null, "www.example.gov.uk/report"))],
    ["complete - report went to Cabinet on 3 March", reply(complete("report went to Cabinet on 3 March"))],
    ["2.3 done, report to Cabinet 3 March", reply(complete("report to Cabinet 3 March"), "2.3")],
    ["the report is done", reply(complete("the report"))],
    ["thanks, done", reply(complete())],
    ["Hello Chaser, 2.3 done. Thanks, Sam", reply(complete(), "2.3")],
    ["ok done", reply(complete())],
  ])("%j", expectReply);
});

describe("parseReply: on track", () => {
  it.each<Row>([
    ["on track", reply(ON_TRACK)],
    ["on target", reply(ON_TRACK)],
    ["going well", reply(ON_TRACK)],
    ["progressing", reply(ON_TRACK)],
    ["all fine", reply(ON_TRACK)],
    ["great progress", reply(ON_TRACK)],
    ["2.1 on track", reply(ON_TRACK, "2.1")],
    ["R6 - on track", reply(ON_TRACK, "R6")],
    ["hi, 2.3 is on track thanks", reply(ON_TRACK, "2.3")],
    // Weak: "in progress" says work is going on, not that it is on time.
    ["in progress", unsure(ON_TRACK)],
  ])("%j", expectReply);
});

describe("parseReply: delayed", () => {
  it.each<Row>([
    [
      "delayed to end of March, waiting for Cabinet",
      reply(delayed(target("end of March", "2027-03-31"), "waiting for Cabinet")),
    ],
    // The reason loses a leading "because", "because of", "due to", "as".
    ["delayed until 30/04/27 because of staffing", reply(delayed(target("30/04/27", "2027-04-30"), "staffing"))],
    ["delayed to June due to the election", reply(delayed(target("June", "2027-06-01", "2027-06-30"), "the election"))],
    ["running late", reply(delayed())],
    ["delayed", reply(delayed())],
    [
      "R6 slipping to Q1 2027/28 - awaiting funding",
      reply(delayed(target("Q1 2027/28", "2027-04-01", "2027-06-30"), "awaiting funding"), "R6"),
    ],
    ["new date 31 May", reply(delayed(target("31 May", "2027-05-31")))],
    ["new date: 31 March 2027", reply(delayed(target("31 March 2027", "2027-03-31")))],
    ["push back to June", reply(delayed(target("June", "2027-06-01", "2027-06-30")))],
    [
      "running late, new date 31 May, waiting for legal",
      reply(delayed(target("31 May", "2027-05-31"), "waiting for legal")),
    ],
    ["no budget so delayed", reply(delayed(null, "no budget"))],
    // A number in a reason is neither a ref nor a date.
    ["delayed, waiting 2 weeks", reply(delayed(null, "waiting 2 weeks"))],
    // A shift needs the old date, which the parser does not know: no target.
    ["delayed by 2 weeks", reply(delayed())],
    // A date that cannot be pinned down: no target, and the caller should ask.
    ["delayed to Q3", unsure(delayed())],
    // "may" the verb is not May.
    ["slipped, may need more", reply(delayed(null, "may need more"))],
    ["slipped to May", reply(delayed(target("May", "2027-05-01", "2027-05-31")))],
  ])("%j", expectReply);
});

describe("parseReply: blocked", () => {
  it.each<Row>([
    ["blocked: no budget", reply(blocked("no budget"))],
    ["blocked by legal", reply(blocked("legal"))],
    ["stuck, waiting on IT", reply(blocked("waiting on IT"))],
    ["waiting on IT, so blocked", reply(blocked("waiting on IT"))],
    ["can't progress without funding", reply(blocked("without funding"))],
    ["blocked", reply(blocked())],
    ["K1 is blocked by legal", reply(blocked("legal"), "K1")],
    ["blocked on 2.3", reply(blocked(), "2.3")],
    // "to complete" is a plan, not a report that it is complete.
    [
      "blocked: waiting on procurement to complete the contract",
      reply(blocked("waiting on procurement to complete the contract")),
    ],
    // Weak: "on hold" may be a choice rather than a blocker.
    ["on hold pending budget", unsure(blocked("pending budget"))],
  ])("%j", expectReply);
});

describe("parseReply: notes", () => {
  it.each<Row>([
    ["note: met the supplier today", reply(note("met the supplier today"))],
    ["update: report drafted, going to CMT next week", reply(note("report drafted, going to CMT next week"))],
    ["fyi the supplier called", reply(note("the supplier called"))],
    ["update on 2.3: met the supplier", reply(note("met the supplier"), "2.3")],
    ["R6 note: see https://intranet/r6", reply(note("see https://intranet/r6"), "R6")],
    // A status inside a note may be the real answer: the caller asks.
    ["Update: R6 is done", unsure(note("R6 is done"))],
    ["note:", unsure(null)],
    ["update the plan", unsure(null)],
  ])("%j", expectReply);
});

describe("parseReply: snooze", () => {
  it.each<Row>([
    ["snooze until 1 March", reply(snooze(target("1 March", "2027-03-01")))],
    ["remind me next month", reply(snooze(target("next month", "2026-12-01", "2026-12-31")))],
    ["ask me again in 2 weeks", reply(snooze(target("in 2 weeks", "2026-12-06")))],
    ["snooze for a fortnight", reply(snooze(target("for a fortnight", "2026-12-06")))],
    ["remind me tomorrow", reply(snooze(target("tomorrow", "2026-11-23")))],
    ["snooze", reply(snooze())],
    ["not now", reply(snooze())],
    // A time was given that could not be read: ask.
    ["snooze until after Christmas", unsure(snooze())],
    // The ref right after the word, before the date (issue 13: this pointed to a Snooze button).
    ["snooze 2.6 until 1 March", reply(snooze(target("1 March", "2027-03-01")), "2.6")],
    ["snooze R 6 till 1 March", reply(snooze(target("1 March", "2027-03-01")), "R 6")],
    ["atgoffa fi am 2.6 tan 1 Mawrth", reply(snooze(target("1 Mawrth", "2027-03-01")), "2.6")],
  ])("%j", expectReply);

  it("takes no ref from a range after the status word ('delayed 2 to 3 weeks')", () => {
    expect(parseReply("delayed 2 to 3 weeks", { today: TODAY }).ref).toBeNull();
  });
});

describe("parseReply: not mine", () => {
  it.each<Row>([
    ["R6 is not mine", reply(notMine(), "R6")],
    ["not mine", reply(notMine())],
    ["wrong person", reply(notMine())],
    ["this isn't my action", reply(notMine())],
    ["not my action, ask Procurement", reply(notMine("ask Procurement"))],
    ["not my action. Ask Procurement.", reply(notMine("Ask Procurement"))],
    ["it's not me, it's Finance", reply(notMine("it's Finance"))],
  ])("%j", expectReply);
});

describe("parseReply: commands", () => {
  it.each<Row>([
    ["my actions", reply(MY_ACTIONS)],
    ["My actions please", reply(MY_ACTIONS)],
    ["list", reply(MY_ACTIONS)],
    ["what do I have", reply(MY_ACTIONS)],
    ["what do I have?", reply(MY_ACTIONS)],
    ["help", reply(HELP)],
    ["?", reply(HELP)],
  ])("%j", expectReply);
});

describe("parseReply: unsure and unknown", () => {
  it.each<Row>([
    // Nothing there, or nothing recognisable: not understood.
    ["", unsure(null)],
    ["   ", unsure(null)],
    ["lol", unsure(null)],
    ["not sure", unsure(null)],
    ["👍", unsure(null)],
    ["will be done by March", unsure(null)],
    ["complete by end of March", unsure(null)],
    // Small talk: understood, and there is no update in it.
    ["hello", reply(null)],
    ["thanks", reply(null)],
    ["Hi Sam", reply(null)],
    ["ok thanks", reply(null)],
    ["diolch yn fawr", reply(null)],
    // Negations: no intent when the negation implies none, else the implied one, unsure.
    ["not done yet", askBack()],
    ["not complete", askBack()],
    ["not complete yet", askBack()],
    ["not yet", askBack()],
    ["not on track", unsure(delayed())],
    ["no delays", unsure(ON_TRACK)],
    // Partial completion is not completion.
    ["nearly done", askBack()],
    ["80% done", askBack()],
    // Mixed signals.
    ["done but delayed", askBack()],
    ["blocked, otherwise fine", askBack()],
    // Hedges keep the intent but ask.
    ["maybe on track?", unsure(ON_TRACK)],
    ["I think it's done", unsure(complete())],
    ["is R6 done?", unsure(complete("is R6"))],
    // A ref alone.
    ["2.3", unsure(null, "2.3")],
  ])("%j", expectReply);

  it(`reads nothing over ${MAX_REPLY_LENGTH} characters`, () => {
    expect(parseReply(`done ${"x".repeat(MAX_REPLY_LENGTH)}`, { today: TODAY })).toEqual(unsure(null));
    expect(parseReply(`done ${"x".repeat(MAX_REPLY_LENGTH - 5)}`, { today: TODAY }).intent?.kind).toBe("complete");
  });

  it("rejects a today that is not an ISO date", () => {
    expect(() => parseReply("done", { today: "22/11/2026" })).toThrow(RangeError);
    expect(() => parseReply("done", { today: "2026-02-30" })).toThrow(RangeError);
  });
});

describe("parseReply: Welsh", () => {
  it.each<Row>([
    ["wedi'i wneud", reply(complete())],
    ["wedi’i wneud", reply(complete())],
    ["wedi gorffen", reply(complete())],
    ["cwblhawyd", reply(complete())],
    ["wedi'i gwblhau", reply(complete())],
    ["wedi cwblhau", reply(complete())],
    ["2.3 wedi'i wneud", reply(complete(), "2.3")],
    ["ar y trywydd iawn", reply(ON_TRACK)],
    ["ar amser", reply(ON_TRACK)],
    [
      "wedi'i oedi tan ddiwedd mis Mawrth, aros am y Cabinet",
      reply(delayed(target("ddiwedd mis Mawrth", "2027-03-31"), "aros am y Cabinet")),
    ],
    ["wedi'i ohirio tan fis Ebrill", reply(delayed(target("fis Ebrill", "2027-04-01", "2027-04-30")))],
    ["yn hwyr", reply(delayed())],
    ["wedi'i rwystro: dim cyllideb", reply(blocked("dim cyllideb"))],
    ["wedi rhwystro", reply(blocked())],
    ["yn sownd", reply(blocked())],
    ["nid fi", reply(notMine())],
    ["nid fy un i", reply(notMine())],
    ["nid fi sy'n gyfrifol am R6", reply(notMine(), "R6")],
    ["nodyn: cyfarfod â'r cyflenwr", reply(note("cyfarfod â'r cyflenwr"))],
    ["atgoffa fi mis nesaf", reply(snooze(target("mis nesaf", "2026-12-01", "2026-12-31")))],
    ["atgoffa fi mewn pythefnos", reply(snooze(target("mewn pythefnos", "2026-12-06")))],
    ["fy ngweithredoedd", reply(MY_ACTIONS)],
    ["fy nghamau", reply(MY_ACTIONS)],
    ["help", reply(HELP)],
    ["cymorth", reply(HELP)],
    ["heb ei wneud", askBack()],
    ["ddim wedi gorffen", askBack()],
    ["ar y gweill", unsure(ON_TRACK)],
  ])("%j", expectReply);
});

describe("parseReply: refs", () => {
  it.each<Row>([
    ["KLOE A1-1 done", reply(complete(), "KLOE A1-1")],
    ["#34 complete", reply(complete(), "#34")],
    ["T2.M5 on track", reply(ON_TRACK, "T2.M5")],
    ["PC1.6 done", reply(complete(), "PC1.6")],
    ["PC 1.6 on track", reply(ON_TRACK, "PC 1.6")],
    ["R14a done", reply(complete(), "R14a")],
    ["r6 done", reply(complete(), "r6")],
    ["6 done", reply(complete(), "6")],
    ["done 6", reply(complete(), "6")],
    ["done R6.", reply(complete(), "R6")],
    ["done (R14)", reply(complete(), "R14")],
    ["done for R6", reply(complete(), "R6")],
    ["Re R6: blocked", reply(blocked(), "R6")],
    // Dates and quantities are not refs.
    ["done on 3 March", reply(complete("on 3 March"))],
    ["31/03/27 done", reply(complete("31/03/27"))],
    ["delayed to 31 March 2027", reply(delayed(target("31 March 2027", "2027-03-31")))],
    ["blocked - need 2 staff", reply(blocked("need 2 staff"))],
    ["Q1 done", reply(complete("Q1"))],
    // Two different refs: which one is meant is asked.
    ["2.3 and 2.4 done", unsure(complete())],
    ["2.3, 2.4 done", unsure(complete())],
  ])("%j", expectReply);
});

describe("normaliseRef", () => {
  it.each<[string, string]>([
    ["R 6", "r6"],
    ["r6", "r6"],
    ["R6.", "r6"],
    ["R6", "r6"],
    ["KLOE A1-1", "kloea1-1"],
    ["#34", "#34"],
    ["2.3", "2.3"],
    ["2.3:", "2.3"],
    ["T2.M5", "t2.m5"],
    ["(PC 1.6)", "pc1.6"],
  ])("%j → %j", (ref, normalised) => {
    expect(normaliseRef(ref)).toBe(normalised);
  });

  it("matches the ref parseReply found with the one on the card", () => {
    expect(normaliseRef(parseReply("r 6 is complete", { today: TODAY }).ref!)).toBe(normaliseRef("R6"));
  });
});
