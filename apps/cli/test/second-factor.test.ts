import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// The TypeScript source through tsx, as in development.
const main = path.resolve(import.meta.dirname, "../src/main.ts");
const tmp = mkdtempSync(path.join(os.tmpdir(), "pathways-cli-2fa-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function pathways(args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, ["--import", "tsx", main, ...args], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, LOG_LEVEL: "silent", ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("pathways second-factor commands", { timeout: 600_000 }, () => {
  it("turns the second factor on for an organisation and resets a user's", () => {
    const env = { PATHWAYS_DATA_DIR: path.join(tmp, "data") };
    pathways(["organisations", "add", "--name", "Turning Point", "--kind", "treatment_provider"], env);
    const added = pathways(
      [
        "users",
        "add",
        "--email",
        "kim@example.org",
        "--name",
        "Kim Lee",
        "--role",
        "treatment_manager",
        "--organisation",
        "Turning Point",
      ],
      env,
    );
    expect(added.status).toBe(0);
    const required = pathways(["organisations", "require-2fa", "--name", "Turning Point"], env);
    expect(required.stdout).toBe("Turning Point: every user now signs in with a second factor.\n");
    expect(required.status).toBe(0);
    const reset = pathways(["users", "reset-2fa", "--email", "kim@example.org"], env);
    expect(reset.stdout).toContain("Second factor removed for kim@example.org; their sessions have ended.");
    expect(reset.status).toBe(0);
    const unknown = pathways(["users", "reset-2fa", "--email", "nobody@example.org"], env);
    expect(unknown.stderr).toContain("--email: no user has the email nobody@example.org");
    expect(unknown.status).toBe(2);
  });
});
