import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { organisationKind, role } from "./enums.ts";

export const organisations = pgTable("organisations", {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull().unique(),
  kind: organisationKind().notNull(),
  active: boolean().notNull().default(true),
  /** Every user of the organisation signs in with a second factor (admins always do, in production). */
  requiresSecondFactor: boolean().notNull().default(false),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const users = pgTable(
  "users",
  {
    id: uuid().primaryKey().defaultRandom(),
    organisationId: uuid()
      .notNull()
      .references(() => organisations.id),
    /** Stored lower-cased so sign-in is case-insensitive. */
    email: text().notNull(),
    name: text().notNull(),
    role: role().notNull(),
    passwordHash: text().notNull(),
    disabledAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** The TOTP secret (base32) once enrolled; null when the user has no second factor. */
    totpSecret: text(),
    /** The last 30-second step a code was accepted for: a code is never accepted twice. */
    totpLastStep: bigint({ mode: "number" }),
  },
  (t) => [uniqueIndex("users_email_key").on(t.email), index("users_organisation_idx").on(t.organisationId)],
);

/** A signed-in session. The id is a keyed hash of the cookie's token, never the token itself. */
export const sessions = pgTable(
  "sessions",
  {
    id: text().primaryKey(),
    userId: uuid()
      .notNull()
      .references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

/** Failed and successful sign-ins, shared by every API process, for rate limiting. */
export const loginAttempts = pgTable(
  "login_attempts",
  {
    id: uuid().primaryKey().defaultRandom(),
    email: text().notNull(),
    address: text().notNull(),
    succeeded: boolean().notNull(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("login_attempts_email_idx").on(t.email, t.at),
    index("login_attempts_address_idx").on(t.address, t.at),
    index("login_attempts_pair_idx").on(t.email, t.address, t.at),
    index("login_attempts_failed_idx").on(t.at).where(sql`not ${t.succeeded}`),
  ],
);

/** One-time recovery codes for the second factor, stored as keyed hashes; each works once. */
export const recoveryCodes = pgTable(
  "recovery_codes",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id),
    codeHash: text().notNull(),
    usedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("recovery_codes_user_code_key").on(t.userId, t.codeHash)],
);

/**
 * A sign-in half done: the password was right, the second factor is still to come. The id is a keyed
 * hash of the token the browser holds; `enrolSecret` is the secret offered to a user enrolling now.
 */
export const signInChallenges = pgTable(
  "sign_in_challenges",
  {
    id: text().primaryKey(),
    userId: uuid()
      .notNull()
      .references(() => users.id),
    enrolSecret: text(),
    failures: integer().notNull().default(0),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index("sign_in_challenges_user_idx").on(t.userId)],
);
