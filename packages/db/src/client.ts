import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { PGlite } from "@electric-sql/pglite";
import { type ExtractTablesWithRelations, is, type SQL } from "drizzle-orm";
import { type PgDatabase, type PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { checkPostgresDriver } from "./driver-check.ts";
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
/** The advisory lock key migrating processes take turns on ("pathways" in ASCII). */
const migrationLock = BigInt("0x7061746877617973").toString();
export const defaultDataDir = path.resolve(".pathways/data");

export type DbDriver = "pglite" | "postgres";

export interface DbHandle {
  db: Database;
  driver: DbDriver;
  /** Where the data lives, for log lines: a data directory or a URL without its password. */
  location: string;
  /** The embedded database itself, for dumps and backups; null on PostgreSQL. */
  pglite: PGlite | null;
  /**
   * Applies the migrations that have not run, one process at a time, then runs `then` (work that
   * must happen once, after migrating, such as the demo seed) before another process may migrate.
   */
  migrate(then?: () => Promise<void>): Promise<void>;
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
  /** Where the migration files are; default this package's drizzle/ folder. */
  migrationsFolder?: string;
}

const casing = "snake_case";

export async function createDb(options: CreateDbOptions = {}): Promise<DbHandle> {
  return options.url
    ? openPostgres(options.url, options.maxConnections ?? 10, options.migrationsFolder ?? migrationsFolder)
    : openPglite(options);
}

function openPostgres(url: string, max: number, migrations: string): DbHandle {
  checkPostgresDriver();
  const client = postgres(url, {
    max,
    onnotice: () => {},
    connect_timeout: 10,
    connection: {
      // PostgreSQL ends a transaction left idle this long. None of ours idles for seconds; this bounds
      // what a lost reply would otherwise hold for ever (a row lock, a pool connection): seen, rarely,
      // when connections were terminated under load with every known driver fix applied.
      idle_in_transaction_session_timeout: 60_000,
    },
  });
  const db = drizzlePostgres({ client, schema, casing }) as unknown as Database;
  return {
    db,
    driver: "postgres",
    location: redactUrl(url),
    pglite: null,
    migrate: async (then) => {
      // Several servers may start together on one database: each waits on this session lock,
      // held on a connection outside the pool (so a pool of one can still migrate), while the
      // first migrates; the others then find nothing left to apply. `then` (the demo seed) runs
      // under the lock too, so it runs once.
      const lock = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
      try {
        await lock`select pg_advisory_lock(${migrationLock}::bigint)`;
        await migratePostgres(drizzlePostgres({ client, casing }), { migrationsFolder: migrations });
        await then?.();
      } finally {
        await lock`select pg_advisory_unlock(${migrationLock}::bigint)`.catch(() => {});
        await lock.end({ timeout: 5 });
      }
    },
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
    // One process per data directory (the lock file above), so nothing else can migrate meanwhile.
    migrate: async (then) => {
      await migratePglite(drizzlePglite({ client, casing }), {
        migrationsFolder: options.migrationsFolder ?? migrationsFolder,
      });
      await then?.();
    },
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

/**
 * A PostgreSQL URL may name several hosts for failover (`postgres://host1:5432,host2:5432/db`), as
 * libpq and postgres.js accept; the WHATWG URL parser refuses the list, so the URL is parsed with
 * its first host and the list is kept aside. Null when it is not a URL at all.
 */
function parseHostList(url: string): { parsed: URL; hosts: string } | null {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/?#]*)/i.exec(url);
  if (!authority) return null;
  const hosts = authority[1]!;
  try {
    return { parsed: new URL(url.replace(hosts, hosts.split(",")[0]!)), hosts };
  } catch {
    return null;
  }
}

/** True for a postgres:// (or postgresql://) URL with one host or a comma-separated list of them. */
export function isPostgresUrl(url: string): boolean {
  const parsed = parseHostList(url)?.parsed;
  return parsed !== undefined && /^postgres(ql)?:$/.test(parsed.protocol) && parsed.hostname !== "";
}

export function redactUrl(url: string): string {
  const host = parseHostList(url);
  if (!host) return "(unparseable URL)";
  const { parsed, hosts } = host;
  const user = parsed.username ? `${parsed.username}${parsed.password ? ":***" : ""}@` : "";
  return `${parsed.protocol}//${user}${hosts}${parsed.pathname}${parsed.search}`;
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
