import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { getTableConfig } from "drizzle-orm/pg-core";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import {
  auditEvents,
  backupDatabase,
  contactInterventions,
  contacts,
  createDb,
  type Database,
  type DbHandle,
  hotspots,
  organisations,
  people,
  queryRows,
  RestoreRefused,
  referrals,
  restoreDatabase,
  services,
  sql,
  tablesInDependencyOrder,
  users,
} from "../src/index.ts";

const tmp = mkdtempSync(path.join(os.tmpdir(), "pathways-backup-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function freshPglite(): Promise<DbHandle> {
  const handle = await createDb({ dataDir: "memory://" });
  await handle.migrate();
  return handle;
}

/** Rows of every table, as parsed JSON sorted by their text, for comparing two databases. */
async function everyTable(db: Database): Promise<Record<string, unknown[]>> {
  const result: Record<string, unknown[]> = {};
  for (const table of tablesInDependencyOrder()) {
    const name = getTableConfig(table).name;
    const rows = await queryRows<{ j: string }>(
      db,
      sql.raw(`select row_to_json(t)::text as j from "${name}" t`),
    );
    result[name] = rows
      .map((row) => row.j)
      .sort()
      .map((j) => JSON.parse(j));
  }
  return result;
}

/** A little of everything: arrays, enums, a composite key, identity columns, the append-only audit table. */
async function fill(db: Database) {
  const [organisation] = await db
    .insert(organisations)
    .values({ name: "Turning Point Oxford", kind: "treatment_provider" })
    .returning();
  const [user] = await db
    .insert(users)
    .values({
      organisationId: organisation!.id,
      email: "a@b.org",
      name: "Priya Shah",
      role: "treatment_manager",
      passwordHash: "x",
    })
    .returning();
  const [hotspot] = await db
    .insert(hotspots)
    .values({ name: "South Park", lat: 51.7527, lng: -1.2335 })
    .returning();
  const [person] = await db
    .insert(people)
    .values({
      attributor: "JS-1988-03-14-M",
      firstInitial: "J",
      surnameInitial: "S",
      dateOfBirth: "1988-03-14",
      sex: "male",
      alias: 'O\'Neil "Jay"',
    })
    .returning();
  const [contact] = await db
    .insert(contacts)
    .values({
      clientKey: "device-1",
      occurredAt: new Date("2026-06-30T23:30:00Z"),
      hotspotId: hotspot!.id,
      workerId: user!.id,
      organisationId: organisation!.id,
      personId: person!.id,
      contactType: "street_outreach",
      substances: ["heroin", "crack"],
      safeguardingConcerns: ["cuckooing"],
      notes: "line one\nline two, with a comma",
    })
    .returning();
  await db.insert(contactInterventions).values([
    { contactId: contact!.id, intervention: "naloxone_supplied", quantity: 2 },
    { contactId: contact!.id, intervention: "harm_reduction_advice" },
  ]);
  const [service] = await db
    .insert(services)
    .values({ organisationId: organisation!.id, code: "opiate_treatment", name: "Opiate treatment" })
    .returning();
  for (const reason of ["first", "second"]) {
    await db.insert(referrals).values({
      personId: person!.id,
      referringOrganisationId: organisation!.id,
      serviceId: service!.id,
      reason,
      source: "outreach",
      requestedAt: new Date("2026-07-01T10:00:00Z"),
      statusChangedAt: new Date("2026-07-01T10:00:00Z"),
    });
  }
  await db.insert(auditEvents).values({
    actorKind: "system",
    actorName: "test",
    action: "create",
    entity: "person",
    entityId: person!.id,
    personId: person!.id,
  });
}

type Opened = { handle: DbHandle; dispose(): Promise<void> };

function roundTrips(target: () => Promise<Opened>, source: () => Promise<Opened> = inPglite) {
  it("restores every table exactly, and identity numbers carry on where they stopped", async () => {
    const from = await source();
    const target1 = await target();
    const sourceDb = from.handle;
    try {
      await fill(sourceDb.db);
      const file = path.join(tmp, `${randomBytes(4).toString("hex")}.jsonl.gz`);
      const dumped = await backupDatabase(sourceDb.db, file);
      expect(dumped.referrals).toBe(2);
      const restored = await restoreDatabase(target1.handle.db, file);
      expect(restored).toEqual(dumped);
      expect(await everyTable(target1.handle.db)).toEqual(await everyTable(sourceDb.db));
      // The next referral number follows the restored ones instead of colliding with them.
      const [person] = await target1.handle.db.select().from(people);
      const [organisation] = await target1.handle.db.select().from(organisations);
      const [service] = await target1.handle.db.select().from(services);
      const [next] = await target1.handle.db
        .insert(referrals)
        .values({
          personId: person!.id,
          referringOrganisationId: organisation!.id,
          serviceId: service!.id,
          reason: "third",
          source: "self",
          requestedAt: new Date(),
          statusChangedAt: new Date(),
        })
        .returning();
      expect(next!.number).toBe(3);
    } finally {
      await from.dispose();
      await target1.dispose();
    }
  });
}

async function inPglite(): Promise<Opened> {
  const handle = await freshPglite();
  return { handle, dispose: () => handle.close() };
}

const adminUrl = process.env.TEST_DATABASE_URL;

/** A fresh, migrated PostgreSQL database of its own, dropped afterwards. */
async function inPostgres(): Promise<Opened> {
  const name = `pathways_restore_${randomBytes(5).toString("hex")}`;
  const admin = postgres(adminUrl!, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(adminUrl!);
  url.pathname = `/${name}`;
  const handle = await createDb({ url: url.toString() });
  await handle.migrate();
  return {
    handle,
    dispose: async () => {
      await handle.close();
      await admin.unsafe(`drop database "${name}" with (force)`);
      await admin.end();
    },
  };
}

describe("backup and restore", () => {
  describe("from PGlite into PGlite", () => roundTrips(inPglite));
  describe.runIf(adminUrl)("from PGlite into PostgreSQL", () => roundTrips(inPostgres));
  describe.runIf(adminUrl)("from PostgreSQL into PostgreSQL", () => roundTrips(inPostgres, inPostgres));
  describe.runIf(adminUrl)("from PostgreSQL into PGlite", () => roundTrips(inPglite, inPostgres));

  it("refuses to restore over data, and writes nothing", async () => {
    const source = await freshPglite();
    const target = await freshPglite();
    try {
      await fill(source.db);
      const file = path.join(tmp, "over-data.jsonl.gz");
      await backupDatabase(source.db, file);
      await target.db.insert(hotspots).values({ name: "Grandpont", lat: 51.74, lng: -1.25 });
      await expect(restoreDatabase(target.db, file)).rejects.toThrow(RestoreRefused);
      expect(await target.db.select().from(people)).toEqual([]);
    } finally {
      await source.close();
      await target.close();
    }
  });

  it("refuses a file that is not a backup, or is cut short, and writes nothing", async () => {
    const target = await freshPglite();
    const source = await freshPglite();
    try {
      const garbage = path.join(tmp, "garbage.gz");
      const { gzipSync, gunzipSync } = await import("node:zlib");
      writeFileSync(garbage, gzipSync("hello\n"));
      await expect(restoreDatabase(target.db, garbage)).rejects.toThrow("is not a Pathways backup");

      await fill(source.db);
      const whole = path.join(tmp, "whole.jsonl.gz");
      await backupDatabase(source.db, whole);
      const { readFileSync } = await import("node:fs");
      const text = gunzipSync(readFileSync(whole)).toString("utf8");
      const cut = text.slice(0, text.indexOf('{"end":"contacts"'));
      const truncated = path.join(tmp, "truncated.jsonl.gz");
      writeFileSync(truncated, gzipSync(cut));
      await expect(restoreDatabase(target.db, truncated)).rejects.toThrow("is incomplete");
      expect(await target.db.select().from(organisations)).toEqual([]);
    } finally {
      await target.close();
      await source.close();
    }
  });
});
