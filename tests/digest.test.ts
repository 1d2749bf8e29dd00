import { describe, expect, it } from "vitest";
import { renderAdaptiveCard } from "../src/cards/render-adaptive-card.js";
import { renderBlockKit, SLACK_LIMITS } from "../src/cards/render-block-kit.js";
import { buildDigest, DEFAULT_DIGEST_SETTINGS, type DigestAction, type DigestChange } from "../src/digest/build-digest.js";
import { buildDigestCard, MAX_THEMES } from "../src/digest/build-digest-card.js";
import { translator } from "../src/i18n.js";

const NOW = new Date("2026-11-23T08:30:00Z");
const TODAY = "2026-11-23";
const SINCE = new Date("2026-11-16T08:30:00Z");
const action = (id: string, fields: Partial<DigestAction> = {}): DigestAction => ({
  id, ref: id, title: `Action ${id}`, theme: "Governance", status: "in_progress", rag: "green", targetTo: "2027-06-30",
  originalTargetTo: "2027-06-30", lastUpdateAt: new Date("2026-11-20T10:00:00Z"), createdAt: new Date("2026-01-01T00:00:00Z"), owners: ["CDAI"], ...fields,
});
const change = (actionId: string, before: Record<string, unknown>, after: Record<string, unknown>, at = "2026-11-18T10:00:00Z", note: string | null = null): DigestChange => ({ actionId, at: new Date(at), before, after, note });

describe("the weekly digest", () => {
  const actions = [
    action("1", { status: "complete" }),
    action("2", { status: "delayed", rag: "amber", targetTo: "2027-03-31", originalTargetTo: "2026-12-31" }),
    action("3", { targetTo: "2026-11-01", rag: "red" }),
    action("4", { targetTo: "2026-10-01", rag: "red", theme: "Finance" }),
    action("5", { targetTo: "2026-12-10" }),
    action("6", { lastUpdateAt: new Date("2026-09-01T00:00:00Z"), rag: null }),
    action("7", { status: "ongoing", targetTo: "2026-01-01" }),
  ];
  const changes = [
    change("1", { status: "in_progress" }, { status: "complete" }),
    change("2", { status: "in_progress", targetTo: "2026-12-31", rag: "green" }, { status: "delayed", statusText: "Waiting for Cabinet", targetTo: "2027-03-31", rag: "amber" }),
    change("5", { status: "complete" }, { status: "complete" }, "2026-11-01T10:00:00Z"),
  ];
  const digest = buildDigest(actions, changes, { since: SINCE, now: NOW, today: TODAY });

  it("counts by RAG and status, per theme and overall", () => {
    expect(digest.totals).toMatchObject({ total: 7, open: 6, byRag: { red: 2, amber: 1, green: 3, none: 1 } });
    expect(digest.totals.byStatus).toEqual({ in_progress: 4, delayed: 1, complete: 1, ongoing: 1 });
    expect(digest.themes.map((t) => [t.theme, t.total])).toEqual([["Governance", 6], ["Finance", 1]]);
  });

  it("reports movement since the last digest: completed, slipped, extended with the reason", () => {
    expect(digest.totals.completed.map((a) => a.ref)).toEqual(["1"]);
    expect(digest.totals.slipped.map((a) => a.ref)).toEqual(["2"]);
    expect(digest.totals.extensions).toEqual([{ ref: "2", title: "Action 2", from: "2026-12-31", to: "2027-03-31", reason: "Waiting for Cabinet" }]);
  });

  it("lists overdue (most late first, ongoing excluded), due in four weeks, and silent", () => {
    expect(digest.totals.overdue.map((a) => [a.ref, a.days])).toEqual([["4", 53], ["3", 22]]);
    expect(digest.totals.dueSoon.map((a) => [a.ref, a.days])).toEqual([["5", 17]]);
    expect(digest.totals.silent.map((a) => a.ref)).toEqual(["6"]);
  });

  it("words RAG for the chart, never colour alone", () => {
    const card = buildDigestCard(digest, { t: translator("en-GB"), planTitle: "Improvement Plan", today: TODAY, top: 3 });
    expect(card.chart.slices).toEqual([
      { label: "Red", value: 2, rag: "red" },
      { label: "Amber", value: 1, rag: "amber" },
      { label: "Green", value: 3, rag: "green" },
      { label: "No RAG rating", value: 1, rag: "none" },
    ]);
    expect(card.sections[0]!.heading).toBe("Governance");
  });

  it("fits Teams' and Slack's limits for a plan of 20,000 actions in 500 themes", () => {
    const big = Array.from({ length: 20_000 }, (_, i) =>
      action(`A${i}`, { theme: `Theme ${i % 500}`, title: `A fairly long action title describing work item number ${i} in some detail`, targetTo: i % 3 ? "2026-10-01" : "2027-01-01", rag: i % 2 ? "red" : "amber" }),
    );
    const card = buildDigestCard(buildDigest(big, [], { since: SINCE, now: NOW, today: TODAY }, DEFAULT_DIGEST_SETTINGS), { t: translator("cy"), planTitle: "Cynllun", today: TODAY, top: DEFAULT_DIGEST_SETTINGS.top });
    expect(card.sections).toHaveLength(MAX_THEMES);
    expect(card.footer).toBe(`a ${500 - MAX_THEMES} thema arall`);
    expect(JSON.stringify(renderAdaptiveCard(card)).length).toBeLessThan(28_000);
    const slack = renderBlockKit(card);
    expect(slack.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(JSON.stringify(slack.blocks).length).toBeLessThan(13_000);
  });
});
