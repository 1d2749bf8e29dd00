import { cleanLine } from "./clean-text.js";

/** What a column holds, whatever a given plan calls it. */
export type ColumnRole =
  | "body"
  | "kloeRef"
  | "theme"
  | "recRef"
  | "recommendation"
  | "keyIssues"
  | "action"
  | "actionRef"
  | "owner"
  | "accountable"
  | "target"
  | "originalTarget"
  | "status"
  | "rag"
  | "progress"
  | "impact"
  | "changeControl"
  | "notes";

/** Header names seen in real plans, normalised (lower case, letters, digits and single spaces). */
const SYNONYMS: Record<ColumnRole, string[]> = {
  body: ["review report", "report", "source", "raised by", "review", "auditor"],
  kloeRef: ["kloe ref", "kloe", "kloe reference"],
  theme: ["theme", "strand", "workstream", "section", "area", "category", "priority area"],
  recRef: ["item", "no", "ref", "reference", "number", "rec ref", "rec no", "recommendation ref", "recommendation no", "recommendation number", "id"],
  recommendation: [
    "recommendation",
    "recommendations",
    "select committee recommendation",
    "governance issue",
    "issue",
    "finding",
    "area for improvement",
    "audit recommendation",
  ],
  keyIssues: ["key issues", "issues", "context", "background", "risk"],
  action: [
    "action",
    "actions",
    "activity",
    "activities",
    "proposed actions",
    "proposed action",
    "agreed action",
    "agreed actions",
    "management action",
    "milestone",
    "incorporation within improvement plan",
  ],
  actionRef: ["action ref", "action no", "action number", "action id"],
  owner: ["lead officer", "responsible owner", "responsible", "owner", "lead", "responsible officer", "action owner", "officer", "lead officer s"],
  accountable: ["accountable", "accountable officer", "sponsor", "accountable director"],
  target: [
    "target start",
    "timescales",
    "timescale",
    "target date",
    "target",
    "due date",
    "deadline",
    "completion date",
    "by when",
    "due",
    "revised target date",
    "revised target",
    "current target",
  ],
  originalTarget: ["original target", "original target date", "original deadline"],
  status: ["status", "progress status", "current status", "action status"],
  rag: ["rag", "rag rating", "rag status", "risk rating", "rating"],
  progress: ["progress to date", "status update", "response", "progress", "update", "comments", "commentary", "progress update", "management response", "position"],
  impact: ["assessment of impact", "impact", "outcomes", "outcome", "evidence", "outcomes achieved"],
  changeControl: ["ip change control", "change control"],
  notes: ["queries", "notes", "note"],
};

const ENTRIES = (Object.entries(SYNONYMS) as [ColumnRole, string[]][])
  .flatMap(([role, names]) => names.map((name) => ({ role, name })))
  .sort((a, b) => b.name.length - a.name.length);

export function normaliseHeader(text: string): string {
  return cleanLine(text)
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

/** The role a header names: an exact synonym, else the longest synonym it starts with. */
export function roleOfHeader(text: string): ColumnRole | null {
  const h = normaliseHeader(text);
  if (!h) return null;
  const exact = ENTRIES.find((e) => e.name === h);
  if (exact) return exact.role;
  // "Status Update from 2022/23" names a column; "Recommendation 1: improve…" is data.
  const prefix = ENTRIES.find((e) => h.startsWith(e.name + " ") && !/^\d/.test(h.slice(e.name.length + 1)));
  return prefix ? prefix.role : null;
}

function isExactHeader(text: string): boolean {
  const h = normaliseHeader(text);
  return ENTRIES.some((e) => e.name === h);
}

export type ColumnMap = Partial<Record<ColumnRole, number>>;

/**
 * The column map if the row is a header row: at least two cells name a role, one of them exactly,
 * and they make up most of the row's non-empty cells. The first column naming a role wins it.
 */
export function matchHeaderRow(cells: string[]): ColumnMap | null {
  const map: ColumnMap = {};
  let named = 0;
  let filled = 0;
  cells.forEach((cell, index) => {
    if (!cell.trim()) return;
    filled += 1;
    const role = roleOfHeader(cell);
    if (!role) return;
    named += 1;
    if (map[role] === undefined) map[role] = index;
  });
  if (named < 2 || named * 2 < filled || !cells.some(isExactHeader)) return null;
  // A header row names what it holds; one without a recommendation or an action is some other table.
  if (map.recommendation === undefined && map.action === undefined) return null;
  return map;
}
