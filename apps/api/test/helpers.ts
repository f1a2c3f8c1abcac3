import type { DbHandle } from "@pathways/db";
import type { FastifyInstance } from "fastify";
import { parseServerEnv, type ServerConfig } from "../src/env.ts";
import { buildServer } from "../src/server.ts";

export function testConfig(overrides: Record<string, string> = {}): ServerConfig {
  return parseServerEnv({
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    SESSION_SECRET: "test-secret-test-secret-test-secret-0123",
    PATHWAYS_WEB_DIST: "/nonexistent",
    ...overrides,
  });
}

/** A server on the suite's database; `close()` leaves the database open for the next server. */
export async function serverOn(
  handle: DbHandle,
  overrides: Record<string, string> = {},
): Promise<FastifyInstance> {
  const app = await buildServer({ config: testConfig(overrides), database: handle });
  await app.ready();
  return app;
}

/** Calls a tRPC procedure over HTTP the way the web client does (superjson, JSON POST for mutations). */
export async function call(
  app: FastifyInstance,
  kind: "query" | "mutation",
  procedure: string,
  input: unknown,
  cookie?: string,
  headers: Record<string, string> = {},
) {
  const payload = JSON.stringify({ json: input });
  const response =
    kind === "query"
      ? await app.inject({
          method: "GET",
          url: `/trpc/${procedure}?input=${encodeURIComponent(payload)}`,
          headers: { ...(cookie ? { cookie } : {}), ...headers },
        })
      : await app.inject({
          method: "POST",
          url: `/trpc/${procedure}`,
          payload,
          headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}), ...headers },
        });
  const body = response.json() as {
    result?: { data: { json: unknown } };
    error?: {
      json: {
        message: string;
        code: number;
        data: { code: string; httpStatus: number; fieldErrors?: Record<string, string[]> };
      };
    };
  };
  return { status: response.statusCode, data: body.result?.data.json, error: body.error?.json, response };
}

/** The session cookie (name=value) from a response that set one. */
export function sessionCookieFrom(response: { headers: Record<string, unknown> }): string {
  const header = String(response.headers["set-cookie"] ?? "");
  return header.split(";")[0]!;
}
