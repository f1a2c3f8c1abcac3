import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { redactUrl } from "@pathways/db";
import { describe, expect, it } from "vitest";
import { disclosureSecretFor, openDatabase } from "../src/database.ts";
import { ConfigError, parseServerEnv } from "../src/env.ts";

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseServerEnv(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("server configuration", () => {
  it("has sensible defaults for a newcomer: port 3000, embedded database, development secret", () => {
    const config = parseServerEnv({});
    expect(config.port).toBe(3000);
    expect(config.host).toBe("127.0.0.1");
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toMatch(/\.pathways\/data$/);
    expect(config.usingDevelopmentSecret).toBe(true);
  });

  it("names the setting and the rule for each bad value", () => {
    expect(problemsOf({ PORT: "abc" })).toEqual([
      'PORT must be a whole number from 0 to 65535 (0 picks a free port) (got "abc")',
    ]);
    expect(problemsOf({ PORT: "70000" })).toEqual([
      'PORT must be a whole number from 0 to 65535 (0 picks a free port) (got "70000")',
    ]);
    expect(problemsOf({ DATABASE_URL: "mysql://x/y" })).toEqual([
      'DATABASE_URL must be a PostgreSQL URL, like postgres://user@host:5432/pathways (got "mysql://x/y")',
    ]);
    expect(problemsOf({ SESSION_IDLE_MINUTES: "1" })).toEqual([
      'SESSION_IDLE_MINUTES must be at least 5 minutes (got "1")',
    ]);
  });

  it("requires a real session secret in production and never echoes it", () => {
    expect(problemsOf({ NODE_ENV: "production", PATHWAYS_DISCLOSURE_SECRET: "d".repeat(32) })).toEqual([
      "SESSION_SECRET must be set to at least 32 random characters in production (e.g. `openssl rand -base64 48`)",
    ]);
    expect(problemsOf({ SESSION_SECRET: "short-secret" })).toEqual([
      "SESSION_SECRET must be at least 32 characters",
    ]);
  });

  it("requires a disclosure secret in production, and never echoes it", () => {
    expect(problemsOf({ NODE_ENV: "production", SESSION_SECRET: "s".repeat(32) })).toEqual([
      "PATHWAYS_DISCLOSURE_SECRET must be set to at least 32 random characters in production (e.g. `openssl rand -base64 48`); keep it: a new one changes every protected figure",
    ]);
    expect(problemsOf({ PATHWAYS_DISCLOSURE_SECRET: "short-secret" })).toEqual([
      "PATHWAYS_DISCLOSURE_SECRET must be at least 32 characters",
    ]);
    const given = "g".repeat(40);
    expect(disclosureSecretFor(parseServerEnv({ PATHWAYS_DISCLOSURE_SECRET: given }))).toEqual({
      secret: given,
      source: "setting",
    });
  });

  it("makes a disclosure secret for the embedded database once, readable by its owner only, and keeps it", () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "pathways-secret-"));
    try {
      const config = parseServerEnv({ PATHWAYS_DATA_DIR: dataDir });
      const first = disclosureSecretFor(config);
      expect(first.source).toBe("data directory");
      expect(first.secret.length).toBeGreaterThanOrEqual(32);
      expect(statSync(path.join(dataDir, "disclosure-secret")).mode & 0o777).toBe(0o600);
      // A restart reads the same secret, so protected figures stay the same.
      expect(disclosureSecretFor(parseServerEnv({ PATHWAYS_DATA_DIR: dataDir })).secret).toBe(first.secret);
      // PostgreSQL outside production: the development secret, never the data directory's.
      const postgres = disclosureSecretFor(parseServerEnv({ DATABASE_URL: "postgres://x@127.0.0.1:1/y" }));
      expect(postgres.source).toBe("development");
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("takes a URL naming several hosts, for failover, and shows it with its password hidden", () => {
    const url = "postgres://pathways:secret@db1:5432,db2:6432/pathways?target_session_attrs=read-write";
    expect(parseServerEnv({ DATABASE_URL: url }).databaseUrl).toBe(url);
    expect(redactUrl(url)).toBe(
      "postgres://pathways:***@db1:5432,db2:6432/pathways?target_session_attrs=read-write",
    );
    expect(problemsOf({ DATABASE_URL: "postgres://,db2:5432/pathways" })).toEqual([
      'DATABASE_URL must be a PostgreSQL URL, like postgres://user@host:5432/pathways (got "postgres://,db2:5432/pathways")',
    ]);
  });

  it("stops on an unreachable DATABASE_URL with one line naming it", async () => {
    const config = parseServerEnv({ DATABASE_URL: "postgres://pathways:secret@127.0.0.1:1/pathways" });
    const opening = openDatabase(config);
    await expect(opening).rejects.toBeInstanceOf(ConfigError);
    await expect(opening).rejects.toThrow(
      "DATABASE_URL cannot be reached (postgres://pathways:***@127.0.0.1:1/pathways): is PostgreSQL running there?",
    );
  });
});
