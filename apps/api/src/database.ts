import { createDb, DataDirInUseError, type DbHandle } from "@pathways/db";
import { ConfigError, type ServerConfig } from "./env.ts";

/** Opens the database named by the config, failing with a message that names the setting to fix. */
export async function openDatabase(config: ServerConfig): Promise<DbHandle> {
  try {
    const database = await createDb(
      config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir },
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
    throw error;
  }
}
