import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  auditEvents,
  contacts,
  copyFrom,
  copyInto,
  copyRows,
  copyValue,
  createDb,
  DataDirInUseError,
  type DbHandle,
  eq,
  hotspots,
  inArray,
  organisations,
  people,
  personMerges,
  sql,
  users,
} from "../src/index.ts";
import { adminUrl, inPglite, inPostgres, migratedFor, type Opener } from "./open.ts";

const tmp = mkdtempSync(path.join(os.tmpdir(), "pathways-db-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function tableNames(handle: DbHandle): Promise<string[]> {
  const result = await handle.db.execute<{ table_name: string }>(
    sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`,
  );
  const rows = Array.isArray(result)
    ? result
    : (result as unknown as { rows: { table_name: string }[] }).rows;
  return rows.map((row) => row.table_name);
}

/** Each driver gets the same checks: migrations apply (twice is a no-op) and audit rows cannot change. */
function migrationChecks(open: Opener) {
  it("applies every migration, and applying them again changes nothing", async () => {
    const { handle, dispose } = await open();
    try {
      await handle.migrate();
      await handle.migrate();
      const tables = await tableNames(handle);
      for (const table of [
        "organisations",
        "users",
        "sessions",
        "hotspots",
        "people",
        "contacts",
        "audit_events",
        "areas",
        "area_populations",
        "drug_related_deaths",
        "drug_related_death_corrections",
      ]) {
        expect(tables).toContain(table);
      }
      expect(await handle.ping()).toBe(true);
    } finally {
      await dispose();
    }
  });

  it("refuses to update or delete audit events", async () => {
    const { handle, dispose } = await open();
    try {
      await handle.migrate();
      await handle.db
        .insert(auditEvents)
        .values({ actorKind: "system", actorName: "test", action: "read", entity: "person", entityId: "x" });
      await expect(handle.db.update(auditEvents).set({ action: "create" })).rejects.toThrow();
      await expect(handle.db.delete(auditEvents)).rejects.toThrow();
      const rows = await handle.db.select().from(auditEvents);
      expect(rows.map((row) => row.action)).toEqual(["read"]);
    } finally {
      await dispose();
    }
  });
}

describe("copyValue", () => {
  it("writes COPY's text format: \\N for null, escaped tabs, newlines and backslashes, quoted array items", () => {
    expect(copyValue(null)).toBe("\\N");
    expect(copyValue(undefined)).toBe("\\N");
    expect(copyValue(true)).toBe("t");
    expect(copyValue(2.5)).toBe("2.5");
    expect(copyValue("a\tb\nc\\d\re")).toBe("a\\tb\\nc\\\\d\\re");
    expect(copyValue(new Date("2024-05-01T20:30:00Z"))).toBe("2024-05-01T20:30:00.000Z");
    expect(copyValue(["heroin", "crack"])).toBe("{heroin,crack}");
    expect(copyValue(["a b", 'say "hi"', "", "NULL", "x,y"])).toBe(
      '{"a b","say \\\\"hi\\\\"","","NULL","x,y"}',
    );
    expect(copyValue({ people: ["x"] })).toBe('{"people":["x"]}');
  });
});

/** COPY on each driver, on a fresh migrated database: values as Drizzle writes them, errors, rollback. */
function copyChecks(open: Opener) {
  const use = migratedFor(open);

  it("copies rows keyed as Drizzle inserts take them, with the values Drizzle would write", async () => {
    const { db } = use();
    const [organisation] = await db
      .insert(organisations)
      .values({ name: `Copy test ${randomUUID()}`, kind: "taskforce" })
      .returning();
    const [worker] = await db
      .insert(users)
      .values({
        organisationId: organisation!.id,
        email: `${randomUUID()}@example.org`,
        name: "Sam",
        role: "outreach_worker",
        passwordHash: "x",
      })
      .returning();
    const personIds = [randomUUID(), randomUUID()];
    await copyInto(
      db,
      people,
      personIds.map((id, i) => ({
        id,
        attributor: `AB-1990-01-0${i + 1}-M`,
        firstInitial: "A",
        surnameInitial: "B",
        dateOfBirth: `1990-01-0${i + 1}`,
        sex: "male" as const,
        alias: i === 0 ? "Tab\there, new\nline, back\\slash" : null,
      })),
    );
    const read = await db.select().from(people).where(eq(people.id, personIds[0]!));
    expect(read[0]).toMatchObject({ alias: "Tab\there, new\nline, back\\slash", dateOfBirth: "1990-01-01" });
    // A column no row gives keeps its default.
    expect(read[0]!.createdAt).toBeInstanceOf(Date);

    const contactId = randomUUID();
    await copyInto(db, contacts, [
      {
        id: contactId,
        clientKey: `copy-${contactId}`,
        occurredAt: new Date("2024-05-01T20:30:00Z"),
        location: "Cowley Road",
        lat: 51.74,
        workerId: worker!.id,
        organisationId: organisation!.id,
        personId: personIds[0]!,
        contactType: "street_outreach",
        substances: ["heroin", "crack"],
        safeguardingConcerns: [],
      },
    ]);
    const [contact] = await db.select().from(contacts).where(eq(contacts.id, contactId));
    expect(contact).toMatchObject({
      occurredAt: new Date("2024-05-01T20:30:00Z"),
      hotspotId: null,
      lat: 51.74,
      lng: null,
      substances: ["heroin", "crack"],
      safeguardingConcerns: [],
    });

    await copyInto(db, personMerges, [
      { survivorId: personIds[0]!, mergedId: personIds[1]!, moved: { contacts: [contactId] } },
    ]);
    const [merge] = await db.select().from(personMerges).where(eq(personMerges.mergedId, personIds[1]!));
    expect(merge!.moved).toEqual({ contacts: [contactId] });
  });

  it("writes on an open transaction's connection, so the rows roll back with it", async () => {
    const { db } = use();
    const name = `Rolled back ${randomUUID()}`;
    await expect(
      db.transaction(async (tx) => {
        await copyInto(tx, hotspots, [{ name, lat: 51.7, lng: -1.2 }]);
        const seen = await tx.select().from(hotspots).where(eq(hotspots.name, name));
        expect(seen).toHaveLength(1);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await db.select().from(hotspots).where(eq(hotspots.name, name))).toEqual([]);
  });

  it("streams rows as they are made, and copies none of them when making them fails", async () => {
    const { db } = use();
    const names = Array.from({ length: 1200 }, (_, i) => `Streamed ${randomUUID()} ${i}`);
    const named = (list: string[]) =>
      db.select({ n: sql<number>`count(*)::int` }).from(hotspots).where(inArray(hotspots.name, list));
    await copyFrom(
      db,
      hotspots,
      ["name", "lat", "lng"],
      names.map((name) => ({ name, lat: 51.7, lng: -1.2 })),
    );
    expect(await named(names)).toEqual([{ n: 1200 }]);

    const more = names.map((name) => `${name} again`);
    function* failing() {
      // Past the first writes to the server, then a failure while making the rest.
      for (const name of more.slice(0, 1100)) yield { name, lat: 51.7, lng: -1.2 };
      throw new Error("no more rows");
    }
    await expect(copyFrom(db, hotspots, ["name", "lat", "lng"], failing())).rejects.toThrow("no more rows");
    expect(await named(more)).toEqual([{ n: 0 }]);
  });

  it("fails on a bad row, writing none of the batch, and leaves the connection usable", async () => {
    const { db } = use();
    const count = () => db.select({ n: sql<number>`count(*)::int` }).from(auditEvents);
    const before = await count();
    const rows = "system\tcopy\tcreate\tperson\tp1\nnobody\tcopy\tcreate\tperson\tp2\n";
    const columns = ["actor_kind", "actor_name", "action", "entity", "entity_id"];
    await expect(copyRows(db, "audit_events", columns, rows)).rejects.toThrow(/actor_kind/);
    // Inside a transaction: the error comes back (not a hang) and the transaction rolls back.
    await expect(
      db.transaction(async (tx) => {
        await copyRows(tx, "audit_events", columns, "system\tcopy\tcreate\tperson\tp0\n");
        await copyRows(tx, "audit_events", columns, rows);
      }),
    ).rejects.toThrow(/actor_kind/);
    expect(await count()).toEqual(before);
  });
}

describe("createDb on PGlite", () => {
  migrationChecks(inPglite);
  copyChecks(inPglite);

  it("keeps data in its directory across reopenings", async () => {
    const dataDir = path.join(tmp, "persist");
    const first = await createDb({ dataDir });
    await first.migrate();
    await first.db.insert(organisations).values({ name: "Oxford Drugs Taskforce", kind: "taskforce" });
    await first.close();
    const second = await createDb({ dataDir });
    const rows = await second.db.select().from(organisations);
    await second.close();
    expect(rows.map((row) => row.name)).toEqual(["Oxford Drugs Taskforce"]);
  });

  it("refuses a second opener of the same directory with a message naming the process", async () => {
    const dataDir = path.join(tmp, "locked");
    const first = await createDb({ dataDir });
    try {
      const second = createDb({ dataDir });
      await expect(second).rejects.toBeInstanceOf(DataDirInUseError);
      await expect(second).rejects.toThrow(`already open in process ${process.pid}`);
    } finally {
      await first.close();
    }
    const again = await createDb({ dataDir });
    await again.close();
  });

  it("refuses an opener in another process while this one holds the directory", async () => {
    const dataDir = path.join(tmp, "cross-process");
    const holder = await createDb({ dataDir });
    try {
      const script = `import("${path.resolve(import.meta.dirname, "../src/index.ts")}").then(m => m.createDb({ dataDir: ${JSON.stringify(dataDir)} })).then(() => process.exit(0), e => { console.error(e.message); process.exit(3); })`;
      const child = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { encoding: "utf8" });
      expect(child.status).toBe(3);
      expect(child.stderr).toContain(`already open in process ${process.pid}`);
    } finally {
      await holder.close();
    }
  });

  it("takes over a lock left behind by a process that died", async () => {
    const dataDir = path.join(tmp, "stale");
    // A pid far above any the kernel hands out stands for a crashed owner.
    writeFileSync(`${dataDir}.lock`, "999999999");
    const handle = await createDb({ dataDir });
    await handle.close();
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
  });
});

describe.runIf(adminUrl)("createDb on PostgreSQL", () => {
  migrationChecks(inPostgres);
  copyChecks(inPostgres);

  it("reports an unreachable server as not ready instead of hanging", async () => {
    const handle = await createDb({ url: "postgres://nobody@127.0.0.1:1/none" });
    expect(await handle.ping(3000)).toBe(false);
    await handle.close();
  });
});
