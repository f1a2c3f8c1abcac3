import { PathwaysError, sqlErrorCode } from "@pathways/core";
import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";

const codeOf: Record<PathwaysError["kind"], TRPC_ERROR_CODE_KEY> = {
  not_found: "NOT_FOUND",
  forbidden: "FORBIDDEN",
  unauthenticated: "UNAUTHORIZED",
  conflict: "CONFLICT",
  invalid_transition: "CONFLICT",
  validation: "BAD_REQUEST",
  rate_limited: "TOO_MANY_REQUESTS",
};

/**
 * SQLSTATEs of a connection lost or refused for a while: shutdown, failover, termination, limits.
 * 25006 (read-only transaction) is a failover too: Pathways never opens a read-only transaction to
 * write, but pg_auto_failover keeps a just-promoted primary read-only until the old one is surely
 * demoted (decision 0054), and a connection made in that window fails its writes until then.
 */
const unavailableStates = new Set(["57P01", "57P02", "57P03", "25P03", "53300", "25006"]);
/** Node's and postgres.js's codes for a connection that broke, timed out or never opened. */
const unavailableConnectionCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
]);

/** Connection failures and shutdowns: the database is away, so the request may be retried later. */
function isDatabaseUnavailable(error: unknown): boolean {
  const code = sqlErrorCode(error);
  if (code && (code.startsWith("08") || unavailableStates.has(code))) return true;
  for (let current: unknown = error; current && typeof current === "object"; ) {
    const nodeCode = (current as { code?: unknown }).code;
    if (typeof nodeCode === "string" && unavailableConnectionCodes.has(nodeCode)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Maps an error a verb threw to the one the client sees; unexpected errors keep their detail server-side. */
export function toTRPCError(error: unknown): TRPCError {
  if (error instanceof TRPCError) {
    // tRPC wraps whatever a resolver threw as INTERNAL_SERVER_ERROR; classify the original instead.
    return error.code === "INTERNAL_SERVER_ERROR" && error.cause ? toTRPCError(error.cause) : error;
  }
  if (error instanceof PathwaysError) {
    return new TRPCError({ code: codeOf[error.kind], message: error.message, cause: error });
  }
  if (isDatabaseUnavailable(error)) {
    return new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message: "The database is unavailable just now. Nothing was saved; try again in a moment.",
      cause: error,
    });
  }
  return new TRPCError({
    code: "INTERNAL_SERVER_ERROR",
    message: "Something went wrong on our side. It has been logged; please try again.",
    cause: error,
  });
}
