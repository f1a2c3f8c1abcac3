/**
 * Benchmark 4: `pathways import` of synthetic people.csv and contacts.csv against a raw COPY of the
 * same rows into the same tables, each into a fresh copy of a database holding the demo data.
 */
import { randomUUID } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { copyRows, createDb, type DbHandle, queryRows, sql } from "@pathways/db";
import { makeRandom } from "@pathways/seed";
import { attributorOf } from "@pathways/validators";
import { pathwaysCli } from "../server-process.ts";
import { databaseUrl, withAdmin } from "./datasets.ts";

const peopleCount = 5_000;
const contactCount = 50_000;
const workerEmail = "outreach@demo.pathways";

interface Target {
  env: Record<string, string>;
  open(): Promise<DbHandle>;
  drop(): Promise<void>;
}

/** Fresh copies of one demo-seeded database: PostgreSQL by template, PGlite by copying its directory. */
async function targets(driver: "postgres" | "pglite", adminUrl: string) {
  const root = mkdtempSync(path.join(os.tmpdir(), "pathways-bench-import-"));
  let made = 0;
  if (driver === "postgres") {
    const template = "pathways_bench_import_template";
    await withAdmin(adminUrl, async (admin) => {
      await admin.unsafe(`drop database if exists ${template} with (force)`);
      await admin.unsafe(`create database ${template}`);
    });
    pathwaysCli(["seed", "--demo"], { DATABASE_URL: databaseUrl(adminUrl, template) });
    return {
      templateUrl: databaseUrl(adminUrl, template),
      fresh: async (): Promise<Target> => {
        const name = `pathways_bench_import_${++made}`;
        await withAdmin(adminUrl, async (admin) => {
          await admin.unsafe(`drop database if exists ${name} with (force)`);
          await admin.unsafe(`create database ${name} template ${template}`);
        });
        const url = databaseUrl(adminUrl, name);
        return {
          env: { DATABASE_URL: url },
          open: () => createDb({ url }),
          drop: () =>
            withAdmin(adminUrl, (admin) => admin.unsafe(`drop database ${name} with (force)`).then(() => {})),
        };
      },
      cleanUp: async () => {
        await withAdmin(adminUrl, (admin) =>
          admin.unsafe(`drop database if exists ${template} with (force)`),
        );
        rmSync(root, { recursive: true, force: true });
      },
    };
  }
  const template = path.join(root, "template");
  pathwaysCli(["seed", "--demo"], { PATHWAYS_DATA_DIR: template });
  return {
    templateDir: template,
    fresh: async (): Promise<Target> => {
      const dataDir = path.join(root, `copy-${++made}`);
      cpSync(template, dataDir, { recursive: true });
      return {
        env: { PATHWAYS_DATA_DIR: dataDir },
        open: () => createDb({ dataDir }),
        drop: async () => rmSync(dataDir, { recursive: true, force: true }),
      };
    },
    cleanUp: async () => rmSync(root, { recursive: true, force: true }),
  };
}

const csvLine = (cells: (string | number)[]) => cells.join(",");

export async function benchImport(driver: "postgres" | "pglite", adminUrl: string, runs: number) {
  const made = await targets(driver, adminUrl);
  const folder = mkdtempSync(path.join(os.tmpdir(), "pathways-bench-csv-"));
  try {
    // Hotspots and the worker as the demo data has them, to name in the CSV and resolve for COPY.
    const probe = await made.fresh();
    const database = await probe.open();
    const hotspotRows = await queryRows<{ id: string; name: string }>(
      database.db,
      sql`select id::text as id, name from hotspots order by name`,
    );
    const [worker] = await queryRows<{ id: string; organisation_id: string }>(
      database.db,
      sql`select id::text as id, organisation_id::text as organisation_id from users where email = ${workerEmail}`,
    );
    await database.close();
    await probe.drop();

    const random = makeRandom(99);
    const people: {
      ref: string;
      id: string;
      first: string;
      surname: string;
      dob: string;
      sex: "male" | "female";
    }[] = [];
    for (let i = 0; i < peopleCount; i++) {
      const dob = new Date(Date.UTC(1965, 0, 1) + random.between(0, 40 * 365) * 86_400_000)
        .toISOString()
        .slice(0, 10);
      people.push({
        ref: `p${i}`,
        id: randomUUID(),
        first: String.fromCharCode(65 + random.between(0, 25)),
        surname: String.fromCharCode(65 + random.between(0, 25)),
        dob,
        sex: random.chance(0.7) ? "male" : "female",
      });
    }
    const types = ["street_outreach", "patrol_encounter", "welfare_check", "needle_exchange"];
    const substances = ["heroin", "crack", "alcohol", "cannabis", "cocaine"];
    const contactRows = Array.from({ length: contactCount }, (_, i) => {
      const at = new Date(
        Date.UTC(2024, 0, 1) + random.between(0, 600) * 86_400_000 + random.between(10, 21) * 3_600_000,
      );
      return {
        ref: `c${i}`,
        at: at.toISOString().replace(".000", ""),
        hotspot: hotspotRows[random.between(0, hotspotRows.length - 1)]!,
        person: random.chance(0.85) ? people[random.between(0, people.length - 1)]! : null,
        type: random.pick(types),
        substance: random.pick(substances),
      };
    });
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      path.join(folder, "people.csv"),
      `${["person_ref,first_initial,surname_initial,date_of_birth,sex", ...people.map((p) => csvLine([p.ref, p.first, p.surname, p.dob, p.sex]))].join("\n")}\n`,
    );
    writeFileSync(
      path.join(folder, "contacts.csv"),
      `${["contact_ref,occurred_at,hotspot,worker_email,person_ref,contact_type,substances", ...contactRows.map((c) => csvLine([c.ref, c.at, c.hotspot.name, workerEmail, c.person?.ref ?? "", c.type, c.substance]))].join("\n")}\n`,
    );
    // The same rows as COPY text, references resolved.
    const peopleText = `${people
      .map((p) =>
        [
          p.id,
          attributorOf({ firstInitial: p.first, surnameInitial: p.surname, dateOfBirth: p.dob, sex: p.sex }),
          p.first,
          p.surname,
          p.dob,
          p.sex,
        ].join("\t"),
      )
      .join("\n")}\n`;
    const contactsText = `${contactRows
      .map((c) =>
        [
          randomUUID(),
          c.ref,
          c.at,
          c.hotspot.id,
          worker!.id,
          worker!.organisation_id,
          c.person?.id ?? "\\N",
          c.type,
          `{${c.substance}}`,
        ].join("\t"),
      )
      .join("\n")}\n`;

    const rows = peopleCount + contactCount;
    const importRate: number[] = [];
    const copyRate: number[] = [];
    for (let run = 0; run < runs; run++) {
      const importTarget = await made.fresh();
      const started = performance.now();
      pathwaysCli(["import", folder], importTarget.env);
      const importSeconds = (performance.now() - started) / 1000;
      await importTarget.drop();
      importRate.push(rows / importSeconds);

      const copyTarget = await made.fresh();
      const handle = await copyTarget.open();
      const copyStarted = performance.now();
      await copyRows(
        handle.db,
        "people",
        ["id", "attributor", "first_initial", "surname_initial", "date_of_birth", "sex"],
        peopleText,
      );
      await copyRows(
        handle.db,
        "contacts",
        [
          "id",
          "client_key",
          "occurred_at",
          "hotspot_id",
          "worker_id",
          "organisation_id",
          "person_id",
          "contact_type",
          "substances",
        ],
        contactsText,
      );
      const copySeconds = (performance.now() - copyStarted) / 1000;
      await handle.close();
      await copyTarget.drop();
      copyRate.push(rows / copySeconds);
      console.log(
        `  ${driver}: pathways import ${(rows / importSeconds).toFixed(0)} rows/s, raw COPY ${(rows / copySeconds).toFixed(0)} rows/s`,
      );
    }
    return { driver, rows, importRate, copyRate };
  } finally {
    rmSync(folder, { recursive: true, force: true });
    await made.cleanUp();
  }
}
