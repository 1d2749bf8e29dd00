import { describe, expect, it } from "vitest";
import { parseChatCommand } from "../src/commands/parse-chat-command.js";

describe("chat words to a command, English and Welsh", () => {
  it.each([
    ["subscribe procurement-review", { kind: "digests.subscribe", plan: "procurement-review", theme: null, channel: null }],
    ["Subscribe Improvement Plan theme Corporate Oversight", { kind: "digests.subscribe", plan: "Improvement Plan", theme: "Corporate Oversight", channel: null }],
    ["tanysgrifio cynllun-gwella thema Diwylliant", { kind: "digests.subscribe", plan: "cynllun-gwella", theme: "Diwylliant", channel: null }],
    ["oedi", { kind: "plans.pause", plan: null }],
    ["Resume procurement-review", { kind: "plans.resume", plan: "procurement-review" }],
    ["map Monitoring Officer to Sam.Jones@example.gov.uk", { kind: "owners.map", role: "Monitoring Officer", person: { by: "email", email: "sam.jones@example.gov.uk" } }],
    ["cysylltu CDAI â nia@example.gov.uk", { kind: "owners.map", role: "CDAI", person: { by: "email", email: "nia@example.gov.uk" } }],
    ['owner "Monitoring Officer" <@U0SAM|Sam Jones>', { kind: "owners.map", role: "Monitoring Officer", person: { by: "platform", platform: "slack", userId: "U0SAM", name: "Sam Jones" } }],
    ["owner “Head of Finance” <mailto:jo@example.gov.uk|jo@example.gov.uk>", { kind: "owners.map", role: "Head of Finance", person: { by: "email", email: "jo@example.gov.uk" } }],
    ["cyflenwi <@U1> gan <@U2> tan 24/12/2026", { kind: "owners.cover", person: { by: "platform", platform: "slack", userId: "U1", name: null }, cover: { by: "platform", platform: "slack", userId: "U2", name: null }, until: "2026-12-24", remove: false }],
    ["statws hwyr", { kind: "status.overdue", plan: null }],
    ["schedule promptTime=10:00 workingDays=mon,tue", { kind: "schedule.set", plan: null, changes: { promptTime: "10:00", workingDays: ["mon", "tue"] } }],
    ["crynodeb rhagolwg cynllun thema Pobl", { kind: "digests.preview", plan: "cynllun", theme: "Pobl" }],
    ["export Procurement review", { kind: "plans.export", plan: "Procurement review", format: "xlsx" }],
    ["export procurement-review DOCX", { kind: "plans.export", plan: "procurement-review", format: "docx" }],
    ["allforio cynllun-gwella csv", { kind: "plans.export", plan: "cynllun-gwella", format: "csv" }],
  ])("%s", (text, command) => {
    expect(parseChatCommand(text, "slack")).toEqual({ kind: "command", command, explicit: false });
  });

  it.each([
    ["2.3 done", "none"],
    ["paused until March", "none"],
    ["subscribe", "bad"],
    ["export", "bad"],
    ["allforio csv", "bad"],
    // Two words fit "owner ROLE PERSON"; the person is then not found, and the answer is the usage.
    ["map the route", "command"],
    ["cover letter sent", "bad"],
    ["cover <@U1> by <@U2> until soon", "bad"],
    ["chaser frobnicate", "bad"],
  ])("%s is %s", (text, kind) => {
    expect(parseChatCommand(text, "slack").kind).toBe(kind);
  });

  // The language command: the speaker's own (no person), or an admin's for someone named.
  it.each([
    ["language Welsh", null, "cy"],
    ["Language welsh.", null, "cy"],
    ["iaith Cymraeg", null, "cy"],
    ["iaith i Gymraeg", null, "cy"],
    ["language cy", null, "cy"],
    ["language to English", null, "en-GB"],
    ["iaith Saesneg", null, "en-GB"],
    ["language en", null, "en-GB"],
    ["chaser language cy-GB", null, "cy"],
    // No language, or one Chaser does not speak: answered with the one in use.
    ["language", null, null],
    ["iaith Klingon", null, null],
    ["language sam.jones@example.gov.uk Welsh", { by: "email", email: "sam.jones@example.gov.uk" }, "cy"],
    ["iaith <@U0SAM|Sam Jones> i Saesneg", { by: "platform", platform: "slack", userId: "U0SAM", name: "Sam Jones" }, "en-GB"],
  ])("%s", (text, person, locale) => {
    expect(parseChatCommand(text, "slack")).toMatchObject({ kind: "command", command: { kind: "people.language", person, locale } });
  });

  it.each([
    ["my language is English", "none"],
    ["languages", "none"],
    ["Welsh", "none"],
    ["2.3 done", "none"],
    // A person named needs a language Chaser speaks; a name alone is no person in chat.
    ["language sam.jones@example.gov.uk", "bad"],
    ["language sam.jones@example.gov.uk Klingon", "bad"],
    ["language Sam Welsh", "bad"],
    ["language Welsh please", "bad"],
  ])("%s is %s", (text, kind) => {
    const parsed = parseChatCommand(text, "slack");
    expect(parsed.kind).toBe(kind);
    if (parsed.kind === "bad") expect(parsed.topic).toBe("language");
  });
});
