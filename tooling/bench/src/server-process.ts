import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { AppRouter } from "@pathways/api";
import { createTRPCClient, httpLink } from "@trpc/client";
import superjson from "superjson";

const cli = path.resolve(import.meta.dirname, "../../../apps/cli/bin/pathways-dev.js");

export function pathwaysCli(args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, LOG_LEVEL: "silent", ...env },
  });
  if (result.status !== 0) throw new Error(`pathways ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}

/** `pathways serve` in a child process, so a test can SIGKILL it like a crash would and a soak can read its memory. */
export async function startServerProcess(env: Record<string, string>, port: number, args: string[] = []) {
  const child: ChildProcess = spawn(process.execPath, [cli, "serve", ...args], {
    env: {
      PATH: process.env.PATH,
      LOG_LEVEL: "error",
      PORT: String(port),
      SESSION_SECRET: "fault-secret-fault-secret-fault-secret-1",
      // Required in production (the bench's data sets run as production): commissioner figures are protected.
      PATHWAYS_DISCLOSURE_SECRET: "fault-disclosure-secret-fault-disclosure-secret-1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}: ${output}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    child,
    output: () => output,
    alive: () => child.exitCode === null && child.signalCode === null,
    /** Resident memory of the server process, in MB (Linux). */
    rssMb: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    },
    kill: async (signal: NodeJS.Signals) => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill(signal);
      await exited;
    },
  };
}

/** A tRPC client that keeps the session cookie, like a browser would. */
export function apiClient(url: string) {
  let cookie = "";
  const client = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${url}/trpc`,
        transformer: superjson,
        headers: () => (cookie ? { cookie } : {}),
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          const setCookie = response.headers.get("set-cookie");
          if (setCookie) cookie = setCookie.split(";")[0]!;
          return response;
        },
      }),
    ],
  });
  return client;
}
