import { outboxExists } from "@pathways/core";
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
  const migrated = await outboxExists(database.db).catch(async (error: unknown) => {
    await database.close();
    throw error;
  });
  if (!migrated) {
    await database.close();
    throw new ConfigError([
      `the database at ${database.location} has no Pathways tables yet: run \`pathways migrate\` first`,
    ]);
  }
  const logger = createWorkerLogger(config);
  const channel = outboxChannel(config, logger);
  const running = startConfiguredOutboxWorker(config, database.db, logger, channel);
  output.out(
    `Delivering reporters' updates (${channel.name}; database: ${database.driver}, ${database.location}). Press Ctrl+C to stop.`,
  );
  let received = false;
  const stop = (signal: string) => {
    if (received) process.exit(1);
    received = true;
    logger.info({}, `${signal} received: finishing the update in hand, then stopping`);
    // An attempt that outlasts the shutdown deadline is cut off; its lease lets another worker
    // (or this one, restarted) try the update again.
    setTimeout(() => {
      logger.error({}, `the update in hand did not finish within ${config.shutdownTimeoutMs} ms: exiting`);
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
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
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}
