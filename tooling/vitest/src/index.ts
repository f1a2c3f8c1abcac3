import { randomBytes } from "node:crypto";
import { appendFileSync, readFileSync } from "node:fs";
import { createDb, type Database, type DbDriver, type DbHandle } from "@pathways/db";
import postgres from "postgres";
import { afterAll, beforeAll, describe, inject } from "vitest";
import "./provided.ts";

export interface TestDb {
  driver: DbDriver;
  handle: DbHandle;
  db: Database;
  /** A URL for opening more connections to the same database (PostgreSQL only). */
  url: string | null;
}

/** The drivers every database test runs on: PGlite always, PostgreSQL when TEST_DATABASE_URL is set. */
export function testDrivers(): DbDriver[] {
  return inject("postgresTemplate") ? ["pglite", "postgres"] : ["pglite"];
}

/** Opens a fresh, migrated database of the given driver, copied from the run's snapshot or template. */
export async function openTestDb(driver: DbDriver): Promise<TestDb & { drop(): Promise<void> }> {
  if (driver === "pglite") {
    const handle = await createDb({
      dataDir: "memory://",
      loadDataDir: new Blob([readFileSync(inject("pgliteSnapshot"))]),
    });
    return { driver, handle, db: handle.db, url: null, drop: () => handle.close() };
  }
  const template = inject("postgresTemplate");
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!template || !adminUrl) throw new Error("PostgreSQL tests need TEST_DATABASE_URL");
  const name = `pathways_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}" template "${template}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await createDb({ url: url.toString(), maxConnections: 5 });
  return {
    driver,
    handle,
    db: handle.db,
    url: url.toString(),
    drop: async () => {
      await handle.close();
      const cleanup = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

/**
 * Declares the same suite once per driver; `use()` gives the suite's database inside tests.
 * Every suite gets its own database, so tests never trip over another file's data.
 */
export function describeDb(name: string, body: (use: () => TestDb) => void): void {
  for (const driver of testDrivers()) {
    describe(`${name} [${driver}]`, () => {
      let testDb: (TestDb & { drop(): Promise<void> }) | undefined;
      beforeAll(async () => {
        testDb = await openTestDb(driver);
        // CI checks this tally so PostgreSQL suites cannot be skipped without anyone noticing.
        const tally = process.env.PATHWAYS_DRIVER_TALLY;
        if (tally) appendFileSync(tally, `${driver}\t${name}\n`);
      }, 60_000);
      afterAll(async () => {
        await testDb?.drop();
      });
      body(() => {
        if (!testDb) throw new Error(`The ${driver} test database did not open`);
        return testDb;
      });
    });
  }
}

export { makeWorld, type TestCtx, type TestUserActor, testDisclosureSecret } from "./world.ts";
