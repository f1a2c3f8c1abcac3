import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type DbHandle, queryRows, sql } from "../src/index.ts";

const adminUrl = process.env.TEST_DATABASE_URL;

// postgres.js 3.4.9 as patched at install (packages/db/patches/postgres-fixes.mjs). Without the
// patch, a BEGIN sent when its connection's pipeline was full went back to the pool unreserved:
// transactions failed with UNSAFE_TRANSACTION and plain queries ran inside another's transaction.
describe.runIf(adminUrl)("the postgres.js pool under concurrent transactions", () => {
  const name = `pathways_dbtest_${randomBytes(5).toString("hex")}`;
  const admin = postgres(adminUrl ?? "", { max: 1, onnotice: () => {} });
  let handle: DbHandle;
  beforeAll(async () => {
    await admin.unsafe(`create database "${name}"`);
    const url = new URL(adminUrl!);
    url.pathname = `/${name}`;
    handle = await createDb({ url: url.toString(), maxConnections: 4 });
  });
  afterAll(async () => {
    await handle?.close();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  });

  it("keeps every transaction on its own connection and every other query outside them", async () => {
    const work = Array.from({ length: 300 }, (_, i) =>
      i % 3 === 0
        ? handle.db.transaction(async (tx) => {
            await tx.execute(sql`select pg_sleep(0.001)`);
            const [row] = await queryRows<{ inside: boolean }>(
              tx,
              sql`select now() <> statement_timestamp() as inside`,
            );
            return row!.inside ? "in a transaction" : "not in a transaction";
          })
        : // A statement on its own has now() = statement_timestamp(); inside a transaction begun
          // earlier, now() is the transaction's start.
          queryRows<{ inside: boolean }>(
            handle.db,
            sql`select now() <> statement_timestamp() as inside from pg_sleep(0.001)`,
          ).then(([row]) => (row!.inside ? "in someone's transaction" : "on its own")),
    );
    const answers = await Promise.all(work);
    expect(new Set(answers.filter((_, i) => i % 3 === 0))).toEqual(new Set(["in a transaction"]));
    expect(new Set(answers.filter((_, i) => i % 3 !== 0))).toEqual(new Set(["on its own"]));
  });
});
