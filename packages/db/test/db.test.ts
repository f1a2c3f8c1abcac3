import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { auditEvents, createDb, DataDirInUseError, type DbHandle, organisations, sql } from "../src/index.ts";

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
function migrationChecks(open: () => Promise<{ handle: DbHandle; dispose(): Promise<void> }>) {
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

describe("createDb on PGlite", () => {
  migrationChecks(async () => {
    const handle = await createDb({ dataDir: "memory://" });
    return { handle, dispose: () => handle.close() };
  });

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

const adminUrl = process.env.TEST_DATABASE_URL;
describe.runIf(adminUrl)("createDb on PostgreSQL", () => {
  migrationChecks(async () => {
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
  });

  it("reports an unreachable server as not ready instead of hanging", async () => {
    const handle = await createDb({ url: "postgres://nobody@127.0.0.1:1/none" });
    expect(await handle.ping(3000)).toBe(false);
    await handle.close();
  });
});
