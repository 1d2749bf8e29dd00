import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderAdaptiveCard } from "../src/cards/render-adaptive-card.js";
import { DIGEST_SHOW_ALL, renderBlockKit, renderDigestModal, SLACK_LIMITS } from "../src/cards/render-block-kit.js";
import type { DigestCard } from "../src/conversation/card.js";
import { buildDigestCard } from "../src/digest/build-digest-card.js";
import { mainActionRag, slippage, subActionRag, RAG_RANK } from "../src/digest/rag-rule.js";
import { readDigestView, ruleContext } from "../src/digest/read-digest-view.js";
import { renderDigestDocx } from "../src/digest/render-digest-docx.js";
import type { ParsedAction, ParsedPlan } from "../src/import/parsed-plan.js";
import { translator, type Locale } from "../src/i18n.js";
import { DEFAULT_SCHEDULE_SETTINGS } from "../src/schedule/schedule-settings.js";
import { importPlan } from "../src/store/import-plan.js";
import { mapRole } from "../src/store/map-role.js";
import { readThemeFigures, recordDigestFigures } from "../src/store/read-digest.js";
import { parseSeed, SEED_FILES } from "./helpers/seeds.js";
import { freshStore, PROVIDERS, type TestStore } from "./helpers/test-store.js";

const NOW = new Date("2026-11-23T08:30:00Z");
const SINCE = new Date("2026-11-16T08:30:00Z");
const settings = DEFAULT_SCHEDULE_SETTINGS;
const TEAMS_LIMIT = 28 * 1024;
const SLACK_CHARS = 13_000;

/** Seed 003's own figures, theme by theme, as its summary states them. */
const SEED_003 = {
  "Organisational Culture": { red: 0, amber: 7, green: 9, onTrack: 3, medium: 2 },
  "Corporate Oversight": { red: 1, amber: 4, green: 6, onTrack: 2, medium: 1 },
  "Strategic Direction": { red: 0, amber: 6, green: 7 },
  "Decision Making": { red: 0, amber: 5, green: 2 },
  "Procurement & Commercial": { red: 0, amber: 7, green: 4, onTrack: 3, medium: 1 },
  "Partnerships & Relationships": { red: 0, amber: 5, green: 1, onTrack: 2, medium: 3 },
};

/** Varied sub-actions: every clause of the rule, several per main action, in three themes. */
function variedPlan(): ParsedPlan {
  const target = (to: string | null) => (to ? { text: to, from: to, to, ongoing: false } : null);
  const kinds: Partial<ParsedAction>[] = [
    { status: "complete", target: target("2026-01-01") },
    { status: "in_progress", target: target("2026-11-01") },
    { status: "delayed", target: target("2027-03-31") },
    { status: "blocked", target: target("2027-03-31") },
    { status: "in_progress", target: target("2026-12-01") },
    { status: "in_progress", target: target("2027-06-30"), rag: "green" },
    { status: "ongoing", target: target("2026-01-01") },
    { status: null, target: null },
    { status: "in_progress", target: target("2026-09-01"), rag: "amber" },
    { status: "cancelled", target: target("2026-05-01") },
  ];
  const recommendations = Array.from({ length: 12 }, (_, r) => ({
    ref: `R${r + 1}`,
    text: `Main action ${r + 1}`,
    theme: ["Governance", "Finance", "People"][r % 3]!,
    body: null,
    detail: null,
    line: r + 1,
    actions: Array.from({ length: 1 + (r % 4) }, (_, i) => {
      const k = kinds[(r * 3 + i) % kinds.length]!;
      return {
        ref: `${r + 1}.${i + 1}`, refGenerated: false, title: `Sub-action ${r + 1}.${i + 1}`, detail: null, owners: [`Owner ${r % 5}`], accountable: [],
        target: k.target ?? null, status: k.status ?? null, statusText: k.status === "delayed" ? "Waiting for Cabinet" : null, rag: k.rag ?? null,
        progress: null, impact: null, crossRefs: [], line: r + 1,
      } satisfies ParsedAction;
    }),
  }));
  return { title: "Varied plan", kind: "action-table", recommendations, roles: [], warnings: [] };
}

function withinLimits(card: DigestCard) {
  const teams = JSON.stringify(renderAdaptiveCard(card));
  const slack = renderBlockKit(card);
  expect(teams.length).toBeLessThanOrEqual(TEAMS_LIMIT);
  expect(slack.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  expect(JSON.stringify(slack.blocks).length).toBeLessThanOrEqual(SLACK_CHARS);
  for (const b of slack.blocks) {
    const text = (b.text as { text?: string } | undefined)?.text;
    if (text) expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
  }
  return { teams, slack };
}

describe.each(PROVIDERS)("the digest from the store (%s)", (provider) => {
  let store: TestStore;
  let planId: string;
  beforeAll(async () => {
    store = await freshStore(provider);
    const report = await importPlan(store, variedPlan(), { sourceDocument: "varied.tsv", planName: "Varied", via: "cli", actorLabel: "test", now: new Date("2026-06-01T10:00:00Z") });
    planId = (await store.db.plan.findUniqueOrThrow({ where: { slug: report.planSlug } })).id;
    // A target moved later and a completion in the period, as chat answers leave them.
    const moved = await store.db.action.findFirstOrThrow({ where: { planId, key: "2.1" } });
    await store.db.action.update({ where: { id: moved.id }, data: { targetTo: "2027-09-30", lastUpdateAt: new Date("2026-11-18T10:00:00Z") } });
    await store.db.history.create({ data: { planId, actionId: moved.id, entity: "action", entityId: moved.id, via: "chat:teams", actorLabel: "Sam", at: new Date("2026-11-18T10:00:00Z"), before: JSON.stringify({ targetTo: moved.targetTo }), after: JSON.stringify({ targetTo: "2027-09-30", statusText: "Waiting for the auditor" }) } });
    const done = await store.db.action.findFirstOrThrow({ where: { planId, key: "1.1" } });
    await store.db.history.create({ data: { planId, actionId: done.id, entity: "action", entityId: done.id, via: "chat:slack", actorLabel: "Jo", at: new Date("2026-11-19T10:00:00Z"), before: JSON.stringify({ status: "in_progress" }), after: JSON.stringify({ status: "complete" }) } });
  });
  afterAll(async () => store.drop());

  it("counts main actions by RAG and slippage in SQL exactly as the rules in rag-rule.ts do", async () => {
    const ctx = ruleContext(NOW, settings);
    const actions = await store.db.action.findMany({ where: { planId }, include: { recommendation: { include: { theme: true } } } });
    const expected = new Map<string, { red: number; amber: number; green: number; complete: number; onTrack: number; medium: number; significant: number }>();
    const byMain = new Map<string, typeof actions>();
    for (const a of actions) byMain.set(a.recommendationId, [...(byMain.get(a.recommendationId) ?? []), a]);
    const rule = (a: (typeof actions)[number]) => ({ status: a.status as never, rag: a.rag as never, targetTo: a.targetTo, originalTargetTo: a.originalTargetTo, lastHeard: a.lastUpdateAt ?? a.createdAt });
    for (const subs of byMain.values()) {
      const theme = subs[0]!.recommendation.theme!.name;
      const e = expected.get(theme) ?? { red: 0, amber: 0, green: 0, complete: 0, onTrack: 0, medium: 0, significant: 0 };
      const main = mainActionRag(subs.map((s) => subActionRag(rule(s), ctx).rag))!;
      e[main] += 1;
      if (RAG_RANK[main] >= 2) {
        for (const s of subs) {
          const level = slippage(rule(s), ctx)?.level;
          if (level) e[level === "on_track" ? "onTrack" : level] += 1;
        }
      }
      expected.set(theme, e);
    }
    const themes = new Map((await store.db.theme.findMany({ where: { planId } })).map((t) => [t.id, t.name]));
    const figures = await readThemeFigures(store, { planId, themeId: null, ctx, dueWithinDays: 28, silentDays: 28, perTheme: 5, planWide: 25 });
    expect(figures).toHaveLength(3);
    for (const f of figures) {
      expect({ red: f.red, amber: f.amber, green: f.green, complete: f.complete, onTrack: f.onTrack, medium: f.medium, significant: f.significant }, themes.get(f.themeId!)).toEqual(expected.get(themes.get(f.themeId!)!));
    }
    // The rule has something to say in this plan: every RAG appears.
    const all = figures.reduce((n, f) => ({ red: n.red + f.red, amber: n.amber + f.amber, green: n.green + f.green }), { red: 0, amber: 0, green: 0 });
    expect(all.red).toBeGreaterThan(0);
    expect(all.amber).toBeGreaterThan(0);
    expect(all.green).toBeGreaterThan(0);
  });

  it("names the most serious slippage with its reason, the achievements by week with owners, extensions with reasons, and the trend", async () => {
    const plan = { id: planId, slug: "varied", title: "Varied", kind: "action-table" };
    const first = await readDigestView(store, { plan, themeId: null, now: NOW, since: SINCE, settings });
    expect(first.previousAsOf).toBeNull();
    expect(first.totals.trend.red.direction).toBe("new");
    const governance = first.themes.find((t) => t.theme === "Governance")!;
    expect(governance.slipping.length).toBeGreaterThan(0);
    const levels = governance.slipping.map((s) => (s.slip === "significant" ? 2 : 1));
    expect([...levels].sort((a, b) => b - a)).toEqual(levels);
    expect(first.totals.slipping.some((s) => s.reason === "Waiting for Cabinet")).toBe(true);
    expect(first.totals.extensions).toEqual([expect.objectContaining({ ref: "2.1", to: "2027-09-30", reason: "Waiting for the auditor", owners: ["Owner 1"] })]);
    expect(first.totals.achievements).toEqual([{ weekOf: "2026-11-16", period: null, items: [expect.objectContaining({ ref: "1.1", kind: "completed", owners: ["Owner 0"] })] }]);
    expect(first.totals.main.derived).toBeGreaterThan(0);

    // Last week's figures kept; this week's digest compares with them.
    const { red, amber, green, complete } = first.totals.main;
    await recordDigestFigures(store, planId, "2026-11-16", [{ theme: "", red: red + 2, amber, green, complete, derived: 0, onTrack: 0, medium: 0, significant: 0 }]);
    const second = await readDigestView(store, { plan, themeId: null, now: NOW, since: SINCE, settings });
    expect(second.previousAsOf).toBe("2026-11-16");
    expect(second.totals.trend.red).toEqual({ from: red + 2, to: red, direction: "down" });
    expect(second.trend.map((p) => p.asOf)).toEqual(["2026-11-16", "2026-11-23"]);
    const card = buildDigestCard(second, { t: translator("en-GB"), top: 3 });
    expect(card.trendText).toContain(`Red ${red + 2} → ${red} (down)`);
    expect(card.note).toContain("RAG derived by Chaser's rule");
    expect(card.trendChart?.series.map((s) => s.values.length)).toEqual([2, 2, 2]);
  });

  it("reads one theme alone", async () => {
    const themeId = (await store.db.theme.findFirstOrThrow({ where: { planId, name: "Finance" } })).id;
    const view = await readDigestView(store, { plan: { id: planId, slug: "varied", title: "Varied", kind: "action-table" }, themeId, now: NOW, since: SINCE, settings });
    expect(view.theme).toBe("Finance");
    expect(view.themes.map((t) => t.theme)).toEqual(["Finance"]);
    expect(view.totals.main.total).toBe(4);
  });

  // Last: it maps the plan's roles.
  it("tells the admins, in the channel's language, which roles have nobody mapped, and says nothing once every role has someone", async () => {
    const plan = { id: planId, slug: "varied", title: "Varied", kind: "action-table" };
    const view = await readDigestView(store, { plan, themeId: null, now: NOW, since: SINCE, settings });
    expect(view.unmappedRoles).toEqual(["Owner 0", "Owner 1", "Owner 2", "Owner 3", "Owner 4"]);
    const en = buildDigestCard(view, { t: translator("en-GB"), top: 3 });
    expect(en.footer).toContain('Admins: these roles have nobody mapped, so their actions are not chased: Owner 0, Owner 1, Owner 2, Owner 3, Owner 4. Map someone with owner "ROLE" @person.');
    expect(JSON.stringify(renderAdaptiveCard(en))).toContain("Admins: these roles have nobody mapped");
    expect(JSON.stringify(renderBlockKit(en).blocks)).toContain("Admins: these roles have nobody mapped");
    const cy = buildDigestCard(view, { t: translator("cy"), top: 3 });
    expect(cy.footer).toContain("Gweinyddwyr: nid oes neb wedi'i gysylltu â'r rolau hyn");

    for (const role of ["Owner 0", "Owner 1", "Owner 2", "Owner 3"]) await mapRole(store.db, { role, personName: "Sam Jones", via: "cli", actorLabel: "test", playground: true });
    const one = await readDigestView(store, { plan, themeId: null, now: NOW, since: SINCE, settings });
    expect(buildDigestCard(one, { t: translator("en-GB"), top: 3 }).footer).toContain("Admins: this role has nobody mapped, so its actions are not chased: Owner 4.");
    await mapRole(store.db, { role: "Owner 4", personName: "Sam Jones", via: "cli", actorLabel: "test", playground: true });
    const none = await readDigestView(store, { plan, themeId: null, now: NOW, since: SINCE, settings });
    expect(none.unmappedRoles).toEqual([]);
    expect(buildDigestCard(none, { t: translator("en-GB"), top: 3 }).footer ?? "").not.toContain("Admins:");
  });
});

describe.each(PROVIDERS)("seed 003 imported, compared theme by theme with its own figures (%s)", (provider) => {
  let store: TestStore;
  let plan: { id: string; slug: string; title: string; kind: string };
  beforeAll(async () => {
    store = await freshStore(provider);
    const report = await importPlan(store, await parseSeed("themes"), { sourceDocument: SEED_FILES.themes, planName: "Theme summary", via: "cli", actorLabel: "test", now: NOW });
    plan = await store.db.plan.findUniqueOrThrow({ where: { slug: report.planSlug }, select: { id: true, slug: true, title: true, kind: true } });
  });
  afterAll(async () => store.drop());

  it("reports each theme's main actions by RAG and slippage as the summary states them, with its milestones in words", async () => {
    const view = await readDigestView(store, { plan, themeId: null, now: NOW, since: SINCE, settings });
    expect(view.source).toBe("stated");
    expect(view.statedAsOf).toBe("2022-10-01");
    expect(view.themes.map((t) => t.theme)).toEqual(Object.keys(SEED_003));
    for (const th of view.themes) {
      const stated = SEED_003[th.theme as keyof typeof SEED_003];
      expect({ red: th.main.red, amber: th.main.amber, green: th.main.green }, th.theme!).toEqual({ red: stated.red, amber: stated.amber, green: stated.green });
      if ("onTrack" in stated) expect({ onTrack: th.slippage.onTrack, medium: th.slippage.medium }, th.theme!).toEqual({ onTrack: stated.onTrack, medium: stated.medium });
    }
    const culture = view.themes[0]!;
    expect(culture.main.total).toBe(16);
    expect(culture.achievements[0]).toMatchObject({ period: "October", items: [expect.objectContaining({ title: "Member Development programme part of BAU" }), expect.anything()] });
    expect(culture.milestones.length).toBeGreaterThan(0);

    const asOfDocument = await readDigestView(store, { plan, themeId: null, now: new Date("2022-10-31T12:00:00Z"), since: null, settings });
    const card = buildDigestCard(asOfDocument, { t: translator("en-GB"), top: 10 });
    const culturalSection = card.detail[0]!.lines.concat(...card.sections.map((s) => s.lines)).flatMap((l) => l.items);
    expect(culturalSection).toContain("Approval of document / statement setting out desired organisational culture: On track for Jan 2023");
    expect(culturalSection).toContain("Corporate Governance Training Delivery: Commenced");
    expect(card.note).toBe("Main actions and slippage are as the theme summary of 1 October 2022 states them.");
    const oc = card.sections.find((s) => s.heading === "Organisational Culture")!;
    expect(oc.summary).toContain("Of the 16 main actions, 0 are rated red, 7 amber and 9 green");
  });
});

describe("the digest rendered for Teams and Slack, in both languages", () => {
  let store: TestStore;
  let cards: Record<Locale, DigestCard>;
  beforeAll(async () => {
    store = await freshStore("sqlite");
    const report = await importPlan(store, await parseSeed("themes"), { sourceDocument: SEED_FILES.themes, planName: "Theme summary", via: "cli", actorLabel: "test", now: NOW });
    const plan = await store.db.plan.findUniqueOrThrow({ where: { slug: report.planSlug }, select: { id: true, slug: true, title: true, kind: true } });
    const view = await readDigestView(store, { plan, themeId: null, now: new Date("2022-10-31T12:00:00Z"), since: null, settings });
    cards = { "en-GB": buildDigestCard(view, { t: translator("en-GB"), top: 3 }), cy: buildDigestCard(view, { t: translator("cy"), top: 3 }) };
  });
  afterAll(async () => store.drop());

  it.each(["en-GB", "cy"] as const)("%s: within Teams' 28 KB and Slack's 50 blocks and 13,000 characters, RAG in words and colours", (locale) => {
    const { teams, slack } = withinLimits(cards[locale]);
    const words = locale === "cy" ? ["Coch", "Ambr", "Gwyrdd"] : ["Red", "Amber", "Green"];
    const ac = JSON.parse(teams) as { body: Record<string, unknown>[] };
    const donut = ac.body.find((b) => b.type === "Chart.Donut") as { data: { legend: string; color: string }[] };
    expect(donut.data.map((d) => [d.legend.split(":")[0], d.color])).toEqual([
      [words[0], "categoricalRed"],
      [words[1], "categoricalMarigold"],
      [words[2], "categoricalGreen"],
    ]);
    // The chart's title is a visible TextBlock, not only a property some hosts ignore.
    const title = ac.body[ac.body.indexOf(donut as never) - 1] as { type: string; text: string };
    expect(title).toMatchObject({ type: "TextBlock", text: cards[locale].chart.title });
    expect(ac.body.some((b) => b.type === "Chart.HorizontalBar.Stacked")).toBe(true);
    const text = JSON.stringify(slack.blocks);
    for (const w of words) expect(text).toContain(w);
    expect(slack.blocks.at(-1)).toMatchObject({ type: "actions", elements: [{ action_id: DIGEST_SHOW_ALL }] });
    const modal = renderDigestModal(cards[locale], "All", "Close") as { blocks: unknown[] };
    expect(modal.blocks.length).toBeGreaterThan(0);
    expect(modal.blocks.length).toBeLessThanOrEqual(100);
  });

  it("'and N more' is a paragraph of its own, not glued to the last bullet", () => {
    const ac = JSON.stringify(renderAdaptiveCard({ ...cards["en-GB"], sections: [{ heading: "H", summary: "S", ragLine: "R", bars: [], lines: [{ label: "L", items: ["a", "b"], more: "and 2 more" }] }] }));
    expect(ac).toContain("- a\\n- b\\n\\nand 2 more");
  });

  it("the Word document opens in LibreOffice and reads like seed 003", async () => {
    if (!existsSync("/usr/bin/soffice")) throw new Error("LibreOffice is needed: apt-get install -y libreoffice-writer-nogui (.ci/run installs it)");
    const plan = await store.db.plan.findFirstOrThrow({ select: { id: true, slug: true, title: true, kind: true } });
    const view = await readDigestView(store, { plan, themeId: null, now: new Date("2022-10-31T12:00:00Z"), since: null, settings });
    const dir = mkdtempSync(join(tmpdir(), "chaser-docx-"));
    try {
      writeFileSync(join(dir, "digest.docx"), await renderDigestDocx(view, translator("en-GB")));
      execFileSync("/usr/bin/soffice", ["--headless", `-env:UserInstallation=file://${dir}/profile`, "--convert-to", "txt:Text", "--outdir", dir, join(dir, "digest.docx")], { stdio: "ignore", timeout: 120_000 });
      const text = readFileSync(join(dir, "digest.txt"), "utf8");
      for (const expected of ["Theme", "Summary", "Achievements this period", "Key Milestones", "Organisational Culture", "Of the 16 main action areas, there are:", "7 main actions with an amber risk rating", "9 main actions with a green risk rating", "Member Development programme part of BAU", "On track for Jan 2023"]) {
        expect(text).toContain(expected);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

