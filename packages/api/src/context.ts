import { type Actor, resolveSession, type SessionSettings } from "@pathways/core";
import type { Database } from "@pathways/db";
import { toTRPCError } from "./errors.ts";

/** What the HTTP layer tells the API about one request, whatever server carries it. */
export interface RequestInfo {
  requestId: string;
  address: string;
  sessionToken: string | null;
  setSessionCookie(token: string): void;
  clearSessionCookie(): void;
}

export interface ApiDeps {
  db: Database;
  sessions: SessionSettings;
}

export interface ApiContext {
  db: Database;
  actor: Actor;
  requestId: string;
  request: RequestInfo;
  sessions: SessionSettings;
}

export async function createApiContext(deps: ApiDeps, request: RequestInfo): Promise<ApiContext> {
  let user: Awaited<ReturnType<typeof resolveSession>> = null;
  try {
    user = request.sessionToken ? await resolveSession(deps.db, request.sessionToken, deps.sessions) : null;
  } catch (error) {
    // Looking up the session is the first database call of a request: an outage must read as 503.
    throw toTRPCError(error);
  }
  if (request.sessionToken && !user) request.clearSessionCookie();
  return {
    db: deps.db,
    actor: user ?? { kind: "public", address: request.address },
    requestId: request.requestId,
    request,
    sessions: deps.sessions,
  };
}
