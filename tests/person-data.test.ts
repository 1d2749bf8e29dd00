/**
 * UK GDPR: a person's data comes out whole (subject access), and erasing them removes who they
 * are while their answers stay in the plan's history, attributed to an anonymous label.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, type CliIo } from "../src/cli.js";
import { recordAnswer } from "../src/conversation/record-answer.js";
import { exportPlan } from "../src/export/export-plan.js";
import { translator } from "../src/i18n.js";
import { importPlan } from "../src/store/import-plan.js";
import { mapRole } from "../src/store/map-role.js";
import { parseSeed, SEED_FILES } from "./helpers/seeds.js";
import { freshStore, type TestStore } from "./helpers/test-store.js";

const NOW = new Date("2021-02-01T12:00:00Z");
let store: TestStore;
let dir: string;
let slug: string;
const out: string[] = [];
const err: string[] = [];

const cli = (argv: string[], locale = "en-GB") => {
  const io: CliIo = { out: (s) => out.push(s), err: (s) => err.push(s), now: () => NOW, env: { DATABASE_URL: `file:${(store.database as { file: string }).file}`, CHASER_LOCALE: locale } };
  return runCli(argv, io);
};

beforeEach(async () => {
  out.length = 0;
  err.length = 0;
  store = await freshStore("sqlite");
  dir = mkdtempSync(join(tmpdir(), "chaser-gdpr-"));
  slug = (await importPlan(store, await parseSeed("procurement"), { sourceDocument: SEED_FILES.procurement, via: "cli", actorLabel: "test", now: NOW })).planSlug;
  await mapRole(store.db, { role: "CDAI", personName: "Jo Bloggs", email: "jo.bloggs@council.example", via: "cli", actorLabel: "admin" });
  const person = await store.db.person.findFirstOrThrow({ where: { email: "jo.bloggs@council.example" } });
  const action = await store.db.action.findFirstOrThrow({ where: { plan: { slug }, owners: { some: { role: { name: "CDAI" } } }, status: { not: "complete" } } });
  const answer = await recordAnswer(store, { personId: person.id, actionId: action.id, kind: "delayed", date: "2021-06-30", reason: "waiting for Cabinet", key: "k1", messageId: null, via: "chat:teams", actorLabel: "Jo Bloggs", now: NOW });
  expect(answer.outcome).toBe("recorded");
});

afterEach(async () => {
  await store.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("a person's data", () => {
  it("comes out whole: who they are, their roles and their answers", async () => {
    const file = join(dir, "jo.json");
    expect(await cli(["person", "export", "--email", "jo.bloggs@council.example", "--out", file])).toBe(0);
    const data = JSON.parse(readFileSync(file, "utf8"));
    expect(data.person).toMatchObject({ name: "Jo Bloggs", email: "jo.bloggs@council.example" });
    expect(data.roles).toEqual(["CDAI"]);
    expect(data.answers).toHaveLength(1);
    expect(data.answers[0]).toMatchObject({ plan: slug, kind: "delayed", via: "chat:teams", details: { date: "2021-06-30", reason: "waiting for Cabinet" } });
    expect(data.evidenceFiles).toEqual([]);
  });

  it("includes the files they sent as evidence, as Chaser keeps them", async () => {
    const person = await store.db.person.findFirstOrThrow({ where: { email: "jo.bloggs@council.example" } });
    const action = await store.db.action.findFirstOrThrow({ where: { plan: { slug }, owners: { some: { role: { name: "CDAI" } } } } });
    await store.db.evidenceFile.create({
      data: { planId: action.planId, actionId: action.id, personId: person.id, platform: "slack", platformFileId: "F1", name: "minutes.pdf", size: 2048, sha256: "ab".repeat(32), link: "https://files.slack.example/minutes.pdf", createdAt: NOW },
    });
    const file = join(dir, "jo.json");
    expect(await cli(["person", "export", "--email", "jo.bloggs@council.example", "--out", file])).toBe(0);
    const data = JSON.parse(readFileSync(file, "utf8"));
    expect(data.evidenceFiles).toEqual([
      { at: NOW.toISOString(), plan: slug, action: action.ref ?? action.key, name: "minutes.pdf", size: 2048, sha256: "ab".repeat(32), platform: "slack", link: "https://files.slack.example/minutes.pdf" },
    ]);
  });

  it("is erased: name, email and roles go, the answer stays in the plan's history under an anonymous label", async () => {
    expect(await cli(["person", "erase", "--email", "jo.bloggs@council.example"])).toBe(2);
    expect(err.join("\n")).toContain("Run again with --yes");
    expect(await store.db.person.count({ where: { email: "jo.bloggs@council.example" } })).toBe(1);

    expect(await cli(["person", "erase", "--email", "jo.bloggs@council.example", "--yes"])).toBe(0);
    const person = await store.db.person.findFirstOrThrow({ where: { origin: "erased" } });
    expect(out.at(-1)).toBe(`Erased. Answers kept in the plans' history under ${person.name}: 1.`);
    expect(person).toMatchObject({ email: null, teamsUserId: null, slackUserId: null, isAdmin: false });
    expect(person.name).toMatch(/^Former person \w{6}$/);
    expect(await store.db.roleAssignment.count({ where: { personId: person.id } })).toBe(0);
    expect(await store.db.answer.count({ where: { personId: person.id } })).toBe(1);

    // Nowhere in the history, nor in the exported history, is the name or the email left.
    const history = await store.db.history.findMany();
    const text = JSON.stringify(history);
    expect(text).not.toContain("Jo Bloggs");
    expect(text).not.toContain("jo.bloggs@council.example");
    const csv = (await exportPlan(store, { slug, format: "csv", t: translator("en-GB"), now: NOW })).bytes.toString("utf8");
    expect(csv).toContain(person.name);
    expect(csv).toContain("waiting for Cabinet");
    expect(csv).not.toContain("Jo Bloggs");
    expect(history.some((h) => h.entity === "person" && h.entityId === person.id && h.note === "erased")).toBe(true);
  });

  it("refuses an unknown person and bad usage, in the person's language, changing nothing", async () => {
    const before = await store.db.history.count();
    expect(await cli(["person", "erase", "--email", "nobody@council.example", "--yes"], "cy")).toBe(1);
    expect(err.join("\n")).toContain("Does gan Chaser neb â'r e-bost neu'r id nobody@council.example.");
    expect(await cli(["person", "forget", "--email", "jo.bloggs@council.example"])).toBe(2);
    expect(err.join("\n")).toContain("Usage: chaser person export");
    expect(await store.db.history.count()).toBe(before);
  });
});
