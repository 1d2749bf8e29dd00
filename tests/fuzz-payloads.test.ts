import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { AnswerInputs, AnswerPayload } from "../src/conversation/card.js";
import { BoundedWorker, fuzzParams, localesMissing, PROPERTY_TIMEOUT, settleWithin } from "./helpers/fuzz.js";
import { SLACK_SCHEMAS, type convertSlack, type convertTeams, type readAnswer } from "./helpers/payload-conversions.js";
import { TeamsActivity } from "../src/adapters/teams/teams-activity.js";

/**
 * Property-based tests of the payload converters: whatever JSON a platform (or a forger) sends, the
 * Slack and Teams conversions and the card answer schemas accept it or refuse it without throwing,
 * within the bound, and what they accept is what their schemas promise.
 *
 * The bound: each conversion takes well under 10 ms, so 2 s is a two-hundredfold margin for a shared
 * 2-core machine; the payloads carry strings of up to 50,000 characters and deep nesting, where a
 * conversion that walked them super-linearly would show. Calls run in a worker thread and are cut
 * off at the bound.
 */
const BOUND_MS = 2_000;

const worker = new BoundedWorker();
afterAll(() => worker.stop());

async function call<T>(name: "convertSlack" | "convertTeams" | "readAnswer", ...args: unknown[]): Promise<T> {
  const result = await settleWithin(worker, BOUND_MS, name, args);
  if (!result.ok) throw new Error(`${name} threw ${result.code}; converters refuse by their result, never by throwing`);
  return result.value as T;
}

// ---------------------------------------------------------------------------------------------
// Payloads: arbitrary JSON, and real shapes with parts replaced by arbitrary JSON

const longString = fc.tuple(fc.string({ maxLength: 8 }), fc.integer({ min: 1, max: 50_000 })).map(([s, n]) => (s || "x").repeat(n).slice(0, n));
const json = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 4 }), weight: 5 },
  { arbitrary: longString, weight: 1 },
  // Keys an object built by assignment would take for its prototype.
  { arbitrary: fc.constantFrom('{"__proto__":{"a":"x"}}', '{"constructor":{"prototype":1}}', '{"toString":1,"valueOf":2}').map((t) => JSON.parse(t) as unknown), weight: 1 },
  { arbitrary: fc.integer({ min: 1, max: 400 }).map((depth) => JSON.parse("[".repeat(depth) + "]".repeat(depth)) as unknown), weight: 1 },
);

const answerValue = JSON.stringify({ v: 1, m: "msg-1", a: "act-1", k: "delayed", d: "2027-03-31", r: "waiting for Cabinet" });
const SLACK_SAMPLES: unknown[] = [
  {
    type: "block_actions",
    user: { id: "U1", team_id: "T1" },
    team: { id: "T1" },
    trigger_id: "1.2.3",
    container: { type: "message", channel_id: "D1", message_ts: "1700000000.000100" },
    actions: [{ action_id: "chaser.answer.act-1", value: answerValue, action_ts: "1700000001.1" }],
  },
  {
    type: "view_submission",
    user: { id: "U1" },
    team: null,
    view: {
      id: "V1",
      callback_id: "chaser.modal",
      private_metadata: JSON.stringify({ p: JSON.parse(answerValue), c: "D1", ts: "1700000000.000100" }),
      state: { values: { kind: { k: { selected_option: { value: "delayed" } } }, date: { d: { selected_date: "2027-03-31" } }, text: { t: { value: "waiting" } } } },
    },
  },
  { command: "/chaser", text: "my actions", user_id: "U1", team_id: "T1", channel_id: "D1" },
  { type: "message", channel_type: "im", channel: "D1", user: "U1", text: "2.3 done", ts: "1700000000.000100", client_msg_id: "c1" },
  { type: "app_home_opened", user: "U1", channel: "D1", tab: "messages" },
  { id: "U1", name: "sam", real_name: "Sam Jones", locale: "cy-GB", profile: { email: "sam@example.gov.uk" } },
];
const TEAMS_SAMPLES: unknown[] = [
  {
    type: "message",
    id: "m1",
    text: "<at>Chaser</at> subscribe procurement",
    locale: "en-GB",
    from: { id: "29:1", name: "Sam" },
    recipient: { id: "28:bot" },
    conversation: { id: "19:c", conversationType: "channel", tenantId: "t1" },
    channelData: { tenant: { id: "t1" } },
    entities: [{ type: "mention", text: "<at>Chaser</at>", mentioned: { id: "28:bot" } }, { type: "clientInfo", locale: "cy-GB" }],
  },
  {
    type: "invoke",
    name: "adaptiveCard/action",
    id: "i1",
    from: { id: "29:1" },
    recipient: { id: "28:bot" },
    conversation: { id: "a:1", conversationType: "personal" },
    value: { action: { type: "Action.Execute", verb: "chaser.answer", data: { v: 1, m: null, a: "act-1", k: "note", "text.act-1.note": "update" } }, trigger: "manual" },
  },
  { type: "conversationUpdate", from: { id: "29:1" }, recipient: { id: "28:bot" }, conversation: { id: "a:1" }, membersAdded: [{ id: "28:bot" }] },
];

/** Every path to a value inside `value` (down to 8 levels: samples are shallow), as lists of keys. */
function paths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== "object" || value === null || at.length >= 8) return [at];
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [at, ...keys.flatMap((k) => paths((value as Record<string | number, unknown>)[k], [...at, k]))];
}

/** `sample` with the value at one of its paths replaced by `replacement`, or removed. */
function replaced(sample: unknown, pick: number, replacement: unknown, remove: boolean): unknown {
  const all = paths(sample);
  const path = all[pick % all.length]!;
  if (path.length === 0) return replacement;
  const copy = structuredClone(sample) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (remove) delete parent[last];
  else parent[last] = replacement;
  return copy;
}

const nearly = (samples: unknown[]): fc.Arbitrary<unknown> =>
  fc
    .tuple(fc.constantFrom(...samples), fc.array(fc.tuple(fc.nat(), json, fc.boolean()), { minLength: 1, maxLength: 3 }))
    .map(([sample, changes]) => changes.reduce((value, [pick, replacement, remove]) => replaced(value, pick, replacement, remove), sample));

const today = fc.date({ min: new Date(Date.UTC(2000, 0, 1)), max: new Date(Date.UTC(2100, 0, 1)), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

// ---------------------------------------------------------------------------------------------

describe("payload converters under property-based fuzzing: accepted or refused, never thrown", () => {
  it("Slack: events, interactions, slash commands and user records, and JSON in button values", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(json, nearly(SLACK_SAMPLES), nearly(SLACK_SAMPLES)), fc.oneof(fc.string({ maxLength: 200 }), fc.constant(answerValue)), async (value, text) => {
        const out = await call<ReturnType<typeof convertSlack>>("convertSlack", value, text);
        // What a schema accepted, it accepts again unchanged: the adapter reads only checked fields.
        for (const [name, data] of Object.entries(out.accepted)) {
          if (data === null) continue;
          const schema = SLACK_SCHEMAS[name as keyof typeof SLACK_SCHEMAS];
          expect(schema.parse(data), name).toEqual(data);
        }
        if (out.modalValues) for (const v of Object.values(out.modalValues)) expect(typeof v).toBe("string");
        if (out.buttonAnswer) expect(AnswerPayload.parse(out.buttonAnswer)).toEqual(out.buttonAnswer);
      }),
      fuzzParams(150),
    );
  }, PROPERTY_TIMEOUT);

  it("Teams: activities, mentions, locales and Action.Execute data with form inputs", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(json, nearly(TEAMS_SAMPLES), nearly(TEAMS_SAMPLES)), async (value) => {
        const out = await call<ReturnType<typeof convertTeams>>("convertTeams", value);
        if (!out.activity) return;
        expect(TeamsActivity.parse(out.activity)).toEqual(out.activity);
        for (const m of out.mentions!) expect(typeof m.text === "string" && typeof m.mentioned.id === "string").toBe(true);
        expect(out.locale === null || typeof out.locale === "string").toBe(true);
        for (const v of Object.values(out.inputs!)) expect(typeof v).toBe("string");
      }),
      fuzzParams(150),
    );
  }, PROPERTY_TIMEOUT);

  it("card answers: any button payload and form inputs are read, or refused with a code both languages explain", async () => {
    const validPayload = fc.record(
      {
        v: fc.constant(1),
        m: fc.oneof(fc.constant(null), fc.string({ maxLength: 64 })),
        a: fc.string({ minLength: 1, maxLength: 64 }),
        k: fc.constantFrom("on_track", "complete", "delayed", "blocked", "note", "snooze", "not_mine"),
        d: fc.oneof(fc.stringMatching(/^\d{4}-\d{2}-\d{2}$/), fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))),
        r: fc.string({ maxLength: 1200 }),
      },
      { requiredKeys: ["v", "m", "a", "k"] },
    );
    const inputs = fc.record(
      {
        kind: fc.oneof(fc.constantFrom("on_track", "complete", "delayed", "blocked", "note", "snooze", "not_mine"), json),
        text: fc.oneof(fc.string({ maxLength: 1200 }), longString),
        date: fc.oneof(fc.stringMatching(/^\s*\d{4}-\d{2}-\d{2}\s*$/), fc.string({ maxLength: 12 })),
        reason: fc.string({ maxLength: 1200 }),
        note: fc.string({ maxLength: 1200 }),
        evidence: fc.oneof(fc.webUrl(), fc.string()),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(validPayload, json, nearly([JSON.parse(answerValue)])), fc.oneof(inputs, json), today, async (payload, given, day) => {
        const out = await call<ReturnType<typeof readAnswer>>("readAnswer", payload, given, day);
        if (out.payload) expect(AnswerPayload.parse(out.payload)).toEqual(out.payload);
        if (out.inputs) expect(AnswerInputs.parse(out.inputs)).toEqual(out.inputs);
        if (out.invalid) expect(localesMissing(out.invalid.code), out.invalid.code).toEqual([]);
      }),
      fuzzParams(150),
    );
  }, PROPERTY_TIMEOUT);
});
