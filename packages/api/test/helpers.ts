import type { Actor } from "@pathways/core";
import type { Database } from "@pathways/db";
import { testDisclosureSecret } from "@pathways/vitest-config";
import { getTRPCErrorShape, TRPCError } from "@trpc/server";
import type { ApiContext } from "../src/context.ts";
import { appRouter, createCaller } from "../src/root.ts";

/** An in-process caller acting as `actor`, as the HTTP server would build it for a request. */
export function callerAs(db: Database, actor: Actor) {
  const ctx: ApiContext = {
    db,
    actor,
    requestId: "test-request",
    request: {
      requestId: "test-request",
      address: "127.0.0.1",
      sessionToken: null,
      setSessionCookie: () => {},
      clearSessionCookie: () => {},
    },
    sessions: { secret: "test-secret-test-secret-test-secret-0123", idleMinutes: 30 },
    disclosureSecret: testDisclosureSecret,
  };
  return createCaller(ctx);
}

/** What the client receives for a failed call: the formatted shape, with its per-field messages. */
export async function refusal(call: Promise<unknown>) {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${String(error)}`);
  const shape = getTRPCErrorShape({
    config: appRouter._def._config,
    error,
    type: "mutation",
    path: undefined,
    input: undefined,
    ctx: undefined,
  });
  return { code: error.code, message: shape.message, fieldErrors: shape.data.fieldErrors };
}
