import type { Rag, Status } from "../domain/vocabulary.js";
import type { Db } from "../store/open-store.js";
import type { DigestAction, DigestChange } from "./build-digest.js";

const PAGE = 2000;

/** A plan's actions (or one theme's) and their changes since `since`, as the digest needs them. */
export async function collectDigest(
  db: Db,
  planId: string,
  themeId: string | null,
  since: Date | null,
): Promise<{ actions: DigestAction[]; changes: DigestChange[] }> {
  // In pages: Prisma loads each include with the page's ids, and a big plan's would be too many.
  const rows = [];
  for (let cursor: string | undefined; ; ) {
    const page = await db.action.findMany({
      where: { planId, ...(themeId ? { recommendation: { themeId } } : {}) },
      include: {
        recommendation: { select: { theme: { select: { name: true, position: true } }, position: true } },
        owners: { where: { kind: "responsible" }, include: { role: true }, orderBy: { position: "asc" } },
      },
      orderBy: { id: "asc" },
      take: PAGE,
      ...(cursor ? { skip: 1, cursor: { id: cursor } } : {}),
    });
    rows.push(...page);
    if (page.length < PAGE) break;
    cursor = page.at(-1)!.id;
  }
  rows.sort((a, b) => a.position - b.position);
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
