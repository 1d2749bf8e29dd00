import type { Rag, Status } from "../domain/vocabulary.js";
import type { Db } from "../store/open-store.js";
import type { DigestAction, DigestChange } from "./build-digest.js";

/** A plan's actions (or one theme's) and their changes since `since`, as the digest needs them. */
export async function collectDigest(
  db: Db,
  planId: string,
  themeId: string | null,
  since: Date | null,
): Promise<{ actions: DigestAction[]; changes: DigestChange[] }> {
  const rows = await db.action.findMany({
    where: { planId, ...(themeId ? { recommendation: { themeId } } : {}) },
    include: {
      recommendation: { select: { theme: { select: { name: true, position: true } }, position: true } },
      owners: { where: { kind: "responsible" }, include: { role: true }, orderBy: { position: "asc" } },
    },
    orderBy: { position: "asc" },
  });
  const actions: DigestAction[] = rows.map((a) => ({
    id: a.id,
    ref: a.ref ?? a.key,
    title: a.title,
    theme: a.recommendation.theme?.name ?? null,
    status: a.status as Status | null,
    rag: a.rag as Rag | null,
    targetTo: a.targetTo,
    originalTargetTo: a.originalTargetTo,
    lastUpdateAt: a.lastUpdateAt,
    createdAt: a.createdAt,
    owners: a.owners.map((o) => o.role.name),
  }));
  const ids = new Set(actions.map((a) => a.id));
  const history = await db.history.findMany({
    where: { planId, entity: "action", ...(since ? { at: { gt: since } } : {}) },
    orderBy: { at: "asc" },
  });
  // An action's creation (its first import) is not movement; only later changes are.
  const changes: DigestChange[] = history
    .filter((h) => h.actionId && ids.has(h.actionId) && h.before !== null)
    .map((h) => ({
      actionId: h.actionId!,
      at: h.at,
      before: h.before ? (JSON.parse(h.before) as Record<string, unknown>) : {},
      after: h.after ? (JSON.parse(h.after) as Record<string, unknown>) : {},
      note: h.note,
    }));
  return { actions, changes };
}
