import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { daysBetween, londonDate } from "../domain/london-date.js";
import { parsePlanFile } from "../import/parse-plan.js";
import { loadScheduleSettings } from "../schedule/scheduler.js";
import { scanActions } from "../schedule/scan-actions.js";
import { importPlan, planSlug } from "../store/import-plan.js";
import { mapRole } from "../store/map-role.js";
import { playgroundPersona } from "../store/people.js";
import { subscribe } from "../store/subscriptions.js";
import { samplePlanId, makePlaygroundAdmin, removePlaygroundSample, type SampleScope } from "../store/playground-sample.js";
import type { Store } from "../store/open-store.js";
import { shiftPlanDates } from "./shift-plan-dates.js";

export type SampleJob = "officer" | "director" | "admin";

export interface SamplePerson {
  name: string;
  job: SampleJob;
  roles: string[];
}

/**
 * The playground's sample: seed 000 (a council's procurement review, bundled in sample/), three
 * personas holding its owner roles, and a leadership channel for its digest. The paper is dated
 * December 2020; on ANCHOR it had actions overdue, due within a fortnight, slipping and ongoing.
 */
export const SAMPLE = {
  file: "procurement-review.txt",
  seed: "000",
  title: "Procurement review (sample)",
  /** The day the paper reads as live: its dates are moved so that this day is today. */
  anchor: "2020-12-20",
  /** Imported this long before today, so ongoing work nobody has updated since has gone silent. */
  importedDaysAgo: 35,
  people: [
    { name: "Sam Jones", job: "officer", roles: ["CDAI"] },
    { name: "Dana Price", job: "director", roles: ["CEDR"] },
    { name: "Alex Morgan", job: "admin", roles: ["Monitoring Officer"] },
  ] satisfies SamplePerson[] as SamplePerson[],
  /** The playground's leadership channel, where the sample's digest goes. */
  channel: "#leadership",
  /** The playground clock's runs are claimed under this namespace, never the deployment's. */
  namespace: "playground",
} as const;

export const SAMPLE_SLUG = planSlug(SAMPLE.title, SAMPLE.file);

export const SAMPLE_SCOPE: SampleScope = { slug: SAMPLE_SLUG, personas: SAMPLE.people.map((p) => p.name), channel: SAMPLE.channel, namespace: SAMPLE.namespace };

const SAMPLE_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "sample");

export interface SampleSummary {
  title: string;
  slug: string;
  seed: string;
  /** Days the paper's dates were moved forward. */
  shiftedDays: number;
  today: string;
  counts: { overdue: number; due_soon: number; slipping: number; silent: number };
  people: SamplePerson[];
  channel: string;
}

/**
 * Makes (or remakes) the sample: whatever the playground did to it is removed, the paper is read
 * and imported with its dates moved to today, the personas are made and given its roles, the
 * admin persona made its admin, and the leadership channel subscribed. Everything goes through the
 * importer and the store, as an admin's import and mapping would.
 */
export async function createSample(store: Store, now: Date): Promise<SampleSummary> {
  await removePlaygroundSample(store.db, SAMPLE_SCOPE, now);
  const today = londonDate(now);
  const shiftedDays = daysBetween(SAMPLE.anchor, today);
  const bytes = await readFile(join(SAMPLE_DIR, SAMPLE.file));
  const parsed = await parsePlanFile(bytes, SAMPLE.file, "en-GB", {});
  const importedAt = new Date(now.getTime() - SAMPLE.importedDaysAgo * 86_400_000);
  await importPlan(store, shiftPlanDates(parsed, shiftedDays), { planName: SAMPLE.title, sourceDocument: SAMPLE.file, via: "chat:web", actorLabel: "playground", now: importedAt });
  for (const person of SAMPLE.people) {
    const persona = await playgroundPersona(store.db, person.name, "en-GB");
    for (const role of person.roles) await mapRole(store.db, { role, personName: person.name, via: "chat:web", actorLabel: "playground", playground: true });
    if (person.job === "admin") await makePlaygroundAdmin(store.db, persona.id, SAMPLE_SLUG, now);
  }
  const planId = (await samplePlanId(store.db, SAMPLE_SLUG))!;
  await subscribe(store.db, { planId, theme: null, platform: "web", address: SAMPLE.channel, name: SAMPLE.channel, locale: "en-GB" }, { personId: null, label: "playground", via: "chat:web", now });
  return summarise(store, now, shiftedDays);
}

/** What the sample holds today: why its actions would be asked about, counted. */
export async function summarise(store: Store, now: Date, shiftedDays: number): Promise<SampleSummary> {
  const planId = await samplePlanId(store.db, SAMPLE_SLUG);
  const counts = { overdue: 0, due_soon: 0, slipping: 0, silent: 0 };
  if (planId) for (const a of await scanActions(store, now, await loadScheduleSettings(store.db))) if (a.planId === planId) counts[a.reason.kind] += 1;
  return { title: SAMPLE.title, slug: SAMPLE_SLUG, seed: SAMPLE.seed, shiftedDays, today: londonDate(now), counts, people: SAMPLE.people, channel: SAMPLE.channel };
}
