import { randomBytes, randomUUID } from "node:crypto";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  contacts,
  createDb,
  type DbHandle,
  eq,
  hotspots,
  oncePerDatabase,
  placeholderFor,
  preparedStatement,
  sql,
} from "../src/index.ts";

const hotspotsNamed = preparedStatement<{ name: string; substances: number; label: string }>(
  "test_hotspots_named",
  () => sql`
    select ${hotspots.name} as name,
      cardinality(${placeholderFor("substances", contacts.substances)}::substance[]) as substances,
      ${sql.placeholder("label")}::text as label
    from ${hotspots} where ${hotspots.name} = ${sql.placeholder("name")}`,
);

/** The same checks on each driver, on a fresh migrated database. */
function preparedChecks(open: () => Promise<{ handle: DbHandle; dispose(): Promise<void> }>) {
  let handle: DbHandle;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ handle, dispose } = await open());
    await handle.migrate();
  }, 60_000);
  afterAll(() => dispose());

  it("fills placeholders (through a column's encoding where asked) and answers rows by alias, call after call", async () => {
    const name = `Prepared ${randomUUID()}`;
    await handle.db.insert(hotspots).values({ name, lat: 51.7, lng: -1.2 });
    for (const label of ["first", "second", "third"]) {
      expect(await hotspotsNamed(handle.db, { name, substances: ["heroin", "crack"], label })).toEqual([
        { name, substances: 2, label },
      ]);
    }
    expect(await hotspotsNamed(handle.db, { name: "nowhere", substances: [], label: "x" })).toEqual([]);
  });

  it("runs on the transaction it is given, so it sees that transaction's rows and rolls back with it", async () => {
    const name = `Uncommitted ${randomUUID()}`;
    await expect(
      handle.db.transaction(async (tx) => {
        await tx.insert(hotspots).values({ name, lat: 51.7, lng: -1.2 });
        expect(await hotspotsNamed(tx, { name, substances: [], label: "in" })).toHaveLength(1);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await hotspotsNamed(handle.db, { name, substances: [], label: "out" })).toEqual([]);
    expect(await handle.db.select().from(hotspots).where(eq(hotspots.name, name))).toEqual([]);
  });

  it("builds once per database and afresh for each transaction", async () => {
    let builds = 0;
    const built = oncePerDatabase(() => ++builds);
    expect([built(handle.db), built(handle.db)]).toEqual([1, 1]);
    await handle.db.transaction(async (tx) => {
      expect([built(tx), built(tx)]).toEqual([2, 3]);
    });
    expect(built(handle.db)).toBe(1);
  });
}

describe("prepared statements on PGlite", () => {
  preparedChecks(async () => {
    const handle = await createDb({ dataDir: "memory://" });
    return { handle, dispose: () => handle.close() };
  });
});

const adminUrl = process.env.TEST_DATABASE_URL;

describe.runIf(adminUrl)("prepared statements on PostgreSQL", () => {
  preparedChecks(async () => {
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
        await admin.unsafe(`drop database if exists "${name}" with (force)`);
        await admin.end();
      },
    };
  });
});
