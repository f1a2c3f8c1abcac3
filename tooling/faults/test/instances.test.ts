import { startServerProcess } from "@pathways/bench";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../src/cluster.ts";
import { spreadClient } from "../src/spread-client.ts";
import { freshPostgresDatabase, preparedWorld, worldPassword } from "../src/world.ts";
import { contactInput, statusOf, waitUntil } from "./helpers.ts";

type Server = Awaited<ReturnType<typeof startServerProcess>>;

const servers: Server[] = [];
const cleanUps: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const server of servers) if (server.alive()) await server.kill("SIGKILL");
  for (const cleanUp of cleanUps) await cleanUp();
});

/** Whole months (commissioner reports take whole months): last year's January to this month's end. */
const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London" }).format(new Date());
const [year, month] = today.split("-").map(Number) as [number, number];
const monthEnd = new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
const period = { from: `${year - 1}-01-01`, to: monthEnd };

type Client = ReturnType<typeof spreadClient>["spread"];
async function everyReport(client: Client) {
  return {
    funnel: await client.reports.funnel.query(period),
    outcomes: await client.reports.outcomes.query(period),
    waitingTimes: await client.reports.waiting.query(period),
    hotspotActivity: await client.reports.hotspots.query(period),
    safeguarding: await client.reports.safeguarding.query(period),
  };
}

const start = (url: string, port: number) =>
  startServerProcess({ DATABASE_URL: url, OUTBOX_POLL_SECONDS: "0.2", LOG_LEVEL: "info" }, port);

// Needs PostgreSQL: only one process may open a PGlite data directory.
describe.runIf(process.env.TEST_DATABASE_URL)("three API processes on one database", () => {
  it("start together on a fresh database, share mixed load with no error and no duplicate, and report what one process reports", async () => {
    const database = await freshPostgresDatabase(process.env.TEST_DATABASE_URL!);
    cleanUps.push(database.drop);
    const ports = await Promise.all([freePort(), freePort(), freePort()]);
    // All three migrate the empty database at once.
    const started = await Promise.all(ports.map((port) => start(database.url, port)));
    servers.push(...started);
    const urls = started.map((server) => server.url);
    const world = await preparedWorld({ url: database.url });

    const outreach = spreadClient(urls);
    await outreach.spread.auth.signIn.mutate({ email: world.outreach, password: worldPassword });
    const commissioner = spreadClient(urls);
    await commissioner.spread.auth.signIn.mutate({ email: world.commissioner, password: worldPassword });
    const resident = spreadClient(urls);

    const failures: string[] = [];
    const note = (what: string) => (error: unknown) => {
      failures.push(`${what}: ${statusOf(error)} ${(error as Error).message}`);
    };
    const keys = Array.from({ length: 180 }, (_, i) => `spread-${String(i).padStart(4, "0")}`);
    const pending = [...keys];
    // Six phones log contacts, each sent to two processes at once (a resend racing the first try).
    const phone = async () => {
      for (let key = pending.shift(); key; key = pending.shift()) {
        const k = key;
        const twice = await Promise.all(
          [0, 1].map((offset) =>
            outreach
              .pick((keys.indexOf(k) + offset) % urls.length)
              .contacts.log.mutate(contactInput(k, world.hotspotId))
              .then((contact) => contact.id, note(`contact ${k}`)),
          ),
        );
        if (twice[0] !== twice[1]) failures.push(`contact ${k}: two ids ${twice.join(", ")}`);
      }
    };
    // A commissioner reads reports throughout, from whichever process.
    let loading = true;
    const reader = async () => {
      while (loading) await everyReport(commissioner.spread).catch(note("report"));
    };
    // One address sends twelve community reports at once: the limit is counted in the database.
    const submissions = Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        resident.spread.community.submit
          .mutate({
            category: "discarded_needles",
            hotspotId: world.hotspotId,
            description: `Needles by the bench, report ${i}`,
            contactEmail: `resident${i}@example.org`,
          })
          .then(
            () => 200,
            (error: unknown) => statusOf(error),
          ),
      ),
    );
    const readers = [reader(), reader()];
    await Promise.all(Array.from({ length: 6 }, phone));
    const submitted = await submissions;
    loading = false;
    await Promise.all(readers);

    expect(failures).toEqual([]);
    expect(submitted.filter((status) => status === 200)).toHaveLength(5);
    expect(submitted.filter((status) => status === 429)).toHaveLength(7);

    const check = postgres(database.url, { max: 1, onnotice: () => {} });
    try {
      const [contacts] = await check<{ n: number; keys: number }[]>`
        select count(*)::int as n, count(distinct client_key)::int as keys from contacts`;
      expect(contacts).toEqual({ n: keys.length, keys: keys.length });
      const migrations = await check<
        { n: number }[]
      >`select count(*)::int as n from drizzle.__drizzle_migrations`;
      const files = await check<
        { n: number }[]
      >`select count(distinct hash)::int as n from drizzle.__drizzle_migrations`;
      expect(migrations[0]!.n).toBe(files[0]!.n);
      // Every reporter's update is delivered by one of the three workers, once.
      await waitUntil(
        async () =>
          (
            await check<
              { n: number }[]
            >`select count(*)::int as n from outbox_messages where status <> 'sent'`
          )[0]!.n === 0,
        30_000,
        "the outbox to be delivered",
      );
      const messages = await check<{ id: string }[]>`select id from outbox_messages`;
      expect(messages.length).toBeGreaterThanOrEqual(5);
      const logs = started.map((server) => server.output()).join("\n");
      for (const { id } of messages) {
        expect(logs.split(`"msg":"outbox: update ${id} sent"`).length - 1, `message ${id}`).toBe(1);
      }
      // The background refreshers of all three have folded every queued change.
      await waitUntil(
        async () =>
          (
            await check<{ n: number }[]>`
              select ((select count(*) from report_day_deltas) + (select count(*) from report_person_queue))::int as n`
          )[0]!.n === 0,
        60_000,
        "the report rollups to be folded",
      );
    } finally {
      await check.end();
    }

    const answers = await Promise.all(urls.map((_, index) => everyReport(commissioner.pick(index))));
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    for (const server of started) {
      expect(server.output()).not.toMatch(/"level":(50|60)/);
      await server.kill("SIGTERM");
      expect(server.child.exitCode).toBe(0);
    }

    // One process alone on the same database gives the same figures.
    const alone = await start(database.url, ports[0]!);
    servers.push(alone);
    expect(await everyReport(commissioner.pick(0))).toEqual(answers[0]);
    await alone.kill("SIGTERM");
  });
});
