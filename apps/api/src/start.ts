import { type Ctx, isDatabaseEmpty, seedDemo, startRollupRefresher } from "@pathways/core";
import type { DbHandle } from "@pathways/db";
import type { FastifyInstance } from "fastify";
import { openDatabase } from "./database.ts";
import type { ServerConfig } from "./env.ts";
import { startConfiguredOutboxWorker } from "./outbox.ts";
import { buildServer } from "./server.ts";

export interface StartOptions {
  config: ServerConfig;
  /** Seed the demo city when the database is empty. */
  demo?: boolean;
  logStream?: NodeJS.WritableStream;
}

export interface RunningServer {
  app: FastifyInstance;
  database: DbHandle;
  url: string;
  /** Stops accepting, finishes in-flight requests, then closes the database. */
  stop(): Promise<void>;
}

export async function startServer({ config, demo = false, logStream }: StartOptions): Promise<RunningServer> {
  const database = await openDatabase(config);
  try {
    await database.migrate();
    if (demo) {
      const ctx: Ctx = { db: database.db, actor: { kind: "system", name: "demo-seed" } };
      if (await isDatabaseEmpty(ctx)) await seedDemo({ ctx });
    }
    const app = await buildServer({ config, database, logStream });
    if (config.usingDevelopmentSecret) {
      app.log.warn("SESSION_SECRET is not set: using the development secret. Set it before real use.");
    }
    const address = await app.listen({ port: config.port, host: config.host });
    app.log.info(
      { database: database.driver, location: database.location },
      `Pathways is listening on ${address}`,
    );
    // Reporters' updates are delivered from this process unless a separate `pathways worker` does it.
    const worker = config.outbox.inProcess
      ? startConfiguredOutboxWorker(config, database.db, app.log.child({ component: "outbox" }))
      : null;
    // The report rollups are folded in the background, so a report finds little left to fold.
    const refresher = startRollupRefresher({
      db: database.db,
      log: (level, message, fields = {}) => app.log[level](fields, message),
    });
    let stopping: Promise<void> | undefined;
    return {
      app,
      database,
      url: address,
      stop: () =>
        (stopping ??= (async () => {
          // The workers finish the update and the fold in hand while requests drain; then the
          // database closes.
          await Promise.all([app.close(), worker?.stop(), refresher.stop()]);
          await database.close();
        })()),
    };
  } catch (error) {
    await database.close().catch(() => {});
    throw error;
  }
}

/** Stops cleanly on SIGTERM or SIGINT: in-flight requests finish, the database closes. */
export function stopOnSignals(server: RunningServer): void {
  const stop = (signal: string) => {
    server.app.log.info(`${signal} received: finishing in-flight requests and closing the database`);
    server.stop().then(
      () => process.exit(0),
      (error) => {
        server.app.log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}
