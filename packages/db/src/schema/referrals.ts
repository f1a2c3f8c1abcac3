import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { lawfulBasis, referralFailureReason, referralSource, referralStatus, serviceCode } from "./enums.ts";
import { organisations, users } from "./identity.ts";
import { contacts, people } from "./outreach.ts";

/** A provider's programme that takes referrals. */
export const services = pgTable(
  "services",
  {
    id: uuid().primaryKey().defaultRandom(),
    organisationId: uuid()
      .notNull()
      .references(() => organisations.id),
    code: serviceCode().notNull(),
    name: text().notNull(),
    active: boolean().notNull().default(true),
  },
  (t) => [uniqueIndex("services_organisation_code_key").on(t.organisationId, t.code)],
);

export const referrals = pgTable(
  "referrals",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Short number people quote on the phone: R-123. */
    number: integer().generatedAlwaysAsIdentity().notNull(),
    clientKey: text(),
    personId: uuid()
      .notNull()
      .references(() => people.id),
    contactId: uuid().references(() => contacts.id),
    referringUserId: uuid().references(() => users.id),
    referringOrganisationId: uuid()
      .notNull()
      .references(() => organisations.id),
    serviceId: uuid()
      .notNull()
      .references(() => services.id),
    reason: text().notNull(),
    source: referralSource().notNull(),
    status: referralStatus().notNull().default("requested"),
    failureReason: referralFailureReason(),
    requestedAt: timestamp({ withTimezone: true }).notNull(),
    statusChangedAt: timestamp({ withTimezone: true }).notNull(),
    /** A treatment referral within 182 days after a successful discharge. */
    isRepresentation: boolean().notNull().default(false),
    /**
     * A safeguarding referral made without consent to share (DOMAIN.md): the lawful basis, why, and
     * whether the person was told (if not, why not). Null when consent covered the share.
     */
    lawfulBasis: lawfulBasis(),
    lawfulBasisReason: text(),
    personInformed: boolean(),
    notInformedReason: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check(
      "referrals_lawful_basis_check",
      sql`${t.lawfulBasis} is null or (${t.lawfulBasisReason} is not null and ${t.personInformed} is not null and (${t.personInformed} or ${t.notInformedReason} is not null))`,
    ),
    // The Caldicott guardian's list of shares without consent, newest first.
    index("referrals_without_consent_idx").on(t.requestedAt).where(sql`${t.lawfulBasis} is not null`),
    uniqueIndex("referrals_number_key").on(t.number),
    uniqueIndex("referrals_client_key_key").on(t.clientKey).where(sql`${t.clientKey} is not null`),
    index("referrals_person_idx").on(t.personId, t.requestedAt),
    index("referrals_service_status_idx").on(t.serviceId, t.status),
    index("referrals_referring_user_idx").on(t.referringUserId, t.requestedAt),
    index("referrals_requested_at_idx").on(t.requestedAt),
    // The waiting list walks open referrals oldest first: a few thousand among hundreds of thousands.
    index("referrals_open_idx")
      .on(t.requestedAt, t.id)
      .where(sql`${t.status} in ('requested', 'received', 'accepted')`),
  ],
);

/** Every status change of a referral; the referrer sees these (status, when, note - nothing clinical). */
export const referralEvents = pgTable(
  "referral_events",
  {
    id: uuid().primaryKey().defaultRandom(),
    referralId: uuid()
      .notNull()
      .references(() => referrals.id),
    status: referralStatus().notNull(),
    failureReason: referralFailureReason(),
    note: text(),
    at: timestamp({ withTimezone: true }).notNull(),
    byUserId: uuid().references(() => users.id),
  },
  (t) => [index("referral_events_referral_idx").on(t.referralId, t.at)],
);
