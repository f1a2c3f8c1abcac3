import { apiClient, pathwaysCli, startServerProcess } from "@pathways/bench";
import { demoPassword } from "@pathways/seed";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, privateCluster } from "../src/cluster.ts";
import { contactInput, sleep, statusOf, waitUntil } from "./helpers.ts";

type Cluster = Awaited<ReturnType<typeof privateCluster>>;
type Server = Awaited<ReturnType<typeof startServerProcess>>;

/** How long the connections are terminated for; FAULT_SECONDS changes it when running the test by hand. */
const faultSeconds = Number(process.env.FAULT_SECONDS ?? 50);
/** Rounds, each with a fresh server on the same seeded cluster: FAULT_RUNS=10 for the 10-in-10 check. */
const rounds = Number(process.env.FAULT_RUNS ?? 1);
const writers = 12;
const unavailable = "The database is unavailable just now. Nothing was saved; try again in a moment.";

let cluster: Cluster;
let server: Server | undefined;
beforeAll(async () => {
  if (!process.env.TEST_DATABASE_URL) return;
  cluster = await privateCluster();
  pathwaysCli(["seed", "--demo"], { DATABASE_URL: cluster.url() });
  // Seeding the demo city takes minutes on a busy machine.
}, 600_000);
afterAll(async () => {
  if (server?.alive()) await server.kill("SIGKILL");
  cluster?.destroy();
});

async function signedIn(url: string, email: string) {
  const client = apiClient(url);
  await client.auth.signIn.mutate({ email, password: demoPassword });
  return client;
}

/** Answers by status: a 5xx other than 503, or a refused connection, means the server broke. */
class Tally {
  readonly counts = new Map<string, number>();
  readonly odd: string[] = [];
  ok() {
    this.add("200");
  }
  failed(error: unknown) {
    const status = statusOf(error);
    this.add(String(status));
    const message = (error as Error).message;
    if (status === 503 && message === unavailable) return;
    if (this.odd.length < 20) this.odd.push(`${status}: ${message}`);
  }
  private add(key: string) {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
}

// Runs wherever the PostgreSQL tests run (TEST_DATABASE_URL set, as in CI), on a private cluster.
describe.runIf(process.env.TEST_DATABASE_URL)(
  "PostgreSQL terminates the app's connections under load",
  () => {
    for (let round = 1; round <= rounds; round++)
      it(`round ${round} of ${rounds}: no exit, every 5xx a 503 with the message, nothing acknowledged lost or doubled, recovery by itself`, async () => {
        if (server?.alive()) await server.kill("SIGTERM");
        server = await startServerProcess(
          // The rollup refresher and the outbox worker poll often, so the background loops meet the faults too.
          { DATABASE_URL: cluster.url(), OUTBOX_POLL_SECONDS: "0.5" },
          await freePort(),
        );
        const running = server;
        const outreach = await signedIn(running.url, "outreach@demo.pathways");
        const commissioner = await signedIn(running.url, "commissioner@demo.pathways");
        const [hotspot] = await outreach.hotspots.list.query({ includeRetired: false });
        const hotspotId = hotspot!.id;

        const tally = new Tally();
        const acknowledged = new Set<string>();
        const unacknowledged = new Set<string>();
        let faulting = true;
        let exitedDuringFaults = false;
        running.child.once("exit", () => {
          exitedDuringFaults = faulting;
        });

        // Outreach workers: each sends new contacts and, like the phone's offline queue, resends a refused
        // one with the same client key until it is acknowledged (or the faults end).
        const writer = async (w: number) => {
          for (let n = 0; faulting; n++) {
            const key = `terminate-${round}-${w}-${String(n).padStart(5, "0")}`;
            unacknowledged.add(key);
            while (faulting) {
              try {
                await outreach.contacts.log.mutate(contactInput(key, hotspotId));
                tally.ok();
                acknowledged.add(key);
                unacknowledged.delete(key);
                break;
              } catch (error) {
                tally.failed(error);
                await sleep(20);
              }
            }
          }
        };
        // A commissioner runs five-year reports and a worker reads their recent contacts meanwhile.
        // Reports cover whole months: the five years of months up to the last one that has ended.
        const now = new Date();
        const lastMonthEnd = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0));
        const fiveYears = {
          from: new Date(Date.UTC(lastMonthEnd.getUTCFullYear() - 5, lastMonthEnd.getUTCMonth() + 1, 1))
            .toISOString()
            .slice(0, 10),
          to: lastMonthEnd.toISOString().slice(0, 10),
        };
        let reportsAnswered = 0;
        const reader = async (r: number) => {
          for (let n = r; faulting; n++) {
            try {
              if (n % 3 === 0) await outreach.contacts.mine.query({ limit: 20 });
              else if (n % 3 === 1) await commissioner.reports.funnel.query(fiveYears);
              else await commissioner.reports.hotspots.query(fiveYears);
              tally.ok();
              reportsAnswered++;
            } catch (error) {
              tally.failed(error);
              await sleep(20);
            }
          }
        };

        // Another connection terminates the app's connections every 150-450 ms: sometimes one, sometimes all.
        const admin = postgres(cluster.url(), { max: 1, onnotice: () => {} });
        let terminated = 0;
        const terminator = async () => {
          const end = Date.now() + faultSeconds * 1000;
          for (let round = 0; Date.now() < end; round++) {
            await sleep(150 + Math.random() * 300);
            const rows = await admin<{ done: boolean }[]>`
          select pg_terminate_backend(pid) as done from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'
          order by random() limit ${round % 3 === 0 ? 1000 : 1}`;
            terminated += rows.filter((row) => row.done).length;
          }
          faulting = false;
        };

        try {
          await Promise.all([
            terminator(),
            ...Array.from({ length: writers }, (_, w) => writer(w)),
            ...Array.from({ length: 4 }, (_, r) => reader(r)),
          ]);
        } finally {
          await admin.end();
        }
        const summary = JSON.stringify({
          terminated,
          answers: Object.fromEntries(tally.counts),
          reportsAnswered,
          odd: tally.odd,
        });
        expect(exitedDuringFaults, `${summary}\n${running.output()}`).toBe(false);
        expect(running.alive(), `${summary}\n${running.output()}`).toBe(true);
        expect(tally.odd, summary).toEqual([]);
        // The faults did reach the app: connections were ended and some requests refused with 503.
        expect(terminated, summary).toBeGreaterThan(50);
        expect(tally.counts.get("503") ?? 0, summary).toBeGreaterThan(0);
        expect(acknowledged.size, summary).toBeGreaterThan(100);

        // Recovery by itself: ready again, and the refused writes go through when resent.
        await waitUntil(
          async () => (await fetch(`${running.url}/readyz`)).ok,
          30_000,
          "/readyz to turn green",
        );
        for (const key of unacknowledged) {
          await outreach.contacts.log.mutate(contactInput(key, hotspotId));
          acknowledged.add(key);
        }
        // Every acknowledged write is there exactly once, with its interventions.
        const sql = postgres(cluster.url(), { max: 1, onnotice: () => {} });
        try {
          const rows = await sql<{ client_key: string; n: number; interventions: number }[]>`
        select c.client_key, count(*)::int as n, (select count(*)::int from contact_interventions i
          where i.contact_id = min(c.id::text)::uuid) as interventions
        from contacts c where c.client_key like ${`terminate-${round}-%`} group by c.client_key`;
          const copies = new Map(rows.map((row) => [row.client_key, row]));
          const missing = [...acknowledged].filter((key) => !copies.has(key));
          expect(missing, summary).toEqual([]);
          expect(copies.size).toBe(acknowledged.size);
          expect(
            rows.filter((row) => row.n !== 1 || row.interventions !== 2),
            summary,
          ).toEqual([]);
        } finally {
          await sql.end();
        }
        expect(running.alive()).toBe(true);
      }, 600_000);
  },
);
