import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, beforeAll } from "vitest";
import { createDb, type DbHandle } from "../src/index.ts";

/** A database opened for a group of checks, and how to let it go. */
export type Opener = () => Promise<{ handle: DbHandle; dispose(): Promise<void> }>;

export const adminUrl = process.env.TEST_DATABASE_URL;

/** A new PGlite database in memory. */
export async function inPglite() {
  const handle = await createDb({ dataDir: "memory://" });
  return { handle, dispose: () => handle.close() };
}

/** A new, empty PostgreSQL database of its own (next to TEST_DATABASE_URL's), dropped afterwards. */
export async function inPostgres() {
  const name = `pathways_dbtest_${randomBytes(5).toString("hex")}`;
  const admin = postgres(adminUrl!, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(adminUrl!);
  url.pathname = `/${name}`;
  const handle = await createDb({ url: url.toString() });
  return {
    handle,
    dispose: async () => {
      await handle.close();
      await admin.unsafe(`drop database "${name}" with (force)`);
      await admin.end();
    },
  };
}

/** Opens and migrates a database before the group's checks and lets it go after them. */
export function migratedFor(open: Opener): () => DbHandle {
  let handle: DbHandle;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ handle, dispose } = await open());
    await handle.migrate();
  }, 60_000);
  afterAll(() => dispose());
  return () => handle;
}
