import { describe, expect, it } from "vitest";
import { openDatabase } from "../src/database.ts";
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
    expect(problemsOf({ NODE_ENV: "production" })).toEqual([
      "SESSION_SECRET must be set to at least 32 random characters in production (e.g. `openssl rand -base64 48`)",
    ]);
    expect(problemsOf({ SESSION_SECRET: "short-secret" })).toEqual([
      "SESSION_SECRET must be at least 32 characters",
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
