import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDb, queryRows, sql } from "@pathways/db";
import { reportWorld } from "@pathways/vitest-config/report-world";
import { afterAll, describe, expect, it } from "vitest";
import { loadTown } from "../../../packages/core/test/reports/bulk-town.ts";

const bin = path.resolve(import.meta.dirname, "../bin/pathways-dev.js");
const tmp = mkdtempSync(path.join(os.tmpdir(), "pathways-serve-stop-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function rollupState(dataDir: string) {
  const handle = await createDb({ dataDir });
  try {
    const [row] = await queryRows<{ queued: number; days: number }>(
      handle.db,
      sql`select (select count(*)::int from report_person_queue) as queued,
        (select count(*)::int from report_person_funnel_days) as days`,
    );
    return row!;
  } finally {
    await handle.close();
  }
}

// The embedded database runs each statement on the server's only thread: a stop waits for the
// statement in hand, so the rebuild is made of short statements and the fold loop checks the stop
// signal between them. Before, `serve` folded a stalled queue for over 20 minutes after SIGTERM.
describe("pathways serve while the report rollups are rebuilt", { timeout: 600_000 }, () => {
  it("stops within seconds of SIGTERM, rolling the unfinished rebuild back (all still queued for the next start)", async () => {
    const dataDir = path.join(tmp, "bulk");
    const handle = await createDb({ dataDir });
    try {
      await handle.migrate();
      const world = await reportWorld(handle.db);
      // A bulk load leaves the whole town queued: the refresher rebuilds every person's rollups.
      await loadTown(handle.db, world, { people: 4_000, contacts: 40_000, batches: 8 });
    } finally {
      await handle.close();
    }
    const before = await rollupState(dataDir);
    expect(before.queued).toBeGreaterThan(4_000);

    const child = spawn(process.execPath, [bin, "serve"], {
      env: { PATH: process.env.PATH, PORT: "0", LOG_LEVEL: "info", PATHWAYS_DATA_DIR: dataDir },
    });
    let stdout = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the rebuild did not start: ${stdout}`)), 300_000);
      child.stdout.on("data", () => {
        if (stdout.includes("rebuilding every person's rollups")) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const signalled = Date.now();
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    const seconds = (Date.now() - signalled) / 1000;
    expect(seconds).toBeLessThan(15);

    // The rebuild rolled back: everything is still queued, nothing half-built is left.
    expect(await rollupState(dataDir)).toEqual(before);
  });
});
