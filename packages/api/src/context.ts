import { type Actor, resolveSession, type SessionSettings } from "@pathways/core";
import type { Database } from "@pathways/db";
import type { MapTiles } from "@pathways/validators";
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
  /** Keys disclosure control of commissioner figures (docs/DISCLOSURE.md); never sent or logged. */
  disclosureSecret: string;
  /** The map's tile server (PATHWAYS_MAP_TILES); null or absent: the map has no tiles. */
  mapTiles?: MapTiles | null;
}

export interface ApiContext {
  db: Database;
  actor: Actor;
  requestId: string;
  /** Where the request came from, signed in or not: the limits that count by address use it. */
  address?: string;
  request: RequestInfo;
  sessions: SessionSettings;
  disclosureSecret: string;
  mapTiles?: MapTiles | null;
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
    address: request.address,
    request,
    sessions: deps.sessions,
    disclosureSecret: deps.disclosureSecret,
    mapTiles: deps.mapTiles ?? null,
  };
}
