import type { TFunction } from "i18next";
import type { HistoryExportRow } from "../store/read-plan-export.js";
import { neutraliseCell } from "./neutralise-cell.js";

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
const field = (text: string): string => {
  const safe = neutraliseCell(text);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

const line = (fields: string[]) => fields.map(field).join(",") + "\r\n";

/** The plan's history as CSV, one line per entry, streamed page by page. */
export async function* renderHistoryCsv(pages: AsyncIterable<HistoryExportRow[]>, t: TFunction): AsyncGenerator<string> {
  yield "\uFEFF" + line(["at", "ref", "entity", "entity_id", "via", "actor", "before", "after", "note"].map((c) => t(`export.history.${c}`)));
  for await (const page of pages) {
    yield page.map((h) => line([h.at.toISOString(), h.ref ?? "", h.entity, h.entityId, h.via, h.actor, h.before ?? "", h.after ?? "", h.note ?? ""])).join("");
  }
}
