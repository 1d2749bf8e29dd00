import { randomUUID } from "node:crypto";
import type { TFunction } from "i18next";
import { z } from "zod";
import { ChaserError } from "../domain/chaser-error.js";
import type { Via } from "../domain/vocabulary.js";
import type { Person } from "../store/people.js";
import { pickLocale } from "../i18n.js";
import { importPlanFile } from "../import/import-plan-file.js";
import { COLUMN_ROLES, type ColumnRole } from "../import/match-columns.js";
import type { ParsedPlan } from "../import/parsed-plan.js";
import { chooseColumn, claimPendingImport, findPendingImport, holdPendingImport, settlePendingImport, type PendingImport } from "../store/pending-imports.js";
import { previewLines } from "../import/preview-lines.js";
import { MAX_FILE_BYTES } from "../import/read-table.js";
import type { AnswerPayload, Card } from "./card.js";
import type { Deliverer } from "./deliver.js";

/**
 * A file a person sent Chaser in a 1:1 chat, as the adapter found it: a plan to import, or evidence
 * of a completion. `download` fetches its bytes, refusing (FileTooLargeError) more than maxBytes.
 */
export interface ChatFile {
  name: string;
  size?: number;
  /** The platform's own id for the file (Teams' uniqueId, Slack's file id). */
  id?: string;
  /** Where the file lives for good (Slack's permalink, Teams' contentUrl), for people to open later. */
  link?: string;
  /** What kind of file the platform says it is (Slack's mimetype, Teams' fileType). */
  type?: string;
  download: (maxBytes: number) => Promise<Uint8Array>;
}

/** A file's bytes ran past the limit its reader set: said to be too large, never half read. */
export class FileTooLargeError extends Error {
  constructor(readonly size: number) {
    super(`file larger than allowed (${size} bytes or more)`);
  }
}

/** What the preview card's buttons carry back: Import, Cancel, a column to correct, the role chosen for it. */
export const ImportPayload = z.object({
  v: z.literal(1),
  imp: z.string().min(1).max(64),
  do: z.enum(["import", "import_suggested", "cancel", "column", "role"]),
  /** The column's letter, for "column" and "role". */
  col: z.string().regex(/^[A-Z]{1,3}$/).optional(),
  /** The role chosen, null to leave the column out; for "role". */
  role: z.enum(COLUMN_ROLES as [ColumnRole, ...ColumnRole[]]).nullable().optional(),
});
type ImportPress = z.infer<typeof ImportPayload>;

/** A preview waits this long for its Import press. */
const PENDING_MS = 60 * 60_000;
/** Columns offered for correction on one card; a plan with more unsure columns is better mapped in the playground or CLI. */
const MAX_CORRECTABLE = 6;
/** The roles a column can be given from chat, most asked-for first; the rest are for the CLI and playground. */
const CHAT_ROLES: ColumnRole[] = ["recommendation", "action", "owner", "accountable", "target", "status", "rag", "progress", "recRef", "theme", "notes"];

function refusal(t: TFunction, fileName: string, error: unknown): Card {
  if (error instanceof ChaserError) return { type: "notice", text: t("reading.card.refused", { file: fileName, message: t(error.code, error.params) }) };
  throw error;
}

// Renderers carry a button's payload back untouched; the core tells an import press by its `imp`.
const button = (label: string, press: ImportPress) => ({ label, answer: press as unknown as AnswerPayload });

/** The preview as a card: what Chaser read, Import (and with suggested targets), a button per column it is unsure of, Cancel. */
function previewCard(t: TFunction, id: string, fileName: string, plan: ParsedPlan): Card {
  const lines = previewLines(plan, fileName, t, { maxWarnings: 5 });
  const hasSuggestions = (plan.reading?.suggestedTargets.length ?? 0) > 0;
  const unsure = (plan.reading?.questions ?? []).filter((q) => q.column !== "").slice(0, MAX_CORRECTABLE);
  return {
    type: "choose",
    text: [t("reading.card.title", { file: fileName }), t("reading.card.intro"), ...lines.slice(1)].join("\n"),
    options: [
      button(t("reading.card.import"), { v: 1, imp: id, do: "import" }),
      ...(hasSuggestions ? [button(`${t("reading.card.import")}: ${t("reading.card.use_suggested")}`, { v: 1, imp: id, do: "import_suggested" })] : []),
      ...unsure.map((q) => button(t("reading.card.correct", { column: q.column, heading: short(q.heading) || t("reading.no_heading") }), { v: 1, imp: id, do: "column", col: q.column })),
      button(t("reading.card.cancel"), { v: 1, imp: id, do: "cancel" }),
    ],
  };
}

/** A heading short enough for a button (Slack shows 75 characters of one). */
function short(heading: string): string {
  return heading.length > 30 ? `${heading.slice(0, 29)}…` : heading;
}

/** Asks what one column holds: a button per role (Chaser's guess first) and one to leave it out. */
function columnCard(t: TFunction, id: string, plan: ParsedPlan, letter: string): Card | null {
  const column = plan.reading?.columns.find((c) => c.column === letter);
  if (!column) return null;
  const guess = column.role as ColumnRole | null;
  const roles = guess && CHAT_ROLES.includes(guess) ? [guess, ...CHAT_ROLES.filter((r) => r !== guess)] : CHAT_ROLES;
  return {
    type: "choose",
    text: t("reading.card.which_role", {
      column: letter,
      heading: column.heading || t("reading.no_heading"),
      samples: column.samples.map((s) => `"${s}"`).join(", ") || "-",
    }),
    options: [
      ...roles.map((role) => button(t(`reading.role.${role}`), { v: 1, imp: id, do: "role", col: letter, role })),
      button(t("reading.card.leave_out"), { v: 1, imp: id, do: "role", col: letter, role: null }),
    ],
  };
}

async function readPending(deps: Deliverer, person: Person, pending: PendingImport, now: Date): Promise<ParsedPlan> {
  const result = await importPlanFile(deps.store, {
    bytes: pending.bytes,
    fileName: pending.fileName,
    locale: pickLocale(person.locale),
    given: pending.choices,
    previewOnly: true,
    confirmed: false,
    via: "chat:web",
    actorLabel: person.name,
    now,
  });
  return result.plan;
}

/**
 * An admin sent a plan file: it is read, nothing of the plan is written, and the preview comes back
 * as a card with Import and Cancel. The file waits in the store (a restart loses nothing) until a
 * press or its expiry. Anyone else is told only admins import.
 */
export async function fileReceived(deps: Deliverer, person: Person, t: TFunction, via: Via, file: ChatFile, now: Date): Promise<Card> {
  if (!person.isAdmin) return { type: "notice", text: t("reading.card.admins_only", { file: file.name }) };
  const tooLarge = () => refusal(t, file.name, new ChaserError("import.file_too_large", { file: file.name, limitMb: MAX_FILE_BYTES / 1024 / 1024 }));
  if (file.size !== undefined && file.size > MAX_FILE_BYTES) return tooLarge();
  let bytes: Uint8Array;
  try {
    bytes = await file.download(MAX_FILE_BYTES);
  } catch (error) {
    if (error instanceof FileTooLargeError) return tooLarge();
    return { type: "notice", text: t("reading.card.download_failed", { file: file.name }) };
  }
  const id = randomUUID();
  const pending: PendingImport = { id, personId: person.id, fileName: file.name, bytes, choices: [], status: "waiting", planSlug: null, expiresAt: new Date(now.getTime() + PENDING_MS) };
  let plan: ParsedPlan;
  try {
    plan = await readPending(deps, person, pending, now);
  } catch (error) {
    return refusal(t, file.name, error);
  }
  // Kept only once it reads: a refused file is not held.
  await holdPendingImport(deps.store.db, { ...pending, now, via, actorLabel: person.name, actorPersonId: person.id });
  return previewCard(t, id, file.name, plan);
}

/** A press on a preview card: Import, Cancel, or correcting a column's role (which shows the preview again). */
export async function importPressed(deps: Deliverer, person: Person, t: TFunction, via: Via, payload: ImportPress, now: Date): Promise<Card> {
  const db = deps.store.db;
  const actor = { via, actorLabel: person.name, actorPersonId: person.id };
  const found = await findPendingImport(db, payload.imp, now);
  if (!found || found.personId !== person.id) return { type: "notice", text: t("reading.card.expired") };
  if (found.status !== "waiting") return gone(t, found);

  if (payload.do === "column" || payload.do === "role") {
    if (!payload.col) return { type: "notice", text: t("answer.bad_button") };
    if (payload.do === "role") {
      const chosen = await chooseColumn(db, { id: found.id, choice: { column: payload.col, role: payload.role ?? null }, now, ...actor });
      if (!chosen) return { type: "notice", text: t("reading.card.expired") };
      try {
        return previewCard(t, chosen.id, chosen.fileName, await readPending(deps, person, chosen, now));
      } catch (error) {
        return refusal(t, chosen.fileName, error);
      }
    }
    try {
      return columnCard(t, found.id, await readPending(deps, person, found, now), payload.col) ?? { type: "notice", text: t("answer.bad_button") };
    } catch (error) {
      return refusal(t, found.fileName, error);
    }
  }

  if (payload.do === "cancel") {
    const cancelled = await claimPendingImport(db, { id: found.id, to: "cancelled", now, ...actor });
    if (!cancelled) return stale(t, db, found.id, now);
    return { type: "notice", text: t("reading.card.cancelled", { file: found.fileName }) };
  }
  if (!person.isAdmin) return { type: "notice", text: t("reading.card.admins_only", { file: found.fileName }) };
  // Two presses at once, or the same press again after a restart: only one claims the file.
  const claimed = await claimPendingImport(db, { id: found.id, to: "importing", now, ...actor });
  if (!claimed) return stale(t, db, found.id, now);
  try {
    const result = await importPlanFile(deps.store, {
      bytes: claimed.bytes,
      fileName: claimed.fileName,
      locale: pickLocale(person.locale),
      given: claimed.choices,
      confirmed: true,
      acceptSuggested: payload.do === "import_suggested",
      via,
      actorLabel: person.name,
      actorPersonId: person.id,
      now,
    });
    if (result.status !== "imported") {
      await settlePendingImport(db, { id: claimed.id, outcome: "waiting", ...actor });
      return { type: "notice", text: t("reading.card.expired") };
    }
    await settlePendingImport(db, { id: claimed.id, outcome: "imported", planSlug: result.report.planSlug, ...actor });
    const r = result.report;
    return {
      type: "notice",
      text: t("reading.card.imported", {
        title: r.planTitle,
        slug: r.planSlug,
        recommendations: r.recommendations.added + r.recommendations.updated + r.recommendations.unchanged,
        actions: r.actions.added + r.actions.updated + r.actions.unchanged,
      }),
    };
  } catch (error) {
    // Nothing was written (the import is one transaction): the file waits for another press.
    await settlePendingImport(db, { id: claimed.id, outcome: "waiting", ...actor });
    return refusal(t, claimed.fileName, error);
  }
}

/** Said of a press on a preview that is no longer waiting: already imported, cancelled, or being imported. */
function gone(t: TFunction, pending: PendingImport): Card {
  if (pending.status === "imported") return { type: "notice", text: t("reading.card.already_imported", { file: pending.fileName, slug: pending.planSlug ?? "" }) };
  if (pending.status === "cancelled") return { type: "notice", text: t("reading.card.cancelled", { file: pending.fileName }) };
  return { type: "notice", text: t("reading.card.importing", { file: pending.fileName }) };
}

async function stale(t: TFunction, db: Deliverer["store"]["db"], id: string, now: Date): Promise<Card> {
  const current = await findPendingImport(db, id, now);
  return current ? gone(t, current) : { type: "notice", text: t("reading.card.expired") };
}
