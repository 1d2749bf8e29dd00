import { parseTarget } from "../domain/parse-target.js";
import { combineStatuses, normaliseStatus, splitStatuses, worstRag } from "../domain/normalise-status.js";
import { buildOwnerLexicon, splitOwners } from "../domain/split-owners.js";
import { cleanLine, cleanText } from "./clean-text.js";
import { isOwnerFragment, joinSplitWords } from "./ocr-fragments.js";
import { matchHeaderRow as matchHeader, type ColumnMap, type ColumnRole } from "./match-columns.js";
import type { ParsedAction, ParsedPlan, ParsedRecommendation, ParsedRole } from "./parsed-plan.js";
import type { Row } from "./row.js";

/** A warning before it is put into words: the code and params resolve through locales/. */
export interface WarningDraft {
  line: number;
  code: string;
  params: Record<string, string | number>;
}

type Fields = Record<ColumnRole, string>;

interface ActionDraft {
  line: number;
  text: string;
  actionRef: string;
  owner: string;
  accountable: string;
  target: string;
  originalTarget: string;
  status: string;
  rag: string;
  progress: string;
  impact: string;
  changeControl: string;
  notes: string;
}

interface RecDraft {
  line: number;
  ref: string | null;
  text: string;
  theme: string | null;
  body: string | null;
  detail: string;
  actions: ActionDraft[];
}

const ROLES: ColumnRole[] = [
  "body", "kloeRef", "theme", "recRef", "recommendation", "keyIssues", "action", "actionRef", "owner",
  "accountable", "target", "originalTarget", "status", "rag", "progress", "impact", "changeControl", "notes",
];
const ACTION_FIELDS = [
  "owner", "accountable", "target", "originalTarget", "status", "rag", "progress", "impact", "changeControl", "notes",
] as const;

// "R1. Support…", "R 6. Invest…", "4) Review…": a recommendation ref written at the start of its text.
const LEADING_REF = /^((?:[A-Z]{1,4}\s?)?\d+(?:\.\d+)*[a-z]?)[.):]\s+(?=\S)/;
// Cells that say "nothing here".
const PLACEHOLDER = /^[-–—.]+$/;
// Words a sentence cannot end on: a row break after one of them cut a sentence in two.
const FUNCTION_WORDS = new Set([
  "a", "an", "the", "to", "of", "and", "or", "in", "on", "for", "with", "by", "from", "as", "at", "into", "that",
  "which", "will", "be", "is", "are", "has", "have", "our", "their", "its", "all", "any", "this", "these",
]);
// Improvement-plan action refs such as CO.13, CO.C1.7, EO.E2.6.7, PC1.6, OCA2.3.
const CROSS_REF = /\b[A-Z]{2,4}\.?(?:[A-Z]\d*\.)?\d+(?:\.\d+)*\b/g;

/**
 * Turns the rows of an action table, as committee papers give them, into a plan: header rows
 * repeated at page breaks are re-read (columns can move between pages), rows whose text continues
 * on the next rows are joined back, sub-activities on rows without a ref become actions of their
 * own, and section-heading rows name the theme of what follows. Nothing is dropped without a warning.
 */
export interface ActionTableOptions {
  /** The column map a row gives if it is a header row (default: by the headings Chaser knows). */
  headerOf?: (cells: string[]) => ColumnMap | null;
  /** A table with no header row: its columns, and the index of the first row of data. */
  initial?: { map: ColumnMap; width: number; from: number };
}

export function parseActionTable(rows: Row[], options: ActionTableOptions = {}): { plan: ParsedPlan; warnings: WarningDraft[] } | null {
  const matchHeaderRow = options.headerOf ?? matchHeader;
  const warnings: WarningDraft[] = [];
  const titleLines: string[] = [];
  const recs: RecDraft[] = [];
  let map: ColumnMap | null = null;
  let width = 0;
  const start = options.initial?.from ?? 0;
  for (let i = 0; i < start; i++) {
    const line = cleanLine(rows[i]!.cells.join(" ")).replace(/^#+\s*/, "");
    if (line) titleLines.push(line);
  }
  if (options.initial) {
    map = options.initial.map;
    width = options.initial.width;
  }
  let theme: string | null = null;
  const themeNames = new Map<string, string>();

  const fieldsOf = (cells: string[], columns: ColumnMap, columnCount: number): Fields => {
    let row = cells;
    // Extraction sometimes drops an empty ref cell, shifting the prose one column left.
    if (columns.recRef !== undefined && row.length < columnCount && looksLikeProse(cleanLine(row[columns.recRef]))) {
      row = [...row.slice(0, columns.recRef), "", ...row.slice(columns.recRef)];
    }
    const out = {} as Fields;
    for (const role of ROLES) {
      const index = columns[role];
      const text = index === undefined ? "" : cleanText(row[index]);
      out[role] = PLACEHOLDER.test(text) ? "" : text;
    }
    return out;
  };

  const startsRecommendation = (f: Fields): boolean =>
    Boolean(f.body || f.recRef || (f.kloeRef && isRefLike(f.kloeRef)) || LEADING_REF.test(f.recommendation) || (f.kloeRef && f.recommendation));

  const nextDataRowStartsRecommendation = (from: number): boolean => {
    let columns = map;
    let count = width;
    for (let i = from; i < rows.length; i++) {
      const cells = rows[i]!.cells;
      if (isBlank(cells) || rows[i]!.heading) continue;
      const header = matchHeaderRow(cells);
      if (header) {
        columns = header;
        count = cells.length;
        continue;
      }
      return columns ? startsRecommendation(fieldsOf(cells, columns, count)) : false;
    }
    return false;
  };

  const themeName = (raw: string | null): string | null => {
    if (!raw) return null;
    const key = raw.toLowerCase();
    if (!themeNames.has(key)) themeNames.set(key, raw);
    return themeNames.get(key)!;
  };

  for (let index = start; index < rows.length; index++) {
    const row = rows[index]!;
    const { cells, joined } = joinSplitWords(row.cells);
    for (const text of joined) warnings.push({ line: row.line, code: "reading.ocr_joined", params: { text } });
    if (isBlank(cells)) continue;
    // A document's heading or a full-width table row, marked by the reader: the theme of what follows.
    if (row.heading) {
      theme = themeName(cleanLine(cells[0]));
      continue;
    }
    const header = matchHeaderRow(cells);
    if (header) {
      map = header;
      width = cells.length;
      continue;
    }
    if (!map) {
      titleLines.push(cleanLine(cells.join(" ")).replace(/^#+\s*/, ""));
      continue;
    }
    if (cells.every((c) => /^\s*-*\s*$/.test(c))) continue;
    const filled = cells.map((c, i) => (c.trim() ? i : -1)).filter((i) => i >= 0);
    if (cells.length === 1 && width > 2) {
      warnings.push({ line: row.line, code: "import.note_outside_table", params: { text: clip(cleanLine(cells[0])) } });
      continue;
    }
    const f = fieldsOf(cells, map, width);
    const recStart = startsRecommendation(f);

    if (!recStart && filled[0] === 0 && filled.every((i) => i <= 1) && /^[A-Z0-9]/.test(cleanLine(cells[0])) && !hasActionFields(f)) {
      const heading = joinOcrSplit(cleanLine(cells[0]), cleanLine(cells[1]));
      if (heading.length <= 80 && nextDataRowStartsRecommendation(index + 1)) {
        theme = themeName(heading);
        continue;
      }
    }

    if (recStart) {
      // A page break can push the end of the previous recommendation's sentences onto this row.
      const previous = recs.at(-1)?.actions.at(-1);
      if (previous) {
        for (const [from, to] of [["action", "text"], ["progress", "progress"], ["status", "status"]] as const) {
          if (!/^[a-z]/.test(f[from])) continue;
          const [head, rest] = splitHead(previous[to], f[from], true);
          previous[to] = joinText(previous[to], head);
          f[from] = rest;
        }
      }
      let text = f.recommendation;
      let ref: string | null = f.kloeRef && isRefLike(f.kloeRef) ? f.kloeRef : f.recRef || null;
      const leading = LEADING_REF.exec(text);
      if (leading) {
        ref ??= leading[1]!;
        text = text.slice(leading[0].length);
      }
      const rec: RecDraft = {
        line: row.line,
        ref,
        text,
        theme: themeName(cleanLine(f.theme) || (f.kloeRef && !isRefLike(f.kloeRef) ? cleanLine(f.kloeRef) : "")) ?? theme,
        body: cleanLine(f.body) || null,
        detail: f.keyIssues,
        actions: [],
      };
      recs.push(rec);
      if (f.action || f.actionRef || hasActionFields(f)) rec.actions.push(newAction(row.line, f, f.action));
      continue;
    }

    const rec = recs.at(-1);
    if (!rec) {
      warnings.push({ line: row.line, code: "import.row_before_first_recommendation", params: { text: clip(cleanLine(cells.join(" "))) } });
      continue;
    }
    const current = rec.actions.at(-1);
    const ownSubAction = Boolean(f.actionRef || (f.target && f.action && current));
    if (ownSubAction && current) {
      // The row break may have cut the previous activity (or its status) mid-sentence.
      const [textHead, textRest] = splitHead(current.text, f.action);
      const [statusHead, statusRest] = splitHead(current.status, f.status);
      current.text = joinText(current.text, textHead);
      current.status = joinText(current.status, statusHead);
      rec.text = joinText(rec.text, f.recommendation);
      rec.detail = joinText(rec.detail, f.keyIssues);
      rec.actions.push(newAction(row.line, { ...f, status: statusRest }, textRest));
      continue;
    }
    rec.text = joinText(rec.text, f.recommendation);
    rec.detail = joinText(rec.detail, f.keyIssues);
    if (!current) {
      if (f.action || hasActionFields(f)) rec.actions.push(newAction(row.line, f, f.action));
      continue;
    }
    current.text = joinText(current.text, f.action);
    for (const key of ACTION_FIELDS) current[key] = joinText(current[key], f[key]);
  }

  if (!map) return null;
  return { plan: finish(recs, titleLines, warnings), warnings };
}

function newAction(line: number, f: Fields, text: string): ActionDraft {
  return {
    line,
    text,
    actionRef: cleanLine(f.actionRef),
    owner: f.owner,
    accountable: f.accountable,
    target: f.target,
    originalTarget: f.originalTarget,
    status: f.status,
    rag: f.rag,
    progress: f.progress,
    impact: f.impact,
    changeControl: f.changeControl,
    notes: f.notes,
  };
}

function finish(recs: RecDraft[], titleLines: string[], warnings: WarningDraft[]): ParsedPlan {
  const lexicon = buildOwnerLexicon([...new Set(recs.flatMap((r) => r.actions.flatMap((a) => [a.owner, a.accountable])).filter(Boolean))]);
  const roles = new Map<string, ParsedRole>();
  const usedRefs = new Set<string>();
  // Plans name the same few owners and dates on row after row: each distinct text is read once.
  const ownersOf = new Map<string, string[]>();
  const targets = new Map<string, ReturnType<typeof parseTarget>>();
  const statuses = new Map<string, ReturnType<typeof normaliseStatus>[]>();
  const owned = (text: string): string[] => {
    const seen = ownersOf.get(text);
    if (seen) return seen;
    const { owners, roles: defined } = splitOwners(text, lexicon);
    ownersOf.set(text, owners);
    for (const role of defined) {
      const known = roles.get(role.name);
      if (known) known.aliases = [...new Set([...known.aliases, ...role.aliases])];
      else roles.set(role.name, { name: role.name, aliases: [...role.aliases] });
    }
    return owners;
  };
  // The next number to try per ref, so thousands of rows with the same ref are not numbered quadratically.
  const nextNumber = new Map<string, number>();
  const uniqueRef = (ref: string): string => {
    let candidate = ref;
    let n = nextNumber.get(ref.toLowerCase()) ?? 2;
    for (; usedRefs.has(candidate.toLowerCase()); n++) candidate = `${ref} (${n})`;
    nextNumber.set(ref.toLowerCase(), n);
    usedRefs.add(candidate.toLowerCase());
    return candidate;
  };

  const recommendations: ParsedRecommendation[] = recs.map((rec, recIndex) => {
    const drafts = rec.actions.length > 0 ? rec.actions : [{ ...emptyAction(rec.line), text: rec.text }];
    let inheritedOwners: string[] = [];
    let inheritedAccountable: string[] = [];
    const base = rec.ref ?? `#${recIndex + 1}`;
    const actions = drafts.map((draft, i): ParsedAction => {
      // A line cut off by a page break ("Performance a") is not a person to chase.
      const owners = owned(draft.owner).filter((o) => {
        if (!isOwnerFragment(o)) return true;
        warnings.push({ line: draft.line, code: "reading.owner_fragment", params: { text: o } });
        return false;
      });
      const accountable = owned(draft.accountable);
      // Sub-activity rows leave the owner blank: the item's lead officer owns them all.
      if (owners.length > 0) inheritedOwners = owners;
      if (accountable.length > 0) inheritedAccountable = accountable;
      const targetText = cleanLine(draft.target);
      let target = targetText ? targets.get(targetText) : null;
      if (target === undefined) targets.set(targetText, (target = parseTarget(targetText)));
      if (target && !target.from && !target.ongoing) {
        warnings.push({ line: draft.line, code: "import.target_not_a_date", params: { text: clip(targetText) } });
      }
      // A plan with no status column may answer "Complete" where the action would be.
      const textIsStatus = !draft.status && draft.text.split(/\s+/).length <= 3 && normaliseStatus(draft.text).status !== null;
      if (textIsStatus) [draft.status, draft.text] = [draft.text, ""];
      const statusText = cleanLine(draft.status) || null;
      let parts = statusText ? statuses.get(statusText) : [];
      if (parts === undefined) statuses.set(statusText!, (parts = splitStatuses(statusText!).map(normaliseStatus)));
      const ragFromColumn = draft.rag ? normaliseStatus(cleanLine(draft.rag)).rag : null;
      const rag = ragFromColumn ?? worstRag(parts.map((p) => p.rag));
      const full = draft.text.replace(/^•\s*/, "").trim();
      const { title, rest } = titleOf(full || rec.text);
      const extra = [rest, draft.changeControl, draft.notes].filter(Boolean).join("\n");
      const written = draft.actionRef || null;
      const ref = uniqueRef(written ?? (drafts.length === 1 ? base : `${base}.${i + 1}`));
      return {
        ref,
        refGenerated: !written,
        title,
        detail: extra || null,
        owners: owners.length > 0 ? owners : inheritedOwners,
        accountable: accountable.length > 0 ? accountable : inheritedAccountable,
        target,
        status: combineStatuses(parts.map((p) => p.status)),
        statusText,
        rag,
        progress: draft.progress || null,
        impact: draft.impact || null,
        crossRefs: crossRefsOf([draft.text, draft.progress, draft.changeControl, draft.notes, draft.impact].join(" ")),
        line: draft.line,
      };
    });
    return {
      ref: rec.ref,
      text: cleanLine(rec.text) || (actions[0]?.title ?? ""),
      theme: rec.theme,
      body: rec.body,
      detail: rec.detail || null,
      actions,
      line: rec.line,
    };
  });

  return {
    title: titleLines.find((t) => t.length > 0) ?? null,
    kind: "action-table",
    recommendations,
    roles: [...roles.values()],
    warnings: [],
  };
}

function emptyAction(line: number): ActionDraft {
  return {
    line, text: "", actionRef: "", owner: "", accountable: "", target: "", originalTarget: "", status: "", rag: "",
    progress: "", impact: "", changeControl: "", notes: "",
  };
}

function hasActionFields(f: Fields): boolean {
  return Boolean(f.owner || f.accountable || f.target || f.status || f.rag || f.progress || f.impact);
}

function isBlank(cells: string[]): boolean {
  return cells.every((c) => !c || !c.trim());
}

function isRefLike(text: string): boolean {
  const t = cleanLine(text);
  return t.length > 0 && t.length <= 16 && /\d/.test(t) && t.split(/\s+/).length <= 3;
}

function looksLikeProse(text: string): boolean {
  return text.length > 40 && text.split(/\s+/).length > 6;
}

/** Joins a cell's continuation: "Co-" + "production" stays one word; otherwise a space. */
export function joinText(previous: string, next: string): string {
  if (!next) return previous;
  if (!previous) return next;
  if (/[A-Za-z]-$/.test(previous) && /^[a-z]/.test(next)) return previous + next;
  return `${previous} ${next}`;
}


/** Headings cut by OCR across two cells: "Engagement and Commu" + "nication". */
function joinOcrSplit(a: string, b: string): string {
  if (!b || !/[A-Za-z]{3}/.test(b)) return a;
  if (/[a-z]$/.test(a) && /^[a-z]/.test(b)) return a.endsWith(b[0]!) ? a + b.slice(1) : a + b;
  return `${a} ${b}`;
}

function endsMidSentence(previous: string, next: string): boolean {
  if (!previous || !next) return false;
  if (/[.!?:;)"'’”]$/.test(previous)) return false;
  const lastWord = previous.split(/\s+/).at(-1)!.toLowerCase();
  return /^[a-z]/.test(next) || FUNCTION_WORDS.has(lastWord);
}

/**
 * When the previous cell stops mid-sentence, the head of the next one (up to its first sentence end
 * or bullet) belongs to it. Returns [head for previous, rest for the new row].
 */
function splitHead(previous: string, next: string, wholeIfNoStop = false): [string, string] {
  if (!endsMidSentence(previous, next)) return ["", next];
  const bullet = next.indexOf("•");
  const stop = /[.;:!?](?=\s|$)/.exec(next);
  const cut = Math.min(bullet >= 0 ? bullet : Infinity, stop ? stop.index + 1 : Infinity);
  if (!Number.isFinite(cut)) return wholeIfNoStop ? [next, ""] : ["", next];
  const head = next.slice(0, cut).trim();
  const rest = next.slice(cut).replace(/^[\s•]+/, "").trim();
  return rest || wholeIfNoStop ? [head, rest] : ["", next];
}

/** A short title for cards: the first sentence, at most 160 characters; the rest is detail. */
function titleOf(text: string): { title: string; rest: string } {
  const oneLine = text.replace(/\s*\n\s*/g, " ").trim();
  const sentence = /^(.{20,}?[.!?])(?=\s+[A-Z•(])/.exec(oneLine)?.[1] ?? oneLine;
  if (sentence.length <= 160) return { title: sentence, rest: sentence === oneLine ? "" : oneLine };
  const cut = oneLine.lastIndexOf(" ", 157);
  return { title: `${oneLine.slice(0, cut > 80 ? cut : 157)}…`, rest: oneLine };
}


function crossRefsOf(text: string): string[] {
  return [...new Set((text.match(CROSS_REF) ?? []).filter((r) => r.includes(".")))];
}


function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
