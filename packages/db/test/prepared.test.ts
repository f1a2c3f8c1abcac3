import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  contacts,
  eq,
  hotspots,
  oncePerDatabase,
  placeholderFor,
  preparedStatement,
  sql,
} from "../src/index.ts";
import { adminUrl, inPglite, inPostgres, migratedFor, type Opener } from "./open.ts";

const hotspotsNamed = preparedStatement<{ name: string; substances: number; label: string }>(
  "test_hotspots_named",
  () => sql`
    select ${hotspots.name} as name,
      cardinality(${placeholderFor("substances", contacts.substances)}::substance[]) as substances,
      ${sql.placeholder("label")}::text as label
    from ${hotspots} where ${hotspots.name} = ${sql.placeholder("name")}`,
);

/** The same checks on each driver, on a fresh migrated database. */
function preparedChecks(open: Opener) {
  const use = migratedFor(open);

  it("fills placeholders (through a column's encoding where asked) and answers rows by alias, call after call", async () => {
    const name = `Prepared ${randomUUID()}`;
    await use().db.insert(hotspots).values({ name, lat: 51.7, lng: -1.2 });
    for (const label of ["first", "second", "third"]) {
      expect(await hotspotsNamed(use().db, { name, substances: ["heroin", "crack"], label })).toEqual([
        { name, substances: 2, label },
      ]);
    }
    expect(await hotspotsNamed(use().db, { name: "nowhere", substances: [], label: "x" })).toEqual([]);
  });

  it("runs on the transaction it is given, so it sees that transaction's rows and rolls back with it", async () => {
    const name = `Uncommitted ${randomUUID()}`;
    await expect(
      use().db.transaction(async (tx) => {
        await tx.insert(hotspots).values({ name, lat: 51.7, lng: -1.2 });
        expect(await hotspotsNamed(tx, { name, substances: [], label: "in" })).toHaveLength(1);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await hotspotsNamed(use().db, { name, substances: [], label: "out" })).toEqual([]);
    expect(await use().db.select().from(hotspots).where(eq(hotspots.name, name))).toEqual([]);
  });

  it("builds once per database and afresh for each transaction", async () => {
    let builds = 0;
    const built = oncePerDatabase(() => ++builds);
    expect([built(use().db), built(use().db)]).toEqual([1, 1]);
    await use().db.transaction(async (tx) => {
      expect([built(tx), built(tx)]).toEqual([2, 3]);
    });
    expect(built(use().db)).toBe(1);
  });
}

describe("prepared statements on PGlite", () => {
  preparedChecks(inPglite);
});

describe.runIf(adminUrl)("prepared statements on PostgreSQL", () => {
  preparedChecks(inPostgres);
});
