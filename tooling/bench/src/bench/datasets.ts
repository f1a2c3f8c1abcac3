/** The city data set on PostgreSQL (a database of its own) and on PGlite (a data directory). */
import { existsSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { refreshPersonRollups } from "@pathways/core";
import { createDb, type DbHandle, queryRows, sql } from "@pathways/db";
import { generateCity, type Scale } from "@pathways/seed";
import postgres from "postgres";

export interface Dataset {
  driver: "postgres" | "pglite";
  /** DATABASE_URL or PATHWAYS_DATA_DIR for a server process. */
  env: Record<string, string>;
  open(): Promise<DbHandle>;
  drop(): Promise<void>;
}

export async function withAdmin<T>(adminUrl: string, run: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    return await run(admin);
  } finally {
    await admin.end();
  }
}

export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function hasData(handle: DbHandle): Promise<boolean> {
  try {
    const [row] = await queryRows<{ n: number }>(handle.db, sql`select count(*)::int as n from contacts`);
    return (row?.n ?? 0) > 0;
  } catch {
    return false;
  }
}

/** Migrates a kept data set; a new rollup migration queues everyone, who are refreshed before measuring. */
async function migrateKept(handle: DbHandle, label: string) {
  await handle.migrate();
  const started = performance.now();
  const refreshed = await refreshPersonRollups(handle.db, { chunk: 2000 });
  if (refreshed.people > 0) {
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    console.log(
      `  ${label}: report rollups of ${refreshed.people.toLocaleString("en-GB")} people refreshed in ${seconds} s`,
    );
  }
}

async function fill(handle: DbHandle, scale: Scale, seed: number, label: string) {
  const started = performance.now();
  await handle.migrate();
  const counts = await generateCity({
    db: handle.db,
    scale,
    seed,
    progress: (stage, rows) =>
      console.log(
        `  ${label}: ${rows.toLocaleString("en-GB")} ${stage} (${((performance.now() - started) / 1000).toFixed(0)} s)`,
      ),
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(`  ${label}: ${scale} generated in ${seconds.toFixed(0)} s`);
  return { counts, seconds };
}

/**
 * A PostgreSQL database `pathways_bench_<scale>_<seed>`, generated unless `reuse` finds it filled. A
 * prefix keeps one engineer's data set apart from another's on a shared machine.
 */
export async function postgresDataset(
  adminUrl: string,
  scale: Scale,
  seed: number,
  reuse: boolean,
  prefix = "",
) {
  const name = `${prefix}pathways_bench_${scale}_${seed}`;
  const url = databaseUrl(adminUrl, name);
  let generatedIn: number | null = null;
  const exists = await withAdmin(adminUrl, async (admin) => {
    const rows = await admin`select 1 from pg_database where datname = ${name}`;
    return rows.length > 0;
  });
  let ready = false;
  if (exists && reuse) {
    const probe = await createDb({ url, maxConnections: 1 });
    ready = await hasData(probe);
    // A kept data set gets the migrations added since it was generated, and their rollups.
    if (ready) await migrateKept(probe, "PostgreSQL");
    await probe.close();
  }
  if (!ready) {
    await withAdmin(adminUrl, async (admin) => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.unsafe(`create database ${name}`);
    });
    const handle = await createDb({ url });
    try {
      generatedIn = (await fill(handle, scale, seed, "PostgreSQL")).seconds;
    } finally {
      await handle.close();
    }
  }
  const dataset: Dataset = {
    driver: "postgres",
    env: { DATABASE_URL: url },
    open: () => createDb({ url }),
    drop: () =>
      withAdmin(adminUrl, (admin) =>
        admin.unsafe(`drop database if exists ${name} with (force)`).then(() => {}),
      ),
  };
  return { dataset, url, generatedIn };
}

/** A PGlite data directory in the temp folder, generated unless `reuse` finds it filled. */
export async function pgliteDataset(scale: Scale, seed: number, reuse: boolean, prefix = "") {
  const dataDir = path.join(os.tmpdir(), `${prefix}pathways-bench-${scale}-${seed}`);
  let generatedIn: number | null = null;
  let ready = false;
  if (reuse && existsSync(dataDir)) {
    const probe = await createDb({ dataDir });
    ready = await hasData(probe);
    if (ready) await migrateKept(probe, "PGlite");
    await probe.close();
  }
  if (!ready) {
    rmSync(dataDir, { recursive: true, force: true });
    const handle = await createDb({ dataDir });
    try {
      generatedIn = (await fill(handle, scale, seed, "PGlite")).seconds;
    } finally {
      await handle.close();
    }
  }
  const dataset: Dataset = {
    driver: "pglite",
    env: { PATHWAYS_DATA_DIR: dataDir },
    open: () => createDb({ dataDir }),
    drop: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
  return { dataset, dataDir, generatedIn };
}
