import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { PGlite } from "@electric-sql/pglite";
import { type ExtractTablesWithRelations, is, type SQL } from "drizzle-orm";
import { type PgDatabase, type PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { acquireDataDirLock } from "./lock.ts";
import * as schema from "./schema/index.ts";

export type Schema = typeof schema;
/** The one database type the rest of the code sees, whichever driver is underneath. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** A database or an open transaction: verbs accept either and never open a second connection. */
export type Executor = Database | Transaction;

/** True for an open transaction, where statements such as VACUUM cannot run. */
export function isTransaction(db: Executor): db is Transaction {
  return is(db, PgTransaction);
}

export const migrationsFolder = fileURLToPath(new URL("../drizzle", import.meta.url));
export const defaultDataDir = path.resolve(".pathways/data");

export type DbDriver = "pglite" | "postgres";

export interface DbHandle {
  db: Database;
  driver: DbDriver;
  /** Where the data lives, for log lines: a data directory or a URL without its password. */
  location: string;
  /** The embedded database itself, for dumps and backups; null on PostgreSQL. */
  pglite: PGlite | null;
  migrate(): Promise<void>;
  /** True when the database answers a trivial query within the timeout. */
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface CreateDbOptions {
  /** PostgreSQL connection URL; when absent the embedded database is used. */
  url?: string;
  /** PGlite data directory; `memory://` keeps it in memory. Default `./.pathways/data`. */
  dataDir?: string;
  /** A PGlite data directory tarball to start from (tests load a migrated snapshot this way). */
  loadDataDir?: Blob;
  /** postgres.js pool size. */
  maxConnections?: number;
}

const casing = "snake_case";

export async function createDb(options: CreateDbOptions = {}): Promise<DbHandle> {
  return options.url ? openPostgres(options.url, options.maxConnections ?? 10) : openPglite(options);
}

function openPostgres(url: string, max: number): DbHandle {
  const client = postgres(url, {
    max,
    onnotice: () => {},
    connect_timeout: 10,
    // A query waits for the first free connection instead of queueing behind another request's
    // statement (and its commit) on a busy one: contacts.log's p99 under load, median of 7 runs
    // each way, 112 -> 69 ms. postgres.js reads the option but its types do not declare it.
    ...({ max_pipeline: 1 } as object),
  });
  const db = drizzlePostgres({ client, schema, casing }) as unknown as Database;
  return {
    db,
    driver: "postgres",
    location: redactUrl(url),
    pglite: null,
    migrate: () => migratePostgres(drizzlePostgres({ client, casing }), { migrationsFolder }),
    ping: (timeoutMs = 2000) =>
      withTimeout(
        client`select 1`.then(() => true),
        timeoutMs,
      ),
    close: () => client.end({ timeout: 5 }),
  };
}

async function openPglite(options: CreateDbOptions): Promise<DbHandle> {
  // Loaded only here: a process on PostgreSQL (the CLI's commands too) starts ~0.1 s sooner without it.
  const [{ PGlite }, { drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("drizzle-orm/pglite"),
    import("drizzle-orm/pglite/migrator"),
  ]);
  const dataDir = options.dataDir ?? defaultDataDir;
  const inMemory = dataDir.startsWith("memory://");
  let release = () => {};
  if (!inMemory) {
    mkdirSync(path.dirname(path.resolve(dataDir)), { recursive: true });
    release = acquireDataDirLock(path.resolve(dataDir));
  }
  let client: PGlite;
  try {
    client = await PGlite.create(inMemory ? undefined : dataDir, { loadDataDir: options.loadDataDir });
  } catch (error) {
    release();
    throw error;
  }
  const db = drizzlePglite({ client, schema, casing }) as unknown as Database;
  return {
    db,
    driver: "pglite",
    location: inMemory ? "memory" : path.resolve(dataDir),
    pglite: client,
    migrate: () => migratePglite(drizzlePglite({ client, casing }), { migrationsFolder }),
    ping: (timeoutMs = 2000) =>
      withTimeout(
        client.query("select 1").then(() => true),
        timeoutMs,
      ),
    close: async () => {
      try {
        await client.close();
      } finally {
        release();
      }
    },
  };
}

async function withTimeout(check: Promise<boolean>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([check.catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable URL)";
  }
}

/**
 * Rows of a raw SQL query on either driver (PGlite answers `{ rows }`, postgres.js an array).
 * Cast in SQL to keep values the same on both: `::int` for counts (postgres.js gives bigint as
 * text) and `::text` for dates (PGlite gives Date objects, postgres.js strings).
 */
export async function queryRows<T>(db: Executor, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
