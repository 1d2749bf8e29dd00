import type { PrismaLibSQL } from "@prisma/adapter-libsql";
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
 * Statements run straight on the driver underneath Prisma, on the connection Prisma itself uses,
 * for the few paths run on every button press. Each statement through Prisma's client is turned
 * into a request, compiled by its query compiler and interpreted: about six times the CPU of the
 * statement itself on SQLite. Only store modules use this, and only for SQL they write themselves.
 *
 * On SQLite the adapter has one connection and lets one transaction run at a time, so these and
 * Prisma's own transactions wait for each other exactly as two of Prisma's would.
 */
export class DriverSql {
  private adapter: DriverAdapter | null = null;
  private connect: (() => Promise<void>) | null = null;

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

  /** Statements each on its own, outside any transaction. */
  sql(): Sql {
    return this.over(() => this.driver());
  }

  /**
   * Runs `work` in one transaction on the driver: committed when it resolves, rolled back when it
   * throws or takes longer than `timeoutMs` (20 seconds; its caller is then told, and the statements
   * it still tries are refused).
   */
  async transaction<T>(work: (sql: Sql) => Promise<T>, { timeoutMs = TRANSACTION_TIMEOUT_MS } = {}): Promise<T> {
    const tx = await (await this.driver()).startTransaction();
    this.onQuery?.("BEGIN");
    let open = true;
    const sql = this.over(async () => {
      if (!open) throw new Error("driver-sql: the transaction has ended");
      return tx;
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
      const rollback = this.end(tx, "ROLLBACK").catch(() => undefined);
      // A statement still running holds the connection: the rollback waits behind it, the caller does not.
      if (error !== late) await rollback;
      throw error;
    }
    open = false;
    clearTimeout(timer);
    await this.end(tx, "COMMIT");
    return result;
  }

  /** Ends a transaction as Prisma's engine does: pg's adapter wants the statement sent, libSQL's sends it itself. */
  private async end(tx: DriverTransaction, how: "COMMIT" | "ROLLBACK"): Promise<void> {
    this.onQuery?.(how);
    if (!tx.options.usePhantomQuery) {
      try {
        await tx.executeRaw({ sql: how, args: [], argTypes: [] });
      } catch (error) {
        // The connection goes back to its pool either way; a broken one is dropped there.
        await tx.rollback();
        throw error;
      }
    }
    await (how === "COMMIT" ? tx.commit() : tx.rollback());
  }

  private over(on: () => Promise<Queryable>): Sql {
    return {
      rows: async <T>(text: string, ...args: unknown[]) => {
        const query = this.query(text, args);
        const result = await (await on()).queryRaw(query);
        return result.rows.map((row) => {
          const out: Record<string, unknown> = {};
          for (let i = 0; i < row.length; i++) out[result.columnNames[i]!] = fromDriver(row[i], result.columnTypes[i]);
          return out as T;
        });
      },
      run: async (text: string, ...args: unknown[]) => (await on()).executeRaw(this.query(text, args)),
    };
  }

  private query(text: string, args: unknown[]): Parameters<Queryable["queryRaw"]>[0] {
    const sql = numbered(this.provider, text);
    this.onQuery?.(sql);
    return { sql, args, argTypes: args.map(argType) };
  }
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
    // Statements here are the store's own, a few dozen; the bound only guards against a mistake.
    if (renumbered.size < 1000) renumbered.set(text, sql);
  }
  return sql;
}

function argType(value: unknown): ArgType {
  const scalarType =
    value instanceof Date ? "datetime" : typeof value === "string" ? "string" : typeof value === "boolean" ? "boolean" : typeof value === "bigint" ? "bigint" : typeof value === "number" ? (Number.isInteger(value) ? "int" : "float") : "unknown";
  return { scalarType, arity: "scalar" };
}

/** A value as the adapter gives it, as Prisma's $queryRaw would give it. */
function fromDriver(value: unknown, type: number | undefined): unknown {
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
