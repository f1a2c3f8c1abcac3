/**
 * Benchmark 1 (and the API half of 5): `contacts.log` over HTTP under 32 connections from
 * autocannon, against a bare Fastify + postgres.js route doing the same SQL, in the same run.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { demoPassword } from "@pathways/seed";
import autocannon from "autocannon";
import { startServerProcess } from "../server-process.ts";

export const sessionSecret = "bench-secret-bench-secret-bench-secret-1";

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** Peak resident memory of the server process during the run, MB. */
  peakRssMb: number;
}

/** Signs in over HTTP and returns the session cookie (`name=value`). */
export async function signInCookie(url: string, email: string): Promise<string> {
  const response = await fetch(`${url}/trpc/auth.signIn`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ json: { email, password: demoPassword } }),
  });
  const cookie = response.headers.get("set-cookie")?.split(";")[0];
  if (!response.ok || !cookie) throw new Error(`signing in as ${email} failed: ${await response.text()}`);
  return cookie;
}

function contactBody(hotspotId: string) {
  return {
    clientKey: `bench-${randomUUID()}`,
    occurredAt: new Date(Date.now() - 60_000).toISOString(),
    hotspotId,
    contactType: "street_outreach",
    substances: ["heroin"],
  };
}

/**
 * autocannon for `seconds` at 32 connections (or `connections`, held to `rate` requests/s over all of
 * them when given), a fresh client key on every request; samples RSS.
 */
export async function load(options: {
  url: string;
  cookie: string;
  hotspotId: string;
  seconds: number;
  /** "trpc" wraps the body as superjson for contacts.log; "raw" sends it to the baseline's /log. */
  shape: "trpc" | "raw";
  rssOf: () => number;
  connections?: number;
  rate?: number;
}): Promise<LoadResult> {
  let peakRssMb = 0;
  const sampler = setInterval(() => {
    peakRssMb = Math.max(peakRssMb, options.rssOf());
  }, 200);
  try {
    const result = await autocannon({
      url: options.shape === "trpc" ? `${options.url}/trpc/contacts.log` : `${options.url}/log`,
      connections: options.connections ?? 32,
      ...(options.rate ? { overallRate: options.rate } : {}),
      duration: options.seconds,
      method: "POST",
      headers: { "content-type": "application/json", cookie: options.cookie },
      requests: [
        {
          setupRequest: (request) => {
            const body = contactBody(options.hotspotId);
            request.body = JSON.stringify(
              options.shape === "trpc" ? { json: body, meta: { values: { occurredAt: ["Date"] } } } : body,
            );
            return request;
          },
        },
      ],
    });
    return {
      requestsPerSecond: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
      peakRssMb: Math.max(peakRssMb, options.rssOf()),
    };
  } finally {
    clearInterval(sampler);
  }
}

const baselineScript = path.resolve(import.meta.dirname, "baseline-server.ts");

/** The baseline route in its own Node process, like the real server. */
export async function startBaseline(databaseUrl: string, port: number) {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", baselineScript], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: databaseUrl,
      SESSION_SECRET: sessionSecret,
      PORT: String(port),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("listening")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`the baseline server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

export async function startApi(env: Record<string, string>, port: number, args: string[] = []) {
  return startServerProcess({ SESSION_SECRET: sessionSecret, NODE_ENV: "production", ...env }, port, args);
}
