import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parsePlanFile } from "../src/import/parse-plan.js";
import { importPlan, type ImportOptions } from "../src/store/import-plan.js";
import { listActions } from "../src/store/list-actions.js";
import { listPlans } from "../src/store/list-plans.js";
import { mapRole } from "../src/store/map-role.js";
import { ChaserError } from "../src/domain/chaser-error.js";
import { freshStore, PROVIDERS, type TestStore } from "./helpers/test-store.js";
import { SEED_FILES, SEEDS, parseSeed } from "./helpers/seeds.js";

const options = (extra: Partial<ImportOptions> = {}): ImportOptions => ({
  sourceDocument: "procurement-review.tsv",
  via: "cli",
  actorLabel: "test",
  now: new Date("2021-02-01T10:00:00Z"),
  ...extra,
});

const seedText = (file: string) => readFileSync(resolve(SEEDS, file), "utf8");
const parseText = (text: string, name = "procurement-review.tsv") => parsePlanFile(Buffer.from(text), name);

describe.each(PROVIDERS)("importing into the store (%s)", (provider) => {
  let store: TestStore;
  beforeEach(async () => (store = await freshStore(provider)));
  afterEach(async () => store.drop());

  it("stores every seed whole: recommendations, actions, owners, targets and a history entry per action", async () => {
    for (const name of Object.keys(SEED_FILES) as (keyof typeof SEED_FILES)[]) {
      const parsed = await parseSeed(name);
      const report = await importPlan(store, parsed, options({ sourceDocument: SEED_FILES[name] }));
      const actionCount = parsed.recommendations.reduce((n, r) => n + r.actions.length, 0);
      expect(report.planCreated).toBe(true);
      expect(report.actions.added).toBe(actionCount);
      const plan = await store.db.plan.findUniqueOrThrow({ where: { slug: report.planSlug } });
      expect(await store.db.recommendation.count({ where: { planId: plan.id } })).toBe(parsed.recommendations.length);
      expect(await store.db.action.count({ where: { planId: plan.id } })).toBe(actionCount);
      expect(await store.db.history.count({ where: { planId: plan.id, entity: "action" } })).toBe(actionCount);
    }
    expect(await store.db.plan.count()).toBe(5);

    const a = await store.db.action.findFirstOrThrow({
      where: { key: "7.3", plan: { slug: "000-5423bac07f4abb57" } },
      include: { owners: { include: { role: true } } },
    });
    expect(a).toMatchObject({ targetText: "01/04/21", targetFrom: "2021-04-01", originalTargetFrom: "2021-04-01", status: "delayed" });
    expect(a.owners.map((o) => o.role.name)).toEqual(["CDAI"]);

    // The acronym the file defined resolves to the same role, whichever way it is written.
    const alias = await store.db.ownerAlias.findUniqueOrThrow({ where: { alias: "corporate director, commercial development, asset and investment" } });
    expect(alias.roleId).toBe(a.owners[0]!.roleId);
    // A role named in several plans is one role.
    const mo = await store.db.ownerRole.findUniqueOrThrow({ where: { name: "Monitoring Officer" }, include: { actions: { include: { action: { include: { plan: true } } } } } });
    expect(new Set(mo.actions.map((x) => x.action.plan.slug))).toEqual(new Set(["000-5423bac07f4abb57", "001-214d1d25ae55c38b"]));
  });

  it("re-importing the same file changes nothing and says so", async () => {
    const parsed = await parseSeed("procurement");
    await importPlan(store, parsed, options());
    const historyBefore = await store.db.history.count({ where: { entity: "action" } });
    const again = await importPlan(store, parsed, options());
    expect(again.planCreated).toBe(false);
    expect(again.actions).toEqual({ added: 0, updated: 0, unchanged: 19, missingFromFile: [] });
    expect(again.recommendations).toEqual({ added: 0, updated: 0, unchanged: 7 });
    expect(again.changes).toEqual([]);
    expect(await store.db.history.count({ where: { entity: "action" } })).toBe(historyBefore);
  });

  it("updates a changed plan in place, keeping the original target and writing before and after", async () => {
    const text = seedText(SEED_FILES.procurement);
    await importPlan(store, await parseText(text), options());
    const changed = text.replace("\t\t01/04/21\tDelayed", "\t\t30/06/21\tIn progress");
    expect(changed).not.toBe(text);
    const report = await importPlan(store, await parseText(changed), options({ now: new Date("2021-03-01T10:00:00Z") }));
    expect(report.changes).toEqual([{ ref: "7.3", fields: ["targetText", "targetFrom", "targetTo", "status", "statusText"] }]);
    expect(report.actions).toMatchObject({ added: 0, updated: 1, unchanged: 18 });

    const a = await store.db.action.findFirstOrThrow({ where: { key: "7.3" }, include: { history: { orderBy: { at: "asc" } } } });
    expect(a).toMatchObject({ targetFrom: "2021-06-30", originalTargetText: "01/04/21", originalTargetFrom: "2021-04-01", status: "in_progress" });
    const last = a.history.at(-1)!;
    expect(last.via).toBe("cli");
    expect(JSON.parse(last.before!)).toMatchObject({ targetText: "01/04/21", status: "delayed" });
    expect(JSON.parse(last.after!)).toMatchObject({ targetText: "30/06/21", status: "in_progress" });
  });

  it("never overwrites a status given later in chat", async () => {
    const parsed = await parseSeed("procurement");
    await importPlan(store, parsed, options());
    await store.db.action.updateMany({
      where: { key: "2.6" },
      data: { status: "complete", statusText: "done", statusSource: "chat", statusUpdatedAt: new Date() },
    });
    const report = await importPlan(store, parsed, options());
    expect(report.keptStatus).toEqual(["2.6"]);
    expect(report.changes).toEqual([]);
    const a = await store.db.action.findFirstOrThrow({ where: { key: "2.6" } });
    expect(a).toMatchObject({ status: "complete", statusText: "done", statusSource: "chat" });
  });

  it("keeps actions that are no longer in the file, and reports them", async () => {
    const text = seedText(SEED_FILES.procurement);
    await importPlan(store, await parseText(text), options());
    const withoutItem6 = text.split("\n").filter((line) => !line.startsWith("6\t")).join("\n");
    const report = await importPlan(store, await parseText(withoutItem6), options());
    expect(report.actions.missingFromFile).toEqual(["6"]);
    expect(await store.db.action.count({ where: { key: "6" } })).toBe(1);
  });

  it("a dry run reports what would change and writes nothing", async () => {
    const report = await importPlan(store, await parseSeed("committee"), options({ dryRun: true }));
    expect(report).toMatchObject({ dryRun: true, planCreated: true, actions: { added: 27 } });
    expect(await store.db.plan.count()).toBe(0);
    expect(await store.db.history.count()).toBe(0);
    expect(await store.db.ownerRole.count()).toBe(0);
  });

  it("an import that fails part-way leaves the store exactly as it was", async () => {
    const parsed = await parseSeed("procurement");
    await importPlan(store, parsed, options());
    const snapshot = async () => ({
      actions: await store.db.action.findMany({ orderBy: { key: "asc" }, select: { key: true, status: true, targetText: true } }),
      history: await store.db.history.count(),
      plans: await store.db.plan.count(),
    });
    const before = await snapshot();
    const other = await parseSeed("committee");
    const failing = importPlan(store, other, options({
      sourceDocument: "committee.tsv",
      onProgress: () => {
        throw new Error("disk full");
      },
    }));
    await expect(failing).rejects.toThrow("disk full");
    expect(await snapshot()).toEqual(before);
  });

  it("lists overdue and due-soon actions on the UK calendar day, and by owner", async () => {
    await importPlan(store, await parseSeed("procurement"), options());
    const now = new Date("2021-02-01T10:00:00Z");
    const overdue = await listActions(store.db, { overdue: true }, now);
    // Past target and not complete; an unknown status (5, 7.1) is not complete either.
    expect(overdue.map((a) => a.ref)).toEqual(["2.6", "2.7", "3.3", "4.2", "5", "7.1"]);
    expect(overdue.find((a) => a.ref === "4.2")).toMatchObject({ daysLate: 63, status: "in_progress" });
    const dueSoon = await listActions(store.db, { dueWithinDays: 60 }, now);
    expect(dueSoon.map((a) => a.ref)).toEqual(["4.1", "7.3"]);
    const cedr = await listActions(store.db, { owner: "cedr" }, now);
    expect(cedr.map((a) => a.ref)).toEqual(["4.2", "6"]);
  });

  it("maps an owner role to a person, once, with a history entry", async () => {
    await importPlan(store, await parseSeed("procurement"), options());
    const first = await mapRole(store.db, { role: "monitoring officer", personName: "Sam Jones", email: "Sam@Example.gov.uk", via: "cli", actorLabel: "test" });
    expect(first).toEqual({ role: "Monitoring Officer", person: "Sam Jones", created: true, claims: 0 });
    const second = await mapRole(store.db, { role: "Monitoring Officer", personName: "Sam Jones", email: "sam@example.gov.uk", via: "cli", actorLabel: "test" });
    expect(second.created).toBe(false);
    expect(await store.db.history.count({ where: { entity: "role-assignment" } })).toBe(1);
    const mine = await listActions(store.db, { owner: "sam@example.gov.uk" }, new Date("2021-02-01T10:00:00Z"));
    expect(mine.map((a) => a.ref)).toEqual(["4.1", "4.2"]);
    await expect(mapRole(store.db, { role: "Head of Nothing", personName: "X", via: "cli", actorLabel: "test" })).rejects.toMatchObject(
      new ChaserError("roles.unknown_role", { role: "Head of Nothing" }),
    );
  });

  it("counts plans for the plans list", async () => {
    await importPlan(store, await parseSeed("procurement"), options());
    const [plan] = await listPlans(store.db, new Date("2021-02-01T10:00:00Z"));
    expect(plan).toMatchObject({ slug: "procurement-review", recommendations: 7, actions: 19, complete: 10, overdue: 6 });
  });
});
