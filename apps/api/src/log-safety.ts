import { sqlErrorCode } from "@pathways/core";

/**
 * Errors are logged without the values they carry: Drizzle's message lists a failed query's
 * parameters and PostgreSQL's `detail` quotes the offending row, and both can hold a person's data.
 */
export function safeErrorSerializer(error: Error) {
  const cause = (error as { cause?: unknown }).cause;
  const sqlCode = sqlErrorCode(error);
  return {
    type: error.name,
    message: error.message.split("\nparams:")[0]!.slice(0, 500),
    ...(sqlCode ? { sqlCode } : {}),
    ...(cause instanceof Error
      ? { cause: { type: cause.name, message: cause.message.split("\nparams:")[0]!.slice(0, 300) } }
      : {}),
    // Frames only: the stack's first lines repeat the message.
    stack: (error.stack ?? "")
      .split("\n")
      .filter((line) => line.trimStart().startsWith("at "))
      .slice(0, 8)
      .join("\n"),
  };
}
