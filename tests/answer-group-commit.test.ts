import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recordAnswer, type AnswerInput } from "../src/conversation/record-answer.js";
import { freshStore, PROVIDERS, type TestStore } from "./helpers/test-store.js";

const NOW = new Date("2026-11-23T09:30:00Z");

describe.each(PROVIDERS)("answers recorded together (%s)", (provider) => {
  let store: TestStore;
  let commits: number;
  // PostgreSQL's adapter sends COMMIT; libSQL's commits through its driver and logs it as a comment.
  const COMMIT = /^\s*COMMIT|Implicit "COMMIT"/i;
  const ids = { owner: "person-owner", stranger: "person-stranger", plan: "plan-1", role: "role-1" };
  const actionIds = Array.from({ length: 6 }, (_, i) => `action-${i}`);

  beforeEach(async () => {
    commits = 0;
    store = await freshStore(provider, { onQuery: (sql) => void (COMMIT.test(sql) && (commits += 1)) });
    const { db } = store;
    await db.person.create({ data: { id: ids.owner, name: "Sam Jones" } });
    await db.person.create({ data: { id: ids.stranger, name: "Kim Lee" } });
    await db.plan.create({ data: { id: ids.plan, slug: "p", title: "Plan" } });
    await db.recommendation.create({ data: { id: "rec-1", planId: ids.plan, key: "R1", ref: "R1", text: "Do it", position: 0 } });
    await db.ownerRole.create({ data: { id: ids.role, name: "Head of Procurement" } });
    await db.roleAssignment.create({ data: { roleId: ids.role, personId: ids.owner } });
    for (const [i, id] of actionIds.entries()) {
      await db.action.create({ data: { id, planId: ids.plan, recommendationId: "rec-1", key: `${i + 1}`, ref: `1.${i + 1}`, title: `Action ${i + 1}`, status: i === 5 ? "complete" : "in_progress", position: i } });
      await db.actionOwner.create({ data: { actionId: id, roleId: ids.role, kind: "responsible", position: 0 } });
    }
  });
  afterEach(async () => store.drop());

  const answer = (over: Partial<AnswerInput>): AnswerInput => ({
    personId: ids.owner,
    actionId: actionIds[0]!,
    kind: "on_track",
    key: `key-${Math.random()}`,
    messageId: null,
    via: "chat:teams",
    actorLabel: "Sam Jones",
    now: NOW,
    ...over,
  });

  it("gives every answer arriving together its own outcome, and writes each recorded one with its history", async () => {
    const before = commits;
    const results = await Promise.all([
      recordAnswer(store, answer({ actionId: actionIds[0], key: "a" })),
      recordAnswer(store, answer({ actionId: actionIds[1], key: "b", kind: "complete" })),
      // The same key twice in one group: the second records nothing.
      recordAnswer(store, answer({ actionId: actionIds[2], key: "c" })),
      recordAnswer(store, answer({ actionId: actionIds[2], key: "c" })),
      recordAnswer(store, answer({ actionId: actionIds[3], key: "d", personId: ids.stranger, actorLabel: "Kim Lee" })),
      recordAnswer(store, answer({ actionId: "no-such-action", key: "e" })),
      recordAnswer(store, answer({ actionId: actionIds[5], key: "f" })),
      recordAnswer(store, answer({ actionId: actionIds[4], key: "g", kind: "delayed", date: "2027-01-31", reason: "Waiting for Cabinet" })),
    ]);
    // Of the same key twice, one is recorded and the other not (on PostgreSQL either may win the race).
    const outcomes = results.map((r) => r.outcome);
    expect([...outcomes.slice(0, 2), ...outcomes.slice(2, 4).sort().reverse(), ...outcomes.slice(4)]).toEqual(["recorded", "recorded", "recorded", "duplicate", "forbidden", "not_found", "stale", "recorded"]);
    const { db } = store;
    expect((await db.answer.findMany({ orderBy: { key: "asc" } })).map((a) => a.key)).toEqual(["a", "b", "c", "g"]);
    expect(await db.history.count({ where: { entity: "action" } })).toBe(4);
    expect(await db.action.findUniqueOrThrow({ where: { id: actionIds[1] } })).toMatchObject({ status: "complete", completedAt: NOW });
    expect(await db.action.findUniqueOrThrow({ where: { id: actionIds[4] } })).toMatchObject({ status: "delayed", targetTo: "2027-01-31", statusText: "Waiting for Cabinet" });
    expect(await db.action.findUniqueOrThrow({ where: { id: actionIds[3] } })).toMatchObject({ status: "in_progress" });
    // The action each outcome carries is the one written, with what its card shows.
    const delayed = results[7]!;
    expect(delayed.outcome === "recorded" && delayed.action).toMatchObject({ status: "delayed", plan: { title: "Plan" }, recommendation: { ref: "R1" }, owners: [{ kind: "responsible", role: { name: "Head of Procurement" } }] });
    // Presses arriving together are committed together, once.
    expect(commits - before).toBe(1);
  });

  it("holds an answer the plan checks for its decision, and records the others of its group as usual", async () => {
    const { db } = store;
    await db.plan.update({ where: { id: ids.plan }, data: { settings: JSON.stringify({ approveTargetChanges: true }) } });
    const results = await Promise.all([
      recordAnswer(store, answer({ actionId: actionIds[0], key: "a" })),
      recordAnswer(store, answer({ actionId: actionIds[1], key: "b", kind: "delayed", date: "2027-01-31", reason: "Waiting for Cabinet" })),
      recordAnswer(store, answer({ actionId: actionIds[2], key: "c", kind: "complete" })),
      recordAnswer(store, answer({ actionId: actionIds[1], key: "b", kind: "delayed", date: "2027-01-31", reason: "Waiting for Cabinet" })),
    ]);
    expect(results.map((r) => r.outcome)).toEqual(["recorded", "recorded", "recorded", "duplicate"]);
    expect(results[1]).toMatchObject({ outcome: "recorded", held: { kind: "target", newTarget: "2027-01-31" } });
    expect(results[0]).not.toHaveProperty("held");
    // The target waits for its decision; the others took effect.
    expect(await db.action.findUniqueOrThrow({ where: { id: actionIds[1] } })).toMatchObject({ status: "in_progress", targetTo: null });
    expect(await db.action.findUniqueOrThrow({ where: { id: actionIds[2] } })).toMatchObject({ status: "complete" });
    expect(await db.checkedChange.count({ where: { kind: "target", actionId: actionIds[1] } })).toBe(1);
    expect((await db.answer.findMany({ orderBy: { key: "asc" } })).map((a) => a.key)).toEqual(["a", "b", "c"]);
  });

  it.runIf(provider === "postgresql")("records nothing when the action is closed between the answer's read and its write", async () => {
    const { db } = store;
    // Another process holds the action, closes it and commits while the answer waits for its write.
    const other = new pg.Client({ connectionString: (store.database as { url: string }).url });
    await other.connect();
    try {
      await other.query("BEGIN");
      await other.query(`SELECT 1 FROM "Action" WHERE "id" = $1 FOR UPDATE`, [actionIds[0]]);
      const pending = recordAnswer(store, answer({ actionId: actionIds[0], key: "raced" }));
      // Until the answer's write waits for the other process's lock.
      for (;;) {
        const waiting = await other.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
        if (waiting.rowCount) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await other.query(`UPDATE "Action" SET "status" = 'complete' WHERE "id" = $1`, [actionIds[0]]);
      await other.query("COMMIT");
      expect(await pending).toMatchObject({ outcome: "stale", action: { id: actionIds[0] } });
    } finally {
      await other.end();
    }
    expect(await db.answer.count()).toBe(0);
    expect(await db.history.count()).toBe(0);
    expect(await db.action.findUniqueOrThrow({ where: { id: actionIds[0] } })).toMatchObject({ status: "complete", lastUpdateAt: null });
  });

  it("still records the others when one answer of a group fails in the database", async () => {
    const { db } = store;
    // A database refusal for one answer only, as a full disk or a broken row would give.
    await db.$executeRawUnsafe(
      provider === "sqlite"
        ? `CREATE TRIGGER refuse_boom BEFORE INSERT ON "Answer" WHEN NEW."key" = 'boom' BEGIN SELECT RAISE(ABORT, 'refused'); END`
        : `CREATE FUNCTION refuse_boom() RETURNS trigger AS $$ BEGIN IF NEW."key" = 'boom' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
    );
    if (provider === "postgresql") await db.$executeRawUnsafe(`CREATE TRIGGER refuse_boom BEFORE INSERT ON "Answer" FOR EACH ROW EXECUTE FUNCTION refuse_boom()`);
    const results = await Promise.allSettled([
      recordAnswer(store, answer({ actionId: actionIds[0], key: "a" })),
      recordAnswer(store, answer({ actionId: actionIds[1], key: "boom" })),
      recordAnswer(store, answer({ actionId: actionIds[2], key: "c" })),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value.outcome : "failed"))).toEqual(["recorded", "failed", "recorded"]);
    expect((await db.answer.findMany({ orderBy: { key: "asc" } })).map((a) => a.key)).toEqual(["a", "c"]);
    expect(await db.action.findUniqueOrThrow({ where: { id: actionIds[1] } })).toMatchObject({ status: "in_progress", lastUpdateAt: null });
    expect(await db.history.count({ where: { entity: "action" } })).toBe(2);
  });
});
