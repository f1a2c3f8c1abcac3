import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
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

/**
 * COPY text (tab-separated lines, each ending in a newline) into a table, on the executor given: the
 * pool, or the connection of an open transaction so the rows commit or roll back with it.
 * postgres.js streams to `COPY ... FROM STDIN`; PGlite reads `COPY ... FROM '/dev/blob'`.
 */
export async function copyRows(db: Executor, table: string, columns: string[], text: string) {
  if (text === "") return;
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
    const writable = await query.writable();
    await Promise.race([pipeline(Readable.from([text]), writable), rejected]);
  } else {
    const pglite = client as { query(q: string, p: unknown[], o: { blob: Blob }): Promise<unknown> };
    await pglite.query(`${statement} '/dev/blob'`, [], { blob: new Blob([text]) });
  }
}

/**
 * Rows as Drizzle inserts take them (keyed by the schema's property names) into a table with COPY,
 * values converted as Drizzle would. A column no row gives keeps its default; one that any row gives
 * is copied for every row, as NULL where a row leaves it undefined.
 */
export async function copyInto<T extends Table>(db: Executor, table: T, rows: T["$inferInsert"][]) {
  if (rows.length === 0) return;
  const given = new Set<string>();
  for (const row of rows) {
    for (const key in row) if ((row as Record<string, unknown>)[key] !== undefined) given.add(key);
  }
  const columns = Object.entries(getTableColumns(table) as Record<string, Column>).filter(([key]) =>
    given.has(key),
  );
  const lines: string[] = [];
  for (const row of rows) {
    const values = row as Record<string, unknown>;
    lines.push(
      columns
        .map(([key, column]) => {
          const value = values[key];
          return copyValue(value === null || value === undefined ? null : column.mapToDriverValue(value));
        })
        .join("\t"),
    );
  }
  await copyRows(
    db,
    getTableName(table),
    columns.map(([, column]) => (column.keyAsName ? toSnakeCase(column.name) : column.name)),
    `${lines.join("\n")}\n`,
  );
}
