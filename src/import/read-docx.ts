import { Parser } from "htmlparser2";
import { ChaserError } from "../domain/chaser-error.js";
import { documentRows, type Block } from "./document-blocks.js";
import type { ReadBudget } from "./import-limits.js";
import type { Row } from "./row.js";
import type { Grid, Slot } from "./table-grid.js";
import type { ZipArchive } from "./zip-archive.js";

interface StyleInfo {
  name: string;
  basedOn: string | null;
  outline: number | null;
}

interface Paragraph {
  text: string;
  style: string | null;
  outline: number | null;
  listed: boolean;
  runs: number;
  boldRuns: number;
}

interface DocxCell {
  lines: string[];
  gridSpan: number;
  vMerge: "restart" | "continue" | null;
  hMerge: "restart" | "continue" | null;
}

interface DocxRow {
  gridBefore: number;
  cells: DocxCell[];
}

/** Parts of a document that are not its visible text: deletions, drawings, field codes. */
const SKIPPED = new Set(["del", "moveFrom", "delText", "instrText", "drawing", "pict", "object", "AlternateContent", "footnoteReference", "commentReference"]);

const local = (name: string) => name.slice(name.indexOf(":") + 1);
const isOff = (value: string | undefined) => value === "0" || value === "false" || value === "off";

/**
 * Reads every table of a Word document (word/document.xml, streamed through htmlparser2 in XML
 * mode) in order, with merged cells (gridSpan, vMerge and the older hMerge), bulleted and
 * multi-paragraph cells kept as lines, and the headings between tables as themes.
 */
export function readDocx(zip: ZipArchive, budget: ReadBudget): { rows: Row[]; tables: number } {
  const styles = readStyles(zip);
  const blocks: Block[] = [];
  const tables: DocxRow[][] = [];
  let row: DocxRow | null = null;
  let cell: DocxCell | null = null;
  // Tables inside a cell are flattened into that cell's lines.
  let nested = 0;
  let para: Paragraph | null = null;
  let skip = 0;
  let inRun = false;
  let inRunProps = false;
  let inText = false;

  const levelOf = (p: Paragraph): number | null => {
    if (p.outline !== null) return p.outline < 9 ? p.outline + 1 : null;
    let id = p.style;
    for (let hops = 0; id && hops < 10; hops++) {
      const style = styles.get(id);
      if (!style) break;
      if (/^title$/i.test(style.name)) return 0;
      const heading = /^heading\s*(\d)$/i.exec(style.name);
      if (heading) return Number(heading[1]);
      if (style.outline !== null) return style.outline < 9 ? style.outline + 1 : null;
      id = style.basedOn;
    }
    return null;
  };

  const parser = new Parser(
    {
      onopentag(rawName, attrs) {
        const name = local(rawName);
        if (skip > 0 || SKIPPED.has(name)) {
          skip += 1;
          return;
        }
        const val = attrs["w:val"];
        switch (name) {
          case "tbl":
            if (cell) nested += 1;
            else tables.push([]);
            break;
          case "tr":
            if (!nested) row = { gridBefore: 0, cells: [] };
            break;
          case "gridBefore":
            if (row && !nested) row.gridBefore = clampInt(val, 0);
            break;
          case "tc":
            if (!nested) cell = { lines: [], gridSpan: 1, vMerge: null, hMerge: null };
            break;
          case "gridSpan":
            if (cell && !nested) cell.gridSpan = clampInt(val, 1);
            break;
          case "vMerge":
            if (cell && !nested) cell.vMerge = val === "restart" ? "restart" : "continue";
            break;
          case "hMerge":
            if (cell && !nested) cell.hMerge = val === "restart" ? "restart" : "continue";
            break;
          case "p":
            para = { text: "", style: null, outline: null, listed: false, runs: 0, boldRuns: 0 };
            break;
          case "pStyle":
            if (para) para.style = val ?? null;
            break;
          case "outlineLvl":
            if (para) para.outline = clampInt(val, 9);
            break;
          case "numPr":
            if (para) para.listed = true;
            break;
          case "r":
            inRun = true;
            if (para) para.runs += 1;
            break;
          case "rPr":
            inRunProps = inRun;
            break;
          case "b":
            if (para && inRunProps && !isOff(val)) para.boldRuns += 1;
            break;
          case "t":
            inText = true;
            break;
          case "tab":
            if (para && inRun) para.text += " ";
            break;
          case "br":
          case "cr":
            if (para) para.text += "\n";
            break;
          case "noBreakHyphen":
            if (para) para.text += "-";
            break;
        }
      },
      ontext(text) {
        if (inText && para && skip === 0) para.text += text;
      },
      onclosetag(rawName) {
        const name = local(rawName);
        if (skip > 0) {
          skip -= 1;
          return;
        }
        switch (name) {
          case "t":
            inText = false;
            break;
          case "rPr":
            inRunProps = false;
            break;
          case "r":
            inRun = false;
            break;
          case "p": {
            if (!para) break;
            const p: Paragraph = para;
            para = null;
            budget.cell(p.text);
            const text = p.text.replace(/[ \t]+/g, " ").trim();
            if (cell) {
              if (text) cell.lines.push(p.listed ? `• ${text}` : text);
              break;
            }
            if (!text) break;
            // Prose counts against the row limit too: a document of a million paragraphs is no plan.
            if (blocks.length > budget.limits.rows) throw new ChaserError("read.too_many_rows", { file: budget.file, limit: budget.limits.rows });
            const level = levelOf(p);
            if (level !== null) blocks.push({ kind: "heading", text: text.replace(/\s*\n\s*/g, " "), level });
            else blocks.push({ kind: "paragraph", text, emphasised: p.runs > 0 && p.boldRuns >= p.runs });
            break;
          }
          case "tc":
            if (nested) break;
            if (row && cell) row.cells.push(cell);
            cell = null;
            break;
          case "tr":
            if (nested) break;
            if (row) tables.at(-1)?.push(row);
            row = null;
            break;
          case "tbl":
            if (nested) {
              nested -= 1;
              break;
            }
            blocks.push({ kind: "table", grid: docxGrid(tables.at(-1) ?? []) });
            budget.tick();
            break;
        }
      },
    },
    { xmlMode: true },
  );
  zip.streamText("word/document.xml", (chunk) => parser.write(chunk));
  parser.end();
  const read = documentRows(blocks, budget);
  if (read.tables === 0) throw new ChaserError("read.no_tables", { file: budget.file });
  return read;
}

/** Lays a Word table onto its grid: gridSpan widens a cell, vMerge "continue" extends the one above. */
function docxGrid(rows: DocxRow[]): Grid {
  const grid: Grid = rows.map(() => []);
  rows.forEach((row, r) => {
    let col = row.gridBefore;
    let previous: Slot | null = null;
    for (const cell of row.cells) {
      const text = cell.lines.join("\n");
      if (cell.hMerge === "continue" && previous) {
        previous.cols += cell.gridSpan;
        for (let c = col; c < col + cell.gridSpan; c++) grid[r]![c] = previous;
        col += cell.gridSpan;
        continue;
      }
      const above = cell.vMerge === "continue" && r > 0 ? grid[r - 1]![col] : undefined;
      const slot: Slot = above && above.left === col ? above : { text, top: r, left: col, rows: 1, cols: cell.gridSpan };
      if (slot === above) slot.rows = r - slot.top + 1;
      for (let c = col; c < col + cell.gridSpan; c++) grid[r]![c] = slot;
      previous = slot;
      col += cell.gridSpan;
    }
  });
  return grid;
}

function readStyles(zip: ZipArchive): Map<string, StyleInfo> {
  const styles = new Map<string, StyleInfo>();
  const xml = zip.text("word/styles.xml");
  if (!xml) return styles;
  let current: (StyleInfo & { id: string }) | null = null;
  const parser = new Parser(
    {
      onopentag(rawName, attrs) {
        const name = local(rawName);
        const val = attrs["w:val"];
        if (name === "style") current = attrs["w:type"] === "paragraph" && attrs["w:styleId"] ? { id: attrs["w:styleId"], name: "", basedOn: null, outline: null } : null;
        else if (current && name === "name") current.name = val ?? "";
        else if (current && name === "basedOn") current.basedOn = val ?? null;
        else if (current && name === "outlineLvl") current.outline = clampInt(val, 9);
      },
      onclosetag(rawName) {
        if (local(rawName) === "style" && current) {
          styles.set(current.id, current);
          current = null;
        }
      },
    },
    { xmlMode: true },
  );
  parser.write(xml);
  parser.end();
  return styles;
}

function clampInt(value: string | undefined, fallback: number): number {
  const n = Number.parseInt(value ?? "", 10);
  return Number.isFinite(n) && n >= 0 ? Math.min(n, 1000) : fallback;
}
