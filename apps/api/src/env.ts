import path from "node:path";
import { z } from "zod";

const developmentSecret = "pathways-development-secret-not-for-production";

/** The server's settings, read once from the environment. Nothing else reads `process.env`. */
export const ServerEnv = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce
      .number({ error: "must be a whole number from 0 to 65535 (0 picks a free port)" })
      .int({ error: "must be a whole number from 0 to 65535 (0 picks a free port)" })
      .min(0, { error: "must be a whole number from 0 to 65535 (0 picks a free port)" })
      .max(65535, { error: "must be a whole number from 0 to 65535 (0 picks a free port)" })
      .default(3000),
    HOST: z.string().min(1, { error: "must be a host name or address, like 127.0.0.1" }).default("127.0.0.1"),
    DATABASE_URL: z
      .url({
        protocol: /^postgres(ql)?$/,
        error: "must be a PostgreSQL URL, like postgres://user@host:5432/pathways",
      })
      .optional(),
    PATHWAYS_DATA_DIR: z.string().min(1).default(".pathways/data"),
    SESSION_SECRET: z.string().optional(),
    SESSION_IDLE_MINUTES: z.coerce
      .number({ error: "must be a number of minutes" })
      .int({ error: "must be a whole number of minutes" })
      .min(5, { error: "must be at least 5 minutes" })
      .max(24 * 60, { error: "must be at most 1440 minutes (a day)" })
      .default(30),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    PATHWAYS_WEB_DIST: z.string().optional(),
    /** Origins allowed to send requests that change data, besides the server's own. Comma-separated. */
    PATHWAYS_ALLOWED_ORIGINS: z.string().default(""),
    TRUST_PROXY: z.stringbool({ error: "must be true or false" }).default(false),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && (!env.SESSION_SECRET || env.SESSION_SECRET.length < 32)) {
      ctx.addIssue({
        code: "custom",
        path: ["SESSION_SECRET"],
        message:
          "must be set to at least 32 random characters in production (e.g. `openssl rand -base64 48`)",
      });
    } else if (env.SESSION_SECRET !== undefined && env.SESSION_SECRET.length < 32) {
      ctx.addIssue({ code: "custom", path: ["SESSION_SECRET"], message: "must be at least 32 characters" });
    }
  });

export interface ServerConfig {
  env: "development" | "production" | "test";
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  sessionSecret: string;
  /** True when no SESSION_SECRET was given and the development one is in use. */
  usingDevelopmentSecret: boolean;
  sessionIdleMinutes: number;
  logLevel: string;
  webDist: string;
  allowedOrigins: string[];
  trustProxy: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join("; ")}`);
    this.name = "ConfigError";
  }
}

const defaultWebDist = path.resolve(import.meta.dirname, "../../web/dist");

/** Parses the environment, or throws a ConfigError whose lines each name a setting and its rule. */
export function parseServerEnv(source: Record<string, string | undefined> = process.env): ServerConfig {
  const result = ServerEnv.safeParse(source);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const key = String(issue.path[0] ?? "environment");
        const given = source[key];
        return `${key} ${issue.message}${given === undefined || key === "SESSION_SECRET" ? "" : ` (got "${given}")`}`;
      }),
    );
  }
  const env = result.data;
  return {
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    databaseUrl: env.DATABASE_URL,
    dataDir: path.resolve(env.PATHWAYS_DATA_DIR),
    sessionSecret: env.SESSION_SECRET ?? developmentSecret,
    usingDevelopmentSecret: env.SESSION_SECRET === undefined,
    sessionIdleMinutes: env.SESSION_IDLE_MINUTES,
    logLevel: env.LOG_LEVEL,
    webDist: path.resolve(env.PATHWAYS_WEB_DIST ?? defaultWebDist),
    allowedOrigins: env.PATHWAYS_ALLOWED_ORIGINS.split(",")
      .map((origin) => origin.trim())
      .filter(Boolean),
    trustProxy: env.TRUST_PROXY,
  };
}
