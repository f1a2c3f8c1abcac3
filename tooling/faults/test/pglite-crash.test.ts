import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDb, queryRows, sql } from "@pathways/db";
import { afterAll, describe, expect, it } from "vitest";

const writer = path.resolve(import.meta.dirname, "../src/pglite-writer.ts");
const root = mkdtempSync(path.join(os.tmpdir(), "pathways-crash-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs the writer until it has logged `atLeast` contacts, then kills it with SIGKILL mid-stream. */
async function writeThenCrash(dataDir: string, atLeast: number): Promise<number> {
  const child = spawn(process.execPath, ["--import", "tsx", writer, dataDir], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  let logged = -1;
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      for (const line of chunk.toString().trim().split("\n")) {
        if (/^\d+$/.test(line)) logged = Number(line);
      }
      if (logged >= atLeast) resolve();
    });
    child.on("exit", (code) => reject(new Error(`the writer exited (${code}) before the crash: ${stderr}`)));
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
  return logged + 1;
}

describe("(c) the process holding PGlite dies mid-transaction", () => {
  it("opens cleanly afterwards, keeps every committed verb whole and no half-written one", async () => {
    const dataDir = path.join(root, "data");
    let acknowledged = 0;
    // Three crashes at different points, reopening the same directory each time.
    for (const atLeast of [5, 17, 31]) acknowledged += await writeThenCrash(dataDir, atLeast);

    const handle = await createDb({ dataDir });
    try {
      const [check] = await queryRows<{
        contacts: number;
        without_two_interventions: number;
        without_flag: number;
        without_person: number;
        flags_without_contact: number;
        orphan_people: number;
      }>(
        handle.db,
        sql`select
          (select count(*)::int from contacts where client_key like 'crash-%') as contacts,
          (select count(*)::int from contacts c where c.client_key like 'crash-%'
             and (select count(*) from contact_interventions i where i.contact_id = c.id) <> 2) as without_two_interventions,
          (select count(*)::int from contacts c where c.client_key like 'crash-%'
             and not exists (select 1 from safeguarding_flags f where f.contact_id = c.id)) as without_flag,
          (select count(*)::int from contacts c where c.client_key like 'crash-%' and c.person_id is null) as without_person,
          (select count(*)::int from safeguarding_flags f where f.contact_id is not null
             and not exists (select 1 from contacts c where c.id = f.contact_id)) as flags_without_contact,
          (select count(*)::int from people p where p.attributor = 'CK-1990-05-05-F'
             and not exists (select 1 from contacts c where c.person_id = p.id)) as orphan_people`,
      );
      // Every contact the writer reported as done survived; at most the one in flight is lost.
      expect(check!.contacts).toBeGreaterThanOrEqual(acknowledged);
      expect(check!.contacts).toBeLessThanOrEqual(acknowledged + 3);
      expect(check!.without_two_interventions).toBe(0);
      expect(check!.without_flag).toBe(0);
      expect(check!.without_person).toBe(0);
      expect(check!.flags_without_contact).toBe(0);
      expect(check!.orphan_people).toBe(0);
    } finally {
      await handle.close();
    }
  });
});
