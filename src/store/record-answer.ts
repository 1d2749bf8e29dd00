import { randomUUID } from "node:crypto";
import { answerChange, type AnswerFields } from "../domain/answer-change.js";
import { writeEvidenceFile, type EvidenceFileInput } from "./evidence-files.js";
import { holdAnswer, type HeldAnswer } from "./hold-answer.js";
import { CLOSED_STATUSES, type Status, type Via } from "../domain/vocabulary.js";
import type { CardAction } from "./card-action.js";
import { Prisma } from "../generated/sqlite/client.js";
import { checkSettings } from "./checked-changes.js";
import { Batches, settle, type Settled } from "./batches.js";
import { overPrisma, type Sql } from "./driver-sql.js";
import type { Store } from "./open-store.js";

export interface AnswerToRecord extends AnswerFields {
  personId: string;
  actionId: string;
  /** The platform's delivery id, or the button's token: the same key records nothing new. */
  key: string;
  /** The Chaser message whose card was answered, if any. */
  messageId: string | null;
  via: Via;
  actorLabel: string;
  now: Date;
  /** `now` as a London date, for cover that ends today and for snoozes. */
  today: string;
  /** A file sent in chat with a "complete": kept as its evidence, in the answer's transaction. */
  evidenceFile?: EvidenceFileInput | null;
}

/** The message whose card was pressed, as stored when the answer was written. */
export interface PressedMessage {
  id: string;
  kind: string;
  locale: string;
  card: string | null;
  createdAt: Date;
  personId: string | null;
  actionIds: string;
}

export type RecordedAnswer =
  | { outcome: "recorded"; action: CardAction; message: PressedMessage | null; card: string | null; held?: HeldAnswer }
  | { outcome: "duplicate" | "stale" | "forbidden"; action: CardAction; message: PressedMessage | null }
  | { outcome: "not_found" };

/**
 * Draws the pressed message's card again from the answer just written, without reading anything:
 * the JSON to store, or null to leave the card as it is. Runs inside the transaction, so it must
 * be quick and must not touch the store.
 */
export type Redraw = (action: CardAction, message: PressedMessage, answer: AnswerToRecord) => string | null;

/** An answer the plan checks before it takes effect: written apart, through Prisma (see GroupCommit). */
type Step = RecordedAnswer | { outcome: "checked" };

/** Under a burst of presses answers queue for the database rather than being dropped (the rare checked answers, through Prisma). */
const TX_OPTIONS = { maxWait: 15_000, timeout: 20_000 };
/** Presses committed together on SQLite: enough to carry a burst, few enough to keep each commit short. */
const MAX_GROUP = 64;

/**
 * Records one answer: the person's right to answer, the card not being stale, then the answer
 * (its key unique: a repeat records nothing), the action's new state and its history, and the
 * pressed card drawn again, in one short transaction. Answers arriving together are committed
 * together (see GroupCommit): on SQLite, where a transaction holds the whole database, one group at
 * a time; on PostgreSQL a few. Each still gets its own outcome.
 */
export function recordAnswer(store: Store, input: AnswerToRecord, redraw?: Redraw): Promise<RecordedAnswer> {
  return groupOf(store).add({ input, redraw });
}

interface Pending {
  input: AnswerToRecord;
  redraw: Redraw | undefined;
}

const groups = new WeakMap<Store["db"], GroupCommit>();

function groupOf(store: Store): GroupCommit {
  let group = groups.get(store.db);
  // SQLite writes one transaction at a time; PostgreSQL takes a few at once, and keeps the rest of
  // its connection pool for everything else, so a burst waits here rather than timing out in the pool.
  if (!group) groups.set(store.db, (group = new GroupCommit(store, store.provider === "sqlite" ? 1 : 4)));
  return group;
}

/**
 * Group commit: answers that arrive while a transaction is running wait for it, then are all
 * written in the next one. SQLite runs one writing transaction at a time, so a press no longer
 * waits for every press before it, only for the one commit in progress. A batch that fails is
 * written again answer by answer, so one bad answer cannot lose the others.
 *
 * The statements run straight on the database driver (Store.driver), a press being the one path
 * run hundreds of times a minute. An answer the plan checks (a new target to approve, a completion
 * to verify) is written after its group, in a transaction of its own through Prisma, where the
 * checked changes' store modules run.
 */
export class GroupCommit {
  private readonly batches: Batches<Pending, RecordedAnswer>;

  constructor(
    private readonly store: Store,
    /** Transactions in flight at once. */
    parallel = 1,
  ) {
    this.batches = new Batches((items) => this.commit(items), MAX_GROUP, parallel);
  }

  add(item: Pending): Promise<RecordedAnswer> {
    return this.batches.add(item);
  }

  private async commit(items: Pending[]): Promise<Settled<RecordedAnswer>[]> {
    let steps: Step[];
    try {
      steps = await this.store.driver.transaction(async (sql) => {
        const out: Step[] = [];
        for (const item of items) out.push(await recordOne(sql, this.store.provider, item.input, item.redraw, null));
        return out;
      });
    } catch (error) {
      if (items.length === 1) throw error;
      const settled: Settled<RecordedAnswer>[] = [];
      for (const item of items) settled.push(await settle(this.alone(item)));
      return settled;
    }
    const settled: Settled<RecordedAnswer>[] = [];
    for (const [i, step] of steps.entries()) settled.push(step.outcome !== "checked" ? { ok: true, value: step } : await settle(this.checked(items[i]!)));
    return settled;
  }

  private async alone(item: Pending): Promise<RecordedAnswer> {
    const step = await this.store.driver.transaction((sql) => recordOne(sql, this.store.provider, item.input, item.redraw, null));
    return step.outcome === "checked" ? this.checked(item) : step;
  }

  /**
   * An answer the plan checks, or one with a file as evidence, in its own transaction through
   * Prisma (where those live): the same checks, then holdAnswer, or the file kept with the answer.
   */
  private async checked(item: Pending): Promise<RecordedAnswer> {
    const { input } = item;
    const step = await this.store.db.$transaction(
      (tx) =>
        recordOne(overPrisma(tx, this.store.provider), this.store.provider, input, item.redraw, {
          hold: (action) => holdAnswer(tx, action, input),
          keepFile: (action) =>
            writeEvidenceFile(tx, { planId: action.planId, actionId: action.id, checkedChangeId: null }, input.evidenceFile!, { personId: input.personId, label: input.actorLabel, via: input.via }, input.now),
        }),
      TX_OPTIONS,
    );
    // Unreachable: inside a Prisma transaction an answer is never deferred.
    if (step.outcome === "checked") throw new Error("record-answer: a checked answer was deferred twice");
    return step;
  }
}

/** Every column of the action, named (DriverSql takes no `*`). */
const ACTION_COLUMNS = Object.values(Prisma.ActionScalarFieldEnum).map((c) => `a."${c}"`).join(", ");

const CLOSED_LIST = [...CLOSED_STATUSES].map((s) => `'${s}'`).join(",");

/** The action's owners as one JSON array column, so the action and its owners are one statement. */
const OWNERS_JSON: Record<Store["provider"], string> = {
  sqlite: `(SELECT json_group_array(json_object('roleId', o."roleId", 'kind', o."kind", 'position', o."position", 'roleName', ro."name")) FROM "ActionOwner" o JOIN "OwnerRole" ro ON ro."id" = o."roleId" WHERE o."actionId" = a."id")`,
  postgresql: `(SELECT COALESCE(json_agg(json_build_object('roleId', o."roleId", 'kind', o."kind", 'position', o."position", 'roleName', ro."name")), '[]'::json) FROM "ActionOwner" o JOIN "OwnerRole" ro ON ro."id" = o."roleId" WHERE o."actionId" = a."id")`,
};

/** What only a Prisma transaction can do: hold an answer the plan checks, keep an evidence file. */
interface OverPrisma {
  hold(action: CardAction): Promise<HeldAnswer | null>;
  keepFile(action: CardAction): Promise<unknown>;
}

/** Checks and writes one answer; `prisma` is given only inside a Prisma transaction, else such answers are deferred to one. */
async function recordOne(sql: Sql, provider: Store["provider"], input: AnswerToRecord, redraw: Redraw | undefined, prisma: OverPrisma | null): Promise<Step> {
  // One statement: the action with its plan, recommendation and owners, whether the key was seen,
  // the right to answer (an admin, an admin of the plan, or an owner through their roles or someone
  // covering for one), and the pressed message, on PostgreSQL locked: two presses on one card are
  // drawn one after the other.
  const rows = await sql.rows(
    `SELECT ${ACTION_COLUMNS}, p."title" AS "_planTitle", p."slug" AS "_planSlug", p."settings" AS "_planSettings", r."ref" AS "_recRef", r."key" AS "_recKey",
      ${OWNERS_JSON[provider]} AS "_owners",
      EXISTS (SELECT 1 FROM "Answer" WHERE "key" = ?) AS "_seen",
      (EXISTS (SELECT 1 FROM "Person" WHERE "id" = ? AND "isAdmin" = TRUE)
        OR EXISTS (SELECT 1 FROM "PlanAdmin" WHERE "planId" = a."planId" AND "personId" = ?)
        OR EXISTS (SELECT 1 FROM "ActionOwner" o JOIN "RoleAssignment" ra ON ra."roleId" = o."roleId"
          WHERE o."actionId" = a."id" AND (ra."personId" = ? OR ra."personId" IN
            (SELECT "principalId" FROM "Delegation" WHERE "delegateId" = ? AND ("until" IS NULL OR "until" >= ?))))) AS "_allowed",
      m."id" AS "_mId", m."kind" AS "_mKind", m."locale" AS "_mLocale", m."card" AS "_mCard", m."createdAt" AS "_mCreatedAt", m."personId" AS "_mPersonId", m."actionIds" AS "_mActionIds"
    FROM "Action" a JOIN "Plan" p ON p."id" = a."planId" JOIN "Recommendation" r ON r."id" = a."recommendationId"
    LEFT JOIN (SELECT "id", "kind", "locale", "card", "createdAt", "personId", "actionIds" FROM "ChatMessage" WHERE "id" = ?${provider === "postgresql" ? " FOR UPDATE" : ""}) m ON 1 = 1
    WHERE a."id" = ?`,
    input.key,
    input.personId,
    input.personId,
    input.personId,
    input.personId,
    input.today,
    input.messageId,
    input.actionId,
  );
  const row = rows[0];
  if (!row) return { outcome: "not_found" };
  const action = cardAction(row);
  const message = pressedMessage(row);
  if (Boolean(row._seen)) return { outcome: "duplicate", action, message };
  if (!Boolean(row._allowed)) return { outcome: "forbidden", action, message };
  // A card shows the state when it was sent; someone may have closed the action since.
  if (isClosed(action.status) && input.kind !== "note") return { outcome: "stale", action, message };

  // ── Checked changes (issue 10): the plan may hold a new target or a completion for a decision.
  if (checks(row._planSettings as string | null, input.kind)) {
    if (!prisma) return { outcome: "checked" };
    const held = await prisma.hold(action);
    if (held) return { outcome: "recorded", action: { ...action, ...held.fields } as CardAction, message, card: null, held };
  }
  // ── end checked changes
  const withFile = Boolean(input.evidenceFile) && input.kind === "complete";
  if (withFile && !prisma) return { outcome: "checked" };

  const change = answerChange(action, input, input.today, input.now);
  // The owners, plan and recommendation do not change: the action as it will be written, and the
  // pressed card drawn from it, without reading anything again.
  const after = { ...action, ...change, lastUpdateAt: input.now } as CardAction;
  let card: string | null = null;
  if (message && redraw) {
    try {
      card = redraw(after, message, input);
    } catch {
      // The answer stands; the card is drawn again from the store by whoever shows it next.
      card = null;
    }
  }
  const written = await writeAnswer(sql, provider, input, action, change, message && card ? { id: message.id, card } : null);
  // The same key committed by another process meanwhile (PostgreSQL): it was that answer.
  if (written === "duplicate") return { outcome: "duplicate", action, message };
  // Closed by someone else between the read and the write (PostgreSQL): nothing is recorded.
  if (written === "stale") return { outcome: "stale", action, message };
  if (withFile) await prisma!.keepFile(action);
  return { outcome: "recorded", action: after, message: message ? { ...message, card: card ?? message.card } : null, card };
}

const HISTORY_COLUMNS = `"id","at","planId","actionId","entity","entityId","via","actorPersonId","actorLabel","before","after","note"`;
const ANSWER = `INSERT INTO "Answer" ("id","key","actionId","personId","messageId","kind","via","payload","createdAt") VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT ("key") DO NOTHING RETURNING "id"`;

/**
 * Writes the answer (its key unique), the action's new state (unless it was closed meanwhile), its
 * History row and the redrawn card. On PostgreSQL one statement, each part depending on the one
 * before, as every statement is a round trip to the server; on SQLite, in process, four.
 */
async function writeAnswer(sql: Sql, provider: Store["provider"], input: AnswerToRecord, action: CardAction, change: Record<string, unknown>, card: { id: string; card: string } | null): Promise<"recorded" | "duplicate" | "stale"> {
  const answerId = randomUUID();
  const payload = JSON.stringify({ date: input.date ?? undefined, reason: input.reason ?? undefined, note: input.note ?? undefined, evidence: input.evidence ?? undefined, file: input.evidenceFile?.name });
  const columns = Object.keys(change);
  const before = JSON.stringify(Object.fromEntries(columns.map((k) => [k, (action as unknown as Record<string, unknown>)[k] ?? null])));
  const answer = [answerId, input.key, action.id, input.personId, input.messageId, input.kind, input.via, payload, input.now];
  const setAction = `${columns.map((c) => `"${c}" = ?`).join(", ")}${columns.length ? ", " : ""}"lastUpdateAt" = ?, "updatedAt" = ?`;
  const actionValues = [...columns.map((c) => change[c]), input.now, new Date(), action.id];
  const stillOpen = input.kind === "note" ? "" : ` AND ("status" IS NULL OR "status" NOT IN (${CLOSED_LIST}))`;
  const history = [randomUUID(), input.now, action.planId, action.id, "action", action.id, input.via, input.personId, input.actorLabel, before, JSON.stringify(change), `${input.kind}${input.reason ? `: ${input.reason}` : input.note ? `: ${input.note}` : ""}`];
  const ACTION = `UPDATE "Action" SET ${setAction} WHERE "id" = ?${stillOpen}`;

  if (provider === "postgresql") {
    const [result] = await sql.rows<{ inserted: boolean; updated: boolean }>(
      `WITH ins AS (${ANSWER}),
        upd AS (${ACTION} AND EXISTS (SELECT 1 FROM ins) RETURNING "id"),
        hist AS (INSERT INTO "History" (${HISTORY_COLUMNS}) SELECT ?::text, ?::timestamp(3), ?::text, ?::text, ?::text, ?::text, ?::text, ?::text, ?::text, ?::text, ?::text, ?::text FROM upd)
        ${card ? `, card AS (UPDATE "ChatMessage" SET "card" = ?, "updatedAt" = ? WHERE "id" = ? AND EXISTS (SELECT 1 FROM upd))` : ""}
      SELECT EXISTS (SELECT 1 FROM ins) AS "inserted", EXISTS (SELECT 1 FROM upd) AS "updated"`,
      ...answer,
      ...actionValues,
      ...history,
      ...(card ? [card.card, new Date(), card.id] : []),
    );
    if (!result?.inserted) return "duplicate";
    if (!result.updated) {
      // A statement cannot take back its own insert: the answer goes in a second one.
      await sql.run(`DELETE FROM "Answer" WHERE "id" = ?`, answerId);
      return "stale";
    }
    return "recorded";
  }

  const inserted = await sql.rows<{ id: string }>(ANSWER, ...answer);
  if (inserted.length === 0) return "duplicate";
  if ((await sql.run(ACTION, ...actionValues)) === 0) {
    await sql.run(`DELETE FROM "Answer" WHERE "id" = ?`, answerId);
    return "stale";
  }
  await sql.run(`INSERT INTO "History" (${HISTORY_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`, ...history);
  if (card) await sql.run(`UPDATE "ChatMessage" SET "card" = ?, "updatedAt" = ? WHERE "id" = ?`, card.card, new Date(), card.id);
  return "recorded";
}

/** The pressed message, read with the action (its columns prefixed _m), or null. */
function pressedMessage(row: Record<string, unknown>): PressedMessage | null {
  if (row._mId === null || row._mId === undefined) return null;
  return {
    id: row._mId as string,
    kind: row._mKind as string,
    locale: row._mLocale as string,
    card: (row._mCard as string | null) ?? null,
    createdAt: row._mCreatedAt as Date,
    personId: (row._mPersonId as string | null) ?? null,
    actionIds: row._mActionIds as string,
  };
}

/** Whether the plan checks this kind of answer before it takes effect (holdAnswer decides the rest). */
function checks(settings: string | null, kind: string): boolean {
  if (kind !== "delayed" && kind !== "complete") return false;
  const s = checkSettings(settings);
  return kind === "delayed" ? s.approveTargetChanges : s.verifyCompletion;
}

function isClosed(status: string | null): boolean {
  return Boolean(status && CLOSED_STATUSES.has(status as Status));
}

/** A raw row as the card's action: the plan, recommendation and owners put where Prisma would put them. */
function cardAction(row: Record<string, unknown>): CardAction {
  const { _planTitle, _planSlug, _planSettings, _recRef, _recKey, _owners, _seen, _allowed, _mId, _mKind, _mLocale, _mCard, _mCreatedAt, _mPersonId, _mActionIds, ...action } = row;
  const owners = (typeof _owners === "string" ? JSON.parse(_owners) : (_owners ?? [])) as { roleId: string; kind: string; position: number; roleName: string }[];
  return {
    ...(action as unknown as CardAction),
    plan: { id: action.planId as string, title: _planTitle as string, slug: _planSlug as string },
    recommendation: { ref: (_recRef as string | null) ?? null, key: _recKey as string },
    owners: owners
      .map((o) => ({ actionId: action.id as string, roleId: o.roleId, kind: o.kind, position: Number(o.position), role: { id: o.roleId, name: o.roleName } }))
      .sort((x, y) => x.position - y.position),
  };
}
