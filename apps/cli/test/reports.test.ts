import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { hashPassword } from "@pathways/core";
import { createDb, type Database, hotspots, keyworkers, organisations, services, users } from "@pathways/db";
import { openTestDb, testDrivers } from "@pathways/vitest-config";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const bin = path.resolve(import.meta.dirname, "../bin/pathways-dev.js");
const fixtures = path.resolve(import.meta.dirname, "fixtures/import-2019");
const tmp = mkdtempSync(path.join(os.tmpdir(), "pathways-cli-reports-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const password = "reports-test-password";

/** The organisations, users, hotspot, service and keyworkers the fixture files name. */
async function referenceData(db: Database) {
  const [taskforce, provider, commissioners] = await db
    .insert(organisations)
    .values([
      { name: "Oxford Drugs Taskforce", kind: "taskforce" },
      { name: "Turning Point Oxford", kind: "treatment_provider" },
      { name: "Oxfordshire Public Health", kind: "commissioner" },
    ])
    .returning();
  const passwordHash = await hashPassword(password);
  await db.insert(users).values([
    {
      organisationId: taskforce!.id,
      email: "outreach@demo.pathways",
      name: "Sam",
      role: "outreach_worker",
      passwordHash,
    },
    {
      organisationId: provider!.id,
      email: "treatment@demo.pathways",
      name: "Priya",
      role: "treatment_manager",
      passwordHash,
    },
    {
      organisationId: commissioners!.id,
      email: "commissioner@demo.pathways",
      name: "Helen",
      role: "commissioner",
      passwordHash,
    },
  ]);
  await db.insert(hotspots).values({ name: "South Park", lat: 51.7527, lng: -1.2335 });
  await db
    .insert(services)
    .values({ organisationId: provider!.id, code: "opiate_treatment", name: "Opiate treatment" });
  await db.insert(keyworkers).values(
    ["Aisha Khan", "Ben Carter", "Chloe Evans", "Dan Murphy"].map((name) => ({
      name,
      organisationId: provider!.id,
    })),
  );
}

function pathways(args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, LOG_LEVEL: "silent", ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Hand-counted from the fixture files (see their rows): 12 people met at South Park in the first
// quarter of 2019 (15 contacts with 3 anonymous ones), 8 referred, 6 started, 3 completed drug-free,
// 2 of whom did not come back within 182 days.
const funnelCounts = [15, 12, 8, 6, 3, 2];
const funnelStageLabels = [
  "Contacts",
  "People contacted",
  "Referred within 90 days",
  "Started treatment",
  "Completed successfully",
  "Sustained (no re-presentation within 182 days)",
];

/**
 * A commissioner's funnel, as protected (docs/DISCLOSURE.md): each count within the ptable's reach
 * of the hand count (1-4 shows as 0 or 5; 5-6 as 0 or 5-8; more within 2), never 1 to 4, and the
 * file's last row says the figures are protected.
 */
/** A report's CSV: the rows saying what it was run for (period, hotspot, group), then its table. */
function reportCsv(text: string | Buffer): { choice: string[]; table: string[][] } {
  const rows = parse(text, { bom: true }) as string[][];
  const start = rows.findIndex((row) => !/^(Period|Hotspot|Substance group): /.test(row[0]!));
  return { choice: rows.slice(0, start).map((row) => row[0]!), table: rows.slice(start) };
}

function expectProtectedFunnel(csv: string[][]) {
  expect(csv[0]).toEqual(["Stage", "Count", "Share of previous stage (%)", "Provisional"]);
  expect(csv.slice(1, -1).map((row) => row[0])).toEqual(funnelStageLabels);
  expect(csv.at(-1)![0]).toMatch(/^Figures are protected/);
  csv.slice(1, -1).forEach((row, index) => {
    const shown = Number(row[1]);
    const truth = funnelCounts[index]!;
    expect(shown < 1 || shown > 4).toBe(true);
    if (truth <= 4) expect([0, 5]).toContain(shown);
    else expect(Math.abs(shown - truth)).toBeLessThanOrEqual(truth <= 6 ? 5 : 2);
  });
}
const quarter = ["--from", "2019-01-01", "--to", "2019-03-31"];

for (const driver of testDrivers()) {
  describe(`pathways report and import [${driver}]`, () => {
    let env: Record<string, string>;
    let drop = async () => {};
    /** The funnel the command wrote from the local database, to compare the server's with. */
    let localFunnel: string[][] = [];

    beforeAll(async () => {
      if (driver === "pglite") {
        const dataDir = path.join(tmp, "data");
        const handle = await createDb({ dataDir });
        await handle.migrate();
        await referenceData(handle.db);
        await handle.close();
        env = { PATHWAYS_DATA_DIR: dataDir };
      } else {
        const testDb = await openTestDb("postgres");
        await referenceData(testDb.db);
        await testDb.handle.close();
        env = { DATABASE_URL: testDb.url! };
        drop = testDb.drop;
      }
    }, 60_000);
    afterAll(() => drop());

    it("refuses a folder with bad rows, naming file, line and column, and writes nothing", () => {
      const folder = path.join(tmp, `bad-${driver}`);
      cpSync(fixtures, folder, { recursive: true });
      const people = readFileSync(path.join(folder, "people.csv"), "utf8");
      writeFileSync(path.join(folder, "people.csv"), people.replace("1990-01-01,female", "1990-13-01,woman"));
      const episodes = readFileSync(path.join(folder, "episodes.csv"), "utf8");
      writeFileSync(
        path.join(folder, "episodes.csv"),
        episodes.replace("Dan Murphy,opiate", "Dan Murphy,opiates"),
      );

      const result = pathways(["import", folder], env);
      expect(result.status).toBe(1);
      expect(result.stderr.split("\n").filter(Boolean)).toEqual([
        "people.csv line 3, column date_of_birth: date of birth must be a real calendar date",
        "people.csv line 3, column sex: sex must be one of male, female, other, unknown",
        "episodes.csv line 5, column substance_group: substance group must be one of opiate, non_opiate, non_opiate_and_alcohol, alcohol",
        "Nothing was imported: fix the 3 problems above and run the import again.",
      ]);
      const report = pathways(["report", "funnel", ...quarter, "--format", "json"], env);
      expect(JSON.parse(report.stdout).stages[0]).toEqual({
        stage: "contacts",
        count: 0,
        shareOfPrevious: null,
      });
    }, 60_000);

    it("imports the good folder", () => {
      const result = pathways(["import", fixtures], env);
      expect(result.stderr).toBe("");
      expect(result.stdout).toContain(
        "Imported 12 people, 15 contacts, 9 referrals, 7 episodes, 3 needle finds, 4 incidents, 0 community reports.",
      );
      expect(result.status).toBe(0);
    }, 60_000);

    it("writes the funnel as a CSV file a spreadsheet opens, with the figures counted by hand", () => {
      const result = pathways(["report", "funnel", ...quarter, "--hotspot", "south park"], env);
      expect(result.status).toBe(0);
      expect(result.stdout.startsWith("\uFEFFPeriod: ")).toBe(true);
      expect(result.stdout).toContain("\r\n");
      const { choice, table } = reportCsv(result.stdout);
      expect(choice).toEqual([`Period: ${quarter[1]} to ${quarter[3]}`, "Hotspot: South Park"]);
      localFunnel = table;
      expectProtectedFunnel(localFunnel);
      expect(result.stderr).toMatch(/^Figures are protected/m);
    }, 60_000);

    it("gives the same figures as JSON, asked again", () => {
      const args = ["report", "funnel", ...quarter, "--hotspot", "south park"];
      const csv = reportCsv(pathways(args, env).stdout).table;
      const result = pathways([...args, "--format", "json"], env);
      expect(result.status).toBe(0);
      const report = JSON.parse(result.stdout);
      expect(report.disclosureControl).toBe(true);
      expect(report.stages.map((s: { count: number }) => String(s.count))).toEqual(
        csv.slice(1, -1).map((row) => row[1]),
      );
    }, 180_000);

    it("gives a treatment manager their provider's outcomes unsuppressed, every table to files", () => {
      const out = path.join(tmp, `out-${driver}`);
      const result = pathways(
        [
          "report",
          "outcomes",
          "--from",
          "2019-01-01",
          "--to",
          "2019-12-31",
          "--substance-group",
          "opiate",
        ].concat(["--as", "treatment@demo.pathways", "--out", out]),
        env,
      );
      expect(result.status).toBe(0);
      const outcomes = reportCsv(
        readFileSync(path.join(out, "outcomes-2019-01-01-to-2019-12-31-opiate.csv")),
      );
      expect(outcomes.choice).toEqual(["Period: 2019-01-01 to 2019-12-31", "Substance group: Opiate"]);
      expect(outcomes.table[1]).toEqual(["Opiate", "6", "3", "50", "2", "33.3", "no", "3", "3", "100"]);
      const exits = reportCsv(
        readFileSync(path.join(out, "outcomes-exits_by_reason-2019-01-01-to-2019-12-31-opiate.csv")),
      ).table;
      expect(exits[1]).toEqual(["Completed drug free", "3", "3"]);
    }, 60_000);

    it("refuses an outreach worker a commissioner's report and explains bad flags", () => {
      const worker = pathways(["report", "funnel", ...quarter, "--as", "outreach@demo.pathways"], env);
      expect(worker.status).toBe(1);
      expect(worker.stderr).toContain("Your role does not allow this.");
      const treatment = pathways(["report", "taskforce", ...quarter, "--as", "treatment@demo.pathways"], env);
      expect(treatment.status).toBe(1);
      expect(treatment.stderr).toContain("Your role does not allow this.");
      const backwards = pathways(["report", "funnel", "--from", "2019-03-01", "--to", "2019-01-31"], env);
      expect(backwards.stderr.trim()).toBe("pathways: --to: to must be on or after from");
      const noFilter = pathways(["report", "outcomes", ...quarter, "--hotspot", "South Park"], env);
      expect(noFilter.stderr.trim()).toBe("pathways: the outcomes report has no --hotspot filter");
    }, 60_000);

    it("runs the taskforce period report for a hotspot as a taskforce officer", () => {
      const result = pathways(
        ["report", "taskforce", ...quarter, "--hotspot", "South Park", "--as", "outreach@demo.pathways"],
        env,
      );
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      const { choice, table: rows } = reportCsv(result.stdout);
      expect(choice).toContain("Hotspot: South Park");
      expect(rows[0]).toEqual(["Measure", "Count"]);
      expect(rows.map((row) => row[0])).toContain("People reached (distinct people met)");
    }, 60_000);

    it("asks a running server over HTTP as a signed-in commissioner, and gets the same CSV", async () => {
      const child = spawn(process.execPath, [bin, "serve"], {
        env: { PATH: process.env.PATH, LOG_LEVEL: "silent", PORT: "0", ...env },
      });
      try {
        const url = await new Promise<string>((resolve, reject) => {
          let stdout = "";
          const timer = setTimeout(() => reject(new Error(`server did not start: ${stdout}`)), 40_000);
          child.stdout.on("data", (chunk) => {
            stdout += chunk;
            const match = /running at (http:\/\/\S+)/.exec(stdout);
            if (match) {
              clearTimeout(timer);
              resolve(match[1]!);
            }
          });
        });
        const remote = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
          const run = spawn(
            process.execPath,
            [bin, "report", "funnel", ...quarter, "--hotspot", "South Park", "--url", url],
            {
              env: {
                PATH: process.env.PATH,
                LOG_LEVEL: "silent",
                PATHWAYS_EMAIL: "commissioner@demo.pathways",
                PATHWAYS_PASSWORD: password,
              },
            },
          );
          let stdout = "";
          run.stdout.on("data", (chunk) => {
            stdout += chunk;
          });
          run.on("exit", (status) => resolve({ status, stdout }));
        });
        expect(remote.status).toBe(0);
        // The server and the command keep one disclosure secret: the same figures either way.
        expect(reportCsv(remote.stdout).table).toEqual(localFunnel);
        expectProtectedFunnel(reportCsv(remote.stdout).table);
      } finally {
        const exited = new Promise((resolve) => child.on("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
    }, 90_000);
  });
}
