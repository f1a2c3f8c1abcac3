import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { createInterface } from "node:readline";
import { PassThrough } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import { is, sql } from "drizzle-orm";
import { getTableConfig, PgTable } from "drizzle-orm/pg-core";
import { type Database, queryRows } from "./client.ts";
import * as schema from "./schema/index.ts";

/**
 * Logical backups: every table's rows as JSON lines, gzipped, read in one consistent snapshot.
 * The same file restores into PGlite or PostgreSQL, so it also moves a deployment between them.
 */
export const backupFormat = "pathways-backup";
const batchSize = 2000;

interface Header {
  format: typeof backupFormat;
  version: 1;
  createdAt: string;
  migrations: number;
  tables: string[];
}

/** Tables in an order where each comes after the tables its foreign keys point at. */
export function tablesInDependencyOrder(): PgTable[] {
  const tables = Object.values(schema as Record<string, unknown>).filter((value): value is PgTable =>
    is(value, PgTable),
  );
  const byName = new Map(tables.map((table) => [getTableConfig(table).name, table]));
  const ordered: PgTable[] = [];
  const visiting = new Set<string>();
  const visit = (name: string) => {
    if (ordered.some((table) => getTableConfig(table).name === name) || visiting.has(name)) return;
    visiting.add(name);
    for (const foreignKey of getTableConfig(byName.get(name)!).foreignKeys) {
      const target = getTableConfig(foreignKey.reference().foreignTable).name;
      if (target !== name) visit(target);
    }
    ordered.push(byName.get(name)!);
  };
  for (const name of [...byName.keys()].sort()) visit(name);
  return ordered;
}

async function migrationCount(db: Database): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
  );
  return row?.n ?? 0;
}

export type BackupProgress = (table: string, rows: number) => void;

export async function backupDatabase(db: Database, file: string, progress?: BackupProgress) {
  const gzip = createGzip();
  const out = createWriteStream(file);
  const done = pipeline(gzip, out);
  const write = async (line: unknown) => {
    if (!gzip.write(`${JSON.stringify(line)}\n`)) await once(gzip, "drain");
  };
  const counts: Record<string, number> = {};
  await db.transaction(
    async (tx) => {
      const tables = tablesInDependencyOrder().map((table) => getTableConfig(table).name);
      const header: Header = {
        format: backupFormat,
        version: 1,
        createdAt: new Date().toISOString(),
        migrations: await migrationCount(tx as unknown as Database),
        tables,
      };
      await write(header);
      for (const table of tables) {
        await write({ table });
        let rows = 0;
        // A cursor streams a large table without holding it all in memory.
        await tx.execute(
          sql.raw(
            `declare backup_rows no scroll cursor for select row_to_json(t)::text as j from "${table}" t`,
          ),
        );
        for (;;) {
          const batch = await queryRows<{ j: string }>(
            tx as unknown as Database,
            sql.raw(`fetch ${batchSize} from backup_rows`),
          );
          for (const { j } of batch) {
            if (!gzip.write(`${j}\n`)) await once(gzip, "drain");
          }
          rows += batch.length;
          if (batch.length < batchSize) break;
        }
        await tx.execute(sql.raw("close backup_rows"));
        await write({ end: table, rows });
        counts[table] = rows;
        progress?.(table, rows);
      }
      const sequences = await queryRows<{ name: string; value: string | null }>(
        tx as unknown as Database,
        sql`select sequencename as name, last_value::text as value from pg_sequences where schemaname = 'public'`,
      );
      await write({ sequences: Object.fromEntries(sequences.map((s) => [s.name, s.value])) });
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
  gzip.end();
  await done;
  return counts;
}

export class RestoreRefused extends Error {}

/** Restores a backup into an empty database migrated to the same version, all or nothing. */
export async function restoreDatabase(db: Database, file: string, progress?: BackupProgress) {
  const input = createReadStream(file).pipe(createGunzip());
  const lines = createInterface({
    input: input.pipe(new PassThrough()),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  const iterator = lines[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await iterator.next();
    return done ? null : (value as string);
  };
  const first = await next();
  let header: Header;
  try {
    header = JSON.parse(first ?? "") as Header;
  } catch {
    throw new RestoreRefused(`${file} is not a Pathways backup.`);
  }
  if (header.format !== backupFormat) throw new RestoreRefused(`${file} is not a Pathways backup.`);
  const migrations = await migrationCount(db);
  if (header.migrations !== migrations) {
    throw new RestoreRefused(
      `The backup was made at migration ${header.migrations} but this database is at ${migrations}; restore with the matching version of Pathways.`,
    );
  }
  const counts: Record<string, number> = {};
  await db.transaction(async (tx) => {
    const executor = tx as unknown as Database;
    for (const table of header.tables) {
      const [row] = await queryRows<{ n: number }>(
        executor,
        sql.raw(`select count(*)::int as n from "${table}"`),
      );
      if ((row?.n ?? 0) > 0)
        throw new RestoreRefused(
          `The database is not empty (table ${table} has rows): restore needs an empty one.`,
        );
    }
    for (;;) {
      const line = await next();
      if (line === null) break;
      const marker = JSON.parse(line) as { table?: string; sequences?: Record<string, string | null> };
      if (marker.sequences) {
        for (const [name, value] of Object.entries(marker.sequences)) {
          if (value !== null)
            await tx.execute(sql`select setval(${`public."${name}"`}::regclass, ${value}::bigint)`);
        }
        continue;
      }
      const table = marker.table!;
      let batch: string[] = [];
      let rows = 0;
      const flush = async () => {
        if (batch.length === 0) return;
        await tx.execute(
          sql`insert into ${sql.identifier(table)} overriding system value select * from json_populate_recordset(null::${sql.identifier(table)}, ${`[${batch.join(",")}]`}::json)`,
        );
        rows += batch.length;
        batch = [];
      };
      for (;;) {
        const rowLine = await next();
        if (rowLine === null)
          throw new RestoreRefused(`${file} ends in the middle of table ${table}: it is incomplete.`);
        if (rowLine.startsWith('{"end":')) break;
        batch.push(rowLine);
        if (batch.length >= batchSize) await flush();
      }
      await flush();
      counts[table] = rows;
      progress?.(table, rows);
    }
  });
  return counts;
}
