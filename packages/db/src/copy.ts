import { once } from "node:events";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { type Column, getTableColumns, getTableName, type Table } from "drizzle-orm";
import { toSnakeCase } from "drizzle-orm/casing";
import type { Executor } from "./client.ts";

/** One value in PostgreSQL's COPY text format: `\N` for null, backslash escapes for the rest. */
export function copyValue(value: unknown): string {
  if (value === null || value === undefined) return "\\N";
  if (typeof value === "boolean") return value ? "t" : "f";
  if (typeof value === "number") return String(value);
  if (Array.isArray(value)) return copyText(arrayLiteral(value));
  if (value instanceof Date) return value.toISOString();
  return copyText(typeof value === "string" ? value : JSON.stringify(value));
}

const needsEscape = /[\\\t\n\r]/;

function copyText(text: string): string {
  if (!needsEscape.test(text)) return text;
  return text.replace(/[\\\t\n\r]/g, (c) =>
    c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r",
  );
}

/** A one-dimensional array literal; elements are quoted only when PostgreSQL would misread them. */
function arrayLiteral(items: unknown[]): string {
  const elements = items.map((item) => {
    if (item === null || item === undefined) return "NULL";
    const text = String(item);
    return text === "" || /^null$/i.test(text) || /[\s",\\{}]/.test(text)
      ? `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`
      : text;
  });
  return `{${elements.join(",")}}`;
}

/** The part of a postgres.js query that a COPY uses. */
interface CopyQuery {
  writable(): Promise<NodeJS.WritableStream>;
  reject(error: unknown): void;
}

/** An open COPY: text goes in as it comes; `end` waits for the server to take it all. */
interface OpenCopy {
  write(text: string): void;
  /** Resolves when what was written is on its way, so the caller can make more meanwhile. */
  drained(): Promise<void>;
  end(): Promise<void>;
  /** Abandons the COPY (nothing of it is kept), so the connection can go on. */
  abort(reason: Error): void;
}

/**
 * Starts a COPY into a table on the executor given: the pool, or the connection of an open
 * transaction so the rows commit or roll back with it. postgres.js streams to `COPY ... FROM STDIN`
 * (each write is on its way to the server at once); PGlite reads `COPY ... FROM '/dev/blob'` at the end.
 */
async function openCopy(db: Executor, table: string, columns: string[]): Promise<OpenCopy> {
  const statement = `copy "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) from`;
  // drizzle keeps the driver's client (or the transaction's) on its session: a postgres.js `sql`
  // function, or a PGlite instance or transaction.
  const client = (db as unknown as { session: { client: unknown } }).session.client;
  if (typeof client === "function" && "unsafe" in client) {
    const query = (client as unknown as { unsafe(query: string): CopyQuery }).unsafe(`${statement} stdin`);
    // postgres.js (3.4.9) never finishes the writable when the server rejects the rows after the last
    // one was sent (porsager/postgres#1173): the error reaches only the query's reject, so listen there.
    const rejected = new Promise<never>((_, reject) => {
      const settle = query.reject;
      query.reject = (error) => {
        settle(error);
        reject(error);
      };
    });
    rejected.catch(() => {});
    const writable = (await query.writable()) as Writable;
    let failure: unknown = null;
    writable.on("error", (error) => {
      failure ??= error;
    });
    return {
      write: (text) => {
        if (!failure) writable.write(text);
      },
      // The writable hands one chunk at a time to the socket, and only between turns of the event loop.
      drained: async () => {
        if (!failure && writable.writableNeedDrain) await once(writable, "drain");
      },
      end: async () => {
        if (failure) throw failure;
        writable.end();
        await Promise.race([finished(writable), rejected]);
      },
      abort: (reason) => {
        if (!failure) writable.destroy(reason);
      },
    };
  }
  const pglite = client as { query(q: string, p: unknown[], o: { blob: Blob }): Promise<unknown> };
  let parts: string[] = [];
  return {
    write: (text) => {
      parts.push(text);
    },
    drained: async () => {},
    end: async () => {
      if (parts.length > 0) await pglite.query(`${statement} '/dev/blob'`, [], { blob: new Blob(parts) });
    },
    abort: () => {
      parts = [];
    },
  };
}

/** COPY text (tab-separated lines, each ending in a newline) into a table; see openCopy. */
export async function copyRows(db: Executor, table: string, columns: string[], text: string) {
  if (text === "") return;
  const copy = await openCopy(db, table, columns);
  copy.write(text);
  await copy.end();
}

/** Rows per write to the server: large enough to cost little, small enough to start it working early. */
const linesPerWrite = 500;

/**
 * Rows as Drizzle inserts take them (keyed by the schema's property names) into the given columns of
 * a table with one COPY, values converted as Drizzle would (the other columns keep their defaults).
 * `rows` may be a generator that checks each row as it goes: on PostgreSQL the rows are on their way
 * to the server while the next ones are made, so the checking overlaps the writing. If the generator
 * throws, nothing is copied. No other statement can run on the executor until the COPY ends.
 */
export async function copyFrom<T extends Table>(
  db: Executor,
  table: T,
  keys: (keyof T["$inferInsert"] & string)[],
  rows: Iterable<T["$inferInsert"]>,
): Promise<void> {
  const all = getTableColumns(table) as Record<string, Column>;
  const columns = keys.map((key) => [key, all[key]!] as const);
  const copied = new Set<string>(keys);
  // The COPY starts with the first row: a generator that yields none costs no statement.
  const iterator = rows[Symbol.iterator]();
  let next = iterator.next();
  if (next.done) return;
  const copy = await openCopy(
    db,
    getTableName(table),
    columns.map(([, column]) => (column.keyAsName ? toSnakeCase(column.name) : column.name)),
  );
  let lines: string[] = [];
  try {
    for (; !next.done; next = iterator.next()) {
      const values = next.value as Record<string, unknown>;
      for (const key in values) {
        if (values[key] !== undefined && !copied.has(key)) {
          throw new Error(`${getTableName(table)}.${key} is given but not among the columns copied`);
        }
      }
      lines.push(
        columns
          .map(([key, column]) => {
            const value = values[key];
            return copyValue(value === null || value === undefined ? null : column.mapToDriverValue(value));
          })
          .join("\t"),
      );
      if (lines.length >= linesPerWrite) {
        copy.write(`${lines.join("\n")}\n`);
        lines = [];
        await copy.drained();
      }
    }
  } catch (error) {
    copy.abort(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
  if (lines.length > 0) copy.write(`${lines.join("\n")}\n`);
  await copy.end();
}

/**
 * Rows as Drizzle inserts take them into a table with COPY. A column no row gives keeps its default;
 * one that any row gives is copied for every row, as NULL where a row leaves it undefined.
 */
export async function copyInto<T extends Table>(db: Executor, table: T, rows: T["$inferInsert"][]) {
  if (rows.length === 0) return;
  const given = new Set<string>();
  for (const row of rows) {
    for (const key in row) if ((row as Record<string, unknown>)[key] !== undefined) given.add(key);
  }
  const keys = Object.keys(getTableColumns(table)).filter((key) => given.has(key));
  await copyFrom(db, table, keys as (keyof T["$inferInsert"] & string)[], rows);
}
