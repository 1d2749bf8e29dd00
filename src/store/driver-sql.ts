import type { PrismaLibSQL } from "@prisma/adapter-libsql";
import { createHash } from "node:crypto";
import pg from "pg";
import type { Database } from "../config/load-config.js";
import type { Tx } from "./open-store.js";

/** The connection Prisma's client runs on: its driver adapter (libSQL's or pg's). */
type DriverAdapter = Awaited<ReturnType<PrismaLibSQL["connect"]>>;
type Queryable = Pick<DriverAdapter, "queryRaw" | "executeRaw">;
type DriverTransaction = Awaited<ReturnType<DriverAdapter["startTransaction"]>>;
type ArgType = Parameters<DriverAdapter["queryRaw"]>[0]["argTypes"][number];

/**
 * SQL written with `?` placeholders, whichever the database. Rows come back as objects, with
 * dates as Date and booleans as boolean on both databases, as Prisma's $queryRaw gives them.
 */
export interface Sql {
  rows<T = Record<string, unknown>>(text: string, ...args: unknown[]): Promise<T[]>;
  /** Runs a statement that returns no rows; the number of rows it changed. */
  run(text: string, ...args: unknown[]): Promise<number>;
}

/** How long a transaction may run before it is rolled back and its caller told, as Prisma's interactive transactions. */
const TRANSACTION_TIMEOUT_MS = 20_000;

// @prisma/driver-adapter-utils' ColumnTypeEnum: the adapters say each column's type with these.
const INT64 = 1;
const BOOLEAN = 5;
const DATE = 8;
const DATETIME = 10;
const JSON_TYPE = 11;
const BYTES = 13;

/**
 * A select list of `*` (or `a.*`): refused, as on PostgreSQL the statements are prepared, and a
 * prepared `*` fails ("cached plan must not change result type") once a migration adds a column.
 */
const STAR = /\bSELECT\s+(?:DISTINCT\s+)?(?:"?\w+"?\.)?\*|,\s*(?:"?\w+"?\.)?\*\s*(?:,|FROM\b)/i;

/**
 * Statements run straight on the driver underneath Prisma, on the connections Prisma itself uses,
 * for the few paths run on every button press. Each statement through Prisma's client is turned
 * into a request, compiled by its query compiler and interpreted: about six times the CPU of the
 * statement itself on SQLite. Only store modules use this, and only for SQL they write themselves,
 * naming their columns (see STAR).
 *
 * SQLite: through Prisma's adapter, which has one connection and lets one transaction run at a
 * time, so these and Prisma's own transactions wait for each other as two of Prisma's would.
 * PostgreSQL: on the adapter's pool, each statement prepared once per connection (named): the
 * server planned every statement afresh, most of its CPU for a press.
 */
export class DriverSql {
  private adapter: DriverAdapter | null = null;
  private connect: (() => Promise<void>) | null = null;
  private readonly checked = new Map<string, { sql: string; name: string }>();

  constructor(
    private readonly provider: Database["provider"],
    /** Hears of every statement, as Prisma's query log does (the benchmarks count them). */
    private readonly onQuery?: (sql: string) => void,
  ) {}

  /**
   * The adapter factory given to Prisma's client, watched so that the connection it makes is
   * known here, and forgotten when Prisma disposes of it; `connect` asks the client to connect.
   */
  watch<F extends { connect(): Promise<DriverAdapter> }>(factory: F, connect: () => Promise<void>): F {
    const open = factory.connect.bind(factory);
    this.connect = connect;
    factory.connect = async () => {
      const adapter = await open();
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        if (this.adapter === adapter) this.adapter = null;
        return dispose();
      };
      this.adapter = adapter;
      return adapter;
    };
    return factory;
  }

  private async driver(): Promise<DriverAdapter> {
    if (!this.adapter) await this.connect?.();
    if (!this.adapter) throw new Error("driver-sql: the store is not connected");
    return this.adapter;
  }

  /** pg's pool under Prisma's adapter (PrismaPgAdapter.underlyingDriver). */
  private async pool(): Promise<pg.Pool> {
    const adapter = (await this.driver()) as DriverAdapter & { underlyingDriver?: () => pg.Pool };
    if (typeof adapter.underlyingDriver !== "function") throw new Error("driver-sql: Prisma's pg adapter gave no pool");
    return adapter.underlyingDriver();
  }

  /** Statements each on its own, outside any transaction. */
  sql(): Sql {
    if (this.provider === "postgresql") return this.overPg(async () => this.pool());
    return this.overAdapter(() => this.driver());
  }

  /**
   * Runs `work` in one transaction on the driver: committed when it resolves, rolled back when it
   * throws or takes longer than `timeoutMs` (20 seconds; its caller is then told, and the statements
   * it still tries are refused).
   */
  async transaction<T>(work: (sql: Sql) => Promise<T>, { timeoutMs = TRANSACTION_TIMEOUT_MS } = {}): Promise<T> {
    const tx = this.provider === "postgresql" ? await this.pgTransaction() : await this.adapterTransaction();
    this.onQuery?.("BEGIN");
    let open = true;
    const sql = tx.sql(() => {
      if (!open) throw new Error("driver-sql: the transaction has ended");
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Error(`driver-sql: the transaction took longer than ${timeoutMs} ms and was rolled back`);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(late), timeoutMs);
    });
    let result: T;
    try {
      result = await Promise.race([work(sql), timeout]);
    } catch (error) {
      open = false;
      clearTimeout(timer);
      this.onQuery?.("ROLLBACK");
      const rollback = tx.end("ROLLBACK").catch(() => undefined);
      // A statement still running holds the connection: the rollback waits behind it, the caller does not.
      if (error !== late) await rollback;
      throw error;
    }
    open = false;
    clearTimeout(timer);
    this.onQuery?.("COMMIT");
    await tx.end("COMMIT");
    return result;
  }

  private async adapterTransaction(): Promise<{ sql: (check: () => void) => Sql; end: (how: "COMMIT" | "ROLLBACK") => Promise<void> }> {
    const tx = await (await this.driver()).startTransaction();
    return {
      sql: (check) =>
        this.overAdapter(async () => {
          check();
          return tx;
        }),
      end: (how) => endAdapterTransaction(tx, how),
    };
  }

  private async pgTransaction(): Promise<{ sql: (check: () => void) => Sql; end: (how: "COMMIT" | "ROLLBACK") => Promise<void> }> {
    const client = await (await this.pool()).connect();
    try {
      await client.query("BEGIN");
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
    return {
      sql: (check) =>
        this.overPg(async () => {
          check();
          return client;
        }),
      end: async (how) => {
        try {
          await client.query(how);
        } catch (error) {
          // A connection that cannot end its transaction is not given back to the pool.
          client.release(error as Error);
          throw error;
        }
        client.release();
      },
    };
  }

  /** The statement as this database takes it, checked once: placeholders numbered, and its name when prepared. */
  private statement(text: string): { sql: string; name: string } {
    let found = this.checked.get(text);
    if (!found) {
      if (STAR.test(text)) throw new Error(`driver-sql: name the columns rather than select *: ${text.slice(0, 80)}`);
      const sql = numbered(this.provider, text);
      found = { sql, name: `chaser_${createHash("sha1").update(sql).digest("hex").slice(0, 24)}` };
      // Statements here are the store's own, a few dozen; the bound only guards against a mistake.
      if (this.checked.size < 1000) this.checked.set(text, found);
    }
    this.onQuery?.(found.sql);
    return found;
  }

  private overAdapter(on: () => Promise<Queryable>): Sql {
    const query = (text: string, args: unknown[]) => ({ sql: this.statement(text).sql, args, argTypes: args.map(argType) });
    return {
      rows: async <T>(text: string, ...args: unknown[]) => {
        const q = query(text, args);
        const result = await (await on()).queryRaw(q);
        return result.rows.map((row) => {
          const out: Record<string, unknown> = {};
          for (let i = 0; i < row.length; i++) out[result.columnNames[i]!] = fromAdapter(row[i], result.columnTypes[i]);
          return out as T;
        });
      },
      run: async (text: string, ...args: unknown[]) => {
        const q = query(text, args);
        return (await on()).executeRaw(q);
      },
    };
  }

  private overPg(on: () => Promise<pg.Pool | pg.PoolClient>): Sql {
    const query = async (text: string, args: unknown[]) => {
      const { sql, name } = this.statement(text);
      const target = await on();
      return target.query({ name, text: sql, values: args.map(toPg), types: PG_TYPES });
    };
    return {
      rows: async <T>(text: string, ...args: unknown[]) => (await query(text, args)).rows as T[],
      run: async (text: string, ...args: unknown[]) => (await query(text, args)).rowCount ?? 0,
    };
  }
}

/** Ends a transaction as Prisma's engine does: pg's adapter wants the statement sent, libSQL's sends it itself. */
async function endAdapterTransaction(tx: DriverTransaction, how: "COMMIT" | "ROLLBACK"): Promise<void> {
  if (!tx.options.usePhantomQuery) {
    try {
      await tx.executeRaw({ sql: how, args: [], argTypes: [] });
    } catch (error) {
      await tx.rollback();
      throw error;
    }
  }
  await (how === "COMMIT" ? tx.commit() : tx.rollback());
}

/** The same statements inside one of Prisma's interactive transactions (for work that also needs Prisma's own queries). */
export function overPrisma(tx: Tx, provider: Database["provider"]): Sql {
  return {
    rows: <T>(text: string, ...args: unknown[]) => tx.$queryRawUnsafe<T[]>(numbered(provider, text), ...args),
    run: (text: string, ...args: unknown[]) => tx.$executeRawUnsafe(numbered(provider, text), ...args),
  };
}

const renumbered = new Map<string, string>();

/** `?` placeholders as the database numbers them ($1, $2… on PostgreSQL). */
function numbered(provider: Database["provider"], text: string): string {
  if (provider === "sqlite") return text;
  let sql = renumbered.get(text);
  if (sql === undefined) {
    let n = 0;
    sql = text.replace(/\?/g, () => `$${++n}`);
    if (renumbered.size < 1000) renumbered.set(text, sql);
  }
  return sql;
}

function argType(value: unknown): ArgType {
  const scalarType =
    value instanceof Date ? "datetime" : typeof value === "string" ? "string" : typeof value === "boolean" ? "boolean" : typeof value === "bigint" ? "bigint" : typeof value === "number" ? (Number.isInteger(value) ? "int" : "float") : "unknown";
  return { scalarType, arity: "scalar" };
}

/** A value as libSQL's adapter gives it, as Prisma's $queryRaw would give it. */
function fromAdapter(value: unknown, type: number | undefined): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case DATETIME:
    case DATE:
      return value instanceof Date ? value : new Date(value as string | number);
    case BOOLEAN:
      // SQLite keeps booleans as 0 and 1.
      return typeof value === "boolean" ? value : Boolean(Number(value));
    case INT64:
      return BigInt(value as string | number | bigint);
    case JSON_TYPE:
      return typeof value === "string" ? JSON.parse(value) : value;
    case BYTES:
      return Array.isArray(value) ? Uint8Array.from(value as number[]) : value;
    default:
      return value;
  }
}

/** A Date as Prisma's pg adapter writes one: UTC, to the millisecond, without a zone (the columns are timestamp(3)). */
function toPg(value: unknown): unknown {
  if (!(value instanceof Date)) return value;
  const pad = (n: number, z = 2) => String(n).padStart(z, "0");
  const ms = value.getUTCMilliseconds();
  return `${pad(value.getUTCFullYear(), 4)}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())} ${pad(value.getUTCHours())}:${pad(value.getUTCMinutes())}:${pad(value.getUTCSeconds())}${ms ? `.${pad(ms, 3)}` : ""}`;
}

// PostgreSQL's type ids (pg_type.oid) of what the store reads, parsed as Prisma's $queryRaw gives them.
const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;
const PG_DATE = 1082;
const INT8 = 20;
const parsers: Record<number, (text: string) => unknown> = {
  // Stored as UTC without a zone, as Prisma writes them; pg's default would read them as local time.
  [TIMESTAMP]: (text) => new Date(`${text.replace(" ", "T")}Z`),
  [TIMESTAMPTZ]: (text) => new Date(text),
  [PG_DATE]: (text) => new Date(`${text}T00:00:00Z`),
  [INT8]: (text) => BigInt(text),
};
const PG_TYPES = {
  getTypeParser: ((oid: number, format?: string) => {
    const parse = parsers[oid];
    if (parse && format !== "binary") return parse;
    return pg.types.getTypeParser(oid, format as "text");
  }) as pg.CustomTypesConfig["getTypeParser"],
};
