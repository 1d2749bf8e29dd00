import { describe, expect, it } from "vitest";
import { parseAdminCommand } from "../src/conversation/admin-command.js";

describe("admins' commands in chat", () => {
  it.each([
    ["subscribe procurement-review", { kind: "subscribe", plan: "procurement-review", theme: null, locale: null }],
    ["subscribe procurement-review cy", { kind: "subscribe", plan: "procurement-review", theme: null, locale: "cy" }],
    ["tanysgrifio Cynllun Gwella Cymraeg", { kind: "subscribe", plan: "Cynllun Gwella", theme: null, locale: "cy" }],
    ["Subscribe Improvement Plan theme Corporate Oversight", { kind: "subscribe", plan: "Improvement Plan", theme: "Corporate Oversight", locale: null }],
    ["subscribe Improvement Plan theme Corporate Oversight English", { kind: "subscribe", plan: "Improvement Plan", theme: "Corporate Oversight", locale: "en-GB" }],
    ["tanysgrifio cynllun-gwella thema Diwylliant", { kind: "subscribe", plan: "cynllun-gwella", theme: "Diwylliant", locale: null }],
    ["unsubscribe procurement-review", { kind: "unsubscribe", plan: "procurement-review" }],
    ["pause", { kind: "pause" }],
    ["Resume", { kind: "resume" }],
    ["oedi", { kind: "pause" }],
    ["map Monitoring Officer to Sam.Jones@example.gov.uk", { kind: "map", role: "Monitoring Officer", email: "sam.jones@example.gov.uk" }],
    ["cysylltu CDAI â nia@example.gov.uk", { kind: "map", role: "CDAI", email: "nia@example.gov.uk" }],
    ["2.3 done", null],
    ["paused until March", null],
    ["map the route", null],
    ["subscribe", null],
  ])("%s", (text, expected) => {
    expect(parseAdminCommand(text)).toEqual(expected);
  });
});
