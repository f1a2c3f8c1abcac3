import { type Ctx, startRollupRefresher } from "@pathways/core";
import type { DbHandle } from "@pathways/db";
import { isDatabaseEmpty, seedDemo } from "@pathways/seed";
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
  /** How long `stop()` lets requests and background loops run on before it cuts them off. */
  shutdownTimeoutMs: number;
  /**
   * Stops accepting, lets in-flight requests and the background loops finish until the shutdown
   * deadline, cuts off whatever is still running then, and closes the database.
   */
  stop(): Promise<StopResult>;
}

export interface StopResult {
  /** True when every request and loop finished before the deadline. */
  drained: boolean;
  /** What was still running at the deadline and was cut off. */
  cutOff: string[];
  elapsedMs: number;
}

/** How long the database gets to close after the drain (postgres.js ends its queries within 5 s). */
const databaseCloseMs = 6_000;

export async function startServer({ config, demo = false, logStream }: StartOptions): Promise<RunningServer> {
  const database = await openDatabase(config);
  try {
    // Servers starting together on one database migrate and seed one at a time, so an empty
    // database is seeded once.
    await database.migrate(
      demo
        ? async () => {
            const ctx: Ctx = { db: database.db, actor: { kind: "system", name: "demo-seed" } };
            if (await isDatabaseEmpty(ctx)) await seedDemo({ ctx });
          }
        : undefined,
    );
    const app = await buildServer({ config, database, logStream });
    let stopping: Promise<StopResult> | undefined;
    // While stopping, every response closes its connection, so keep-alive clients go elsewhere.
    app.addHook("onSend", async (_request, reply) => {
      if (stopping) reply.header("Connection", "close");
    });
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
    const shutDown = async (): Promise<StopResult> => {
      const started = Date.now();
      // The workers finish the update and the fold in hand while requests drain (new requests get
      // a 503 and every response closes its connection); the database closes after all of them.
      const parts: [string, Promise<unknown>][] = [
        ["HTTP requests", app.close()],
        ["rollup refresher", refresher.stop()],
      ];
      if (worker) parts.push(["outbox worker", worker.stop()]);
      const running = new Set(parts.map(([name]) => name));
      const drained = await settlesWithin(
        Promise.all(
          parts.map(([name, done]) =>
            done.then(
              () => running.delete(name),
              (error: unknown) => {
                running.delete(name);
                app.log.error({ err: error }, `${name}: did not stop cleanly`);
              },
            ),
          ),
        ),
        config.shutdownTimeoutMs,
      );
      const cutOff = [...running];
      if (!drained) {
        app.log.warn(
          { cutOff },
          `shutdown deadline (${config.shutdownTimeoutMs} ms) passed: cutting off ${cutOff.join(", ")}`,
        );
        // Open transactions end with their connections: PostgreSQL rolls them back, and nothing
        // that was cut off was acknowledged.
        app.server.closeAllConnections();
      }
      if (!(await settlesWithin(database.close(), databaseCloseMs))) {
        app.log.warn("the database did not close in time; exiting anyway");
        cutOff.push("database");
      }
      return { drained: cutOff.length === 0, cutOff, elapsedMs: Date.now() - started };
    };
    return {
      app,
      database,
      url: address,
      shutdownTimeoutMs: config.shutdownTimeoutMs,
      stop: () => (stopping ??= shutDown()),
    };
  } catch (error) {
    await database.close().catch(() => {});
    throw error;
  }
}

/** True when `promise` settles (either way) within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Stops on SIGTERM or SIGINT: drains within the shutdown deadline, closes the database and exits 0,
 * or 1 when something had to be cut off. A second signal exits at once. Should the shutdown itself
 * ever hang, a last timer ends the process shortly after the deadline.
 */
export function stopOnSignals(server: RunningServer): void {
  const { shutdownTimeoutMs } = server;
  let received = false;
  const stop = (signal: string) => {
    if (received) {
      server.app.log.warn(`${signal} received again: exiting now`);
      process.exit(1);
    }
    received = true;
    server.app.log.info(
      `${signal} received: finishing in-flight requests and background work (up to ${shutdownTimeoutMs} ms), then closing the database`,
    );
    setTimeout(
      () => {
        server.app.log.error("shutdown did not finish: exiting");
        process.exit(1);
      },
      shutdownTimeoutMs + databaseCloseMs + 2_000,
    ).unref();
    server.stop().then(
      (result) => {
        server.app.log.info(result, result.drained ? "stopped" : "stopped after cutting off work");
        process.exit(result.drained ? 0 : 1);
      },
      (error) => {
        server.app.log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}
