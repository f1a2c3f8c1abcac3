import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

export function postgresBin(): string {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root))
    throw new Error("PostgreSQL server binaries are not installed (Debian package `postgresql`).");
  const version = readdirSync(root).sort((a, b) => Number(b) - Number(a))[0]!;
  return path.join(root, version, "bin");
}

/** PostgreSQL refuses to run as root: run its tools as the `postgres` user when we are root. */
function run(tool: string, args: string[]) {
  const command = path.join(postgresBin(), tool);
  const asRoot = process.getuid?.() === 0;
  execFileSync(asRoot ? "runuser" : command, asRoot ? ["-u", "postgres", "--", command, ...args] : args, {
    stdio: "pipe",
  });
}

/**
 * A private PostgreSQL cluster on its own port and directory, so a test can stop and start it
 * without harming the machine's shared server.
 */
export async function privateCluster() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pathways-pg-"));
  chmodSync(dir, 0o777);
  const dataDir = path.join(dir, "data");
  const port = await freePort();
  if (process.getuid?.() === 0) execFileSync("chown", ["postgres", dir]);
  run("initdb", ["-D", dataDir, "-A", "trust", "-U", "postgres", "--no-sync"]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=on`;
  const start = () =>
    run("pg_ctl", ["-D", dataDir, "-o", options, "-w", "-l", path.join(dir, "log"), "start"]);
  const stop = (mode: "fast" | "immediate" = "fast") =>
    run("pg_ctl", ["-D", dataDir, "-m", mode, "-w", "stop"]);
  start();
  return {
    url: (database = "postgres") => `postgres://postgres@127.0.0.1:${port}/${database}`,
    start,
    stop,
    destroy: () => {
      try {
        stop("immediate");
      } catch {
        // Already stopped.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
