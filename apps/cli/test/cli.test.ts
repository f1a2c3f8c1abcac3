import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";

const bin = path.resolve(import.meta.dirname, "../bin/pathways-dev.js");
const tmp = mkdtempSync(path.join(os.tmpdir(), "pathways-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function pathways(args: string[], env: Record<string, string> = {}, stdin?: string) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    encoding: "utf8",
    input: stdin,
    env: { PATH: process.env.PATH, LOG_LEVEL: "silent", ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Each test runs the real command in a new process, migrations and demo seed included; the demo
// city's seed takes tens of seconds, minutes on a loaded CI machine, hence generous limits.
describe("pathways CLI", { timeout: 300_000 }, () => {
  it("seeds the demo city into an empty database, and refuses to seed one that has data", () => {
    const env = { PATHWAYS_DATA_DIR: path.join(tmp, "seeded") };
    const first = pathways(["seed", "--demo"], env);
    expect(first.stderr).toBe("");
    expect(first.stdout).toContain("Demo data created: 5 organisations, 4 users, 8 hotspots.");
    expect(first.status).toBe(0);
    const second = pathways(["seed", "--demo"], env);
    expect(second.stdout).toContain("already has data");
    expect(second.status).toBe(0);
  });

  it("manages users: add with a generated password, disable, enable, reset", () => {
    const env = { PATHWAYS_DATA_DIR: path.join(tmp, "users") };
    expect(
      pathways(["organisations", "add", "--name", "Oxford Drugs Taskforce", "--kind", "taskforce"], env)
        .stdout,
    ).toBe("Added Oxford Drugs Taskforce (taskforce).\n");
    const added = pathways(
      [
        "users",
        "add",
        "--email",
        "Sam@Example.org",
        "--name",
        "Sam Okafor",
        "--role",
        "outreach_worker",
        "--organisation",
        "Oxford Drugs Taskforce",
      ],
      env,
    );
    expect(added.stdout).toMatch(
      /^Added Sam Okafor <sam@example\.org> as outreach_worker at Oxford Drugs Taskforce\.\nTheir password \(shown once\): [a-z2-9-]{23}\n$/,
    );
    expect(pathways(["users", "disable", "--email", "sam@example.org"], env).stdout).toContain(
      "their sessions have ended",
    );
    expect(pathways(["users", "list"], env).stdout).toMatch(
      /sam@example\.org\s+outreach_worker\s+Oxford Drugs Taskforce\s+\(disabled\)/,
    );
    pathways(["users", "enable", "--email", "sam@example.org"], env);
    expect(pathways(["users", "list"], env).stdout).not.toContain("(disabled)");
    const reset = pathways(
      ["users", "reset-password", "--email", "sam@example.org", "--password-stdin"],
      env,
      "a long new passphrase\n",
    );
    expect(reset.stdout).toBe("Password reset for sam@example.org; their sessions have ended.\n");
  });

  it("refuses bad user details with a line per field, naming the flag", () => {
    const env = { PATHWAYS_DATA_DIR: path.join(tmp, "bad-users") };
    pathways(["organisations", "add", "--name", "Turning Point Oxford", "--kind", "treatment_provider"], env);
    const result = pathways(
      [
        "users",
        "add",
        "--email",
        "not-an-email",
        "--name",
        "X",
        "--role",
        "boss",
        "--organisation",
        "Turning Point Oxford",
        "--password-stdin",
      ],
      env,
      "short\n",
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--email: email must be a valid address");
    expect(result.stderr).toContain(
      "--role: role must be one of outreach_worker, treatment_manager, commissioner, admin",
    );
    expect(result.stderr).toContain("--password-stdin: password must be at least 12 characters");
    const unknownOrganisation = pathways(
      ["users", "add", "--email", "a@b.org", "--name", "X", "--role", "admin", "--organisation", "Nowhere"],
      env,
    );
    expect(unknownOrganisation.stderr).toContain('--organisation: no organisation is named "Nowhere"');
    const wrongKind = pathways(
      [
        "users",
        "add",
        "--email",
        "c@b.org",
        "--name",
        "X",
        "--role",
        "commissioner",
        "--organisation",
        "Turning Point Oxford",
      ],
      env,
    );
    expect(wrongKind.status).toBe(2);
    expect(wrongKind.stderr).toBe(
      "pathways: --role: role must fit the organisation: a commissioner belongs to a commissioner, and this organisation is a treatment provider\n",
    );
  });

  it("backs up the demo city and restores it into an empty database, and refuses a non-empty one", () => {
    const source = { PATHWAYS_DATA_DIR: path.join(tmp, "backup-source") };
    const target = { PATHWAYS_DATA_DIR: path.join(tmp, "backup-target") };
    const file = path.join(tmp, "demo.jsonl.gz");
    pathways(["seed", "--demo"], source);
    const backedUp = pathways(["backup", file], source);
    expect(backedUp.status).toBe(0);
    const rows = /Backed up (\d+) rows from (\d+) tables/.exec(backedUp.stdout);
    expect(Number(rows?.[1])).toBeGreaterThan(0);
    const restored = pathways(["restore", file], target);
    expect(restored.status).toBe(0);
    expect(restored.stdout).toContain(`Restored ${rows?.[1]} rows into ${rows?.[2]} tables`);
    expect(pathways(["users", "list"], target).stdout).toBe(pathways(["users", "list"], source).stdout);
    const again = pathways(["restore", file], target);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain("restore needs an empty one");
    expect(statSync(file).mode & 0o777).toBe(0o600);

    // Damaged copies: after the tables' row counts read so far, one line naming file, line and column;
    // no row value, no stack; nothing written.
    const text = gunzipSync(readFileSync(file)).toString("utf8").split("\n");
    const person = text.findIndex((line) => line.includes('"attributor"'));
    const attributor = JSON.parse(text[person]!).attributor as string;
    const damaged = {
      "bad-json": gzipSync(text.map((line, i) => (i === person ? line.slice(0, 30) : line)).join("\n")),
      truncated: readFileSync(file).subarray(0, 2000),
      "wrong-column": gzipSync(
        text.map((line, i) => (i === person ? line.replace('"attributor"', '"nickname"') : line)).join("\n"),
      ),
    };
    for (const [name, bytes] of Object.entries(damaged)) {
      const damagedFile = path.join(tmp, `${name}.jsonl.gz`);
      writeFileSync(damagedFile, bytes);
      const refused = pathways(["restore", damagedFile], {
        PATHWAYS_DATA_DIR: path.join(tmp, `restore-${name}`),
      });
      expect(refused.status, name).toBe(2);
      expect(refused.stderr, name).toMatch(
        new RegExp(`(^|\\n)pathways: ${damagedFile}:\\d+:\\d+: [^\\n]*Nothing was written\\.\\n$`),
      );
      expect(refused.stderr, name).not.toContain(attributor);
      expect(refused.stderr, name).not.toMatch(/\n\s+at /);
      expect(
        pathways(["users", "list"], { PATHWAYS_DATA_DIR: path.join(tmp, `restore-${name}`) }).stdout,
        name,
      ).toBe("");
    }

    // Encrypted with a passphrase from a file: unreadable without it, refused with the wrong one.
    const passphrase = path.join(tmp, "passphrase");
    writeFileSync(passphrase, "a long and private passphrase\n", { mode: 0o600 });
    const wrong = path.join(tmp, "wrong-passphrase");
    writeFileSync(wrong, "not it\n", { mode: 0o600 });
    const sealed = path.join(tmp, "demo.age");
    expect(pathways(["backup", sealed, "--passphrase-file", passphrase], source).status).toBe(0);
    expect(readFileSync(sealed).subarray(0, 21).toString("latin1")).toBe("age-encryption.org/v1");
    const refusedKey = pathways(["restore", sealed, "--passphrase-file", wrong], {
      PATHWAYS_DATA_DIR: path.join(tmp, "sealed"),
    });
    expect(refusedKey.status).toBe(2);
    expect(refusedKey.stderr).toContain("the passphrase or key is wrong");
    const opened = pathways(["restore", sealed, "--passphrase-file", passphrase], {
      PATHWAYS_DATA_DIR: path.join(tmp, "sealed"),
    });
    expect(opened.status).toBe(0);
    // One row more than the first backup: that backup's own audit event.
    expect(opened.stdout).toContain(`Restored ${Number(rows?.[1]) + 1} rows`);
    // Fourteen runs of the command, two with scrypt at age's default work factor.
  }, 600_000);

  it("applies migrations", () => {
    const result = pathways(["migrate"], { PATHWAYS_DATA_DIR: path.join(tmp, "migrated") });
    expect(result.stdout).toMatch(/^Migrations applied \(pglite, .*migrated\)\.$/m);
    expect(result.status).toBe(0);
  });

  it("stops on a bad setting with one line naming it, not a stack trace", () => {
    const result = pathways(["serve"], { PORT: "abc" });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'pathways: PORT must be a whole number from 0 to 65535 (0 picks a free port) (got "abc")',
    );
  });

  it("explains an unknown command", () => {
    const result = pathways(["frobnicate"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Unknown command "frobnicate"');
    expect(result.stderr).toContain("Usage: pathways <command>");
  });

  it("serves the demo city and shuts down cleanly on SIGTERM", async () => {
    const child = spawn(process.execPath, [bin, "serve", "--demo"], {
      env: {
        PATH: process.env.PATH,
        PORT: "0",
        LOG_LEVEL: "silent",
        PATHWAYS_DATA_DIR: path.join(tmp, "served"),
      },
    });
    let stdout = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${stdout}`)), 240_000);
      child.stdout.on("data", () => {
        // The banner may arrive in several chunks: wait for its last line.
        const match = /running at (http:\/\/\S+)/.exec(stdout);
        if (match && stdout.includes("Press Ctrl+C to stop.")) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
    expect(stdout).toContain("outreach@demo.pathways");
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
