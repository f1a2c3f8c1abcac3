import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import fastifyStatic from "@fastify/static";
import { type AppRouter, appRouter, createApiContext } from "@pathways/api";
import { backgroundQueues } from "@pathways/core";
import type { DbHandle } from "@pathways/db";
import { type FastifyTRPCPluginOptions, fastifyTRPCPlugin } from "@trpc/server/adapters/fastify";
import Fastify, { type FastifyInstance } from "fastify";
import { disclosureSecretFor } from "./database.ts";
import { type ServerConfig, tileTemplateOrigin } from "./env.ts";
import {
  clearedSessionCookie,
  contentSecurityPolicy,
  forgeryRefusal,
  isHttps,
  isSourceMap,
  readCookie,
  sessionCookie,
  sessionCookieName,
  setSecurityHeaders,
} from "./http-security.ts";
import { safeErrorSerializer } from "./log-safety.ts";
import { registerMetrics } from "./metrics.ts";

const requestIdPattern = /^[A-Za-z0-9._-]{8,64}$/;
export const maxBatchSize = 20;

export interface BuildServerOptions {
  config: ServerConfig;
  database: DbHandle;
  /** Where pino writes; tests pass a stream to read the log back. */
  logStream?: NodeJS.WritableStream;
}

/** The HTTP server: tRPC at /trpc, health probes, the built web app at /. Does not listen. */
export async function buildServer({
  config,
  database,
  logStream,
}: BuildServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      ...(logStream ? { stream: logStream } : {}),
      serializers: {
        // Only the path: query strings carry tRPC inputs (search terms, names) that must not reach logs,
        // and a community report's tracking page carries its private token in the path.
        req: (req) => ({
          method: req.method,
          path: req.url.split("?")[0]!.replace(/^\/track\/[^/]+/, "/track/:token"),
          requestId: req.id,
        }),
        err: safeErrorSerializer,
      },
    },
    trustProxy: config.trustProxy,
    bodyLimit: 256 * 1024,
    forceCloseConnections: "idle",
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && requestIdPattern.test(given) ? given : randomUUID();
    },
    routerOptions: { maxParamLength: 5000 },
  });

  const policy = contentSecurityPolicy(
    config.mapTiles ? tileTemplateOrigin(config.mapTiles.urlTemplate) : null,
  );
  app.addHook("onSend", async (request, reply) => {
    setSecurityHeaders(request, reply, policy);
    reply.header("X-Request-Id", request.id);
  });

  const disclosure = disclosureSecretFor(config);
  if (disclosure.source === "development") {
    app.log.warn(
      "PATHWAYS_DISCLOSURE_SECRET is not set: commissioner figures are protected with the development secret. Set it before real use.",
    );
  }

  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_request, reply) => {
    const ready = await database.ping();
    if (!ready) return reply.code(503).send({ status: "database unavailable" });
    // How far behind the background work is (counts and ages, nothing about a person): a report
    // reads rollups as of their oldest queued change, and reporters wait for the outbox.
    const queues = await backgroundQueues(database.db).catch(() => null);
    return reply.code(200).send({ status: "ready", queues });
  });
  if (config.metricsToken) registerMetrics(app, database, config.metricsToken);

  await app.register(async (trpcScope) => {
    trpcScope.addHook("onRequest", async (request, reply) => {
      const refusal = forgeryRefusal(request, config.allowedOrigins);
      if (refusal) {
        return reply.code(403).send({ error: { message: refusal, code: "FORBIDDEN" } });
      }
    });
    await trpcScope.register(fastifyTRPCPlugin, {
      prefix: "/trpc",
      trpcOptions: {
        router: appRouter,
        // Batches are for a page's few parallel queries; a long one is an attempt to amplify load.
        maxBatchSize,
        createContext: ({ req, res }) => {
          const secure = isHttps(req);
          return createApiContext(
            {
              db: database.db,
              sessions: {
                secret: config.sessionSecret,
                idleMinutes: config.sessionIdleMinutes,
                adminsNeedSecondFactor: config.adminsNeedSecondFactor,
              },
              disclosureSecret: disclosure.secret,
              mapTiles: config.mapTiles,
            },
            {
              requestId: req.id,
              address: req.ip,
              sessionToken: readCookie(req.headers.cookie, sessionCookieName),
              setSessionCookie: (token) =>
                res.header("Set-Cookie", sessionCookie(token, secure, config.sessionIdleMinutes * 60 * 8)),
              clearSessionCookie: () => res.header("Set-Cookie", clearedSessionCookie(secure)),
            },
          );
        },
        onError: ({ error, path: procedure, req }) => {
          if (error.code === "INTERNAL_SERVER_ERROR" || error.code === "SERVICE_UNAVAILABLE") {
            req.log.error({ procedure, code: error.code, err: error.cause ?? error }, "procedure failed");
          }
        },
      } satisfies FastifyTRPCPluginOptions<AppRouter>["trpcOptions"],
    });
  });

  if (existsSync(path.join(config.webDist, "index.html"))) {
    await app.register(fastifyStatic, {
      root: config.webDist,
      wildcard: false,
      index: "index.html",
      // Cache-Control is set for every answer in setSecurityHeaders; source maps are never served.
      cacheControl: false,
      allowedPath: (pathName) => !isSourceMap(pathName),
    });
    // The web app routes on the client: any other page path gets index.html.
    app.setNotFoundHandler((request, reply) => {
      if (request.method === "GET" && !request.url.startsWith("/trpc") && !isSourceMap(request.url)) {
        return reply.sendFile("index.html");
      }
      return reply.code(404).send({ error: "Not found" });
    });
  } else {
    app.get("/", async (_request, reply) =>
      reply
        .type("text/plain")
        .send("Pathways API is running. The web app is not built: run `npm run build -w @pathways/web`."),
    );
  }
  return app;
}
