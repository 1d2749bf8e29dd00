import { z } from "zod";
import type { Via } from "../domain/vocabulary.js";
import { COLUMN_ROLES, type ColumnRole } from "../import/match-columns.js";
import type { ColumnChoice } from "../import/read-columns.js";
import type { PlanReading } from "../import/parsed-plan.js";
import type { Db } from "./open-store.js";
import { writeHistory } from "./history.js";

const Choices = z.array(z.object({ column: z.string().min(1).max(300), role: z.enum(COLUMN_ROLES as [ColumnRole, ...ColumnRole[]]).nullable() }));

/** The choices that reproduce a confirmed reading: every column by heading (or letter), with its role. */
export function choicesOf(reading: PlanReading): ColumnChoice[] {
  return reading.columns
    .filter((c) => c.role !== null || c.samples.length > 0)
    .map((c) => ({ column: c.heading || c.column, role: (c.role as ColumnRole | null) ?? null }));
}

/** The mapping confirmed at the plan's last import, or null if there is none. */
export async function recallColumns(db: Db, planSlug: string): Promise<ColumnChoice[] | null> {
  const row = await db.columnMapping.findUnique({ where: { planSlug } });
  if (!row) return null;
  const parsed = Choices.safeParse(JSON.parse(row.choices));
  // A mapping written by a later version and not understood is read afresh, never half-applied.
  return parsed.success ? parsed.data : null;
}

/**
 * Remembers the columns a person confirmed for a plan, with a history entry in the same
 * transaction. Nothing changes (and no history is written) when the mapping is the same.
 */
export async function rememberColumns(
  db: Db,
  input: { planSlug: string; choices: ColumnChoice[]; via: Via; actorLabel: string; actorPersonId?: string | null },
): Promise<{ changed: boolean }> {
  const choices = JSON.stringify(Choices.parse(input.choices));
  return db.$transaction(async (tx) => {
    const before = await tx.columnMapping.findUnique({ where: { planSlug: input.planSlug } });
    if (before?.choices === choices) return { changed: false };
    const row = await tx.columnMapping.upsert({
      where: { planSlug: input.planSlug },
      create: { planSlug: input.planSlug, choices, confirmedBy: input.actorLabel, via: input.via },
      update: { choices, confirmedBy: input.actorLabel, via: input.via },
    });
    const plan = await tx.plan.findUnique({ where: { slug: input.planSlug }, select: { id: true } });
    await writeHistory(tx, { personId: input.actorPersonId ?? null, label: input.actorLabel, via: input.via, now: new Date() }, {
      entity: "column-mapping",
      entityId: row.id,
      planId: plan?.id ?? null,
      before: before ? { choices: JSON.parse(before.choices) } : undefined,
      after: { planSlug: input.planSlug, choices: JSON.parse(choices) },
    });
    return { changed: true };
  });
}
