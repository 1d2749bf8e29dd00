/**
 * Checked changes in the store, on both providers: a held answer records the request and its
 * History row and moves nothing it should not; decisions are made once, by someone allowed, each
 * with its History row.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decideCheckedChange, decidersFor, findCheckedChange, mayDecide } from "../src/store/checked-changes.js";
import { attachEvidenceFile, completionsAwaitingEvidence } from "../src/store/evidence-files.js";
import { holdAnswer } from "../src/store/hold-answer.js";
import { loadPlanSettings } from "../src/schedule/plan-settings.js";
import { DEFAULT_SCHEDULE_SETTINGS } from "../src/schedule/schedule-settings.js";
import { importPlan } from "../src/store/import-plan.js";
import { mapRole } from "../src/store/map-role.js";
import type { Person } from "../src/store/people.js";
import type { EvidenceFileInput } from "../src/store/evidence-files.js";
import { parseSeed } from "./helpers/seeds.js";
import { freshStore, PROVIDERS, type TestStore } from "./helpers/test-store.js";

const NOW = new Date("2020-12-20T09:30:00Z");

describe.each(PROVIDERS)("checked changes in the store (%s)", (provider) => {
  let store: TestStore;
  let owner: Person;
  let planAdmin: Person;
  let auditor: Person;
  let stranger: Person;
  let planId: string;

  const action = (key: string) => store.db.action.findFirstOrThrow({ where: { key } });
  const setPlan = (settings: object) => store.db.plan.update({ where: { id: planId }, data: { settings: JSON.stringify(settings) } });
  const hold = async (key: string, answer: { kind: string; date?: string; reason?: string; note?: string; evidence?: string; evidenceFile?: EvidenceFileInput }, answerKey = `k:${key}:${answer.kind}`) => {
    const a = await action(key);
    return store.db.$transaction((tx) => holdAnswer(tx, a, { key: answerKey, personId: owner.id, messageId: null, via: "chat:slack", actorLabel: owner.name, now: NOW, ...answer }));
  };

  beforeEach(async () => {
    store = await freshStore(provider);
    await importPlan(store, await parseSeed("procurement"), { sourceDocument: "procurement.tsv", via: "cli", actorLabel: "test", now: new Date("2020-12-01T09:00:00Z") });
    planId = (await store.db.plan.findFirstOrThrow()).id;
    owner = await store.db.person.create({ data: { name: "Sam Jones" } });
    planAdmin = await store.db.person.create({ data: { name: "Mo Khan" } });
    auditor = await store.db.person.create({ data: { name: "Ann Audit" } });
    stranger = await store.db.person.create({ data: { name: "Catrin Hughes" } });
    await store.db.planAdmin.create({ data: { planId, personId: planAdmin.id } });
    await mapRole(store.db, { role: "CDAI", personName: "Sam Jones", via: "cli", actorLabel: "test" });
    await mapRole(store.db, { role: "CEDR", personName: "Ann Audit", via: "cli", actorLabel: "test" });
  });
  afterEach(async () => {
    await store.drop();
  });

  it("holds nothing on a plan that checks nothing (the default)", async () => {
    expect(await hold("2.6", { kind: "delayed", date: "2021-03-31", reason: "waiting for Cabinet" })).toBeNull();
    expect(await hold("2.7", { kind: "complete" })).toBeNull();
    expect(await store.db.checkedChange.count()).toBe(0);
    expect(await store.db.answer.count()).toBe(0);
  });

  it("a plan's bad unrelated setting leaves its checks on: the schedule and the checks read its settings alike", async () => {
    await setPlan({ approveTargetChanges: true, verifyCompletion: true, promptTime: "25:00", colour: "red" });
    expect(await hold("2.6", { kind: "delayed", date: "2021-03-31", reason: "waiting for Cabinet" })).toMatchObject({ kind: "target" });
    expect(await hold("2.7", { kind: "complete" })).toMatchObject({ kind: "completion" });
    const plans = await loadPlanSettings(store.db, DEFAULT_SCHEDULE_SETTINGS);
    expect(plans.get(planId)).toMatchObject({ approveTargetChanges: true, verifyCompletion: true, promptTime: DEFAULT_SCHEDULE_SETTINGS.promptTime });
  });

  it("a held target leaves the target alone; a rejection keeps it, an approval moves it, each decided once with History", async () => {
    await setPlan({ approveTargetChanges: true });
    const before = await action("2.6");
    const held = await hold("2.6", { kind: "delayed", date: "2021-03-31", reason: "waiting for Cabinet" });
    expect(held).toMatchObject({ kind: "target", newTarget: "2021-03-31" });
    expect(await action("2.6")).toMatchObject({ targetTo: before.targetTo, targetText: before.targetText, status: before.status });
    const change = (await findCheckedChange(store.db, held!.requestId))!;
    expect(change).toMatchObject({ status: "pending", oldTarget: before.targetTo, newTarget: "2021-03-31", reason: "waiting for Cabinet", actionRef: "2.6" });
    expect(await store.db.history.findMany({ where: { entity: "checked-change" } })).toMatchObject([{ actorPersonId: owner.id, via: "chat:slack", entityId: change.id }]);
    expect(await store.db.answer.count()).toBe(1);

    // Who may decide a target: plan admins and Chaser's admins, never the owner or a stranger.
    expect(await mayDecide(store.db, planAdmin, change)).toBe(true);
    expect(await mayDecide(store.db, stranger, change)).toBe(false);
    expect(await mayDecide(store.db, { ...owner, isAdmin: true }, change)).toBe(false);
    expect(await mayDecide(store.db, { ...stranger, isAdmin: true }, change)).toBe(true);
    expect((await decidersFor(store.db, change)).map((p) => p.name)).toEqual(["Mo Khan"]);

    expect(await decideCheckedChange(store.db, change.id, stranger, { approve: true }, "chat:slack", NOW)).toMatchObject({ outcome: "forbidden" });
    expect(await action("2.6")).toMatchObject({ targetTo: before.targetTo });
    const rejected = await decideCheckedChange(store.db, change.id, planAdmin, { approve: false, reason: "Cabinet date not set" }, "chat:teams", NOW);
    expect(rejected).toMatchObject({ outcome: "decided", change: { status: "rejected", decisionReason: "Cabinet date not set", decidedById: planAdmin.id } });
    expect(await decideCheckedChange(store.db, change.id, planAdmin, { approve: true }, "chat:teams", NOW)).toMatchObject({ outcome: "already" });
    expect(await action("2.6")).toMatchObject({ targetTo: before.targetTo });

    const again = await hold("2.6", { kind: "delayed", date: "2021-04-30", reason: "Cabinet on 20 April" }, "k:second");
    expect(await decideCheckedChange(store.db, again!.requestId, planAdmin, { approve: true }, "chat:teams", NOW)).toMatchObject({ outcome: "decided", change: { status: "approved" } });
    expect(await action("2.6")).toMatchObject({ targetTo: "2021-04-30", targetFrom: "2021-04-30", status: "delayed", originalTargetTo: before.originalTargetTo });
    // Every step happened at NOW, so the log is compared as a set.
    const log = await store.db.history.findMany({ where: { entity: "checked-change" } });
    expect(log).toHaveLength(4);
    expect(log.map((h) => [h.actorLabel, h.note])).toEqual(expect.arrayContaining([
      ["Sam Jones", "target change requested: waiting for Cabinet"],
      ["Mo Khan", "target rejected: Cabinet date not set"],
      ["Sam Jones", "target change requested: Cabinet on 20 April"],
      ["Mo Khan", "target approved"],
    ]));
  });

  it("a held completion awaits verification with its evidence; the verifier role may send it back or accept it", async () => {
    await setPlan({ verifyCompletion: true, verifierRole: "CEDR" });
    const held = await hold("2.7", { kind: "complete", note: "Policy published", evidence: "https://example.gov.uk/policy" });
    expect(await action("2.7")).toMatchObject({ status: "awaiting_verification", evidence: "https://example.gov.uk/policy", completedAt: null });
    const change = (await findCheckedChange(store.db, held!.requestId))!;
    expect(await mayDecide(store.db, auditor, change)).toBe(true);
    expect(await mayDecide(store.db, stranger, change)).toBe(false);
    expect((await decidersFor(store.db, change)).map((p) => p.name).sort()).toEqual(["Ann Audit", "Mo Khan"]);

    await decideCheckedChange(store.db, change.id, auditor, { approve: false, reason: "Link is to the draft" }, "chat:slack", NOW);
    expect(await action("2.7")).toMatchObject({ status: "in_progress", completedAt: null });
    const next = await hold("2.7", { kind: "complete", evidence: "https://example.gov.uk/policy-final" }, "k:final");
    expect(await decideCheckedChange(store.db, next!.requestId, auditor, { approve: true }, "chat:slack", NOW)).toMatchObject({ outcome: "decided", change: { status: "accepted" } });
    expect(await action("2.7")).toMatchObject({ status: "complete", completedAt: NOW, evidence: "https://example.gov.uk/policy-final" });
    expect(await store.db.history.count({ where: { entity: "checked-change" } })).toBe(4);
  });

  it("a completion waits for its owner's evidence until a link or a file comes; 'complete' again adds to it, never a second request", async () => {
    await setPlan({ verifyCompletion: true });
    const file: EvidenceFileInput = { platform: "slack", platformFileId: "F1", name: "policy.pdf", fileType: "application/pdf", size: 2048, sha256: "a".repeat(64), link: "https://example.slack.com/files/U1/F1/policy.pdf" };
    const held = await hold("2.7", { kind: "complete" });
    expect(held).toMatchObject({ kind: "completion", hasEvidence: false });
    expect(await completionsAwaitingEvidence(store.db, owner.id)).toEqual([{ changeId: held!.requestId, actionId: (await action("2.7")).id, actionRef: "2.7" }]);
    // Only the person who asked may attach to it; the file and its History row are written together.
    expect(await attachEvidenceFile(store.db, held!.requestId, file, { personId: stranger.id, label: stranger.name, via: "chat:slack" }, NOW)).toBe("not_pending");
    expect(await store.db.evidenceFile.count()).toBe(0);
    expect(await attachEvidenceFile(store.db, held!.requestId, file, { personId: owner.id, label: owner.name, via: "chat:slack" }, NOW)).toBe("attached");
    expect(await completionsAwaitingEvidence(store.db, owner.id)).toEqual([]);
    expect((await findCheckedChange(store.db, held!.requestId))!.files).toMatchObject([{ name: "policy.pdf", size: 2048, sha256: "a".repeat(64), link: file.link, platformFileId: "F1", personId: owner.id }]);
    const logged = await store.db.history.findFirstOrThrow({ where: { entity: "evidence-file" } });
    expect(logged).toMatchObject({ actorPersonId: owner.id, note: "evidence file: policy.pdf" });
    expect(JSON.parse(logged.after!)).toMatchObject({ checkedChangeId: held!.requestId, sha256: "a".repeat(64), link: file.link });

    // Said again with a link and another file: the same request takes them.
    const again = await hold("2.7", { kind: "complete", evidence: "https://example.gov.uk/policy", evidenceFile: { ...file, name: "minutes.docx", platformFileId: "F2" } }, "k:again");
    expect(again).toMatchObject({ requestId: held!.requestId, added: true, hasEvidence: true });
    expect(await store.db.checkedChange.count()).toBe(1);
    expect((await findCheckedChange(store.db, held!.requestId))!).toMatchObject({ evidence: "https://example.gov.uk/policy", files: [{ name: "policy.pdf" }, { name: "minutes.docx" }] });
    expect(await action("2.7")).toMatchObject({ status: "awaiting_verification", evidence: "https://example.gov.uk/policy" });

    // Decided: nothing more attaches, and the decision names who and when.
    const decided = await decideCheckedChange(store.db, held!.requestId, planAdmin, { approve: true }, "chat:slack", NOW);
    expect(decided).toMatchObject({ outcome: "decided", change: { decidedBy: "Mo Khan", decidedAt: NOW } });
    expect(await attachEvidenceFile(store.db, held!.requestId, file, { personId: owner.id, label: owner.name, via: "chat:slack" }, NOW)).toBe("not_pending");
    expect(await store.db.evidenceFile.count()).toBe(2);
  });
});
