import { sql } from "drizzle-orm";
import {
  doublePrecision,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { reportCategory, reportStatus } from "./enums.ts";
import { users } from "./identity.ts";
import { contacts, hotspots, needleFinds } from "./outreach.ts";

/** A resident's concern, Open311-shaped. Only the holder of the tracking token sees it publicly. */
export const communityReports = pgTable(
  "community_reports",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** CR-YYYY-NNNNNN */
    reference: text().notNull(),
    /** SHA-256 of the tracking token; the token itself is only ever in the reporter's link. */
    tokenHash: text().notNull(),
    category: reportCategory().notNull(),
    hotspotId: uuid().references(() => hotspots.id),
    location: text(),
    lat: doublePrecision(),
    lng: doublePrecision(),
    description: text().notNull(),
    contactEmail: text(),
    contactPhone: text(),
    status: reportStatus().notNull().default("open"),
    duplicateOfId: uuid(),
    linkedContactId: uuid().references(() => contacts.id),
    linkedNeedleFindId: uuid().references(() => needleFinds.id),
    submittedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** The report_ref of community_reports.csv it was imported from (`pathways import`): imported once. */
    importRef: text(),
  },
  (t) => [
    uniqueIndex("community_reports_reference_key").on(t.reference),
    uniqueIndex("community_reports_import_ref_key").on(t.importRef).where(sql`${t.importRef} is not null`),
    uniqueIndex("community_reports_token_hash_key").on(t.tokenHash),
    index("community_reports_status_idx").on(t.status, t.submittedAt),
    index("community_reports_hotspot_idx").on(t.hotspotId, t.submittedAt),
  ],
);

/** A status change or note. `publicNote` is shown to the reporter; `internalNote` never is. */
export const communityReportEvents = pgTable(
  "community_report_events",
  {
    id: uuid().primaryKey().defaultRandom(),
    reportId: uuid()
      .notNull()
      .references(() => communityReports.id),
    status: reportStatus().notNull(),
    publicNote: text(),
    internalNote: text(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    byUserId: uuid().references(() => users.id),
  },
  (t) => [index("community_report_events_report_idx").on(t.reportId, t.at)],
);

export const outboxStatus = pgEnum("outbox_status", ["pending", "sent", "failed"]);

/** Messages to reporters, written in the same transaction as the change they announce. */
export const outboxMessages = pgTable(
  "outbox_messages",
  {
    id: uuid().primaryKey().defaultRandom(),
    reportEventId: uuid()
      .notNull()
      .references(() => communityReportEvents.id),
    recipient: text().notNull(),
    subject: text().notNull(),
    body: text().notNull(),
    status: outboxStatus().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastError: text(),
    sentAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("outbox_messages_report_event_key").on(t.reportEventId),
    index("outbox_messages_due_idx").on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
  ],
);

/**
 * The last reference number given out in each year (CR-YYYY-NNNNNN). Taking a number is one upsert
 * that holds the year's row lock until the submission commits, so concurrent submissions never share
 * a number and a rolled-back one leaves no gap.
 */
export const communityReportCounters = pgTable("community_report_counters", {
  year: integer().primaryKey(),
  lastNumber: integer().notNull(),
});

/**
 * Recent public submissions per address, for the rate limit shared by every API process. Only a
 * SHA-256 of the address is kept, and rows are deleted once they are an hour old.
 */
export const communityReportSubmissions = pgTable(
  "community_report_submissions",
  {
    id: uuid().primaryKey().defaultRandom(),
    addressHash: text().notNull(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("community_report_submissions_address_idx").on(t.addressHash, t.at)],
);
