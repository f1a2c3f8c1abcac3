import { sqlErrorCode } from "@pathways/core";
import { queryRows, sql } from "@pathways/db";
import {
  ConfigError,
  createWorkerLogger,
  openDatabase,
  outboxChannel,
  type ServerConfig,
  startConfiguredOutboxWorker,
} from "@pathways/server";
import type { Output } from "./output.ts";

/**
 * `pathways worker`: delivers community reporters' updates until SIGTERM or SIGINT, then finishes
 * the update in hand and exits. For PostgreSQL deployments that run delivery apart from the API
 * (set PATHWAYS_OUTBOX_WORKER=false on `serve`); several workers may run at once. On the embedded
 * database `serve` already runs the worker, and only one process may open the data directory.
 */
export async function worker(config: ServerConfig, output: Output): Promise<void> {
  const database = await openDatabase(config);
  try {
    await queryRows(database.db, sql`select 1 from outbox_messages limit 0`);
  } catch (error) {
    await database.close();
    if (sqlErrorCode(error) === "42P01") {
      throw new ConfigError([
        `the database at ${database.location} has no Pathways tables yet: run \`pathways migrate\` first`,
      ]);
    }
    throw error;
  }
  const logger = createWorkerLogger(config);
  const channel = outboxChannel(config, logger);
  const running = startConfiguredOutboxWorker(config, database.db, logger, channel);
  output.out(
    `Delivering reporters' updates (${channel.name}; database: ${database.driver}, ${database.location}). Press Ctrl+C to stop.`,
  );
  const stop = (signal: string) => {
    logger.info({}, `${signal} received: finishing the update in hand, then stopping`);
    running
      .stop()
      .then(() => database.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, "the worker did not stop cleanly");
          process.exit(1);
        },
      );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}
