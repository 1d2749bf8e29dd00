import type { TFunction } from "i18next";
import { ChaserError } from "../domain/chaser-error.js";
import { markMilestone, mayMarkMilestones } from "../store/mark-milestone.js";
import type { Db } from "../store/open-store.js";

/*
 * "milestone 2.3", "milestone council-plan 2.3", "milestone 2.3 off"; in Welsh "carreg filltir 2.3",
 * "carreg filltir 2.3 i ffwrdd". Not yet one of src/commands' kinds: it still has its own parser,
 * and belongs in the command model as one more command.
 */
export interface MilestoneCommand {
  plan: string | null;
  ref: string;
  on: boolean;
}

const PATTERN = /^(?:milestone|carreg filltir)\s+(?:(.+?)\s+)?([A-Za-z]{0,4}\d+(?:[.\-/]\w+)*)(?:\s+(off|remove|i ffwrdd|dileu))?$/i;

/** The milestone command typed in chat, or null when the text is something else. */
export function parseMilestoneCommand(text: string): MilestoneCommand | null {
  const m = PATTERN.exec(text.trim().replace(/\s+/g, " "));
  if (!m) return null;
  return { plan: m[1]?.trim() || null, ref: m[2]!, on: !m[3] };
}

/** Marks (or unmarks) the milestone for an admin of its plan; returns what to say. */
export async function runMilestoneCommand(db: Db, t: TFunction, person: { id: string; name: string; isAdmin: boolean }, command: MilestoneCommand, via: string): Promise<string> {
  try {
    const done = await markMilestone(db, { ...command, via, actorLabel: person.name, actorPersonId: person.id, mayMark: (planId) => mayMarkMilestones(db, person, planId) });
    const key = done.on ? (done.changed ? "milestone.marked" : "milestone.already") : done.changed ? "milestone.unmarked" : "milestone.already_not";
    return t(key, { ref: done.ref, title: done.title, plan: done.planTitle });
  } catch (error) {
    if (error instanceof ChaserError) return t(error.code, error.params);
    throw error;
  }
}
