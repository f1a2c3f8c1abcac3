import { randomUUID } from "node:crypto";
import { type Ctx, createHotspot, hashPassword } from "@pathways/core";
import { createDb, type Database } from "@pathways/db";
import { makeWorld } from "@pathways/vitest-config";
import postgres from "postgres";

export const worldPassword = "fault-world-password-2026";

/**
 * The few records a load test needs, made in a migrated database in a second or two (the demo seed
 * takes minutes on a busy machine): one signed-in user of each role and a hotspot.
 */
export async function signInWorld(db: Database) {
  const world = await makeWorld(db, { passwordHash: await hashPassword(worldPassword) });
  const hotspot = await createHotspot({
    ctx: world.systemCtx as unknown as Ctx,
    input: { name: `Hotspot ${world.tag}`, lat: 51.752, lng: -1.258 },
  });
  return {
    outreach: world.actors.outreach_worker.email,
    commissioner: world.actors.commissioner.email,
    treatment: world.actors.treatment_manager.email,
    hotspotId: hotspot.id,
  };
}
export type SignInWorld = Awaited<ReturnType<typeof signInWorld>>;

/** Migrates the database at `url` (or PGlite in `dataDir`) and makes a sign-in world in it. */
export async function preparedWorld(target: { url: string } | { dataDir: string }) {
  const database = await createDb(target);
  try {
    await database.migrate();
    return await signInWorld(database.db);
  } finally {
    await database.close();
  }
}

/**
 * An empty database on the PostgreSQL server of `TEST_DATABASE_URL`, named like the test databases
 * so CI's clean-up drops it should a run die before `drop()`.
 */
export async function freshPostgresDatabase(serverUrl: string) {
  const name = `pathways_test_ops_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const dropper = postgres(serverUrl, { max: 1, onnotice: () => {} });
      try {
        await dropper.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}
