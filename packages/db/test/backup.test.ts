import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { generateX25519Identity, identityToRecipient } from "age-encryption";
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
  loginAttempts,
  organisations,
  people,
  queryRows,
  RestoreRefused,
  referrals,
  restoreDatabase,
  services,
  sessions,
  sql,
  tablesInDependencyOrder,
  tablesLeftOutOfBackups,
  users,
} from "../src/index.ts";

const tmp = mkdtempSync(path.join(os.tmpdir(), "pathways-backup-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function freshPglite(): Promise<DbHandle> {
  const handle = await createDb({ dataDir: "memory://" });
  await handle.migrate();
  return handle;
}

/**
 * Rows of every backed-up table, as parsed JSON sorted by their text, for comparing two databases;
 * without the audit events of the backup and the restore themselves.
 */
async function everyTable(db: Database): Promise<Record<string, unknown[]>> {
  const result: Record<string, unknown[]> = {};
  for (const table of tablesInDependencyOrder()) {
    const name = getTableConfig(table).name;
    if (tablesLeftOutOfBackups.has(name)) continue;
    const rows = await queryRows<{ j: string }>(
      db,
      sql.raw(
        `select row_to_json(t)::text as j from "${name}" t${name === "audit_events" ? " where action not in ('backup', 'backup_encrypted', 'restore')" : ""}`,
      ),
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
  await db.insert(sessions).values({ id: "session-secret-token", userId: user!.id });
  await db.insert(loginAttempts).values({ email: "a@b.org", address: "203.0.113.9", succeeded: false });
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

describe("backup and restore", { timeout: 300_000 }, () => {
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
      writeFileSync(garbage, gzipSync("hello\n"));
      await expect(restoreDatabase(target.db, garbage)).rejects.toThrow("is not a Pathways backup");

      await fill(source.db);
      const whole = path.join(tmp, "whole.jsonl.gz");
      await backupDatabase(source.db, whole);
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

/** Values written by fill(): none of them may appear in a refusal. */
const rowValues = [
  "Priya Shah",
  "a@b.org",
  "O'Neil",
  "JS-1988-03-14-M",
  "line one",
  "South Park",
  "Turning Point Oxford",
  "not-a-uuid",
  "session-secret-token",
];

/** The decompressed lines of a plain backup of fill()'s data. */
async function backupLines(): Promise<string[]> {
  const source = await freshPglite();
  try {
    await fill(source.db);
    const file = path.join(tmp, `${randomBytes(4).toString("hex")}.jsonl.gz`);
    await backupDatabase(source.db, file);
    return gunzipSync(readFileSync(file)).toString("utf8").split("\n");
  } finally {
    await source.close();
  }
}

function tableRows(lines: string[], table: string): number[] {
  const start = lines.indexOf(JSON.stringify({ table }));
  const indexes: number[] = [];
  for (let i = start + 1; !lines[i]!.startsWith('{"end":'); i++) indexes.push(i);
  return indexes;
}

/** A copy of the lines with one row's JSON changed. */
function withRow(lines: string[], table: string, change: (row: Record<string, unknown>) => void) {
  const copy = [...lines];
  const index = tableRows(lines, table)[0]!;
  const row = JSON.parse(copy[index]!);
  change(row);
  copy[index] = JSON.stringify(row);
  return copy;
}

function damagedFiles(lines: string[]): [string, string | Buffer, RegExp][] {
  const whole = gzipSync(lines.join("\n"));
  const people = tableRows(lines, "people")[0]!;
  const referrals = tableRows(lines, "referrals");
  const without = (index: number) => lines.filter((_, i) => i !== index);
  return [
    [
      "a truncated gzip file",
      whole.subarray(0, Math.floor(whole.length * 0.6)),
      /:\d+:1: the compressed data ends early/,
    ],
    [
      "a file that is not gzip",
      Buffer.from("PK\u0003\u0004 not a backup at all"),
      /:1:1: this is not a Pathways backup/,
    ],
    ["a gzip file of something else", gzipSync('{"hello":"world"}\n'), /:1:1: this is not a Pathways backup/],
    [
      "a row cut in the middle (bad JSON)",
      gzipSync(lines.map((line, i) => (i === people ? line.slice(0, 40) : line)).join("\n")),
      /:\d+:\d+: table people: this line is not valid JSON/,
    ],
    [
      "a column this version does not have",
      gzipSync(
        withRow(lines, "people", (row) => {
          row.nickname = row.alias;
        }).join("\n"),
      ),
      /:\d+:\d+: table people has no column "nickname"/,
    ],
    [
      "a required value missing",
      gzipSync(
        withRow(lines, "people", (row) => {
          row.attributor = null;
        }).join("\n"),
      ),
      /:\d+:\d+: table people: column "attributor" is empty but may not be/,
    ],
    [
      "a value of the wrong type",
      gzipSync(
        withRow(lines, "contacts", (row) => {
          row.hotspot_id = "not-a-uuid";
        }).join("\n"),
      ),
      /:\d+:1: table contacts: a value has the wrong type or form \(SQLSTATE 22P02\)/,
    ],
    [
      "a row that points at a missing row",
      gzipSync(
        withRow(lines, "contacts", (row) => {
          row.hotspot_id = "00000000-0000-4000-8000-000000000000";
        }).join("\n"),
      ),
      /:\d+:1: table contacts: a row refers to a row that is not in the backup/,
    ],
    [
      "a row line missing",
      gzipSync(without(referrals[1]!).join("\n")),
      /table referrals ends here with 1 rows, but the file says it has 2/,
    ],
    [
      "a row repeated",
      gzipSync(
        [...lines.slice(0, referrals[1]! + 1), lines[referrals[1]!]!, ...lines.slice(referrals[1]! + 1)].join(
          "\n",
        ),
      ),
      /:\d+:1: table referrals: a row repeats a value that must be unique/,
    ],
  ];
}

function expectSafeRefusal(error: unknown, file: string, pattern: RegExp) {
  expect(error).toBeInstanceOf(RestoreRefused);
  const message = (error as Error).message;
  expect(message.startsWith(`${file}:`)).toBe(true);
  expect(message).toMatch(pattern);
  for (const value of rowValues) expect(message).not.toContain(value);
  expect(message).not.toMatch(/\n\s+at /);
}

async function expectEmpty(db: Database) {
  for (const table of tablesInDependencyOrder()) {
    const name = getTableConfig(table).name;
    const [row] = await queryRows<{ n: number }>(db, sql.raw(`select count(*)::int as n from "${name}"`));
    expect(row?.n, name).toBe(0);
  }
}

function damagedRestores(target: () => Promise<Opened>) {
  it("a damaged file is refused with its file, line and column, no row value and no stack; nothing is written", async () => {
    const lines = await backupLines();
    const opened = await target();
    try {
      for (const [what, bytes, pattern] of damagedFiles(lines)) {
        const file = path.join(tmp, `damaged-${randomBytes(4).toString("hex")}.jsonl.gz`);
        writeFileSync(file, bytes);
        const error = await restoreDatabase(opened.handle.db, file).then(
          () => new Error(`${what} was restored`),
          (refusal: unknown) => refusal,
        );
        expectSafeRefusal(error, file, pattern);
        await expectEmpty(opened.handle.db);
      }
    } finally {
      await opened.dispose();
    }
  });

  it("an encrypted backup: the wrong passphrase, no key, a cut-short file are refused; the right key restores it", async () => {
    const source = await freshPglite();
    const opened = await target();
    try {
      await fill(source.db);
      const file = path.join(tmp, `encrypted-${randomBytes(4).toString("hex")}.age`);
      // A low scrypt work factor keeps the test quick; the CLI uses age's default.
      await backupDatabase(source.db, file, {
        encryption: { passphrase: "correct horse", scryptWorkFactor: 10 },
      });
      const bytes = readFileSync(file);
      expect(bytes.subarray(0, 22).toString("latin1")).toBe("age-encryption.org/v1\n");
      for (const value of rowValues) expect(bytes.includes(value)).toBe(false);

      const wrong = await restoreDatabase(opened.handle.db, file, {
        key: { passphrase: "wrong horse" },
      }).catch((error: unknown) => error);
      expect(wrong).toBeInstanceOf(RestoreRefused);
      expect((wrong as Error).message).toBe(
        `${file}: the backup could not be decrypted: the passphrase or key is wrong, or its header is damaged.`,
      );
      const keyless = await restoreDatabase(opened.handle.db, file).catch((error: unknown) => error);
      expect((keyless as Error).message).toContain("the backup is encrypted: give its passphrase");
      const cut = path.join(tmp, `cut-${randomBytes(4).toString("hex")}.age`);
      writeFileSync(cut, bytes.subarray(0, bytes.length - 100));
      const cutShort = await restoreDatabase(opened.handle.db, cut, {
        key: { passphrase: "correct horse" },
      }).catch((error: unknown) => error);
      // The decryption or the decompression notices first, depending on where the cut falls.
      expectSafeRefusal(
        cutShort,
        cut,
        /the encrypted data is damaged or was cut short|the compressed data ends early/,
      );
      await expectEmpty(opened.handle.db);

      const restored = await restoreDatabase(opened.handle.db, file, {
        key: { passphrase: "correct horse" },
      });
      expect(restored.people).toBe(1);
      expect(await everyTable(opened.handle.db)).toEqual(await everyTable(source.db));
    } finally {
      await source.close();
      await opened.dispose();
    }
  });
}

// Each check opens two or three databases: minutes on a busy machine.
describe("backups keep secrets in", { timeout: 300_000 }, () => {
  it("the file is 0600, leaves out sessions and sign-in attempts, and the backup and the restore are audited", async () => {
    const source = await freshPglite();
    const target = await freshPglite();
    try {
      await fill(source.db);
      const file = path.join(tmp, "private.jsonl.gz");
      writeFileSync(file, "an older file of the same name, world-readable", { mode: 0o644 });
      await backupDatabase(source.db, file, { actorName: "pathways cli (ops)" });
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const text = gunzipSync(readFileSync(file)).toString("utf8");
      expect(JSON.parse(text.split("\n")[0]!).tables).not.toContain("sessions");
      expect(text).not.toContain("session-secret-token");
      expect(text).not.toContain("203.0.113.9");
      const [backedUp] = await source.db.select().from(auditEvents).where(sql`action = 'backup'`);
      expect(backedUp).toMatchObject({
        actorName: "pathways cli (ops)",
        entity: "database",
        entityId: "private.jsonl.gz",
      });

      await restoreDatabase(target.db, file, { actorName: "pathways cli (ops)" });
      expect(await target.db.select().from(sessions)).toEqual([]);
      expect(await target.db.select().from(loginAttempts)).toEqual([]);
      const [restoredEvent] = await target.db.select().from(auditEvents).where(sql`action = 'restore'`);
      expect(restoredEvent).toMatchObject({ actorName: "pathways cli (ops)", entityId: "private.jsonl.gz" });
    } finally {
      await source.close();
      await target.close();
    }
  });

  it("encrypted for an age recipient, it opens with the matching identity only", async () => {
    const source = await freshPglite();
    const target = await freshPglite();
    try {
      await fill(source.db);
      const identity = await generateX25519Identity();
      const other = await generateX25519Identity();
      const file = path.join(tmp, "for-recipient.age");
      await backupDatabase(source.db, file, {
        encryption: { recipients: [await identityToRecipient(identity)] },
      });
      await expect(restoreDatabase(target.db, file, { key: { identities: [other] } })).rejects.toThrow(
        "the backup could not be decrypted",
      );
      const restored = await restoreDatabase(target.db, file, { key: { identities: [identity] } });
      expect(restored.contacts).toBe(1);
    } finally {
      await source.close();
      await target.close();
    }
  });
});

describe("damaged backups", { timeout: 300_000 }, () => {
  describe("into PGlite", () => damagedRestores(inPglite));
  describe.runIf(adminUrl)("into PostgreSQL", () => damagedRestores(inPostgres));
});
