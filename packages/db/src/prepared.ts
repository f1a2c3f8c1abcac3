import { type Query, type SQL, sql } from "drizzle-orm";
import { PgDialect, type PgPreparedQuery, type PreparedQueryConfig } from "drizzle-orm/pg-core";
import { type Executor, isTransaction } from "./client.ts";

/**
 * Something built once per database handle, such as a prepared statement, and afresh on each
 * transaction (a transaction's session is new every time, and a statement prepared on the database
 * would run outside it: on PGlite that deadlocks).
 */
export function oncePerDatabase<T>(build: (db: Executor) => T): (db: Executor) => T {
  const built = new WeakMap<Executor, T>();
  return (db) => {
    if (isTransaction(db)) return build(db);
    let value = built.get(db);
    if (value === undefined) {
      value = build(db);
      built.set(db, value);
    }
    return value;
  };
}

// The same casing as createDb, so `${table.column}` renders the same names as Drizzle's own queries.
const dialect = new PgDialect({ casing: "snake_case" });

/**
 * A hand-written statement (values as `sql.placeholder`s) turned into SQL text once and prepared on
 * each connection: postgres.js then sends each call as one bind-and-execute in one round trip, where
 * Drizzle's unprepared queries describe their parameters first (two round trips, no pipelining).
 * Rows come back as the driver gives them, named by the statement's column aliases.
 */
export function preparedStatement<Row extends Record<string, unknown>>(name: string, statement: () => SQL) {
  let query: Query | undefined;
  const prepare = oncePerDatabase((db): PgPreparedQuery<PreparedQueryConfig> => {
    query ??= dialect.sqlToQuery(statement());
    // `_.session` is Drizzle's public handle on the driver session that prepares its own queries.
    return db._.session.prepareQuery(query, undefined, name, false);
  });
  return async (db: Executor, values: Record<string, unknown>): Promise<Row[]> => {
    const result: unknown = await prepare(db).execute(values);
    // postgres.js answers an array of rows, PGlite `{ rows }`.
    return (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
  };
}

/** A placeholder whose value goes through a column's own encoding (dates, arrays) when filled in. */
export function placeholderFor(name: string, column: Parameters<typeof sql.param>[1]) {
  return sql.param(sql.placeholder(name), column);
}
