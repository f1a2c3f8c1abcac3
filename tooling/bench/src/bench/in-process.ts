/** Benchmarks 2 and 3: report and page procedures called through tRPC's caller, in this process. */

import { createApiContext, createCaller } from "@pathways/api";
import { signIn } from "@pathways/core";
import { type DbHandle, queryRows, sql } from "@pathways/db";
import { demoPassword } from "@pathways/seed";
import { median, percentile } from "../report.ts";
import { sessionSecret } from "./contacts-http.ts";
import { reportBaselines } from "./report-baselines.ts";

const sessions = { secret: sessionSecret, idleMinutes: 600 };
/** Commissioner reports are timed with disclosure control on, as a commissioner gets them. */
const benchDisclosureSecret = "pathways-bench-disclosure-secret-0123456789";

/** A caller signed in as a demo user, as the HTTP layer would build it, without HTTP. */
export async function callerFor(database: DbHandle, email: string) {
  const { token } = await signIn({
    ctx: { db: database.db, actor: { kind: "public", address: "127.0.0.1" } },
    input: { email, password: demoPassword },
    settings: sessions,
  });
  const ctx = await createApiContext(
    { db: database.db, sessions, disclosureSecret: benchDisclosureSecret },
    {
      requestId: "bench",
      address: "127.0.0.1",
      sessionToken: token,
      setSessionCookie: () => {},
      clearSessionCookie: () => {},
    },
  );
  return createCaller(ctx);
}

export async function timeIt(call: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await call();
  return performance.now() - started;
}

/** Raw SQL on the driver underneath: postgres.js `unsafe` or PGlite `query`. */
export function rawQuery(database: DbHandle): (text: string, params: string[]) => Promise<unknown> {
  if (database.pglite) {
    const pglite = database.pglite;
    return (text, params) => pglite.query(text, params);
  }
  const client = (database.db as unknown as { $client: { unsafe(q: string, p: string[]): Promise<unknown> } })
    .$client;
  return (text, params) => client.unsafe(text, params);
}

export interface ReportFigure {
  report: string;
  period: "1 year" | "5 years";
  medianMs: number;
  minMs: number;
  maxMs: number;
  baselineMedianMs: number;
  baselineMinMs: number;
  baselineMaxMs: number;
  runs: number;
}

export async function benchReports(database: DbHandle, today: string, runs: number): Promise<ReportFigure[]> {
  const caller = await callerFor(database, "commissioner@demo.pathways");
  const raw = rawQuery(database);
  const year = new Date(`${today}T00:00:00Z`).getUTCFullYear();
  const periods = [
    { period: "1 year" as const, from: `${year - 1}-01-01`, to: `${year - 1}-12-31` },
    // Whole calendar months: commissioner reports take nothing else (docs/DISCLOSURE.md).
    {
      period: "5 years" as const,
      from: addYears(`${today.slice(0, 7)}-01`, -5),
      to: addDays(`${today.slice(0, 7)}-01`, -1),
    },
  ];
  const procedures: Record<string, (input: { from: string; to: string }) => Promise<unknown>> = {
    funnel: (input) => caller.reports.funnel(input),
    outcomes: (input) => caller.reports.outcomes(input),
    waitingTimes: (input) => caller.reports.waiting(input),
    hotspotActivity: (input) => caller.reports.hotspots(input),
    safeguarding: (input) => caller.reports.safeguarding(input),
  };
  const figures: ReportFigure[] = [];
  for (const { period, from, to } of periods) {
    for (const [report, run] of Object.entries(procedures)) {
      const times: number[] = [];
      const baseline: number[] = [];
      // Warm both once (plans, caches), then alternate so load on the machine hits both alike. A
      // report that takes seconds is measured once more only: its figure is far from the target anyway.
      const first = await timeIt(() => run({ from, to }));
      await raw(reportBaselines[report]!, [from, to, today]);
      const measured = first > 5000 ? 1 : runs;
      for (let i = 0; i < measured; i++) {
        times.push(await timeIt(() => run({ from, to })));
        baseline.push(await timeIt(() => raw(reportBaselines[report]!, [from, to, today])));
      }
      figures.push({
        report,
        period,
        medianMs: median(times),
        minMs: Math.min(...times),
        maxMs: Math.max(...times),
        baselineMedianMs: median(baseline),
        baselineMinMs: Math.min(...baseline),
        baselineMaxMs: Math.max(...baseline),
        runs: measured,
      });
      console.log(
        `  ${report} ${period}: ${median(times).toFixed(1)} ms (raw SQL ${median(baseline).toFixed(1)} ms)`,
      );
    }
  }
  return figures;
}

export interface PageFigure {
  procedure: string;
  calls: number;
  p50: number;
  p99: number;
}

/** The procedures behind the caseload, waiting list and person pages, on varied records. */
export async function benchPages(database: DbHandle, calls: number): Promise<PageFigure[]> {
  const manager = await callerFor(database, "treatment@demo.pathways");
  const worker = await callerFor(database, "outreach@demo.pathways");
  // The people met most often have the longest histories; the rest are a spread of everyone.
  const frequent = await queryRows<{ id: string }>(
    database.db,
    sql`select person_id::text as id from contacts where person_id is not null group by person_id order by count(*) desc limit 20`,
  );
  const spread = await queryRows<{ id: string }>(
    database.db,
    sql`select id::text as id from people order by md5(id::text) limit 200`,
  );
  const personIds = [...frequent, ...spread].map((row) => row.id);
  const { keyworkers } = await manager.caseload.keyworkers();
  const cases: [string, (i: number) => Promise<unknown>][] = [
    [
      "caseload.episodes",
      (i) =>
        manager.caseload.episodes({
          limit: 25,
          keyworkerId: i % 2 ? keyworkers[i % keyworkers.length]?.id : undefined,
        }),
    ],
    ["caseload.episodes (at risk)", () => manager.caseload.episodes({ limit: 25, show: "at_risk" })],
    ["caseload.waitingList", () => manager.caseload.waitingList({ limit: 25 })],
    ["people.get", (i) => worker.people.get({ id: personIds[i % personIds.length]! })],
    [
      "contacts.forPerson",
      (i) => worker.contacts.forPerson({ personId: personIds[i % personIds.length]!, limit: 25 }),
    ],
    ["contacts.mine", () => worker.contacts.mine({ limit: 25 })],
  ];
  const figures: PageFigure[] = [];
  for (const [procedure, call] of cases) {
    await call(0);
    const times: number[] = [];
    for (let i = 0; i < calls; i++) times.push(await timeIt(() => call(i)));
    times.sort((a, b) => a - b);
    figures.push({ procedure, calls, p50: percentile(times, 50), p99: percentile(times, 99) });
    console.log(
      `  ${procedure}: p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms`,
    );
  }
  return figures;
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
function addYears(day: string, years: number): string {
  return `${Number(day.slice(0, 4)) + years}${day.slice(4)}`;
}
