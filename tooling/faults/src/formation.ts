import { type ChildProcess, execFile, execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { freePort, postgresBin } from "./cluster.ts";

const packages = ["postgresql-15-auto-failover", "pg-auto-failover-cli"];
const autoctl = "/usr/bin/pg_autoctl";
const asRoot = process.getuid?.() === 0;

/**
 * pg_auto_failover's tools, installed from Debian's packages when they are missing and we may
 * (root with apt-get, as in CI). The reason they are not there otherwise, to be shown loudly.
 */
export function autoFailoverTools(): { ok: true } | { ok: false; reason: string } {
  if (existsSync(autoctl)) return { ok: true };
  if (!asRoot || !existsSync("/usr/bin/apt-get"))
    return {
      ok: false,
      reason: `pg_autoctl is missing and cannot be installed here (not root with apt-get): install ${packages.join(" ")}`,
    };
  const install = spawnSync(
    "sh",
    [
      "-c",
      `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${packages.join(" ")}`,
    ],
    { encoding: "utf8", timeout: 300_000 },
  );
  if (existsSync(autoctl)) return { ok: true };
  return {
    ok: false,
    reason: `pg_autoctl is missing and apt-get could not install ${packages.join(" ")}: ${(install.stderr || install.error?.message || "").trim().slice(-400)}`,
  };
}

/** Waits for `check` to hold, polling; throws naming `what` after `timeoutMs`. */
async function until(check: () => Promise<boolean>, timeoutMs: number, what: string, log: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}\n${log()}`);
}

export interface FormationNode {
  name: string;
  port: number;
}

/**
 * A pg_auto_failover formation on local ports: a monitor, then a primary and a secondary with
 * synchronous replication, each run by its own `pg_autoctl` as the `postgres` user (it refuses root)
 * in its own process group, so killing a group is a machine dying. Data under a temporary folder.
 */
export async function failoverFormation(database = "pathways") {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pathways-failover-"));
  chmodSync(dir, 0o777);
  if (asRoot) execFileSync("chown", ["postgres", dir]);
  const bin = postgresBin();
  const env = {
    PATH: `${bin}:${process.env.PATH}`,
    PG_CONFIG: path.join(bin, "pg_config"),
    // pg_autoctl keeps its configuration and state under XDG folders: keep them with the data.
    XDG_CONFIG_HOME: path.join(dir, "config"),
    XDG_DATA_HOME: path.join(dir, "share"),
    XDG_RUNTIME_DIR: path.join(dir, "run"),
  };
  const command = (args: string[]) =>
    asRoot
      ? {
          file: "runuser",
          args: [
            "-u",
            "postgres",
            "--",
            "env",
            ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
            autoctl,
            ...args,
          ],
        }
      : { file: autoctl, args };
  const autoctlSync = (args: string[]) => {
    const { file, args: full } = command(args);
    return execFileSync(file, full, { encoding: "utf8", env: { ...process.env, ...env }, stdio: "pipe" });
  };
  const running = new Map<string, ChildProcess>();
  const logOf = (name: string) => path.join(dir, `${name}.log`);
  /** `pg_autoctl create … --run` in a process group of its own, logging to a file. */
  const launch = (name: string, args: string[]) => {
    const log = openSync(logOf(name), "a");
    const { file, args: full } = command([...args, "--pgdata", path.join(dir, name), "--run"]);
    const child = spawn(file, full, {
      detached: true,
      stdio: ["ignore", log, log],
      env: { ...process.env, ...env },
    });
    closeSync(log);
    running.set(name, child);
  };
  const tail = (name: string) => {
    try {
      return `--- ${name}.log\n${readFileSync(logOf(name), "utf8").split("\n").slice(-30).join("\n")}`;
    } catch {
      return "";
    }
  };
  const logs = () => ["monitor", "node_1", "node_2"].map(tail).join("\n");

  const [monitorPort, port1, port2] = [await freePort(), await freePort(), await freePort()];
  const nodes: FormationNode[] = [
    { name: "node_1", port: port1! },
    { name: "node_2", port: port2! },
  ];
  const common = ["--hostname", "127.0.0.1", "--auth", "trust", "--no-ssl"];
  const monitorUrl = `postgres://autoctl_node@127.0.0.1:${monitorPort}/pg_auto_failover?sslmode=disable`;
  const monitor = postgres(`postgres://postgres@127.0.0.1:${monitorPort}/pg_auto_failover`, {
    max: 1,
    onnotice: () => {},
    connect_timeout: 5,
  });
  /** Each node's state as the monitor last heard it, and the state it assigned. */
  const states = async () =>
    new Map(
      (
        await monitor<{ nodename: string; reportedstate: string; goalstate: string }[]>`
          select nodename, reportedstate::text, goalstate::text from pgautofailover.node`
      ).map((row) => [row.nodename, row]),
    );
  const settled = async (primary: string, standby: string | null) => {
    const now = await states();
    const ok = (name: string, state: string) =>
      now.get(name)?.reportedstate === state && now.get(name)?.goalstate === state;
    return (
      ok(primary, standby ? "primary" : "wait_primary") && (standby === null || ok(standby, "secondary"))
    );
  };
  const nodeSql = (node: FormationNode) =>
    postgres(`postgres://postgres@127.0.0.1:${node.port}/${database}`, {
      max: 1,
      onnotice: () => {},
      connect_timeout: 5,
    });

  try {
    launch("monitor", ["create", "monitor", "--pgport", String(monitorPort), ...common]);
    await until(async () => (await states()).size >= 0, 60_000, "the monitor", logs);
    // Failover sooner than the defaults (20 s to call a node unhealthy, 30 s for an old primary to
    // demote itself): the standby is promoted ~10 s after the primary stops answering, and writes
    // open ~15 s after that. Each keeper demotes itself after 10 s cut off (below), which is what
    // makes the shorter demote timeout safe.
    await monitor.unsafe("alter system set pgautofailover.node_considered_unhealthy_timeout = 10000");
    await monitor.unsafe("alter system set pgautofailover.primary_demote_timeout = 15000");
    await monitor`select pg_reload_conf()`;

    const create = (node: FormationNode) =>
      launch(node.name, [
        "create",
        "postgres",
        "--name",
        node.name,
        "--pgport",
        String(node.port),
        "--dbname",
        database,
        "--monitor",
        monitorUrl,
        ...common,
      ]);
    create(nodes[0]!);
    await until(
      async () => (await states()).get("node_1")?.reportedstate === "single",
      90_000,
      "node_1 to run alone",
      logs,
    );
    // The secondary's base backup waits for a checkpoint that pg_basebackup asks to be spread out
    // (pg_autoctl passes no --checkpoint=fast): 100 s on this machine after creating the database.
    // Checkpoint now, so that one has nothing to write.
    const first = nodeSql(nodes[0]!);
    await first`checkpoint`;
    await first.end();
    create(nodes[1]!);
    await until(() => settled("node_1", "node_2"), 150_000, "node_1 primary and node_2 secondary", logs);
    for (const node of nodes)
      autoctlSync([
        "config",
        "set",
        "--pgdata",
        path.join(dir, node.name),
        "timeout.network_partition_timeout",
        "10",
      ]);
  } catch (error) {
    await monitor.end({ timeout: 1 });
    destroyAll();
    throw error;
  }

  function destroyAll() {
    for (const child of running.values()) {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }

  return {
    nodes,
    /** What Pathways is given: every node, and only a read-write session will do. */
    url: `postgres://postgres@${nodes.map((node) => `127.0.0.1:${node.port}`).join(",")}/${database}?target_session_attrs=read-write`,
    /** pg_autoctl's own answer for the URL applications should use. */
    showUri: () =>
      autoctlSync(["show", "uri", "--pgdata", path.join(dir, "monitor"), "--formation", "default"]),
    states,
    /** The monitor's event log, oldest first: what the formation did and when. */
    events: async () =>
      (
        await monitor<
          { at: Date; nodename: string; reportedstate: string; goalstate: string; description: string }[]
        >`
          select eventtime as at, nodename, reportedstate::text, goalstate::text, description
          from pgautofailover.event order by eventid`
      ).map(
        (event) =>
          `${event.at.toISOString().slice(11, 23)} ${event.nodename} ${event.reportedstate} -> ${event.goalstate}: ${event.description.slice(0, 120)}`,
      ),
    /** The node the monitor has as primary (or, alone, wait_primary), once it is settled there. */
    primary: async () => {
      const now = await states();
      return nodes.find((node) =>
        ["primary", "wait_primary"].includes(now.get(node.name)?.reportedstate ?? ""),
      );
    },
    /** Waits for `primary` to be the primary, with `standby` following it (or alone when null). */
    waitSettled: (primary: FormationNode, standby: FormationNode | null, timeoutMs: number) =>
      until(
        () => settled(primary.name, standby?.name ?? null),
        timeoutMs,
        `${primary.name} to be primary`,
        logs,
      ),
    /**
     * Waits until `primary` commits synchronously: a standby streaming and counted in its
     * synchronous_standby_names, so an acknowledged commit is on two machines. The monitor calls a
     * node "secondary" once it is within pgautofailover.enable_sync_wal_log_threshold of the primary,
     * which can come before that (decision 0054: a loss seen once without this wait).
     */
    waitSynchronous: (primary: FormationNode, timeoutMs: number) =>
      until(
        async () => {
          const sql = nodeSql(primary);
          try {
            const rows = await sql<{ state: string; sync_state: string; names: string }[]>`
              select state, sync_state, current_setting('synchronous_standby_names') as names
              from pg_stat_replication`;
            return rows.some(
              (row) =>
                row.state === "streaming" && ["sync", "quorum"].includes(row.sync_state) && row.names !== "",
            );
          } finally {
            await sql.end();
          }
        },
        timeoutMs,
        `${primary.name} to replicate synchronously`,
        logs,
      ),
    /** `pg_autoctl perform failover`: the planned switch to the secondary; resolves when it is done. */
    performFailover: () =>
      new Promise<void>((resolve, reject) => {
        const { file, args } = command(["perform", "failover", "--pgdata", path.join(dir, "monitor")]);
        execFile(file, args, { env: { ...process.env, ...env } }, (error, _stdout, stderr) =>
          error ? reject(new Error(`pg_autoctl perform failover: ${stderr}`)) : resolve(),
        );
      }),
    /** SIGKILL to a node's keeper and PostgreSQL together: the machine is gone. */
    kill: (node: FormationNode) => {
      const child = running.get(node.name);
      if (child?.pid) process.kill(-child.pid, "SIGKILL");
    },
    logs,
    destroy: async () => {
      await monitor.end({ timeout: 1 });
      destroyAll();
    },
  };
}
export type Formation = Awaited<ReturnType<typeof failoverFormation>>;
