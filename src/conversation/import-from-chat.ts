import { randomUUID } from "node:crypto";
import type { TFunction } from "i18next";
import { z } from "zod";
import { ChaserError } from "../domain/chaser-error.js";
import type { Via } from "../domain/vocabulary.js";
import type { Person } from "../store/people.js";
import { pickLocale } from "../i18n.js";
import { importPlanFile } from "../import/import-plan-file.js";
import { previewLines } from "../import/preview-lines.js";
import { MAX_FILE_BYTES } from "../import/read-table.js";
import type { AnswerPayload, Card } from "./card.js";
import type { Deliverer } from "./deliver.js";

/** A file a person sent Chaser in a 1:1 chat, as the adapter found it; `download` fetches its bytes. */
export interface ChatFile {
  name: string;
  size?: number;
  download: () => Promise<Uint8Array>;
}

/** What the preview card's Import and Cancel buttons carry back. */
export const ImportPayload = z.object({ v: z.literal(1), imp: z.string().min(1).max(64), do: z.enum(["import", "import_suggested", "cancel"]) });

/** A preview waits this long for its Import press. */
const PENDING_MS = 60 * 60_000;

interface Pending {
  personId: string;
  fileName: string;
  bytes: Uint8Array;
  expires: number;
}

// Files waiting for Import are held in this process, not the store: a preview lasts an hour at most.
const pending = new Map<string, Pending>();

function sweep(now: number): void {
  for (const [id, p] of pending) if (p.expires <= now) pending.delete(id);
}

function refusal(t: TFunction, fileName: string, error: unknown): Card {
  if (error instanceof ChaserError) return { type: "notice", text: t("reading.card.refused", { file: fileName, message: t(error.code, error.params) }) };
  throw error;
}

/**
 * An admin sent a plan file: it is read, nothing is written, and the preview comes back as a card
 * with Import and Cancel. Anyone else is told only admins import.
 */
export async function fileReceived(deps: Deliverer, person: Person, t: TFunction, file: ChatFile, now: Date): Promise<Card> {
  if (!person.isAdmin) return { type: "notice", text: t("reading.card.admins_only", { file: file.name }) };
  if (file.size !== undefined && file.size > MAX_FILE_BYTES) return refusal(t, file.name, new ChaserError("import.file_too_large", { file: file.name, limitMb: MAX_FILE_BYTES / 1024 / 1024 }));
  let bytes: Uint8Array;
  try {
    bytes = await file.download();
  } catch {
    return { type: "notice", text: t("reading.card.download_failed", { file: file.name }) };
  }
  try {
    const result = await importPlanFile(deps.store, {
      bytes,
      fileName: file.name,
      locale: pickLocale(person.locale),
      previewOnly: true,
      confirmed: false,
      via: "chat:web",
      actorLabel: person.name,
      now,
    });
    sweep(now.getTime());
    const id = randomUUID();
    pending.set(id, { personId: person.id, fileName: file.name, bytes, expires: now.getTime() + PENDING_MS });
    const lines = previewLines(result.plan, file.name, t, { maxWarnings: 5 });
    const hasSuggestions = (result.plan.reading?.suggestedTargets.length ?? 0) > 0;
    // Renderers carry a button's payload back untouched; the core tells an import press by its `imp`.
    const button = (label: string, action: z.infer<typeof ImportPayload>["do"]) => ({ label, answer: { v: 1, imp: id, do: action } as unknown as AnswerPayload });
    return {
      type: "choose",
      text: [t("reading.card.title", { file: file.name }), t("reading.card.intro"), ...lines.slice(1)].join("\n"),
      options: [
        button(t("reading.card.import"), "import"),
        ...(hasSuggestions ? [button(`${t("reading.card.import")}: ${t("reading.card.use_suggested")}`, "import_suggested")] : []),
        button(t("reading.card.cancel"), "cancel"),
      ],
    };
  } catch (error) {
    return refusal(t, file.name, error);
  }
}

/** Import or Cancel pressed on a preview card: the plan is written (and its mapping remembered), or the file forgotten. */
export async function importPressed(deps: Deliverer, person: Person, t: TFunction, via: Via, payload: z.infer<typeof ImportPayload>, now: Date): Promise<Card> {
  sweep(now.getTime());
  const waiting = pending.get(payload.imp);
  if (!waiting || waiting.personId !== person.id) return { type: "notice", text: t("reading.card.expired") };
  pending.delete(payload.imp);
  if (payload.do === "cancel") return { type: "notice", text: t("reading.card.cancelled", { file: waiting.fileName }) };
  if (!person.isAdmin) return { type: "notice", text: t("reading.card.admins_only", { file: waiting.fileName }) };
  try {
    const result = await importPlanFile(deps.store, {
      bytes: waiting.bytes,
      fileName: waiting.fileName,
      locale: pickLocale(person.locale),
      confirmed: true,
      acceptSuggested: payload.do === "import_suggested",
      via,
      actorLabel: person.name,
      actorPersonId: person.id,
      now,
    });
    if (result.status !== "imported") return { type: "notice", text: t("reading.card.expired") };
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
    return refusal(t, waiting.fileName, error);
  }
}
