import { Parser } from "htmlparser2";
import { ChaserError } from "../domain/chaser-error.js";
import { documentRows, type Block } from "./document-blocks.js";
import type { ReadBudget } from "./import-limits.js";
import { decodeText } from "./read-delimited.js";
import type { Row } from "./row.js";
import { placeCells, type SourceCell } from "./table-grid.js";

/** Elements that are a page's chrome or code, never its content. */
const CHROME = new Set(["script", "style", "noscript", "template", "head", "nav", "header", "footer", "aside", "form", "select", "button", "svg", "iframe", "object", "canvas", "dialog"]);
const CHROME_ROLES = new Set(["navigation", "banner", "contentinfo", "search", "menu", "menubar", "complementary", "dialog", "alert"]);
/** Class or id words committee-paper sites give their menus, breadcrumbs and cookie banners. */
const CHROME_NAMES = /(^|[\s_-])(nav|navbar|navigation|breadcrumbs?|cookies?|cookie-banner|menu|sidebar|site-header|site-footer|masthead|skip-link|skiplinks?)($|[\s_-])/i;
const BLOCK_BREAKS = new Set(["p", "div", "li", "tr", "dd", "dt", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "section", "article"]);

interface HtmlTable {
  rows: SourceCell[][];
  row: SourceCell[] | null;
  cell: { text: string; rowSpan: number; colSpan: number } | null;
  /** A table holding other tables lays out the page; only the inner ones are read. */
  layout: boolean;
  depth: number;
}

/**
 * Reads every table of a web page (a committee-papers site's page, saved or downloaded), with
 * rowspan and colspan, and the headings (h1 to h4, captions) between tables as themes. The page's
 * chrome (navigation, header, footer, scripts, styles, hidden parts) and layout tables are left out.
 */
export function readHtml(bytes: Uint8Array, budget: ReadBudget): { rows: Row[]; tables: number } {
  const { text: html } = decodeText(bytes, budget.file);
  const blocks: Block[] = [];
  const tables: HtmlTable[] = [];
  let depth = 0;
  let skipUntil = -1;
  let heading: { level: number; text: string; depth: number } | null = null;
  let caption: { text: string } | null = null;
  let paragraph: { text: string; strong: string; depth: number } | null = null;
  let strong = 0;
  let rowsSeen = 0;

  const append = (text: string) => {
    const table = tables.at(-1);
    if (heading) heading.text += text;
    else if (caption) caption.text += text;
    else if (table?.cell) {
      table.cell.text += text;
      if (table.cell.text.length > budget.limits.cellChars) budget.cell(table.cell.text);
    } else if (paragraph) {
      paragraph.text += text;
      if (strong > 0) paragraph.strong += text;
    }
  };
  const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

  const parser = new Parser(
    {
      onopentag(name, attrs) {
        depth += 1;
        if (skipUntil >= 0) return;
        const role = (attrs.role ?? "").toLowerCase();
        const names = `${attrs.class ?? ""} ${attrs.id ?? ""}`;
        if (CHROME.has(name) || CHROME_ROLES.has(role) || CHROME_NAMES.test(names) || "hidden" in attrs || /display\s*:\s*none/i.test(attrs.style ?? "") || attrs["aria-hidden"] === "true") {
          skipUntil = depth;
          return;
        }
        const table = tables.at(-1);
        switch (name) {
          case "table":
            if (table) table.layout = true;
            tables.push({ rows: [], row: null, cell: null, layout: role === "presentation" || role === "none", depth });
            return;
          case "tr":
            // Counted as they open, so a page of millions of rows stops at the limit.
            if (++rowsSeen > budget.limits.rows) throw new ChaserError("read.too_many_rows", { file: budget.file, limit: budget.limits.rows });
            if (table) {
              closeCell(table);
              if (table.row) table.rows.push(table.row);
              table.row = [];
            }
            return;
          case "td":
          case "th":
            if (table) {
              closeCell(table);
              table.row ??= [];
              table.cell = { text: "", rowSpan: span(attrs.rowspan), colSpan: span(attrs.colspan) };
            }
            return;
          case "caption":
            caption = { text: "" };
            return;
          case "br":
            append("\n");
            return;
          case "li":
            append("\n• ");
            return;
          case "b":
          case "strong":
            strong += 1;
            return;
        }
        const level = /^h([1-4])$/.exec(name);
        // Inside a cell too: the cell may turn out to be a layout table's, holding the content tables.
        if (level) heading = { level: Number(level[1]), text: "", depth };
        else if ((name === "p" || name === "div") && !table && !paragraph) paragraph = { text: "", strong: "", depth };
        else if (BLOCK_BREAKS.has(name)) append("\n");
      },
      ontext(text) {
        if (skipUntil < 0) append(text.replace(/[ \t\r\n\f]+/g, " "));
      },
      onclosetag(name) {
        const closing = depth;
        depth -= 1;
        if (skipUntil >= 0) {
          if (closing === skipUntil) skipUntil = -1;
          return;
        }
        const table = tables.at(-1);
        if (name === "table" && table && table.depth === closing) {
          tables.pop();
          closeCell(table);
          if (table.row) table.rows.push(table.row);
          const columns = table.rows.reduce((most, r) => Math.max(most, r.reduce((n, c) => n + c.colSpan, 0)), 0);
          if (!table.layout && table.rows.length > 0 && columns >= 2) blocks.push({ kind: "table", grid: placeCells(table.rows, table.rows.length) });
          else if (!table.layout) for (const row of table.rows) for (const cell of row) addParagraph(cell.text, false);
          budget.tick();
          return;
        }
        if (name === "caption" && caption) {
          const text = oneLine(caption.text);
          if (text) blocks.push({ kind: "heading", text, level: 9 });
          caption = null;
        } else if (heading && heading.depth === closing) {
          const text = oneLine(heading.text);
          if (text) blocks.push({ kind: "heading", text, level: heading.level });
          heading = null;
        } else if (paragraph && paragraph.depth === closing) {
          addParagraph(paragraph.text, oneLine(paragraph.strong) === oneLine(paragraph.text));
          paragraph = null;
        } else if (name === "b" || name === "strong") {
          strong = Math.max(0, strong - 1);
        } else if (BLOCK_BREAKS.has(name)) {
          append("\n");
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );

  function addParagraph(text: string, emphasised: boolean) {
    const clean = text.split("\n").map((l) => l.trim()).filter(Boolean).join("\n");
    if (blocks.length > budget.limits.rows) throw new ChaserError("read.too_many_rows", { file: budget.file, limit: budget.limits.rows });
    if (clean) blocks.push({ kind: "paragraph", text: clean, emphasised });
  }

  function closeCell(table: HtmlTable) {
    if (!table.cell) return;
    const text = table.cell.text.split("\n").map((l) => l.replace(/\s+/g, " ").trim()).filter(Boolean).join("\n");
    table.row ??= [];
    table.row.push({ text, rowSpan: table.cell.rowSpan, colSpan: table.cell.colSpan });
    table.cell = null;
  }

  parser.write(html);
  parser.end();
  const read = documentRows(blocks, budget);
  if (read.tables === 0) throw new ChaserError("read.no_tables", { file: budget.file });
  return read;
}

function span(value: string | undefined): number {
  const n = Number.parseInt(value ?? "1", 10);
  return Number.isFinite(n) && n >= 1 ? Math.min(n, 1000) : 1;
}
