import { existsSync, renameSync, writeFileSync } from "node:fs";
import { createDb } from "@pathways/db";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import "./provided.ts";
import { migrationsHash, pgliteSnapshotPath, postgresTemplateName } from "./snapshot.ts";

/**
 * Runs once per test run: migrates one PGlite and one PostgreSQL template database, so that each
 * test file starts from a copy instead of paying for migrations (~3 s for a fresh PGlite).
 */
export default async function setup(project: TestProject) {
  const hash = migrationsHash();
  project.provide("pgliteSnapshot", await buildPgliteSnapshot(hash));
  project.provide("postgresTemplate", await buildPostgresTemplate(hash));
}

async function buildPgliteSnapshot(hash: string): Promise<string> {
  const file = pgliteSnapshotPath(hash);
  if (existsSync(file)) return file;
  const handle = await createDb({ dataDir: "memory://" });
  await handle.migrate();
  const dump = await handle.pglite!.dumpDataDir("gzip");
  await handle.close();
  // Written aside and renamed, so a parallel run never reads half a file.
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  renameSync(partial, file);
  return file;
}

async function buildPostgresTemplate(hash: string): Promise<string | null> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    if (process.env.CI) throw new Error("CI must run the PostgreSQL tests: set TEST_DATABASE_URL.");
    return null;
  }
  const template = postgresTemplateName(hash);
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await admin`select pg_advisory_lock(hashtext(${template}))`;
    const [existing] = await admin`select 1 from pg_database where datname = ${template}`;
    if (!existing) {
      const building = `${template}_building`;
      await admin.unsafe(`drop database if exists "${building}" with (force)`);
      await admin.unsafe(`create database "${building}"`);
      const target = new URL(url);
      target.pathname = `/${building}`;
      const handle = await createDb({ url: target.toString(), maxConnections: 1 });
      await handle.migrate();
      await handle.close();
      await admin.unsafe(`alter database "${building}" rename to "${template}"`);
    }
    await admin`select pg_advisory_unlock(hashtext(${template}))`;
  } finally {
    await admin.end();
  }
  return template;
}
