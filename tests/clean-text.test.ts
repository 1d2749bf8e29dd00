import { describe, expect, it } from "vitest";
import { cleanLine, cleanText } from "../src/import/clean-text.js";

describe("cleaning cell text", () => {
  it.each([
    ["<p>Complete:</p><ul><li>Establish PMF</li><li>Plan approved</li></ul>", "Complete:\n• Establish PMF\n• Plan approved"],
    ["<b>Procurement &amp; Commercial</b>", "Procurement & Commercial"],
    ["\uF0B7 Counsel advice  on\u00A0notes", "• Counsel advice on notes"],
    ["Fix <script> tags & quotes", "Fix <script> tags & quotes"],
    ["Target <TBC> from 3 < 4", "Target <TBC> from 3 < 4"],
    ["", ""],
  ])("%j → %j", (raw, text) => {
    expect(cleanText(raw)).toBe(text);
  });

  it("folds lines for titles and owners", () => {
    expect(cleanLine("<p>Corporate Directors</p> <p>& Monitoring Officer</p>")).toBe("Corporate Directors & Monitoring Officer");
  });
});
