import { apiClient, pathwaysCli, startServerProcess } from "@pathways/bench";
import { demoPassword } from "@pathways/seed";
import postgres from "postgres";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freePort, privateCluster } from "../src/cluster.ts";
import { contactInput, statusOf, waitUntil } from "./helpers.ts";

type Cluster = Awaited<ReturnType<typeof privateCluster>>;
type Server = Awaited<ReturnType<typeof startServerProcess>>;

let cluster: Cluster;
let stopped = false;
const servers: Server[] = [];
beforeAll(async () => {
  if (!process.env.TEST_DATABASE_URL) return;
  cluster = await privateCluster();
  pathwaysCli(["seed", "--demo"], { DATABASE_URL: cluster.url() });
});
// A test that fails while the cluster is down must not take the next test's database with it.
afterEach(() => {
  if (stopped) cluster.start();
  stopped = false;
});
afterAll(async () => {
  for (const server of servers) if (server.alive()) await server.kill("SIGKILL");
  cluster?.destroy();
});

async function signedInClient(server: Server) {
  const client = apiClient(server.url);
  await client.auth.signIn.mutate({ email: "outreach@demo.pathways", password: demoPassword });
  const [hotspot] = await client.hotspots.list.query({ includeRetired: false });
  return { client, hotspotId: hotspot!.id };
}

/** Copies of each client key in the database: the one check that matters after any fault. */
async function copiesOf(prefix: string): Promise<Map<string, number>> {
  const sql = postgres(cluster.url(), { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ client_key: string; n: number }[]>`
      select c.client_key, count(*)::int as n,
        (select count(*)::int from contact_interventions i where i.contact_id = min(c.id::text)::uuid) as interventions
      from contacts c where c.client_key like ${`${prefix}%`} group by c.client_key`;
    for (const row of rows)
      expect((row as unknown as { interventions: number }).interventions, row.client_key).toBe(2);
    return new Map(rows.map((row) => [row.client_key, row.n]));
  } finally {
    await sql.end();
  }
}

// Runs wherever the PostgreSQL tests run (TEST_DATABASE_URL set, as in CI), on a private cluster.
describe.runIf(process.env.TEST_DATABASE_URL)("faults on PostgreSQL", () => {
  it("(a) PostgreSQL stops mid-stream: 503 with a clear message, /readyz red, recovery by itself, nothing lost or doubled", async () => {
    const server = await startServerProcess({ DATABASE_URL: cluster.url() }, await freePort());
    servers.push(server);
    const { client, hotspotId } = await signedInClient(server);
    const keys = Array.from({ length: 40 }, (_, i) => `outage-${String(i).padStart(4, "0")}`);
    const acknowledged = new Set<string>();
    const refusals: { key: string; status: number | "network"; message: string }[] = [];
    const write = async (key: string) => {
      try {
        await client.contacts.log.mutate(contactInput(key, hotspotId));
        acknowledged.add(key);
      } catch (error) {
        refusals.push({ key, status: statusOf(error), message: (error as Error).message });
      }
    };

    for (const key of keys.slice(0, 15)) await write(key);
    expect(acknowledged.size).toBe(15);
    cluster.stop("fast");
    stopped = true;
    for (const key of keys.slice(15, 30)) await write(key);
    expect(refusals.length).toBe(15);
    for (const refusal of refusals) {
      expect(refusal.status).toBe(503);
      expect(refusal.message).toBe(
        "The database is unavailable just now. Nothing was saved; try again in a moment.",
      );
    }
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(server.alive()).toBe(true);

    cluster.start();
    stopped = false;
    await waitUntil(async () => (await fetch(`${server.url}/readyz`)).ok, 30_000, "/readyz to turn green");
    // The client retries what was refused with the same keys, sends the rest, and replays some it had.
    for (const key of [...refusals.map((r) => r.key), ...keys.slice(30), ...keys.slice(0, 5)]) {
      await client.contacts.log.mutate(contactInput(key, hotspotId));
      acknowledged.add(key);
    }
    const copies = await copiesOf("outage-");
    expect([...copies.keys()].sort()).toEqual(keys);
    expect([...copies.values()].every((n) => n === 1)).toBe(true);
  });

  it("(b) the API is killed with SIGKILL under load: after a restart, retries leave exactly one copy of each", async () => {
    const port = await freePort();
    let server = await startServerProcess({ DATABASE_URL: cluster.url() }, port);
    servers.push(server);
    const { client, hotspotId } = await signedInClient(server);
    const keys = Array.from({ length: 120 }, (_, i) => `killed-${String(i).padStart(4, "0")}`);
    const acknowledged = new Set<string>();
    // Eight clients write concurrently; the server dies while they do.
    const pending = [...keys];
    const worker = async () => {
      for (let key = pending.shift(); key; key = pending.shift()) {
        try {
          await client.contacts.log.mutate(contactInput(key, hotspotId));
          acknowledged.add(key);
        } catch {
          // Unacknowledged: retried after the restart.
        }
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, worker));
    await waitUntil(async () => acknowledged.size >= 30, 30_000, "some writes to be acknowledged");
    await server.kill("SIGKILL");
    await load;
    expect(acknowledged.size).toBeLessThan(keys.length);

    server = await startServerProcess({ DATABASE_URL: cluster.url() }, port);
    servers.push(server);
    // The session lives in the database, so the same client carries on after the restart.
    const before = await copiesOf("killed-");
    for (const key of acknowledged) expect(before.get(key), `acknowledged ${key} kept`).toBe(1);
    for (const key of keys) await client.contacts.log.mutate(contactInput(key, hotspotId));
    const after = await copiesOf("killed-");
    expect([...after.keys()].sort()).toEqual(keys);
    expect([...after.values()].every((n) => n === 1)).toBe(true);
  });
});
