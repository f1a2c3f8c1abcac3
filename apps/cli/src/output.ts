/** Where a command writes: standard output and error in the CLI, a buffer in tests. */
export interface Output {
  out(line: string): void;
  err(line: string): void;
}

/** A command used wrongly: the message says how to use it (exit code 2, no stack trace). */
export class UsageError extends Error {}
