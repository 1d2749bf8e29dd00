import type { ReadBudget } from "./import-limits.js";
import type { Row } from "./row.js";
import { tableRows, type Grid, type TableState } from "./table-grid.js";

/** What a Word document or web page holds, in order: headings, paragraphs and tables. */
export type Block =
  | { kind: "heading"; text: string; level: number }
  | { kind: "paragraph"; text: string; emphasised: boolean }
  | { kind: "table"; grid: Grid };

/** The longest paragraph read as a heading when it is emphasised (bold) and stands right above a table. */
const HEADING_CHARS = 100;

/**
 * The rows of every table in a document, with its headings turned into theme rows. The document's
 * title (a Title style, else the first heading when more headings follow it before the first table,
 * else the only heading there is, else the first paragraph before the first table) stays a plain
 * row above the tables, where the parser takes the plan's title from. Other prose is not a plan.
 */
export function documentRows(blocks: Block[], budget: ReadBudget): { rows: Row[]; tables: number } {
  let line = 0;
  const nextLine = () => ++line;
  const marked = blocks.map((block, i): Block => {
    const next = blocks[i + 1];
    if (block.kind === "paragraph" && block.emphasised && block.text.length <= HEADING_CHARS && next?.kind === "table") {
      return { kind: "heading", text: block.text, level: 9 };
    }
    return block;
  });
  const firstTable = marked.findIndex((b) => b.kind === "table");
  if (firstTable < 0) return { rows: [], tables: 0 };
  const headings = marked.filter((b): b is Extract<Block, { kind: "heading" }> => b.kind === "heading");
  const before = marked.slice(0, firstTable).filter((b): b is Extract<Block, { kind: "heading" }> => b.kind === "heading");
  let title: Block | undefined = headings.find((h) => h.level === 0);
  if (!title && before.length >= 2) title = before[0];
  if (!title && before.length === 1 && headings.length === 1) title = before[0];
  if (!title && before.length === 0) title = marked.slice(0, firstTable).find((b) => b.kind === "paragraph" && b.text.trim() !== "");

  const rows: Row[] = [];
  if (title && title.kind !== "table") rows.push({ line: nextLine(), cells: [title.text] });
  let tables = 0;
  const state: TableState = { keepFirstOnly: null };
  for (const block of marked) {
    if (block === title) continue;
    if (block.kind === "heading" && block.text.trim()) {
      budget.row([block.text]);
      rows.push({ line: nextLine(), cells: [block.text], heading: true });
    } else if (block.kind === "table") {
      tables += 1;
      rows.push(...tableRows(block.grid, nextLine, (cells) => budget.row(cells), state));
    }
  }
  return { rows, tables };
}
