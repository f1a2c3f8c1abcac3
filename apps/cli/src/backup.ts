import { backupDatabase, RestoreRefused, restoreDatabase } from "@pathways/db";
import { openDatabase } from "@pathways/server/database";
import type { ServerConfig } from "@pathways/server/env";
import { type Output, UsageError } from "./output.ts";

/** `pathways backup <file>`: a consistent snapshot of every table, restorable into PGlite or PostgreSQL. */
export async function backup(config: ServerConfig, file: string | undefined, output: Output) {
  if (!file) throw new UsageError("backup needs a file: `pathways backup pathways-2026-11-23.jsonl.gz`");
  const database = await openDatabase(config);
  try {
    await database.migrate();
    const counts = await backupDatabase(database.db, file, (table, rows) =>
      output.err(`  ${table}: ${rows} rows`),
    );
    const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
    output.out(`Backed up ${total} rows from ${Object.keys(counts).length} tables to ${file}.`);
  } finally {
    await database.close();
  }
}

/** `pathways restore <file>`: into an empty database only, all or nothing. */
export async function restore(config: ServerConfig, file: string | undefined, output: Output) {
  if (!file)
    throw new UsageError("restore needs a backup file: `pathways restore pathways-2026-11-23.jsonl.gz`");
  const database = await openDatabase(config);
  try {
    await database.migrate();
    const counts = await restoreDatabase(database.db, file, (table, rows) =>
      output.err(`  ${table}: ${rows} rows`),
    );
    const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
    output.out(`Restored ${total} rows into ${Object.keys(counts).length} tables from ${file}.`);
  } catch (error) {
    if (error instanceof RestoreRefused) throw new UsageError(error.message);
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new UsageError(`No file at ${file}.`);
    throw error;
  } finally {
    await database.close();
  }
}
