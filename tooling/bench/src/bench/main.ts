/**
 * `npm run bench`: the benchmarks of issue 10 on PostgreSQL and PGlite, each against a raw baseline
 * measured in the same run, written into docs/BENCHMARKS.md with the machine line and the date.
 * Everything runs on this machine (127.0.0.1); the PostgreSQL databases are its own `pathways_bench_*`.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { localDay } from "@pathways/core";
import type { Scale } from "@pathways/seed";
import { reportsFor } from "@pathways/validators";
import { machineLine, median, writeBenchmarkSection } from "../report.ts";
import { type LoadResult, load, signInCookie, startApi, startBaseline } from "./contacts-http.ts";
import { type Dataset, pgliteDataset, postgresDataset } from "./datasets.ts";
import { benchImport } from "./import.ts";
import { benchPages, benchReports, callerFor, type PageFigure, type ReportFigure } from "./in-process.ts";
import { benchWeb } from "./web.ts";

const { values } = parseArgs({
  options: {
    only: { type: "string", default: "contacts,reports,pages,import,memory,web" },
    drivers: { type: "string", default: "postgres,pglite" },
    scale: { type: "string", default: "city" },
    seed: { type: "string", default: "2026" },
    runs: { type: "string", default: "3" },
    seconds: { type: "string", default: "10" },
    "database-url": { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
    /** Keep the generated data sets and use them again next time (they are dropped otherwise). */
    keep: { type: "boolean", default: false },
    /** Put before the data sets' names, so engineers sharing a machine each use their own. */
    "dataset-prefix": { type: "string", default: "" },
    /** Write nothing to docs/BENCHMARKS.md (while working on the harness). */
    "dry-run": { type: "boolean", default: false },
  },
});
const only = new Set(values.only.split(","));
const drivers = values.drivers.split(",") as ("postgres" | "pglite")[];
const scale = values.scale as Scale;
const seed = Number(values.seed);
const runs = Math.max(1, Number(values.runs));
const seconds = Math.max(2, Number(values.seconds));
const adminUrl = values["database-url"];
const keep = values.keep;
const machine = machineLine();
const label = { postgres: "PostgreSQL", pglite: "PGlite" } as const;

function write(title: string, body: string) {
  if (values["dry-run"]) console.log(`\n## ${title}\n\n${body}`);
  else writeBenchmarkSection(title, body);
}
const ms = (value: number) => value.toFixed(1);
const range = (list: number[], digits = 1) =>
  `${median(list).toFixed(digits)} (${Math.min(...list).toFixed(digits)}–${Math.max(...list).toFixed(digits)})`;
let portCounter = 21000 + Math.floor(Math.random() * 20000);
const port = () => portCounter++;

console.log(`Pathways benchmarks: ${machine}; scale ${scale}, seed ${seed}`);
const datasets = new Map<"postgres" | "pglite", Dataset>();
const generated: string[] = [];
const needsCity = ["contacts", "reports", "pages", "memory"].some((name) => only.has(name));
if (needsCity) {
  // PostgreSQL is needed for the raw baselines even when only PGlite is measured.
  const pg = await postgresDataset(adminUrl, scale, seed, keep, values["dataset-prefix"]);
  datasets.set("postgres", pg.dataset);
  if (pg.generatedIn !== null) generated.push(`PostgreSQL ${pg.generatedIn.toFixed(0)} s`);
  if (drivers.includes("pglite")) {
    const lite = await pgliteDataset(scale, seed, keep, values["dataset-prefix"]);
    datasets.set("pglite", lite.dataset);
    if (lite.generatedIn !== null) generated.push(`PGlite ${lite.generatedIn.toFixed(0)} s`);
  }
}

const peakApiRss: Record<string, number> = {};
const reportsDuringLoad: Record<string, { run: number; failed: number }> = {};
const steadyRate = 50;
const steadyConnections = 4;

// ---- 1. Contact logging over HTTP ------------------------------------------------------------------
if (only.has("contacts") || only.has("memory")) {
  console.log("\nContact logging over HTTP");
  const rows: string[] = [];
  const results: Record<string, LoadResult[]> = {};
  const record = (key: string, result: LoadResult) => {
    results[key] = [...(results[key] ?? []), result];
  };
  const pgDataset = datasets.get("postgres")!;
  const pgUrl = pgDataset.env.DATABASE_URL!;
  const hotspotId = await firstHotspot(pgDataset);
  const baseline = await startBaseline(pgUrl, port());
  try {
    for (const driver of drivers) {
      const dataset = datasets.get(driver)!;
      const api = await startApi(dataset.env, port());
      try {
        const cookie = await signInCookie(api.url, "outreach@demo.pathways");
        const driverHotspot = driver === "postgres" ? hotspotId : await hotspotOver(api.url, cookie);
        // The baseline signs in through the PostgreSQL API: it shares the sessions table with it.
        const baselineCookie = driver === "postgres" ? cookie : null;
        const warm = Math.min(3, seconds);
        /** contacts.log through this API as the signed-in outreach worker. */
        const logContacts = (options: { seconds?: number; connections?: number; rate?: number } = {}) =>
          load({
            url: api.url,
            cookie,
            hotspotId: driverHotspot,
            seconds,
            shape: "trpc",
            rssOf: api.rssMb,
            ...options,
          });
        await logContacts({ seconds: warm });
        for (let run = 0; run < runs; run++) {
          const trpc = await logContacts();
          record(`${driver} trpc`, trpc);
          console.log(
            `  ${label[driver]} contacts.log: ${trpc.requestsPerSecond.toFixed(0)} req/s, p50 ${trpc.p50} ms, p99 ${trpc.p99} ms, non-2xx ${trpc.non2xx}`,
          );
          if (baselineCookie) {
            if (run === 0) {
              await load({
                url: baseline.url,
                cookie: baselineCookie,
                hotspotId,
                seconds: warm,
                shape: "raw",
                rssOf: () => 0,
              });
            }
            const raw = await load({
              url: baseline.url,
              cookie: baselineCookie,
              hotspotId,
              seconds,
              shape: "raw",
              rssOf: () => rssOfPid(baseline.pid),
            });
            record("baseline", raw);
            console.log(
              `  raw baseline: ${raw.requestsPerSecond.toFixed(0)} req/s, p50 ${raw.p50} ms, p99 ${raw.p99} ms, non-2xx ${raw.non2xx}`,
            );
          }
        }
        // Contact logging while a commissioner runs five-year reports back to back.
        const reporter = await signInCookie(api.url, "commissioner@demo.pathways");
        const stopReports = new AbortController();
        let reportsRun = 0;
        let reportsFailed = 0;
        const today = localDay(new Date());
        // Whole calendar months: commissioner reports take nothing else (docs/DISCLOSURE.md).
        const monthStart = `${today.slice(0, 7)}-01`;
        const fiveYears = {
          from: `${Number(today.slice(0, 4)) - 5}${monthStart.slice(4)}`,
          to: new Date(Date.parse(`${monthStart}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10),
        };
        const reportLoop = (async () => {
          // Every report a commissioner may run, by the registry's names (a renamed one cannot be missed).
          const kinds = reportsFor("commissioner");
          while (!stopReports.signal.aborted) {
            const kind = kinds[reportsRun % kinds.length]!;
            const input = encodeURIComponent(JSON.stringify({ json: fiveYears }));
            try {
              const answer = await fetch(`${api.url}/trpc/reports.${kind}?input=${input}`, {
                headers: { cookie: reporter },
                signal: stopReports.signal,
              });
              await answer.arrayBuffer();
              reportsRun++;
              // A refused report is quick: counted apart, so a broken server cannot look fast.
              if (!answer.ok) reportsFailed++;
            } catch {
              // Stopped mid-report.
            }
          }
        })();
        for (let run = 0; run < runs; run++) {
          const busy = await logContacts();
          record(`${driver} busy`, busy);
          console.log(
            `  ${label[driver]} contacts.log while reports run: ${busy.requestsPerSecond.toFixed(0)} req/s, p99 ${busy.p99} ms`,
          );
        }
        // A steady rate well under saturation (a busy morning is a few contacts a second): what an
        // outreach worker waits for while a report runs, without the queueing of 32 saturating clients.
        const steady = () => logContacts({ connections: steadyConnections, rate: steadyRate });
        for (let run = 0; run < runs; run++) {
          const busy = await steady();
          record(`${driver} steady busy`, busy);
          console.log(
            `  ${label[driver]} contacts.log at ${steadyRate}/s while reports run: p50 ${busy.p50} ms, p99 ${busy.p99} ms`,
          );
        }
        stopReports.abort();
        await reportLoop;
        for (let run = 0; run < runs; run++) {
          const quiet = await steady();
          record(`${driver} steady`, quiet);
          console.log(
            `  ${label[driver]} contacts.log at ${steadyRate}/s: p50 ${quiet.p50} ms, p99 ${quiet.p99} ms`,
          );
        }
        reportsDuringLoad[driver] = { run: reportsRun, failed: reportsFailed };
        console.log(
          `  (${reportsRun} five-year reports answered meanwhile, ${reportsFailed} of them with an error)`,
        );
        peakApiRss[driver] = Math.max(
          ...[...results[`${driver} trpc`]!, ...results[`${driver} busy`]!].map((r) => r.peakRssMb),
        );
      } finally {
        await stopServer(api);
      }
    }
  } finally {
    await baseline.stop();
  }
  // The raw baseline runs beside PostgreSQL only: with PGlite alone there is nothing to compare with.
  const base = results.baseline ?? [];
  const baseRps = base.length ? median(base.map((r) => r.requestsPerSecond)) : Number.NaN;
  const line = (name: string, list: LoadResult[], ratio: boolean) =>
    `| ${name} | ${range(
      list.map((r) => r.requestsPerSecond),
      0,
    )} | ${range(list.map((r) => r.p50))} | ${range(list.map((r) => r.p99))} | ${!ratio ? "100%" : base.length ? `${((median(list.map((r) => r.requestsPerSecond)) / baseRps) * 100).toFixed(0)}%` : "–"} | ${list.reduce((s, r) => s + r.non2xx + r.errors, 0)} |`;
  if (base.length) rows.push(line("raw baseline: Fastify + zod + postgres.js on PostgreSQL", base, false));
  const steadyRows: string[] = [];
  const steadyLine = (name: string, list: LoadResult[]) =>
    `| ${name} | ${range(list.map((r) => r.p50))} | ${range(list.map((r) => r.p99))} | ${list.reduce((s, r) => s + r.non2xx + r.errors, 0)} |`;
  for (const driver of drivers) {
    rows.push(line(`contacts.log (tRPC) on ${label[driver]}`, results[`${driver} trpc`]!, true));
    rows.push(
      line(`contacts.log on ${label[driver]} while five-year reports run`, results[`${driver} busy`]!, true),
    );
    steadyRows.push(steadyLine(`${label[driver]}`, results[`${driver} steady`]!));
    steadyRows.push(
      steadyLine(`${label[driver]} while five-year reports run`, results[`${driver} steady busy`]!),
    );
  }
  write(
    "Contact logging over HTTP (npm run bench)",
    `${machine}; ${scale} data set (seed ${seed}); autocannon 8.0.0, 32 connections, ${runs} runs of ${seconds} s each after a warm-up, all on 127.0.0.1. Median (min–max) of the runs.

| what | requests/s | p50 ms | p99 ms | of baseline | non-2xx + errors |
| --- | ---: | ---: | ---: | ---: | ---: |
${rows.join("\n")}

"While five-year reports run": a commissioner's client asks for every commissioner report over five years one after another through the same server meanwhile (${drivers.map((d) => `${label[d]}: ${reportsDuringLoad[d]?.run ?? 0} answered, ${reportsDuringLoad[d]?.failed ?? 0} of them with an error`).join("; ")}).

At a steady ${steadyRate} requests/s over ${steadyConnections} connections (far below saturation; a busy morning for a taskforce is a few contacts a second), the same ${runs} runs of ${seconds} s, quiet and while the five-year reports run:

| contacts.log at ${steadyRate}/s on | p50 ms | p99 ms | non-2xx + errors |
| --- | ---: | ---: | ---: |
${steadyRows.join("\n")}

Targets: contacts.log at ≥ 70% of the baseline's throughput with p99 ≤ 50 ms; on PGlite, p99 ≤ 60 ms while a commissioner report runs.`,
  );
}

// ---- 2 and 3. Reports and pages, in process ------------------------------------------------------
const reportFigures: Record<string, ReportFigure[]> = {};
const pageFigures: Record<string, PageFigure[]> = {};
let pgliteRss = 0;
if (only.has("reports") || only.has("pages") || only.has("memory")) {
  for (const driver of drivers) {
    const database = await datasets.get(driver)!.open();
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss / 1024 ** 2);
    }, 100);
    try {
      await callerFor(database, "commissioner@demo.pathways");
      if (only.has("reports")) {
        console.log(`\nReports on ${label[driver]}`);
        reportFigures[driver] = await benchReports(database, localDay(new Date()), Math.max(runs, 5));
      }
      if (only.has("pages")) {
        console.log(`\nCaseload and person pages on ${label[driver]}`);
        pageFigures[driver] = await benchPages(database, 200);
      }
    } finally {
      clearInterval(sampler);
      await database.close();
    }
    if (driver === "pglite") pgliteRss = peak;
  }
  if (only.has("reports")) {
    const rows = drivers.flatMap((driver) =>
      reportFigures[driver]!.map(
        (f) =>
          `| ${label[driver]} | ${f.report} | ${f.period} | ${ms(f.medianMs)} (${ms(f.minMs)}–${ms(f.maxMs)}) | ${ms(f.baselineMedianMs)} (${ms(f.baselineMinMs)}–${ms(f.baselineMaxMs)}) | ${(f.medianMs / f.baselineMedianMs).toFixed(2)} | ${f.runs} |`,
      ),
    );
    write(
      "Commissioner reports (npm run bench)",
      `${machine}; ${scale} data set (seed ${seed}). Each report through tRPC's caller as a commissioner (validation, disclosure control), against one hand-written SQL query over the raw rows computing the same figures (tooling/bench/src/bench/report-baselines.ts) on the same database, alternating, ${Math.max(runs, 5)} runs each after a warm-up (1 run when the warm-up took over 5 s). Median (min–max) in ms. "1 year" is the last full calendar year; "5 years" the longest period a report allows, ending today.

| database | report | period | report ms | raw SQL ms | report ÷ raw | runs |
| --- | --- | --- | ---: | ---: | ---: | ---: |
${rows.join("\n")}

Targets: median ≤ 100 ms on PostgreSQL and ≤ 250 ms on PGlite, and faster than the raw-SQL baseline (ratio < 1).`,
    );
  }
  if (only.has("pages")) {
    const rows = drivers.flatMap((driver) =>
      pageFigures[driver]!.map(
        (f) => `| ${label[driver]} | ${f.procedure} | ${f.calls} | ${ms(f.p50)} | ${ms(f.p99)} |`,
      ),
    );
    write(
      "Caseload and person pages (npm run bench)",
      `${machine}; ${scale} data set (seed ${seed}). The procedures behind the pages, through tRPC's caller, one after another (person pages: the 20 people met most often and 200 others, in turn). Target: p99 ≤ 25 ms.

| database | procedure | calls | p50 ms | p99 ms |
| --- | --- | ---: | ---: | ---: |
${rows.join("\n")}`,
    );
  }
}

// ---- 4. Import -------------------------------------------------------------------------------------
if (only.has("import")) {
  console.log("\nImport");
  const figures = [];
  for (const driver of drivers) figures.push(await benchImport(driver, adminUrl, runs));
  write(
    "Import (npm run bench)",
    `${machine}. \`pathways import\` (the CLI in its own process, wall clock, so Node's start-up is included) of the same synthetic people.csv and contacts.csv into a database holding the demo data, against a raw COPY of the same rows (ids and references resolved beforehand) into the same tables. ${runs} runs, median (min–max). Target: import at ≥ 50% of raw COPY speed.

| database | rows | pathways import rows/s | raw COPY rows/s | of COPY |
| --- | ---: | ---: | ---: | ---: |
${figures.map((f) => `| ${label[f.driver]} | ${f.rows.toLocaleString("en-GB")} | ${range(f.importRate, 0)} | ${range(f.copyRate, 0)} | ${((median(f.importRate) / median(f.copyRate)) * 100).toFixed(0)}% |`).join("\n")}`,
  );
}

// ---- 5. Memory ---------------------------------------------------------------------------------------
if (only.has("memory")) {
  const lines = drivers
    .filter((driver) => peakApiRss[driver] !== undefined)
    .map(
      (driver) =>
        `| API (\`pathways serve\`) on ${label[driver]} under the contact-logging load | ${peakApiRss[driver]!.toFixed(0)} |`,
    );
  if (drivers.includes("pglite")) {
    lines.push(
      `| the bench process holding PGlite with the ${scale} data set while it ran ${only.has("reports") ? "the reports and pages" : "the page procedures"} | ${pgliteRss.toFixed(0)} |`,
    );
  }
  write(
    "Memory (npm run bench)",
    `${machine}; ${scale} data set. Peak resident memory (VmRSS from /proc, sampled every 200 ms). Target: API ≤ 300 MB under load.

| process | peak RSS MB |
| --- | ---: |
${lines.join("\n")}`,
  );
}

// ---- 6. Web ------------------------------------------------------------------------------------------
if (only.has("web")) {
  console.log("\nWeb");
  const web = await benchWeb(runs);
  write(
    "Web (npm run bench)",
    `${machine}. After \`vite build\`: the JavaScript the first screen loads (index.html's module script and its modulepreload links), gzip -9. Time until the contact form is usable: a signed-in outreach worker opens /outreach in headless Chromium (/usr/bin/chromium) with 4× CPU throttling (CDP Emulation.setCPUThrottlingRate), from navigation until the "Log a contact" form's submit button is enabled and the hotspots are listed; ${web.times.length} loads, median (min–max). Targets: first-screen JS ≤ 150 kB gzip.

| measure | value |
| --- | ---: |
| first-screen JS, gzip | ${(web.firstScreenGzip / 1024).toFixed(1)} kB (${web.files.join(", ")}) |
| all JS in dist, gzip | ${(web.allGzip / 1024).toFixed(1)} kB |
| contact form usable, 4× CPU throttling | ${range(web.times, 0)} ms |`,
  );
}

if (generated.length) console.log(`\nData sets generated: ${generated.join(", ")}`);
if (!keep) for (const dataset of datasets.values()) await dataset.drop();
console.log("Done.");

/** SIGTERM, and SIGKILL when a report still running on PGlite keeps the server from stopping. */
async function stopServer(api: Awaited<ReturnType<typeof startApi>>) {
  const timer = setTimeout(() => api.child.kill("SIGKILL"), 15_000);
  await api.kill("SIGTERM");
  clearTimeout(timer);
}

async function firstHotspot(dataset: Dataset): Promise<string> {
  const database = await dataset.open();
  try {
    const caller = await callerFor(database, "outreach@demo.pathways");
    const list = await caller.hotspots.list();
    return (list as { id: string }[])[0]!.id;
  } finally {
    await database.close();
  }
}

async function hotspotOver(url: string, cookie: string): Promise<string> {
  const response = await fetch(`${url}/trpc/hotspots.list`, { headers: { cookie } });
  const body = (await response.json()) as { result: { data: { json: { id: string }[] } } };
  return body.result.data.json[0]!.id;
}

function rssOfPid(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}
