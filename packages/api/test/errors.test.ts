import { NotFound } from "@pathways/core";
import { describe, expect, it } from "vitest";
import { toTRPCError } from "../src/errors.ts";

const unavailable = "The database is unavailable just now. Nothing was saved; try again in a moment.";

/** A Node socket error as postgres.js passes it on, wrapped as Drizzle wraps a failed query. */
function socketError(code: string, syscall = "write") {
  const error = Object.assign(new Error(`${syscall} ${code}`), { code, errno: -32, syscall });
  return new Error("Failed query: insert into contacts ...", { cause: error });
}

/** A PostgreSQL error response with its SQLSTATE, as postgres.js and PGlite give it, wrapped likewise. */
function serverError(code: string, message: string) {
  return new Error("Failed query: select 1", {
    cause: Object.assign(new Error(message), { code, severity: "FATAL" }),
  });
}

describe("database errors reach the client as 503 or 500", () => {
  it.each([
    ["a broken socket (EPIPE)", socketError("EPIPE")],
    ["a reset connection", socketError("ECONNRESET", "read")],
    ["a refused connection", socketError("ECONNREFUSED", "connect")],
    ["a timed-out connection", socketError("ETIMEDOUT", "read")],
    ["postgres.js's closed connection", socketError("CONNECTION_CLOSED")],
    ["postgres.js's connect timeout", socketError("CONNECT_TIMEOUT")],
    [
      "pg_terminate_backend (57P01)",
      serverError("57P01", "terminating connection due to administrator command"),
    ],
    [
      "a crash shutdown (57P02)",
      serverError("57P02", "terminating connection because of crash of another server process"),
    ],
    ["a starting or failing-over server (57P03)", serverError("57P03", "the database system is starting up")],
    [
      "an idle transaction cut off (25P03)",
      serverError("25P03", "terminating connection due to idle-in-transaction timeout"),
    ],
    ["no connection slots left (53300)", serverError("53300", "sorry, too many clients already")],
    [
      "a just-promoted primary still read-only (25006)",
      serverError("25006", "cannot execute INSERT in a read-only transaction"),
    ],
    ["a connection failure class 08", serverError("08006", "connection failure")],
  ])("%s is a 503 that says nothing was saved", (_what, error) => {
    const mapped = toTRPCError(error);
    expect(mapped.code).toBe("SERVICE_UNAVAILABLE");
    expect(mapped.message).toBe(unavailable);
  });

  it("a bug or a constraint the code did not expect stays a 500, and a refusal keeps its own code", () => {
    expect(toTRPCError(new TypeError("x is undefined")).code).toBe("INTERNAL_SERVER_ERROR");
    expect(toTRPCError(serverError("23514", "check constraint violated")).code).toBe("INTERNAL_SERVER_ERROR");
    expect(toTRPCError(new NotFound("person", "7f0c0000-0000-4000-8000-000000000000")).code).toBe(
      "NOT_FOUND",
    );
  });
});
