import { existsSync } from "node:fs";
import path from "node:path";
import type { ApiDeps } from "@pathways/api";
import { isPostgresUrl } from "@pathways/db";
import { z } from "zod";

const developmentSecret = "pathways-development-secret-not-for-production";

const openStreetMapTiles = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
const openStreetMapAttribution = "© OpenStreetMap contributors";

/**
 * The origin a tile URL template loads images from, as a Content-Security-Policy source ({s}
 * subdomains become a wildcard), or null if it is not an https template with {z}, {x} and {y}.
 */
export function tileTemplateOrigin(template: string): string | null {
  if (!["{z}", "{x}", "{y}"].every((part) => template.includes(part))) return null;
  const match = /^https:\/\/([A-Za-z0-9.{}-]+)(:\d+)?\//.exec(template);
  if (!match) return null;
  const host = match[1]!.replace(/^\{s\}\./, "*.");
  if (/[{}]/.test(host)) return null;
  return `https://${host}${match[2] ?? ""}`;
}

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
    // One host, or several for failover: postgres://user@db1:5432,db2:5432/pathways?target_session_attrs=read-write
    DATABASE_URL: z
      .string()
      .refine(isPostgresUrl, {
        error: "must be a PostgreSQL URL, like postgres://user@host:5432/pathways",
      })
      .optional(),
    PATHWAYS_DATA_DIR: z.string().min(1).default(".pathways/data"),
    SESSION_SECRET: z.string().optional(),
    /** Keys disclosure control of commissioner figures (docs/DISCLOSURE.md). */
    PATHWAYS_DISCLOSURE_SECRET: z.string().optional(),
    SESSION_IDLE_MINUTES: z.coerce
      .number({ error: "must be a number of minutes" })
      .int({ error: "must be a whole number of minutes" })
      .min(5, { error: "must be at least 5 minutes" })
      .max(24 * 60, { error: "must be at most 1440 minutes (a day)" })
      .default(30),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    PATHWAYS_WEB_DIST: z.string().optional(),
    /** Turns on /metrics for a scraper that sends it as a bearer token. */
    PATHWAYS_METRICS_TOKEN: z.string().min(32, { error: "must be at least 32 characters" }).optional(),
    PATHWAYS_MIGRATIONS_DIR: z
      .string()
      .min(1)
      .refine((dir) => existsSync(path.join(dir, "meta/_journal.json")), {
        error: "must be a folder of Pathways migrations (with meta/_journal.json), like packages/db/drizzle",
      })
      .optional(),
    /** Origins allowed to send requests that change data, besides the server's own. Comma-separated. */
    PATHWAYS_ALLOWED_ORIGINS: z.string().default(""),
    TRUST_PROXY: z.stringbool({ error: "must be true or false" }).default(false),
    /** Admins sign in with a second factor; default on in production, off elsewhere (demo, tests). */
    PATHWAYS_ADMIN_SECOND_FACTOR: z.stringbool({ error: "must be true or false" }).optional(),
    // Updates to community reporters: SMTP when configured (a URL, or host and friends), else the log.
    SMTP_URL: z
      .url({
        protocol: /^smtps?$/,
        error:
          "must be an SMTP URL, like smtp://user:password@smtp.example.org:587 (smtps:// for TLS on 465)",
      })
      .optional(),
    SMTP_HOST: z.string().min(1, { error: "must be a host name, like smtp.example.org" }).optional(),
    SMTP_PORT: z.coerce
      .number({ error: "must be a port number, like 587" })
      .int({ error: "must be a port number, like 587" })
      .min(1, { error: "must be a port number from 1 to 65535" })
      .max(65535, { error: "must be a port number from 1 to 65535" })
      .optional(),
    SMTP_SECURE: z.stringbool({ error: "must be true or false" }).optional(),
    SMTP_USER: z.string().min(1).optional(),
    SMTP_PASSWORD: z.string().min(1).optional(),
    SMTP_FROM: z
      .string()
      .regex(/^[^<>@\s]+@[^<>@\s]+$|^[^<>]*<[^<>@\s]+@[^<>@\s]+>$/, {
        error: 'must be a sender address, like updates@example.org or "Pathways <updates@example.org>"',
      })
      .optional(),
    PATHWAYS_OUTBOX_WORKER: z.stringbool({ error: "must be true or false" }).default(true),
    OUTBOX_POLL_SECONDS: z.coerce
      .number({ error: "must be a number of seconds" })
      .min(0.1, { error: "must be at least 0.1 seconds" })
      .max(3600, { error: "must be at most 3600 seconds" })
      .default(5),
    OUTBOX_MAX_ATTEMPTS: z.coerce
      .number({ error: "must be a whole number" })
      .int({ error: "must be a whole number" })
      .min(1, { error: "must be at least 1" })
      .max(50, { error: "must be at most 50" })
      .default(10),
    OUTBOX_RETRY_SECONDS: z.coerce
      .number({ error: "must be a number of seconds" })
      .min(1, { error: "must be at least 1 second" })
      .max(86_400, { error: "must be at most 86400 seconds (a day)" })
      .default(60),
    /**
     * The map's tile server, a Leaflet URL template over https ({z}, {x}, {y}; {s} for subdomains),
     * or "none" to draw the map on a plain background. OpenStreetMap's by default.
     */
    PATHWAYS_MAP_TILES: z
      .string()
      .refine((value) => value === "none" || tileTemplateOrigin(value) !== null, {
        error:
          'must be "none" or an https URL template with {z}, {x} and {y}, like https://tile.openstreetmap.org/{z}/{x}/{y}.png',
      })
      .default(openStreetMapTiles),
    /** The credit the tile server asks for, shown on the map. */
    PATHWAYS_MAP_ATTRIBUTION: z.string().min(1).max(300).optional(),
    /** How long SIGTERM waits for requests and background work before it closes everything anyway. */
    SHUTDOWN_TIMEOUT_SECONDS: z.coerce
      .number({ error: "must be a number of seconds" })
      .min(1, { error: "must be at least 1 second" })
      .max(600, { error: "must be at most 600 seconds" })
      .default(20),
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
    const disclosureSecret = env.PATHWAYS_DISCLOSURE_SECRET;
    if (env.NODE_ENV === "production" && (!disclosureSecret || disclosureSecret.length < 32)) {
      ctx.addIssue({
        code: "custom",
        path: ["PATHWAYS_DISCLOSURE_SECRET"],
        message:
          "must be set to at least 32 random characters in production (e.g. `openssl rand -base64 48`); keep it: a new one changes every protected figure",
      });
    } else if (disclosureSecret !== undefined && disclosureSecret.length < 32) {
      ctx.addIssue({
        code: "custom",
        path: ["PATHWAYS_DISCLOSURE_SECRET"],
        message: "must be at least 32 characters",
      });
    }
    for (const problem of smtpProblems(env)) ctx.addIssue({ code: "custom", ...problem });
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
  /**
   * PATHWAYS_DISCLOSURE_SECRET; when unset, disclosureSecretFor() keeps one in the PGlite data
   * directory, or uses a development secret with PostgreSQL outside production.
   */
  disclosureSecret: string | undefined;
  sessionIdleMinutes: number;
  /** Admins must give a TOTP code after their password (PATHWAYS_ADMIN_SECOND_FACTOR). */
  adminsNeedSecondFactor: boolean;
  logLevel: string;
  webDist: string;
  /** The folder of SQL migration files. */
  migrationsDir: string;
  /** The bearer token /metrics asks for; null leaves /metrics off. */
  metricsToken: string | null;
  allowedOrigins: string[];
  trustProxy: boolean;
  /** How reporters' updates are emailed; null sends them to the log instead. */
  smtp: SmtpSettings | null;
  outbox: OutboxWorkerSettings;
  /** The shutdown deadline: requests and background loops still running then are cut off. */
  shutdownTimeoutMs: number;
  /** The map's tiles; null: no tiles (PATHWAYS_MAP_TILES=none). */
  mapTiles: NonNullable<ApiDeps["mapTiles"]> | null;
}

export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  user: string | undefined;
  password: string | undefined;
  from: string;
}

export interface OutboxWorkerSettings {
  /** Whether `pathways serve` runs the delivery worker itself (turn off when `pathways worker` runs). */
  inProcess: boolean;
  pollIntervalMs: number;
  maxAttempts: number;
  retryBaseMs: number;
}

/** The SMTP settings as parsed, before they are checked together. */
interface SmtpEnv {
  SMTP_URL?: string | undefined;
  SMTP_HOST?: string | undefined;
  SMTP_PORT?: number | undefined;
  SMTP_SECURE?: boolean | undefined;
  SMTP_USER?: string | undefined;
  SMTP_PASSWORD?: string | undefined;
  SMTP_FROM?: string | undefined;
}

function smtpProblems(env: SmtpEnv): { path: string[]; message: string }[] {
  const problems: { path: string[]; message: string }[] = [];
  const configured = Boolean(env.SMTP_URL || env.SMTP_HOST);
  if (env.SMTP_URL) {
    for (const key of ["SMTP_HOST", "SMTP_PORT", "SMTP_SECURE", "SMTP_USER", "SMTP_PASSWORD"] as const) {
      if (env[key] !== undefined) {
        problems.push({ path: [key], message: "must not be set with SMTP_URL: put it in the URL instead" });
      }
    }
  }
  if (configured && !env.SMTP_FROM) {
    problems.push({
      path: ["SMTP_FROM"],
      message: 'must be set when SMTP is configured, like "Pathways <updates@example.org>"',
    });
  }
  if (!configured) {
    for (const key of ["SMTP_FROM", "SMTP_PORT", "SMTP_SECURE", "SMTP_USER", "SMTP_PASSWORD"] as const) {
      if (env[key] !== undefined) {
        problems.push({
          path: [key],
          message: "has no effect without SMTP_HOST (or SMTP_URL): set that too",
        });
      }
    }
  }
  if (env.SMTP_HOST && Boolean(env.SMTP_USER) !== Boolean(env.SMTP_PASSWORD)) {
    problems.push({
      path: [env.SMTP_USER ? "SMTP_PASSWORD" : "SMTP_USER"],
      message: "must be set with SMTP_USER and SMTP_PASSWORD together",
    });
  }
  return problems;
}

function smtpSettings(env: SmtpEnv): SmtpSettings | null {
  if (!env.SMTP_FROM) return null;
  if (env.SMTP_URL) {
    const url = new URL(env.SMTP_URL);
    const secure = url.protocol === "smtps:";
    return {
      host: url.hostname,
      port: url.port ? Number(url.port) : secure ? 465 : 587,
      secure,
      user: url.username ? decodeURIComponent(url.username) : undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      from: env.SMTP_FROM,
    };
  }
  if (!env.SMTP_HOST) return null;
  const port = env.SMTP_PORT ?? 587;
  return {
    host: env.SMTP_HOST,
    port,
    secure: env.SMTP_SECURE ?? port === 465,
    user: env.SMTP_USER,
    password: env.SMTP_PASSWORD,
    from: env.SMTP_FROM,
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join("; ")}`);
    this.name = "ConfigError";
  }
}

/** Settings whose values are never repeated in an error message: they are or may hold passwords. */
const secretSettings = new Set([
  "SESSION_SECRET",
  "PATHWAYS_METRICS_TOKEN",
  "PATHWAYS_DISCLOSURE_SECRET",
  "SMTP_PASSWORD",
  "SMTP_URL",
]);

// Found from this file's folder, which is two below the checkout both in the source (apps/api/src)
// and in the release build (apps/cli/dist).
const defaultWebDist = path.resolve(import.meta.dirname, "../../web/dist");
const defaultMigrationsDir = path.resolve(import.meta.dirname, "../../../packages/db/drizzle");

/** Parses the environment, or throws a ConfigError whose lines each name a setting and its rule. */
export function parseServerEnv(source: Record<string, string | undefined> = process.env): ServerConfig {
  const result = ServerEnv.safeParse(source);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const key = String(issue.path[0] ?? "environment");
        const given = source[key];
        return `${key} ${issue.message}${given === undefined || secretSettings.has(key) ? "" : ` (got "${given}")`}`;
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
    disclosureSecret: env.PATHWAYS_DISCLOSURE_SECRET,
    sessionIdleMinutes: env.SESSION_IDLE_MINUTES,
    adminsNeedSecondFactor: env.PATHWAYS_ADMIN_SECOND_FACTOR ?? env.NODE_ENV === "production",
    logLevel: env.LOG_LEVEL,
    webDist: path.resolve(env.PATHWAYS_WEB_DIST ?? defaultWebDist),
    migrationsDir: path.resolve(env.PATHWAYS_MIGRATIONS_DIR ?? defaultMigrationsDir),
    metricsToken: env.PATHWAYS_METRICS_TOKEN ?? null,
    allowedOrigins: env.PATHWAYS_ALLOWED_ORIGINS.split(",")
      .map((origin) => origin.trim())
      .filter(Boolean),
    trustProxy: env.TRUST_PROXY,
    smtp: smtpSettings(env),
    outbox: {
      inProcess: env.PATHWAYS_OUTBOX_WORKER,
      pollIntervalMs: Math.round(env.OUTBOX_POLL_SECONDS * 1000),
      maxAttempts: env.OUTBOX_MAX_ATTEMPTS,
      retryBaseMs: Math.round(env.OUTBOX_RETRY_SECONDS * 1000),
    },
    shutdownTimeoutMs: Math.round(env.SHUTDOWN_TIMEOUT_SECONDS * 1000),
    mapTiles:
      env.PATHWAYS_MAP_TILES === "none"
        ? null
        : {
            urlTemplate: env.PATHWAYS_MAP_TILES,
            attribution:
              env.PATHWAYS_MAP_ATTRIBUTION ??
              (env.PATHWAYS_MAP_TILES === openStreetMapTiles ? openStreetMapAttribution : "Map tiles"),
          },
  };
}
