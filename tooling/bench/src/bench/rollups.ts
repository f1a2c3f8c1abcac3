/**
 * `node --import tsx src/bench/rollups.ts --scale town` in tooling/bench: the report rollups after bulk change and
 * after a burst of writes (issue 16), on PostgreSQL and PGlite. For each database: the generated data
 * set's load and fold times as the generator reports them, a full rebuild of every person's rollups
 * timed on its own, then 1,000 contacts written one per transaction (as contacts.log writes them)
 * while the background refresher runs as `serve` runs it, and every report timed once right after
 * the last of them (after one such round to warm plans and caches as a running server has them):
 * what a commissioner meets after a busy hour, not a figure from reports run again and again. Each
 * report says whether it read the rollups with changes still queued (figuresAsOf) and how long the
 * queue was. Writes a section of docs/BENCHMARKS.md (unless --dry-run).
 */

import { setImmediate as nextTurn } from "node:timers/promises";
import { parseArgs } from "node:util";
import { addDays, localDay, rebuildPersonRollups, startRollupRefresher } from "@pathways/core";
import { contacts, type DbHandle, queryRows, sql } from "@pathways/db";
import type { Scale } from "@pathways/seed";
import { machineLine, writeBenchmarkSection } from "../report.ts";
import { pgliteDataset, postgresDataset } from "./datasets.ts";
import { callerFor, timeIt } from "./in-process.ts";

const { values } = parseArgs({
  options: {
    drivers: { type: "string", default: "postgres,pglite" },
    scale: { type: "string", default: "town" },
    seed: { type: "string", default: "2026" },
    burst: { type: "string", default: "1000" },
    "database-url": { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
    keep: { type: "boolean", default: false },
    "dry-run": { type: "boolean", default: false },
  },
});
const drivers = values.drivers.split(",") as ("postgres" | "pglite")[];
const scale = values.scale as Scale;
const seed = Number(values.seed);
const burst = Number(values.burst);
const label = { postgres: "PostgreSQL", pglite: "PGlite" } as const;
const machine = machineLine();
const today = localDay(new Date());

/** Whole calendar months (reports may ask for nothing else): the last full year, and five years. */
function periods() {
  const year = Number(today.slice(0, 4));
  const monthStart = `${today.slice(0, 7)}-01`;
  return [
    { period: "1 year", from: `${year - 1}-01-01`, to: `${year - 1}-12-31` },
    { period: "5 years", from: `${year - 5}${monthStart.slice(4)}`, to: addDays(monthStart, -1) },
  ];
}

async function queueLength(handle: DbHandle) {
  const [row] = await queryRows<{ people: number; days: number }>(
    handle.db,
    sql`select (select count(*)::int from report_person_queue) as people,
      (select count(*)::int from report_day_deltas) as days`,
  );
  return row!;
}

/** `count` contacts, one insert and transaction each, spread over the people and the hotspots. */
async function writeBurst(handle: DbHandle, count: number) {
  const [worker] = await queryRows<{ id: string; organisation_id: string }>(
    handle.db,
    sql`select id, organisation_id from users where email = 'outreach@demo.pathways'`,
  );
  const people = await queryRows<{ id: string }>(
    handle.db,
    sql`select id from people tablesample system (5) limit ${count}`,
  );
  const hotspots = await queryRows<{ id: string }>(handle.db, sql`select id from hotspots`);
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    await handle.db.insert(contacts).values({
      clientKey: `rollup-burst-${Date.now()}-${i}`,
      occurredAt: new Date(),
      hotspotId: hotspots[i % hotspots.length]!.id,
      workerId: worker!.id,
      organisationId: worker!.organisation_id,
      personId: i % 7 === 0 ? null : (people[i % people.length]?.id ?? null),
      contactType: "street_outreach",
    });
    // As between two HTTP requests: the refresher's timer gets its turns (PGlite answers on this thread).
    await nextTurn();
  }
  return (performance.now() - started) / 1000;
}

const lines: string[] = [];
for (const driver of drivers) {
  console.log(`${label[driver]}: ${scale} data set`);
  const progress: string[] = [];
  const { dataset, generatedIn } =
    driver === "postgres"
      ? await postgresDataset(values["database-url"], scale, seed, values.keep)
      : await pgliteDataset(scale, seed, values.keep);
  const handle = await dataset.open();
  try {
    const rebuild = await timeIt(() => rebuildPersonRollups(handle.db));
    console.log(`  full rebuild: ${(rebuild / 1000).toFixed(1)} s`);
    const refresher = startRollupRefresher({ db: handle.db });
    const caller = await callerFor(handle, "commissioner@demo.pathways");
    let burstSeconds = 0;
    const figures: string[] = [];
    try {
      // A first round warms the plans and caches a running server has warm; the second is measured.
      for (const round of ["warm-up", "measured"]) {
        burstSeconds = await writeBurst(handle, burst);
        for (const { period, from, to } of periods()) {
          const calls = {
            funnel: () => caller.reports.funnel({ from, to }),
            outcomes: () => caller.reports.outcomes({ from, to }),
            waitingTimes: () => caller.reports.waiting({ from, to }),
            hotspotActivity: () => caller.reports.hotspots({ from, to }),
            safeguarding: () => caller.reports.safeguarding({ from, to }),
          };
          for (const [report, call] of Object.entries(calls)) {
            const queued = await queueLength(handle);
            let asOf: string | undefined;
            const ms = await timeIt(async () => {
              asOf = (await call()).figuresAsOf;
            });
            const figure = `${report} ${period}: ${ms.toFixed(1)} ms (queued: ${queued.people} people, ${queued.days} day changes; ${asOf ? `figures as of ${asOf}` : "all counted"})`;
            console.log(`  ${round}: ${figure}`);
            if (round === "measured")
              figures.push(
                `| ${label[driver]} | ${report} | ${period} | ${ms.toFixed(1)} | ${queued.people} / ${queued.days} | ${asOf ? `as of ${asOf.slice(11, 19)} UTC` : "all"} |`,
              );
          }
        }
      }
    } finally {
      await refresher.stop();
    }
    progress.push(
      `${label[driver]}: ${generatedIn === null ? "kept data set" : `generated and folded in ${generatedIn.toFixed(0)} s`}; full rebuild of every person's rollups ${(rebuild / 1000).toFixed(1)} s; ${burst} contacts written in ${burstSeconds.toFixed(1)} s.`,
    );
    lines.push(
      ...progress.map((line) => `- ${line}`),
      "",
      "| database | report | period | ms | queued (people / day changes) | figures |",
      "| --- | --- | --- | --- | --- | --- |",
      ...figures,
      "",
    );
  } finally {
    await handle.close();
    if (!values.keep) await dataset.drop();
  }
}

const body = `${machine}; ${scale} data set (seed ${seed}). Each report once through tRPC's caller as a commissioner, right after ${burst} contacts were written one per transaction while the background refresher ran (every 2 s, as under \`pathways serve\`); a first such round warmed plans and caches and is not shown. "Queued" is what was waiting to be folded when the report started; "as of" means the report read the rollups with those changes still queued and said so.

${lines.join("\n")}`;
if (values["dry-run"]) console.log(`\n${body}`);
else writeBenchmarkSection(`Report rollups after bulk change and a burst of writes (${scale})`, body);
