import { addDays, daysBetween } from "../domain/london-date.js";
import { CLOSED_STATUSES, STATUSES, type Rag, type Status } from "../domain/vocabulary.js";

/** An action as the digest sees it. */
export interface DigestAction {
  id: string;
  ref: string;
  title: string;
  theme: string | null;
  status: Status | null;
  rag: Rag | null;
  targetTo: string | null;
  originalTargetTo: string | null;
  lastUpdateAt: Date | null;
  createdAt: Date;
  owners: string[];
}

/** A history entry for an action since the last digest: which fields changed, and why. */
export interface DigestChange {
  actionId: string;
  at: Date;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  note: string | null;
}

export interface DigestSettings {
  /** "Due soon" in a digest looks further ahead than a prompt: four weeks. */
  dueWithinDays: number;
  silentDays: number;
  /** How many items each list shows before "and N more". */
  top: number;
}
export const DEFAULT_DIGEST_SETTINGS: DigestSettings = { dueWithinDays: 28, silentDays: 28, top: 3 };

export interface ListedAction {
  ref: string;
  title: string;
  owners: string[];
  /** Days overdue, days until due, or days silent, depending on the list. */
  days?: number;
  targetTo?: string | null;
}

export interface Extension {
  ref: string;
  title: string;
  from: string | null;
  to: string;
  reason: string | null;
}

export interface ThemeDigest {
  theme: string | null;
  total: number;
  open: number;
  byRag: Record<Rag | "none", number>;
  byStatus: Partial<Record<Status | "unknown", number>>;
  completed: ListedAction[];
  slipped: ListedAction[];
  extensions: Extension[];
  overdue: ListedAction[];
  dueSoon: ListedAction[];
  silent: ListedAction[];
}

export interface Digest {
  since: Date | null;
  now: Date;
  totals: ThemeDigest;
  themes: ThemeDigest[];
}

const RAG_ORDER: Record<Rag, number> = { green: 0, amber: 1, red: 2 };

/**
 * A plan's digest, as leadership reads it (seed 003 is one written by hand): per theme, counts by
 * RAG and status; what moved since the last digest (completed, slipped, targets extended, with
 * reasons); what is overdue, due in the next four weeks, and silent. Pure: `today` and `now` are
 * passed in, and lists are sorted so the most pressing come first.
 */
export function buildDigest(
  actions: DigestAction[],
  changes: DigestChange[],
  { since, now, today }: { since: Date | null; now: Date; today: string },
  settings: DigestSettings = DEFAULT_DIGEST_SETTINGS,
): Digest {
  const byAction = new Map(actions.map((a) => [a.id, a]));
  const byTheme = new Map<string | null, DigestAction[]>();
  for (const a of actions) {
    const list = byTheme.get(a.theme);
    if (list) list.push(a);
    else byTheme.set(a.theme, [a]);
  }
  const themeNames = [...byTheme.keys()];
  const digestOf = (subset: DigestAction[], theme: string | null): ThemeDigest => {
    const ids = new Set(subset.map((a) => a.id));
    const relevant = changes.filter((c) => ids.has(c.actionId) && (!since || c.at > since));
    const open = subset.filter((a) => !a.status || !CLOSED_STATUSES.has(a.status));
    const list = (a: DigestAction, days?: number): ListedAction => ({ ref: a.ref, title: a.title, owners: a.owners, days, targetTo: a.targetTo });

    const completed = uniqueActions(relevant.filter((c) => c.after.status === "complete" && c.before.status !== "complete"), byAction).map((a) => list(a));
    const slippedIds = new Set(
      relevant
        .filter((c) => (c.after.status === "delayed" && c.before.status !== "delayed") || movedLater(c) || ragWorsened(c))
        .map((c) => c.actionId),
    );
    const slipped = subset.filter((a) => slippedIds.has(a.id)).map((a) => list(a));
    const extensions = relevant
      .filter(movedLater)
      .map((c) => {
        const a = byAction.get(c.actionId)!;
        return { ref: a.ref, title: a.title, from: (c.before.targetTo as string | null) ?? null, to: c.after.targetTo as string, reason: reasonOf(c) };
      });
    const overdue = open
      .filter((a) => a.status !== "ongoing" && a.targetTo && a.targetTo < today)
      .map((a) => list(a, daysBetween(a.targetTo!, today)))
      .sort((x, y) => y.days! - x.days!);
    const horizon = addDays(today, settings.dueWithinDays);
    const dueSoon = open
      .filter((a) => a.targetTo && a.targetTo >= today && a.targetTo <= horizon)
      .map((a) => list(a, daysBetween(today, a.targetTo!)))
      .sort((x, y) => x.days! - y.days!);
    const silent = open
      .map((a) => list(a, Math.floor((now.getTime() - (a.lastUpdateAt ?? a.createdAt).getTime()) / 86_400_000)))
      .filter((a) => a.days! >= settings.silentDays)
      .sort((x, y) => y.days! - x.days!);

    const byRag: ThemeDigest["byRag"] = { red: 0, amber: 0, green: 0, none: 0 };
    const byStatus: ThemeDigest["byStatus"] = {};
    for (const a of subset) {
      byRag[a.rag ?? "none"] += 1;
      const key = a.status ?? "unknown";
      byStatus[key] = (byStatus[key] ?? 0) + 1;
    }
    return { theme, total: subset.length, open: open.length, byRag, byStatus: sortStatuses(byStatus), completed, slipped, extensions, overdue, dueSoon, silent };
  };
  return {
    since,
    now,
    totals: digestOf(actions, null),
    themes: themeNames.map((name) => digestOf(byTheme.get(name) ?? [], name)),
  };
}

function movedLater(c: DigestChange): boolean {
  const from = c.before.targetTo;
  const to = c.after.targetTo;
  return typeof to === "string" && typeof from === "string" && to > from;
}

function ragWorsened(c: DigestChange): boolean {
  const from = c.before.rag as Rag | null | undefined;
  const to = c.after.rag as Rag | null | undefined;
  return Boolean(from && to && RAG_ORDER[to] > RAG_ORDER[from]);
}

/** Why a target moved: the reason given in chat (the status text) or the history note. */
function reasonOf(c: DigestChange): string | null {
  if (typeof c.after.statusText === "string" && c.after.statusText) return c.after.statusText;
  return c.note?.replace(/^delayed:\s*/, "") || null;
}

function uniqueActions(changes: DigestChange[], byAction: Map<string, DigestAction>): DigestAction[] {
  return [...new Set(changes.map((c) => c.actionId))].map((id) => byAction.get(id)!).filter(Boolean);
}

function sortStatuses(counts: ThemeDigest["byStatus"]): ThemeDigest["byStatus"] {
  const order = [...STATUSES, "unknown"] as const;
  return Object.fromEntries(order.filter((s) => counts[s]).map((s) => [s, counts[s]!]));
}
