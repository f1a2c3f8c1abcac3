import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createDb, DataDirInUseError, type DbHandle, PostgresDriverUnpatchedError } from "@pathways/db";
import { ConfigError, type ServerConfig } from "./env.ts";

/** Opens the database named by the config, failing with a message that names the setting to fix. */
export async function openDatabase(config: ServerConfig): Promise<DbHandle> {
  try {
    const database = await createDb(
      config.databaseUrl
        ? { url: config.databaseUrl, migrationsFolder: config.migrationsDir }
        : { dataDir: config.dataDir, migrationsFolder: config.migrationsDir },
    );
    if (!(await database.ping(10_000))) {
      await database.close().catch(() => {});
      throw new ConfigError([
        `DATABASE_URL cannot be reached (${database.location}): is PostgreSQL running there?`,
      ]);
    }
    return database;
  } catch (error) {
    if (error instanceof DataDirInUseError) throw new ConfigError([`PATHWAYS_DATA_DIR ${error.message}`]);
    if (error instanceof PostgresDriverUnpatchedError) throw new ConfigError([error.message]);
    throw error;
  }
}

/** Used with PostgreSQL outside production when PATHWAYS_DISCLOSURE_SECRET is not set. */
const developmentDisclosureSecret = "pathways-development-disclosure-secret-not-for-production";

/**
 * The secret that keys disclosure control (docs/DISCLOSURE.md, decision 0004): the setting; else,
 * for the embedded database, one made on first start and kept in the data directory (mode 0600), so
 * protected figures stay the same across restarts; else (PostgreSQL, not production) a development
 * one. Call after the database is open (the data directory exists then).
 */
export function disclosureSecretFor(config: ServerConfig): {
  secret: string;
  source: "setting" | "data directory" | "development";
} {
  if (config.disclosureSecret) return { secret: config.disclosureSecret, source: "setting" };
  if (config.databaseUrl) return { secret: developmentDisclosureSecret, source: "development" };
  const file = path.join(config.dataDir, "disclosure-secret");
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    // "wx": two processes starting at once cannot both write one; the loser reads the winner's.
    try {
      writeFileSync(file, `${randomBytes(48).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  const secret = readFileSync(file, "utf8").trim();
  if (secret.length < 32) {
    throw new ConfigError([
      `PATHWAYS_DATA_DIR holds a disclosure-secret file shorter than 32 characters: ${file}`,
    ]);
  }
  return { secret, source: "data directory" };
}
