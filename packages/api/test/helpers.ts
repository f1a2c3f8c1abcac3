import type { Actor } from "@pathways/core";
import type { Database } from "@pathways/db";
import { testDisclosureSecret } from "@pathways/vitest-config";
import type { ApiContext } from "../src/context.ts";
import { createCaller } from "../src/root.ts";

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
