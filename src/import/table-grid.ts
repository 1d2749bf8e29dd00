import { matchHeaderRow, roleOfHeader, type ColumnRole } from "./match-columns.js";
import type { Row } from "./row.js";

/** A table cell as a document gives it: its text and how many grid rows and columns it covers. */
export interface SourceCell {
  text: string;
  rowSpan: number;
  colSpan: number;
}

/** The merged cell covering one position of the table's grid, with where it starts and its size. */
export interface Slot {
  text: string;
  top: number;
  left: number;
  rows: number;
  cols: number;
}

export type Grid = (Slot | undefined)[][];

/** Columns naming the recommendation: a merged cell there is one recommendation over several actions. */
const RECOMMENDATION_ROLES = new Set<ColumnRole>(["body", "kloeRef", "theme", "recRef", "recommendation", "keyIssues"]);

/** Lays cells with row and column spans onto a grid, as HTML tables are laid out. */
export function placeCells(rows: SourceCell[][], maxRows = Infinity): Grid {
  const grid: Grid = [];
  for (let r = 0; r < rows.length; r++) {
    grid[r] ??= [];
    let c = 0;
    for (const cell of rows[r]!) {
      while (grid[r]![c]) c++;
      const slot: Slot = { text: cell.text, top: r, left: c, rows: Math.max(1, Math.min(cell.rowSpan, rows.length - r, maxRows)), cols: Math.max(1, Math.min(cell.colSpan, 1000)) };
      for (let dr = 0; dr < slot.rows; dr++) {
        const line = (grid[r + dr] ??= []);
        for (let dc = 0; dc < slot.cols; dc++) line[c + dc] ??= slot;
      }
      c += slot.cols;
    }
  }
  return grid;
}

/** What one table tells the next in the same document: which columns name the recommendation. */
export interface TableState {
  keepFirstOnly: boolean[] | null;
}

/**
 * The rows of one table for the action-table parser. A cell merged across the table's whole
 * width is a heading (a theme). A cell merged down several rows applies to each of them: its text
 * is repeated in every row it covers, except in the columns naming the recommendation, where the
 * rows after the first are left empty so they read as further actions of one recommendation.
 */
export function tableRows(grid: Grid, lineOf: (gridRow: number) => number, check: (cells: string[]) => void, state: TableState = { keepFirstOnly: null }): Row[] {
  const width = grid.reduce((n, r) => Math.max(n, r.length), 0);
  const out: Row[] = [];
  for (let r = 0; r < grid.length; r++) {
    const line = grid[r] ?? [];
    const slots = [...new Set(line.filter((s): s is Slot => Boolean(s)))];
    const filled = slots.filter((s) => s.text.trim() !== "");
    if (width > 1 && filled.length === 1 && filled[0]!.cols >= width) {
      if (filled[0]!.top === r) {
        check([filled[0]!.text]);
        // Above the first header row such a row is the table's title, not a theme.
        out.push(state.keepFirstOnly ? { line: lineOf(r), cells: [filled[0]!.text], heading: true } : { line: lineOf(r), cells: [filled[0]!.text] });
      }
      continue;
    }
    const cells: string[] = [];
    for (let c = 0; c < width; c++) {
      const slot = line[c];
      const first = slot && slot.left === c && (slot.top === r || !(state.keepFirstOnly?.[c] ?? true));
      cells.push(first ? slot.text : "");
    }
    if (cells.every((cell) => cell.trim() === "")) continue;
    if (matchHeaderRow(cells)) state.keepFirstOnly = cells.map((cell) => { const role = roleOfHeader(cell); return role === null || RECOMMENDATION_ROLES.has(role); });
    check(cells);
    out.push({ line: lineOf(r), cells });
  }
  return out;
}
