import type { Store } from "./open-store.js";

/** One target move, from the history: who moved it, when, and why. */
export interface ExportExtension {
  at: Date;
  from: string | null;
  to: string;
  reason: string | null;
  by: string;
}

export interface ExportAction {
  ref: string;
  title: string;
  owners: string[];
  accountable: string[];
  originalTarget: string | null;
  currentTarget: string | null;
  targetTo: string | null;
  status: string | null;
  statusText: string | null;
  rag: string | null;
  progress: string | null;
  lastUpdateAt: Date | null;
  completedAt: Date | null;
  evidence: string | null;
  extensions: ExportExtension[];
  /** The completion's check, on a plan that verifies them: waiting, or accepted by whom and when. */
  verification: { status: "pending" | "accepted"; since: Date; by: string | null; at: Date | null } | null;
  /** Files attached in chat as evidence of the completion that stands (not of one sent back). */
  evidenceFiles: ExportEvidenceFile[];
}

/** A file attached in chat as evidence, as an auditor finds it again: name, size, SHA-256, lasting link. */
export interface ExportEvidenceFile {
  name: string;
  size: number;
  sha256: string;
  link: string | null;
  platform: string;
  platformFileId: string | null;
  at: Date;
}

export interface ExportRecommendation {
  ref: string;
  text: string;
  theme: string | null;
  actions: ExportAction[];
}

export interface PlanExport {
  slug: string;
  title: string;
  issuingBody: string | null;
  recommendations: ExportRecommendation[];
}

export interface HistoryExportRow {
  at: Date;
  ref: string | null;
  entity: string;
  entityId: string;
  via: string;
  actor: string;
  before: string | null;
  after: string | null;
  note: string | null;
}

const targetText = (text: string | null, to: string | null, ongoing: boolean): string | null => text ?? (ongoing ? "Ongoing" : to);

/** The plan as a committee table holds it: recommendations in order, each with its actions, owners and target moves. */
export async function readPlanExport(store: Store, slug: string): Promise<PlanExport | null> {
  const plan = await store.db.plan.findUnique({ where: { slug } });
  if (!plan) return null;
  const [recommendations, moves, completions, files] = await Promise.all([
    store.db.recommendation.findMany({
      where: { planId: plan.id },
      orderBy: { position: "asc" },
      include: {
        theme: { select: { name: true } },
        actions: { orderBy: { position: "asc" }, include: { owners: { orderBy: { position: "asc" }, include: { role: { select: { name: true } } } } } },
      },
    }),
    // A target move is an action history entry whose `after` sets targetTo.
    store.db.history.findMany({
      where: { planId: plan.id, entity: "action", after: { contains: '"targetTo"' } },
      orderBy: { at: "asc" },
      select: { actionId: true, at: true, before: true, after: true, note: true, actorLabel: true },
    }),
    store.db.checkedChange.findMany({ where: { planId: plan.id, kind: "completion" }, orderBy: { createdAt: "asc" } }),
    store.db.evidenceFile.findMany({ where: { planId: plan.id }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
  ]);
  // The completion that stands per action is its latest check; files of one sent back are left to the history.
  const latest = new Map(completions.map((c) => [c.actionId, c]));
  const returned = new Set(completions.filter((c) => c.status === "returned").map((c) => c.id));
  const deciders = new Map(
    (await store.db.person.findMany({ where: { id: { in: [...new Set(completions.flatMap((c) => (c.decidedById ? [c.decidedById] : [])))] } }, select: { id: true, name: true } })).map((p) => [p.id, p.name]),
  );
  const filesOf = new Map<string, ExportEvidenceFile[]>();
  for (const f of files) {
    if (f.checkedChangeId && returned.has(f.checkedChangeId)) continue;
    const list = filesOf.get(f.actionId) ?? [];
    list.push({ name: f.name, size: f.size, sha256: f.sha256, link: f.link, platform: f.platform, platformFileId: f.platformFileId, at: f.createdAt });
    filesOf.set(f.actionId, list);
  }
  const verificationOf = (actionId: string): ExportAction["verification"] => {
    const c = latest.get(actionId);
    if (!c || (c.status !== "pending" && c.status !== "accepted")) return null;
    return { status: c.status, since: c.createdAt, by: c.decidedById ? (deciders.get(c.decidedById) ?? null) : null, at: c.decidedAt };
  };
  const extensions = new Map<string, ExportExtension[]>();
  for (const m of moves) {
    if (!m.actionId) continue;
    const before = JSON.parse(m.before ?? "{}") as { targetTo?: unknown };
    const after = JSON.parse(m.after ?? "{}") as { targetTo?: unknown; statusText?: unknown };
    // A move of a target the action already had; the first import sets one, it does not move it.
    if (typeof before.targetTo !== "string" || typeof after.targetTo !== "string" || after.targetTo === before.targetTo) continue;
    const reason = typeof after.statusText === "string" && after.statusText ? after.statusText : (m.note ? (/^[a-z_]+: (.+)$/s.exec(m.note)?.[1] ?? m.note) : null);
    const list = extensions.get(m.actionId) ?? [];
    list.push({ at: m.at, from: before.targetTo, to: after.targetTo, reason, by: m.actorLabel });
    extensions.set(m.actionId, list);
  }
  return {
    slug: plan.slug,
    title: plan.title,
    issuingBody: plan.issuingBody,
    recommendations: recommendations.map((r) => ({
      ref: r.ref ?? r.key,
      text: r.text,
      theme: r.theme?.name ?? null,
      actions: r.actions.map((a) => ({
        ref: a.ref ?? a.key,
        title: a.title,
        owners: a.owners.filter((o) => o.kind === "responsible").map((o) => o.role.name),
        accountable: a.owners.filter((o) => o.kind === "accountable").map((o) => o.role.name),
        originalTarget: targetText(a.originalTargetText, a.originalTargetTo, a.originalTargetOngoing),
        currentTarget: targetText(a.targetText, a.targetTo, a.targetOngoing),
        targetTo: a.targetTo,
        status: a.status,
        statusText: a.statusText,
        rag: a.rag,
        progress: a.progress,
        lastUpdateAt: a.lastUpdateAt,
        completedAt: a.completedAt,
        evidence: a.evidence,
        extensions: extensions.get(a.id) ?? [],
        verification: verificationOf(a.id),
        evidenceFiles: filesOf.get(a.id) ?? [],
      })),
    })),
  };
}

/** Every history entry of a plan, oldest first, in pages so a long history never sits in memory whole. */
export async function* readPlanHistory(store: Store, slug: string, pageSize = 2_000): AsyncGenerator<HistoryExportRow[]> {
  const plan = await store.db.plan.findUnique({ where: { slug }, select: { id: true } });
  if (!plan) return;
  let cursor: string | undefined;
  for (;;) {
    const page = await store.db.history.findMany({
      where: { planId: plan.id },
      orderBy: [{ at: "asc" }, { id: "asc" }],
      take: pageSize,
      ...(cursor ? { skip: 1, cursor: { id: cursor } } : {}),
      include: { action: { select: { ref: true, key: true } } },
    });
    if (page.length === 0) return;
    yield page.map((h) => ({
      at: h.at,
      ref: h.action ? (h.action.ref ?? h.action.key) : null,
      entity: h.entity,
      entityId: h.entityId,
      via: h.via,
      actor: h.actorLabel,
      before: h.before,
      after: h.after,
      note: h.note,
    }));
    cursor = page.at(-1)!.id;
    if (page.length < pageSize) return;
  }
}

export async function planExists(store: Store, slug: string): Promise<boolean> {
  return (await store.db.plan.count({ where: { slug } })) > 0;
}
