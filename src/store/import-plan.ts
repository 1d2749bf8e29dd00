import { randomUUID } from "node:crypto";
import type { Via } from "../domain/vocabulary.js";
import type { ParsedAction, ParsedPlan } from "../import/parsed-plan.js";
import { insertMany } from "./insert-many.js";
import { scanColumns } from "./scan-columns.js";
import { recordStatedFigures, statedDate } from "./record-stated-figures.js";
import type { Store, Tx } from "./open-store.js";
import { normaliseAlias, resolveRoles } from "./resolve-roles.js";

export interface ImportOptions {
  /** Plan name given by the person importing; else the file's own title, else the file name. */
  planName?: string | null;
  sourceDocument: string;
  issuingBody?: string | null;
  via: Via;
  actorLabel: string;
  actorPersonId?: string | null;
  dryRun?: boolean;
  now?: Date;
  onProgress?: (done: number, total: number) => void;
}

export interface ActionChange {
  ref: string;
  fields: string[];
}

export interface ImportReport {
  planSlug: string;
  planTitle: string;
  planCreated: boolean;
  dryRun: boolean;
  recommendations: { added: number; updated: number; unchanged: number };
  actions: { added: number; updated: number; unchanged: number; missingFromFile: string[] };
  changes: ActionChange[];
  /** Actions whose status was given later in chat or by command and so was kept. */
  keptStatus: string[];
  warnings: ParsedPlan["warnings"];
}

/** Thrown inside the transaction to undo a dry run after the report is complete. */
class DryRun extends Error {
  constructor(readonly report: ImportReport) {
    super("dry run");
  }
}

/** Rows a progress step; the bar moves at least this often on a large plan. */
const CHUNK = 2000;

/** The fields an import owns on an action, in the store's shape. */
type ActionFields = {
  title: string;
  detail: string | null;
  targetText: string | null;
  targetFrom: string | null;
  targetTo: string | null;
  targetOngoing: boolean;
  status: string | null;
  statusText: string | null;
  rag: string | null;
  progress: string | null;
  impact: string | null;
  crossRefs: string;
};
const STATUS_FIELDS = ["status", "statusText", "rag", "progress"] as const;

export function slugify(text: string): string {
  const slug = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return slug || "plan";
}

/** The slug a file is imported as: from the name given, else from the file name. */
export function planSlug(planName: string | null | undefined, sourceDocument: string): string {
  return slugify(planName?.trim() || sourceDocument.replace(/\.[a-z0-9]+$/i, ""));
}

function fieldsOf(a: ParsedAction): ActionFields {
  return {
    title: a.title,
    detail: a.detail,
    targetText: a.target?.text ?? null,
    targetFrom: a.target?.from ?? null,
    targetTo: a.target?.to ?? null,
    targetOngoing: a.target?.ongoing ?? false,
    status: a.status,
    statusText: a.statusText,
    rag: a.rag,
    progress: a.progress,
    impact: a.impact,
    crossRefs: JSON.stringify(a.crossRefs),
  };
}

function uniqueKeys(keys: (string | null)[], fallback: (i: number) => string): string[] {
  const used = new Set<string>();
  return keys.map((key, i) => {
    const base = key ?? fallback(i);
    let candidate = base;
    for (let n = 2; used.has(candidate.toLowerCase()); n++) candidate = `${base} (${n})`;
    used.add(candidate.toLowerCase());
    return candidate;
  });
}

/**
 * Writes a parsed plan to the store in one transaction: creates it, or updates it in place matching
 * recommendations and actions by ref. A status given later in chat or by command is never
 * overwritten; actions no longer in the file are kept and reported. Every change gets a history entry.
 */
export async function importPlan(store: Store, parsed: ParsedPlan, options: ImportOptions): Promise<ImportReport> {
  const title = options.planName?.trim() || parsed.title || options.sourceDocument;
  const slug = planSlug(options.planName, options.sourceDocument);
  try {
    return await store.db.$transaction(async (tx) => {
      const report = await write(tx, store.provider, parsed, { ...options, title, slug });
      const planId = (await tx.plan.findUniqueOrThrow({ where: { slug }, select: { id: true } })).id;
      await recordStatedFigures(tx, planId, parsed, statedDate(parsed.title, options.now ?? new Date()));
      if (options.dryRun) throw new DryRun(report);
      return report;
    }, { timeout: 30 * 60_000, maxWait: 60_000 });
  } catch (error) {
    if (error instanceof DryRun) return error.report;
    throw error;
  }
}

async function write(
  tx: Tx,
  provider: Store["provider"],
  parsed: ParsedPlan,
  options: ImportOptions & { title: string; slug: string },
): Promise<ImportReport> {
  const now = options.now ?? new Date();
  const history = (entry: { planId: string; actionId?: string; entity: string; entityId: string; before?: unknown; after?: unknown; note?: string }) => ({
    id: randomUUID(),
    at: now,
    planId: entry.planId,
    actionId: entry.actionId ?? null,
    entity: entry.entity,
    entityId: entry.entityId,
    via: options.via,
    actorPersonId: options.actorPersonId ?? null,
    actorLabel: options.actorLabel,
    before: entry.before === undefined ? null : JSON.stringify(entry.before),
    after: entry.after === undefined ? null : JSON.stringify(entry.after),
    note: entry.note ?? null,
  });
  const histories: ReturnType<typeof history>[] = [];

  const existingPlan = await tx.plan.findUnique({ where: { slug: options.slug } });
  const issuingBody = options.issuingBody ?? (uniqueBodies(parsed) || null);
  const plan = existingPlan
    ? await tx.plan.update({ where: { id: existingPlan.id }, data: { title: options.title, sourceDocument: options.sourceDocument, kind: parsed.kind, issuingBody: issuingBody ?? existingPlan.issuingBody } })
    : await tx.plan.create({ data: { slug: options.slug, title: options.title, sourceDocument: options.sourceDocument, kind: parsed.kind, issuingBody } });
  histories.push(history({
    planId: plan.id, entity: "plan", entityId: plan.id,
    before: existingPlan ? { title: existingPlan.title, sourceDocument: existingPlan.sourceDocument } : undefined,
    after: { title: plan.title, sourceDocument: plan.sourceDocument },
    note: existingPlan ? "re-import" : "import",
  }));

  // Themes
  const themes = new Map((await tx.theme.findMany({ where: { planId: plan.id } })).map((t) => [t.name.toLowerCase(), t.id]));
  const themeNames = [...new Set(parsed.recommendations.map((r) => r.theme).filter((t): t is string => Boolean(t)))];
  for (const [position, name] of themeNames.entries()) {
    if (themes.has(name.toLowerCase())) continue;
    const created = await tx.theme.create({ data: { planId: plan.id, name, position } });
    themes.set(name.toLowerCase(), created.id);
  }

  // Owners: every name in the file resolves to a role, the file's own acronym definitions included.
  const ownerNames = parsed.recommendations.flatMap((r) => r.actions.flatMap((a) => [...a.owners, ...a.accountable]));
  const roleIds = await resolveRoles(tx, ownerNames, parsed.roles);

  // Recommendations
  const recKeys = uniqueKeys(parsed.recommendations.map((r) => r.ref), (i) => `#${i + 1}`);
  const existingRecs = new Map((await tx.recommendation.findMany({ where: { planId: plan.id } })).map((r) => [r.key.toLowerCase(), r]));
  const recIds: string[] = [];
  const recCounts = { added: 0, updated: 0, unchanged: 0 };
  const newRecs: Record<string, unknown>[] = [];
  for (const [position, rec] of parsed.recommendations.entries()) {
    const key = recKeys[position]!;
    const data = { ref: rec.ref, text: rec.text, body: rec.body, detail: rec.detail, position, themeId: rec.theme ? themes.get(rec.theme.toLowerCase())! : null };
    const existing = existingRecs.get(key.toLowerCase());
    if (!existing) {
      const id = randomUUID();
      newRecs.push({ id, planId: plan.id, key, ...data });
      recIds.push(id);
      recCounts.added += 1;
      continue;
    }
    recIds.push(existing.id);
    const changed = (Object.keys(data) as (keyof typeof data)[]).filter((k) => existing[k] !== data[k]);
    if (changed.length === 0) {
      recCounts.unchanged += 1;
      continue;
    }
    await tx.recommendation.update({ where: { id: existing.id }, data });
    recCounts.updated += 1;
    const meaningful = changed.filter((k) => k !== "position");
    if (meaningful.length > 0) {
      histories.push(history({
        planId: plan.id, entity: "recommendation", entityId: existing.id,
        before: Object.fromEntries(meaningful.map((k) => [k, existing[k]])),
        after: Object.fromEntries(meaningful.map((k) => [k, data[k]])),
        note: "re-import",
      }));
    }
  }

  await insertMany(tx, provider, "Recommendation", newRecs);

  // Actions
  const flat = parsed.recommendations.flatMap((rec, r) => rec.actions.map((action) => ({ action, recId: recIds[r]! })));
  const actionKeys = uniqueKeys(flat.map((f) => f.action.ref), (i) => `#a${i + 1}`);
  const existingActions = new Map(
    (await tx.action.findMany({ where: { planId: plan.id }, include: { owners: true } })).map((a) => [a.key.toLowerCase(), a]),
  );
  const seen = new Set<string>();
  const counts = { added: 0, updated: 0, unchanged: 0 };
  const changes: ActionChange[] = [];
  const keptStatus: string[] = [];
  const newActions: Record<string, unknown>[] = [];
  const newOwners: { actionId: string; roleId: string; kind: string; position: number }[] = [];
  const ownersOf = (a: ParsedAction, actionId: string) => {
    const rows: typeof newOwners = [];
    const add = (names: string[], kind: string) =>
      names.forEach((name, position) => {
        const roleId = roleIds.get(normaliseAlias(name));
        if (roleId && !rows.some((r) => r.roleId === roleId && r.kind === kind)) rows.push({ actionId, roleId, kind, position });
      });
    add(a.owners, "responsible");
    add(a.accountable, "accountable");
    return rows;
  };

  for (const [position, { action, recId }] of flat.entries()) {
    const key = actionKeys[position]!;
    seen.add(key.toLowerCase());
    const fields = fieldsOf(action);
    const existing = existingActions.get(key.toLowerCase());
    if (!existing) {
      const id = randomUUID();
      const row = {
        id, planId: plan.id, recommendationId: recId, key, ref: action.ref, refGenerated: action.refGenerated, position, line: action.line,
        ...fields,
        originalTargetText: fields.targetText, originalTargetFrom: fields.targetFrom, originalTargetTo: fields.targetTo, originalTargetOngoing: fields.targetOngoing,
        statusSource: "import", statusUpdatedAt: now, lastUpdateAt: now, createdAt: now, updatedAt: now,
      };
      // The database would derive the scan's columns itself; given here, SQLite's trigger skips the row.
      newActions.push({ ...row, ...scanColumns(row) });
      newOwners.push(...ownersOf(action, id));
      histories.push(history({ planId: plan.id, actionId: id, entity: "action", entityId: id, after: fields, note: "import" }));
      counts.added += 1;
      continue;
    }
    const keepStatus = existing.statusSource !== "import";
    const changed = (Object.keys(fields) as (keyof ActionFields)[]).filter((k) => {
      if (keepStatus && (STATUS_FIELDS as readonly string[]).includes(k)) return false;
      return existing[k] !== fields[k];
    });
    if (keepStatus && STATUS_FIELDS.some((k) => existing[k] !== fields[k])) keptStatus.push(existing.ref ?? key);
    const owners = ownersOf(action, existing.id);
    const ownerKey = (rows: { roleId: string; kind: string }[]) => rows.map((o) => `${o.kind}:${o.roleId}`).sort().join(",");
    const ownersChanged = ownerKey(owners) !== ownerKey(existing.owners);
    const moved = existing.recommendationId !== recId || existing.position !== position || existing.line !== action.line;
    if (changed.length === 0 && !ownersChanged && !moved) {
      counts.unchanged += 1;
      continue;
    }
    const data: Record<string, unknown> = Object.fromEntries(changed.map((k) => [k, fields[k]]));
    if (changed.some((k) => (STATUS_FIELDS as readonly string[]).includes(k))) data.statusUpdatedAt = now;
    if (changed.length > 0) data.lastUpdateAt = now;
    await tx.action.update({ where: { id: existing.id }, data: { ...data, recommendationId: recId, position, line: action.line } });
    if (ownersChanged) {
      await tx.actionOwner.deleteMany({ where: { actionId: existing.id } });
      newOwners.push(...owners);
    }
    const fieldsChanged = [...changed, ...(ownersChanged ? ["owners"] : [])];
    if (fieldsChanged.length > 0) {
      changes.push({ ref: existing.ref ?? key, fields: fieldsChanged });
      histories.push(history({
        planId: plan.id, actionId: existing.id, entity: "action", entityId: existing.id,
        before: { ...Object.fromEntries(changed.map((k) => [k, existing[k]])), ...(ownersChanged ? { owners: existing.owners.map((o) => o.roleId) } : {}) },
        after: { ...Object.fromEntries(changed.map((k) => [k, fields[k]])), ...(ownersChanged ? { owners: owners.map((o) => o.roleId) } : {}) },
        note: "re-import",
      }));
      counts.updated += 1;
    } else {
      counts.unchanged += 1;
    }
  }

  for (let i = 0; i < newActions.length; i += CHUNK) {
    await insertMany(tx, provider, "Action", newActions.slice(i, i + CHUNK));
    options.onProgress?.(Math.min(i + CHUNK, newActions.length), flat.length);
  }
  await insertMany(tx, provider, "ActionOwner", newOwners);
  await insertMany(tx, provider, "History", histories);
  options.onProgress?.(flat.length, flat.length);

  const missingFromFile = [...existingActions.values()].filter((a) => !seen.has(a.key.toLowerCase())).map((a) => a.ref ?? a.key);
  return {
    planSlug: plan.slug,
    planTitle: plan.title,
    planCreated: !existingPlan,
    dryRun: Boolean(options.dryRun),
    recommendations: recCounts,
    actions: { ...counts, missingFromFile },
    changes,
    keptStatus,
    warnings: parsed.warnings,
  };
}

function uniqueBodies(parsed: ParsedPlan): string {
  return [...new Set(parsed.recommendations.map((r) => r.body).filter(Boolean))].join("; ");
}
