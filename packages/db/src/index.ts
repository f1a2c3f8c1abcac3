export * from "drizzle-orm/sql";
export * from "./backup.ts";
export * from "./client.ts";
export * from "./copy.ts";
export { checkPostgresDriver, PostgresDriverUnpatchedError } from "./driver-check.ts";
export { DataDirInUseError } from "./lock.ts";
export * from "./prepared.ts";
export * as schema from "./schema/index.ts";
export * from "./schema/index.ts";
