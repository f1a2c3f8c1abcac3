import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type ApiContext, type AppRouter, createCaller } from "@pathways/api";
import { NotFound, PathwaysError, reportReader } from "@pathways/core";
import { disclosureSecretFor, openDatabase } from "@pathways/server/database";
import type { ServerConfig } from "@pathways/server/env";
import {
  fieldErrors,
  figuresAsOfNote,
  protectedFiguresNote,
  type ReportKind,
  type ReportsByKind,
  reportCsvFileName,
  reportDefinitions,
  reportFilters,
  reportKinds,
  reportTableCsv,
  reportTables,
} from "@pathways/validators";
import { substanceGroups } from "@pathways/validators/codes";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import { TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z } from "zod";
import { type Output, UsageError } from "./output.ts";

export const reportUsage = `pathways report <${reportKinds.join("|")}> --from YYYY-MM-DD --to YYYY-MM-DD
    [--hotspot NAME] [--substance-group ${substanceGroups.join("|")}]
    [--format csv|json] [--table KEY] [--out DIR]
    [--as EMAIL]   run as this user, who must be one who may run the report (default: the first active
                   commissioner; the taskforce report is for taskforce staff and admins)
    [--url URL]    ask a running Pathways server instead, signed in as PATHWAYS_EMAIL with PATHWAYS_PASSWORD
  CSV goes to standard output one table at a time (--table picks one; the first by default);
  --out DIR writes every table of the report to its own file.`;

export interface ReportOptions {
  from?: string;
  to?: string;
  hotspot?: string;
  "substance-group"?: string;
  format?: string;
  table?: string;
  out?: string;
  as?: string;
  url?: string;
}

/** What a report needs from Pathways, in-process or over HTTP: the same procedures either way. */
interface ReportSource {
  hotspots(): Promise<{ id: string; name: string }[]>;
  run<K extends ReportKind>(kind: K, input: unknown): Promise<ReportsByKind[K]>;
  close(): Promise<void>;
}

/** PATHWAYS_EMAIL and PATHWAYS_PASSWORD: the account `--url` signs in with. */
const RemoteCredentials = z.object({
  PATHWAYS_EMAIL: z.string({ error: "PATHWAYS_EMAIL must be set to sign in with --url" }).min(1),
  PATHWAYS_PASSWORD: z.string({ error: "PATHWAYS_PASSWORD must be set to sign in with --url" }).min(1),
});

export async function report(
  config: ServerConfig,
  kind: string | undefined,
  options: ReportOptions,
  env: Record<string, string | undefined>,
  output: Output,
): Promise<number> {
  if (!kind || !(reportKinds as readonly string[]).includes(kind)) {
    throw new UsageError(`Which report? ${reportUsage}`);
  }
  const reportKind = kind as ReportKind;
  if (!options.from || !options.to) throw new UsageError("--from and --to are required, as YYYY-MM-DD");
  const format = options.format ?? "csv";
  if (format !== "csv" && format !== "json") throw new UsageError("--format must be csv or json");
  const filters = reportFilters(reportKind);
  if (options.hotspot && !filters.includes("hotspotId")) {
    throw new UsageError(`the ${kind} report has no --hotspot filter`);
  }
  if (options["substance-group"] && !filters.includes("substanceGroup")) {
    throw new UsageError(`the ${kind} report has no --substance-group filter`);
  }

  const source = options.url ? await remoteSource(options.url, env) : await localSource(config, options.as);
  try {
    const input: Record<string, string> = { from: options.from, to: options.to };
    if (options.hotspot) input.hotspotId = await hotspotId(source, options.hotspot);
    if (options["substance-group"]) input.substanceGroup = options["substance-group"];
    // Checked here too, to answer with the flag's name before asking the server.
    const parsed = reportDefinitions[reportKind].input.safeParse(input);
    if (!parsed.success) {
      const problems = Object.entries(fieldErrors(parsed.error)).map(
        ([field, messages]) =>
          `--${field === "substanceGroup" ? "substance-group" : field}: ${messages.join("; ")}`,
      );
      throw new UsageError(problems.join("\n"));
    }
    const result = await source.run(reportKind, parsed.data);
    writeReport(reportKind, result, format, options, output);
    return 0;
  } catch (error) {
    const message = failureMessage(error);
    if (!message) throw error;
    output.err(`pathways: ${message}`);
    return 1;
  } finally {
    await source.close();
  }
}

function writeReport<K extends ReportKind>(
  kind: K,
  result: ReportsByKind[K],
  format: "csv" | "json",
  options: ReportOptions,
  output: Output,
) {
  if (format === "json") {
    output.out(JSON.stringify(result, null, 2));
    return;
  }
  const tables = reportTables(kind, result);
  // JSON carries figuresAsOf itself; CSV has no place for it, so it goes to standard error.
  const asOf = figuresAsOfNote(result);
  if (asOf) output.err(asOf);
  // Each CSV file also ends with this line; said once here for whoever reads the terminal.
  if (result.disclosureControl) output.err(protectedFiguresNote);
  if (options.out) {
    mkdirSync(options.out, { recursive: true });
    for (const table of tables) {
      const file = path.join(options.out, reportCsvFileName(kind, table, result));
      writeFileSync(file, reportTableCsv(table, result), "utf8");
      output.err(`Wrote ${file}`);
    }
    return;
  }
  const table = options.table ? tables.find((t) => t.key === options.table) : tables[0];
  if (!table) {
    throw new UsageError(`--table must be one of ${tables.map((t) => t.key).join(", ")}`);
  }
  // The file as it is (BOM, CRLF line ends), not line by line; it starts with what it was run for,
  // like the web app's download, so a file saved away still says what it counts.
  process.stdout.write(reportTableCsv(table, result));
}

async function hotspotId(source: ReportSource, name: string): Promise<string> {
  const hotspots = await source.hotspots();
  const found = hotspots.find((h) => h.name.toLowerCase() === name.trim().toLowerCase());
  if (!found) {
    throw new UsageError(
      `no hotspot is named "${name}"; the hotspots are ${hotspots.map((h) => h.name).join(", ") || "(none)"}`,
    );
  }
  return found.id;
}

/** A refusal from the API (wrong role, bad input, unknown hotspot) as the line to print; null otherwise. */
function failureMessage(error: unknown): string | null {
  if (error instanceof UsageError) return null;
  if (error instanceof TRPCError) return error.message;
  if (error instanceof TRPCClientError) return error.message;
  return null;
}

/** In-process: the local database, through the API's own procedures, as a named user. */
async function localSource(config: ServerConfig, email: string | undefined): Promise<ReportSource> {
  const database = await openDatabase(config);
  try {
    const actor = await reportReader({
      ctx: { db: database.db, actor: { kind: "system", name: "cli" } },
      input: { email },
    }).catch((error: unknown) => {
      if (!email && error instanceof NotFound) {
        throw new UsageError(
          "there is no active commissioner: add one with `pathways users add --role commissioner ...`, or pass --as EMAIL",
        );
      }
      if (error instanceof PathwaysError) throw new UsageError(error.message);
      throw error;
    });
    const ctx: ApiContext = {
      db: database.db,
      actor,
      requestId: "cli-report",
      request: {
        requestId: "cli-report",
        address: "local",
        sessionToken: null,
        setSessionCookie: () => {},
        clearSessionCookie: () => {},
      },
      sessions: { secret: config.sessionSecret, idleMinutes: config.sessionIdleMinutes },
      // The server's own secret, so the command and the web give a commissioner the same figures.
      disclosureSecret: disclosureSecretFor(config).secret,
    };
    const caller = createCaller(ctx);
    return {
      hotspots: () => caller.hotspots.list({ includeRetired: true }),
      run: (kind, input) => (caller.reports[kind] as (input: unknown) => Promise<never>)(input),
      close: () => database.close(),
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** Over HTTP, as a signed-in user: the session cookie the server sets is sent back on each call. */
async function remoteSource(url: string, env: Record<string, string | undefined>): Promise<ReportSource> {
  const credentials = RemoteCredentials.safeParse(env);
  if (!credentials.success) {
    throw new UsageError(credentials.error.issues.map((issue) => issue.message).join("; "));
  }
  let cookie = "";
  const client = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${url.replace(/\/+$/, "")}/trpc`,
        transformer: superjson,
        fetch: async (input, init) => {
          const headers = new Headers(init?.headers);
          if (cookie) headers.set("cookie", cookie);
          const response = await fetch(input, { ...init, headers });
          const set = response.headers.get("set-cookie");
          if (set) cookie = set.split(";")[0]!;
          return response;
        },
      }),
    ],
  });
  const { PATHWAYS_EMAIL: email, PATHWAYS_PASSWORD: password } = credentials.data;
  try {
    await client.auth.signIn.mutate({ email, password });
  } catch (error) {
    if (error instanceof TRPCClientError) throw new UsageError(`signing in to ${url}: ${error.message}`);
    throw new UsageError(`cannot reach ${url}: ${(error as Error).message}`);
  }
  return {
    hotspots: () => client.hotspots.list.query({ includeRetired: true }),
    run: (kind, input) =>
      // One call for every report: the procedure is picked by name, so its type is their union.
      (client.reports[kind] as unknown as { query(input: unknown): Promise<never> }).query(input),
    close: async () => {
      await client.auth.signOut.mutate().catch(() => {});
    },
  };
}
