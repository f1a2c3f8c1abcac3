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

/** Connection failures and shutdowns: the database is away, so the request may be retried later. */
function isDatabaseUnavailable(error: unknown): boolean {
  const code = sqlErrorCode(error);
  if (code && (code.startsWith("08") || code === "57P01" || code === "57P03")) return true;
  for (let current: unknown = error; current && typeof current === "object"; ) {
    const nodeCode = (current as { code?: unknown }).code;
    if (nodeCode === "ECONNREFUSED" || nodeCode === "ECONNRESET" || nodeCode === "CONNECTION_CLOSED")
      return true;
    if (
      nodeCode === "CONNECT_TIMEOUT" ||
      nodeCode === "CONNECTION_ENDED" ||
      nodeCode === "CONNECTION_DESTROYED"
    )
      return true;
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
