import { normaliseStatus } from "../domain/normalise-status.js";
import { parseTarget } from "../domain/parse-target.js";
import { cleanLine } from "./clean-text.js";
import type { ColumnRole } from "./match-columns.js";
import type { Row } from "./row.js";

/** What one cell looks like, judged by its content alone. */
export type CellKind = "empty" | "date" | "status" | "rag" | "ref" | "name" | "prose" | "text";

// "2.3", "R 6", "R6.", "KLOE A1-1", "CO.13", "1a", "A1", "AFI 3", "4)".
const REF = /^(?:kloe\s+)?(?:[A-Z]{1,5}[\s.-]?)?\d{1,3}(?:[.-]\d{1,3}){0,3}[a-z]?[.)]?$/i;
// Words that make a short cell a job, a team or a body rather than a task.
const ROLE_WORD = /\b(?:director|officer|manager|head|team|lead|chief|executive|service|services|board|member|commissioner|council|clerk|partnership|unit|group|committee|cabinet|governance|finance|hr|ict|procurement|nurse|matron|consultant|superintendent|inspector|chair|secretary|coordinator|co-ordinator|adviser|advisor|analyst|administrator|assistant|deputy|monitoring)\b/i;
const SMALL_WORDS = new Set(["of", "and", "the", "for", "&", "to", "with", "in", "/", "-", "–", "on", "at"]);
const RAG = /^(?:b?rag:?\s*)?(?:red|amber|green|blue|r|a|g|b|r\/a|a\/g|amber\/green|red\/amber|amber-green|red-amber)$/i;
const PLACEHOLDER = /^(?:[-–—.•]+|n\/?a|tbc|tba|none|nil)$/i;

export function kindOfCell(raw: string): CellKind {
  const text = cleanLine(raw).replace(/^•\s*/, "");
  if (!text || PLACEHOLDER.test(text)) return "empty";
  const words = text.split(/\s+/);
  if (RAG.test(text)) return "rag";
  if (REF.test(text) && !/^\d{4}$/.test(text)) return "ref";
  if (words.length <= 6) {
    const target = parseTarget(text);
    if (target && target.from && /\d/.test(text)) return "date";
    const { status } = normaliseStatus(text.toLowerCase());
    if (status) return "status";
    if (target?.from || target?.ongoing) return "date";
  }
  if (words.length > 8 || text.length > 70) return "prose";
  if (/[.!?]$/.test(text) && words.length > 3) return "prose";
  const content = words.filter((w) => !SMALL_WORDS.has(w.toLowerCase()));
  const capitalised = content.filter((w) => /^[A-Z(]/.test(w)).length;
  if (!/\d/.test(text) && content.length > 0 && (ROLE_WORD.test(text) || capitalised / content.length >= 0.75)) return "name";
  return "text";
}

export type Confidence = "sure" | "likely" | "unsure";

export interface ColumnGuess {
  index: number;
  role: ColumnRole | null;
  confidence: Confidence;
  /** The kind of content most of its cells hold, and how many of them do. */
  kind: CellKind;
  share: number;
  filled: number;
}

interface Profile {
  index: number;
  filled: number;
  counts: Record<CellKind, number>;
  kind: CellKind;
  share: number;
  meanLength: number;
}

const KINDS: CellKind[] = ["date", "status", "rag", "ref", "name", "prose", "text"];

function profile(rows: Row[], index: number): Profile {
  const counts = Object.fromEntries([...KINDS, "empty"].map((k) => [k, 0])) as Record<CellKind, number>;
  let length = 0;
  for (const row of rows) {
    const cell = row.cells[index] ?? "";
    const kind = kindOfCell(cell);
    counts[kind] += 1;
    if (kind !== "empty") length += cleanLine(cell).length;
  }
  const filled = rows.length - counts.empty;
  // Dates and statuses share "Ongoing"; a column of both is read by the more common.
  let kind: CellKind = "empty";
  let best = 0;
  for (const k of KINDS) {
    if (counts[k] > best) {
      best = counts[k];
      kind = k;
    }
  }
  return { index, filled, counts, kind, share: filled ? best / filled : 0, meanLength: filled ? length / filled : 0 };
}

function confidenceOf(share: number, filled: number): Confidence {
  if (share >= 0.8 && filled >= 3) return "likely";
  return "unsure";
}

/**
 * Each column's role judged from its cells alone: a column of dates is a target, of status words a
 * status, of colours a RAG rating, of refs like "2.3" or "KLOE A1-1" a ref, of short names and job
 * titles an owner, and long prose the recommendation and action before the owners and dates, the
 * progress after them. `known` holds the roles headings already gave (null where none): those
 * columns are left alone and their roles not given again. Pure.
 */
export function inferColumns(rows: Row[], width: number, known: readonly (ColumnRole | null)[] = []): ColumnGuess[] {
  const profiles = Array.from({ length: width }, (_, i) => profile(rows, i));
  const used = new Set<ColumnRole>(known.filter((r): r is ColumnRole => r !== null));
  const guesses = new Map<number, ColumnGuess>();
  const open = (p: Profile) => !known[p.index] && !guesses.has(p.index) && p.filled > 0;
  const give = (p: Profile, role: ColumnRole, confidence?: Confidence) => {
    if (used.has(role) || !open(p)) return false;
    used.add(role);
    guesses.set(p.index, { index: p.index, role, confidence: confidence ?? confidenceOf(p.share, p.filled), kind: p.kind, share: p.share, filled: p.filled });
    return true;
  };
  const of = (kind: CellKind, min: number) => profiles.filter((p) => open(p) && p.kind === kind && p.share >= min);

  for (const p of of("rag", 0.6)) give(p, "rag");
  // Several date columns: the last is the one being worked to; which it is, people are asked.
  const dates = of("date", 0.5);
  if (dates.length > 0) give(dates.at(-1)!, "target", dates.length > 1 ? "unsure" : undefined);
  for (const p of of("status", 0.5)) give(p, "status");
  const refs = of("ref", 0.6);
  if (refs[0]) give(refs[0], "recRef");
  if (refs[1]) give(refs[1], "actionRef", "unsure");
  const names = of("name", 0.55).filter((p) => p.meanLength <= 60);
  if (names[0]) give(names[0], "owner");
  if (names[1]) give(names[1], "accountable", "unsure");

  // Prose before the first owner or date column says what is to be done; after it, how it went.
  const roleAt = (i: number) => known[i] ?? guesses.get(i)?.role ?? null;
  const anchorAt = profiles.find((p) => ["owner", "accountable", "target", "originalTarget", "status", "rag"].includes(roleAt(p.index) ?? ""));
  const firstAnchor = anchorAt ? anchorAt.index : Infinity;
  const wordy = profiles.filter((p) => open(p) && (p.kind === "prose" || p.kind === "text" || (p.kind === "name" && p.meanLength > 60)));
  const before = wordy.filter((p) => p.index < firstAnchor);
  const after = wordy.filter((p) => p.index > firstAnchor);
  const order: ColumnRole[] = before.length === 1 ? ["action", "recommendation"] : ["recommendation", "action"];
  for (const p of before) order.some((role) => give(p, role));
  if (after[0]) give(after[0], "progress");
  for (const p of profiles) {
    if (open(p)) guesses.set(p.index, { index: p.index, role: null, confidence: "unsure", kind: p.kind, share: p.share, filled: p.filled });
  }
  return profiles.filter((p) => guesses.has(p.index)).map((p) => guesses.get(p.index)!);
}

/**
 * True when a row reads as headings: short labels in most columns, none of them a date, a status,
 * a long sentence or a number, above rows that hold data. Used for header rows in words Chaser
 * does not know ("Col A", "Who's on it").
 */
export function looksLikeHeadingRow(cells: string[], width: number): boolean {
  const filled = cells.filter((c) => c && c.trim());
  if (filled.length < 2 || filled.length * 2 < width) return false;
  return filled.every((c) => {
    const text = cleanLine(c);
    const kind = kindOfCell(text);
    return text.split(/\s+/).length <= 5 && text.length <= 40 && (kind === "name" || kind === "text") && !/^\d/.test(text);
  });
}
