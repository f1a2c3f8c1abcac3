import {
  installedPostgresVersion,
  missingPostgresFixes,
  postgresVersion,
} from "../patches/postgres-fixes.mjs";

/** The installed postgres.js lacks fixes the server relies on to survive its database. */
export class PostgresDriverUnpatchedError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `the installed postgres.js driver cannot be used: ${problems.join("; ")}. ` +
        "Run `npm install` (its postinstall applies packages/db/patches/postgres-fixes.mjs).",
    );
    this.name = "PostgresDriverUnpatchedError";
  }
}

let checked = false;

/**
 * Refuses a postgres.js without the fixes in packages/db/patches/postgres-fixes.mjs: without them a
 * terminated or failed-over connection can end the process. Checked once per process, when the
 * first PostgreSQL database is opened, by reading the installed driver's files.
 */
export function checkPostgresDriver(root?: string): void {
  if (checked && root === undefined) return;
  const version = installedPostgresVersion(root);
  const problems =
    version === postgresVersion
      ? missingPostgresFixes(root).map((name) => `the fix "${name}" is missing`)
      : [`it is version ${version}, and the fixes were written for ${postgresVersion}`];
  if (problems.length > 0) throw new PostgresDriverUnpatchedError(problems);
  if (root === undefined) checked = true;
}
