/**
 * `npm run soak`: minutes of mixed traffic against a real server process - outreach workers logging
 * contacts, treatment managers reading caseloads, a commissioner pulling reports, residents reporting
 * and tracking concerns - bounded in time, then a summary. Fails on any 5xx or on memory that keeps
 * growing. Traffic stays on this machine (127.0.0.1).
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { demoPassword } from "@pathways/seed";
import { TRPCClientError } from "@trpc/client";
import { machineLine, percentile, writeBenchmarkSection } from "./report.ts";
import { apiClient, startServerProcess } from "./server-process.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "120" },
    "database-url": { type: "string" },
    workers: { type: "string", default: "8" },
  },
});
const seconds = Math.min(Math.max(Number(values.seconds), 10), 1800);
const concurrency = Math.min(Math.max(Number(values.workers), 1), 64);

const dataRoot = mkdtempSync(path.join(os.tmpdir(), "pathways-soak-"));
const env: Record<string, string> = values["database-url"]
  ? { DATABASE_URL: values["database-url"] }
  : { PATHWAYS_DATA_DIR: path.join(dataRoot, "data") };
const port = 20000 + Math.floor(Math.random() * 20000);
const server = await startServerProcess(env, port, ["--demo"]);

const latencies = new Map<string, number[]>();
const statuses = new Map<number, number>();
const failures: string[] = [];

async function timed<T>(name: string, call: () => Promise<T>): Promise<T | undefined> {
  const started = performance.now();
  let status = 200;
  try {
    return await call();
  } catch (error) {
    status =
      error instanceof TRPCClientError ? ((error.data as { httpStatus?: number })?.httpStatus ?? 599) : 599;
    if (status >= 500) failures.push(`${name}: ${status} ${(error as Error).message}`);
    return undefined;
  } finally {
    const list = latencies.get(name) ?? [];
    list.push(performance.now() - started);
    latencies.set(name, list);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }
}

async function signedIn(email: string) {
  const client = apiClient(server.url);
  await client.auth.signIn.mutate({ email, password: demoPassword });
  return client;
}

// The last 12 full months: commissioner reports take whole calendar months only (docs/DISCLOSURE.md).
const monthStart = `${new Date().toISOString().slice(0, 7)}-01`;
const today = new Date(Date.parse(`${monthStart}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
const yearAgo = `${Number(monthStart.slice(0, 4)) - 1}${monthStart.slice(4)}`;
const deadline = Date.now() + seconds * 1000;
let contactNumber = 0;

const roles = {
  async outreach() {
    const client = await signedIn("outreach@demo.pathways");
    const [hotspot] = (await client.hotspots.list.query({ includeRetired: false })) ?? [];
    while (Date.now() < deadline) {
      const clientKey = `soak-${process.pid}-${contactNumber++}`;
      await timed("contacts.log", () =>
        client.contacts.log.mutate({
          clientKey,
          occurredAt: new Date(Date.now() - 60_000),
          hotspotId: hotspot!.id,
          contactType: "street_outreach",
          substances: ["heroin"],
          interventions: [{ intervention: "naloxone_supplied", quantity: 1 }],
          safeguardingConcerns: [],
        }),
      );
      await timed("contacts.mine", () => client.contacts.mine.query({ limit: 25 }));
    }
  },
  async treatment() {
    const client = await signedIn("treatment@demo.pathways");
    while (Date.now() < deadline) {
      await timed("caseload.episodes", () => client.caseload.episodes.query({}));
      await timed("caseload.waitingList", () => client.caseload.waitingList.query({}));
    }
  },
  async commissioner() {
    const client = await signedIn("commissioner@demo.pathways");
    while (Date.now() < deadline) {
      await timed("reports.funnel", () => client.reports.funnel.query({ from: yearAgo, to: today }));
      await timed("reports.outcomes", () => client.reports.outcomes.query({ from: yearAgo, to: today }));
      await timed("reports.hotspots", () => client.reports.hotspots.query({ from: yearAgo, to: today }));
    }
  },
  async resident() {
    const client = apiClient(server.url);
    const places = await client.community.places.query();
    while (Date.now() < deadline) {
      const submitted = await timed("community.submit", () =>
        client.community.submit.mutate({
          category: "discarded_needles",
          hotspotId: places[0]?.id,
          description: "Needles by the bench near the play area.",
        }),
      );
      if (submitted)
        await timed("community.track", () => client.community.track.query({ token: submitted.token }));
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  },
};

const plan: (keyof typeof roles)[] = ["outreach", "treatment", "commissioner", "resident"];
const rss: number[] = [];
const sampler = setInterval(() => rss.push(server.rssMb()), 1000);
const started = Date.now();
process.stderr.write(`Soak: ${seconds} s, ${concurrency} virtual users, server on ${server.url}\n`);
await Promise.all(Array.from({ length: concurrency }, (_, i) => roles[plan[i % plan.length]!]()));
clearInterval(sampler);
const elapsed = (Date.now() - started) / 1000;
await server.kill("SIGTERM");
rmSync(dataRoot, { recursive: true, force: true });

// Memory after the first fifth (warm-up: caches, JIT) against the last fifth.
const fifth = Math.max(1, Math.floor(rss.length / 5));
const warm = Math.max(...rss.slice(fifth, 2 * fifth));
const late = Math.max(...rss.slice(-fifth));
const peak = Math.max(...rss);
const growth = late - warm;
const total = [...statuses.values()].reduce((a, b) => a + b, 0);
const serverErrors = [...statuses.entries()].filter(([s]) => s >= 500).reduce((a, [, n]) => a + n, 0);

const rows = [...latencies.entries()].map(([name, list]) => {
  const sorted = [...list].sort((a, b) => a - b);
  return `| ${name} | ${list.length} | ${percentile(sorted, 50).toFixed(1)} | ${percentile(sorted, 99).toFixed(1)} |`;
});
const summary = [
  `${machineLine()}; ${values["database-url"] ? "PostgreSQL" : "PGlite"}; ${seconds} s; ${concurrency} virtual users.`,
  "",
  `${total} requests in ${elapsed.toFixed(0)} s (${(total / elapsed).toFixed(0)}/s); status counts: ${[
    ...statuses.entries(),
  ]
    .sort()
    .map(([s, n]) => `${s}: ${n}`)
    .join(", ")}. 5xx: ${serverErrors}.`,
  `Server RSS: ${rss[0]?.toFixed(0)} MB at start, ${warm.toFixed(0)} MB warmed up, ${late.toFixed(0)} MB at the end, peak ${peak.toFixed(0)} MB (growth after warm-up ${growth.toFixed(0)} MB).`,
  "",
  "| procedure | calls | p50 ms | p99 ms |",
  "| --- | ---: | ---: | ---: |",
  ...rows,
].join("\n");
process.stdout.write(`${summary}\n`);
writeBenchmarkSection("Soak (npm run soak)", summary);

const memoryStable = growth < 64;
if (serverErrors > 0 || !memoryStable) {
  for (const failure of failures.slice(0, 10)) process.stderr.write(`${failure}\n`);
  process.stderr.write(
    serverErrors > 0
      ? `FAIL: ${serverErrors} server errors\n`
      : `FAIL: memory grew ${growth.toFixed(0)} MB\n`,
  );
  process.exit(1);
}
