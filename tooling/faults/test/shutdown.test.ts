import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { apiClient, startServerProcess } from "@pathways/bench";
import { createDb, queryRows, sql } from "@pathways/db";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../src/cluster.ts";
import { freshPostgresDatabase, preparedWorld, worldPassword } from "../src/world.ts";
import { contactInput, statusOf, waitUntil } from "./helpers.ts";

type Server = Awaited<ReturnType<typeof startServerProcess>>;

const root = mkdtempSync(path.join(os.tmpdir(), "pathways-shutdown-"));
const servers: Server[] = [];
const cleanUps: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const server of servers) if (server.alive()) await server.kill("SIGKILL");
  for (const cleanUp of cleanUps) await cleanUp();
  rmSync(root, { recursive: true, force: true });
});

async function signedIn(url: string, email: string) {
  const client = apiClient(url);
  await client.auth.signIn.mutate({ email, password: worldPassword });
  return client;
}

/** Sends SIGTERM and waits for the exit: its code and how long it took. */
async function terminate(server: Server) {
  const started = Date.now();
  await server.kill("SIGTERM");
  return { code: server.child.exitCode, seconds: (Date.now() - started) / 1000 };
}

interface Outcome {
  key: string;
  sentBeforeSignal: boolean;
  answeredAfterSignal: boolean;
  status: number | "network";
}

describe("graceful shutdown", () => {
  it("SIGTERM under load on PGlite: in-flight requests finish, new ones are refused, the process exits 0, nothing acknowledged is lost", async () => {
    const dataDir = path.join(root, "pglite");
    const world = await preparedWorld({ dataDir });
    const port = await freePort();
    const env = { PATHWAYS_DATA_DIR: dataDir, SHUTDOWN_TIMEOUT_SECONDS: "15", LOG_LEVEL: "info" };
    let server = await startServerProcess(env, port);
    servers.push(server);
    const outreach = await signedIn(server.url, world.outreach);
    const commissioner = await signedIn(server.url, world.commissioner);

    let signalAt = 0;
    const outcomes: Outcome[] = [];
    let next = 0;
    // Eight phones log contacts and a commissioner runs reports, until the server stops answering.
    const phone = async () => {
      for (;;) {
        const key = `drain-${String(next++).padStart(5, "0")}`;
        const sentAt = Date.now();
        let status: Outcome["status"] = 200;
        try {
          await outreach.contacts.log.mutate(contactInput(key, world.hotspotId));
        } catch (error) {
          status = statusOf(error);
        }
        outcomes.push({
          key,
          sentBeforeSignal: signalAt === 0 || sentAt < signalAt,
          answeredAfterSignal: signalAt > 0,
          status,
        });
        if (status !== 200) return;
      }
    };
    const reportStatuses: (number | "network")[] = [];
    const reports = async () => {
      for (;;) {
        try {
          await commissioner.reports.hotspots.query({ from: "2025-01-01", to: "2025-12-31" });
        } catch (error) {
          reportStatuses.push(statusOf(error));
          return;
        }
      }
    };
    const load = Promise.all([...Array.from({ length: 8 }, phone), reports()]);
    await waitUntil(async () => outcomes.length >= 60, 60_000, "60 contacts to be logged");
    signalAt = Date.now();
    const exit = await terminate(server);
    await load;

    expect(exit.code).toBe(0);
    expect(exit.seconds).toBeLessThan(15);
    expect(server.output()).toContain('"drained":true');
    // A refusal is a 503 (the server is closing) or a refused connection; never a 500.
    const refused = outcomes.filter((outcome) => outcome.status !== 200);
    expect(refused.length).toBeGreaterThan(0);
    for (const status of [...refused.map((outcome) => outcome.status), ...reportStatuses])
      expect([503, "network"]).toContain(status);
    // Requests already in flight when the signal came were answered, not cut off.
    const drained = outcomes.filter(
      (outcome) => outcome.sentBeforeSignal && outcome.answeredAfterSignal && outcome.status === 200,
    );
    expect(drained.length).toBeGreaterThan(0);

    // The data directory opens again (its lock was released) and holds every acknowledged contact once.
    const database = await createDb({ dataDir });
    const rows = await queryRows<{ client_key: string; n: number }>(
      database.db,
      sql`select client_key, count(*)::int as n from contacts where client_key like 'drain-%' group by client_key`,
    );
    await database.close();
    const stored = new Map(rows.map((row) => [row.client_key, row.n]));
    for (const outcome of outcomes) {
      if (outcome.status === 200) expect(stored.get(outcome.key), outcome.key).toBe(1);
      if (outcome.status === 503) expect(stored.has(outcome.key), outcome.key).toBe(false);
    }

    // After a restart the phones resend what was not acknowledged: one copy of each.
    server = await startServerProcess(env, port);
    servers.push(server);
    for (const outcome of refused)
      await outreach.contacts.log.mutate(contactInput(outcome.key, world.hotspotId));
    expect((await terminate(server)).code).toBe(0);
    const reopened = await createDb({ dataDir });
    const after = await queryRows<{ n: number; keys: number }>(
      reopened.db,
      sql`select count(*)::int as n, count(distinct client_key)::int as keys from contacts where client_key like 'drain-%'`,
    );
    await reopened.close();
    expect(after[0]).toEqual({ n: outcomes.length, keys: outcomes.length });
  });

  // On PostgreSQL the test can hold locks that keep a request and the rollup refresher waiting
  // past the deadline.
  it.runIf(process.env.TEST_DATABASE_URL)(
    "SIGTERM with a request and the rollup refresher stuck on locks: the deadline cuts them off, the process exits 1 in time, the cut-off write is not half-done",
    async () => {
      const database = await freshPostgresDatabase(process.env.TEST_DATABASE_URL!);
      cleanUps.push(database.drop);
      const world = await preparedWorld({ url: database.url });
      const server = await startServerProcess(
        { DATABASE_URL: database.url, SHUTDOWN_TIMEOUT_SECONDS: "2", LOG_LEVEL: "info" },
        await freePort(),
      );
      servers.push(server);
      const outreach = await signedIn(server.url, world.outreach);

      const holder = postgres(database.url, { max: 1, onnotice: () => {} });
      try {
        let holding = () => {};
        const held = new Promise<void>((resolve) => {
          holding = resolve;
        });
        // The write waits on the contacts table, the refresher's next fold on its queue.
        const locked = holder
          .begin(async (tx) => {
            await tx`lock table contacts in exclusive mode`;
            await tx`lock table report_day_deltas in access exclusive mode`;
            holding();
            await new Promise((resolve) => setTimeout(resolve, 30_000));
          })
          .catch(() => {});
        await held;
        const stuck = outreach.contacts.log.mutate(contactInput("stuck-0001", world.hotspotId)).then(
          () => 200 as const,
          (error: unknown) => statusOf(error),
        );
        await waitUntil(
          async () => (await lockWaiters(database.url)) >= 2,
          15_000,
          "a request and the refresher to wait on the locks",
        );

        const exit = await terminate(server);
        expect(exit.code).toBe(1);
        // Two seconds to drain, then at most the database's close: well under the fifteen allowed.
        expect(exit.seconds).toBeLessThan(15);
        expect(server.output()).toContain("shutdown deadline (2000 ms) passed: cutting off");
        expect(server.output()).toMatch(/"cutOff":\["HTTP requests","rollup refresher"/);
        expect(await stuck).toBe("network");
        await holder.end({ timeout: 0 });
        await locked;
      } finally {
        await holder.end({ timeout: 0 }).catch(() => {});
      }
      const check = postgres(database.url, { max: 1, onnotice: () => {} });
      try {
        const [row] = await check<
          { n: number }[]
        >`select count(*)::int as n from contacts where client_key = 'stuck-0001'`;
        expect(row!.n).toBe(0);
      } finally {
        await check.end();
      }
    },
  );
});

/** Sessions of the database waiting for a lock. */
async function lockWaiters(url: string): Promise<number> {
  const probe = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await probe<{ n: number }[]>`
      select count(*)::int as n from pg_stat_activity
      where wait_event_type = 'Lock' and datname = current_database()`;
    return row!.n;
  } finally {
    await probe.end();
  }
}
