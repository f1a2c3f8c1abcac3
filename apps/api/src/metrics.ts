import { timingSafeEqual } from "node:crypto";
import { appRouter } from "@pathways/api";
import { backgroundQueues } from "@pathways/core";
import { type DbHandle, queryRows, sql } from "@pathways/db";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** Procedure names are the only request label: a fixed list, so a caller cannot invent new series. */
const procedures = new Set(Object.keys(appRouter._def.procedures));

/** The label for a request: its tRPC procedure, "batch", or the route for anything else. */
export function requestLabel(request: FastifyRequest): string {
  const path = request.url.split("?")[0]!;
  if (path.startsWith("/trpc/")) {
    const name = decodeURIComponent(path.slice("/trpc/".length));
    if (name.includes(",")) return "batch";
    return procedures.has(name) ? name : "unknown";
  }
  const route = request.routeOptions.url;
  return route === "/healthz" || route === "/readyz" || route === "/metrics" ? route : "other";
}

/**
 * Prometheus metrics for one server: request latency by procedure, the database's connections, the
 * background queues (rollups, reporters' updates) and Node's own process metrics. No label holds a
 * person's data, an id or a path beyond the fixed procedure names. Served at /metrics only when
 * PATHWAYS_METRICS_TOKEN is set, to a scraper that sends it as a bearer token.
 */
export function registerMetrics(app: FastifyInstance, database: DbHandle, token: string): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "pathways_" });
  const requestSeconds = new Histogram({
    name: "pathways_request_duration_seconds",
    help: "HTTP request latency by tRPC procedure (or route) and status code",
    labelNames: ["procedure", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const databaseUp = new Gauge({
    name: "pathways_database_up",
    help: "1 when the database answered a trivial query within 2 s at the last scrape",
    registers: [registry],
  });
  const connections = new Gauge({
    name: "pathways_database_connections",
    help: "Connections to this database by state, from every Pathways process (PostgreSQL only)",
    labelNames: ["state"] as const,
    registers: [registry],
  });
  const queueLength = new Gauge({
    name: "pathways_queue_length",
    help: "Rows waiting in a background queue (counted up to 100000)",
    labelNames: ["queue"] as const,
    registers: [registry],
  });
  const queueAge = new Gauge({
    name: "pathways_queue_oldest_seconds",
    help: "Age of the oldest row waiting in a background queue (0 when empty)",
    labelNames: ["queue"] as const,
    registers: [registry],
  });
  const outboxFailed = new Gauge({
    name: "pathways_outbox_failed",
    help: "Reporters' updates given up on after their last attempt (resend them from triage)",
    registers: [registry],
  });

  app.addHook("onResponse", async (request, reply) => {
    requestSeconds.observe(
      { procedure: requestLabel(request), status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  const expected = Buffer.from(`Bearer ${token}`);
  app.get("/metrics", async (request, reply) => {
    const given = Buffer.from(request.headers.authorization ?? "");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return reply
        .code(401)
        .header("WWW-Authenticate", 'Bearer realm="metrics"')
        .send({ error: "/metrics needs the metrics token" });
    }
    const up = await database.ping();
    databaseUp.set(up ? 1 : 0);
    if (up) {
      const queues = await backgroundQueues(database.db).catch(() => null);
      if (queues) {
        for (const [queue, state] of [
          ["person_rollups", queues.personRollups],
          ["day_rollups", queues.dayRollups],
          ["outbox_due", queues.outboxDue],
        ] as const) {
          queueLength.set({ queue }, state.length);
          queueAge.set({ queue }, state.oldestSeconds);
        }
        outboxFailed.set(queues.outboxFailed);
      }
      if (database.driver === "postgres") {
        const rows = await queryRows<{ state: string; n: number }>(
          database.db,
          sql`select coalesce(state, 'unknown') as state, count(*)::int as n
            from pg_stat_activity where datname = current_database() group by 1`,
        ).catch(() => []);
        connections.reset();
        for (const row of rows) connections.set({ state: row.state }, row.n);
      }
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
