import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import {
  consentKind,
  consentStatus,
  contactType,
  interventionKind,
  safeguardingConcern,
  sex,
  substance,
} from "./enums.ts";
import { organisations, users } from "./identity.ts";

/** A closed GeoJSON linear ring of [lng, lat] positions (first = last). */
export type HotspotRing = [number, number][];

/**
 * A hotspot is an area (DOMAIN.md "Places"): its polygon when it has one, otherwise the circle of
 * `radiusM` metres around its centre. The containment rule lives in core's places/.
 */
export const hotspots = pgTable(
  "hotspots",
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull().unique(),
    lat: doublePrecision().notNull(),
    lng: doublePrecision().notNull(),
    radiusM: integer().notNull().default(150),
    polygon: jsonb().$type<HotspotRing>(),
    active: boolean().notNull().default(true),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("hotspots_radius_check", sql`${t.radiusM} between 10 and 5000`),
    check(
      "hotspots_polygon_check",
      sql`${t.polygon} is null or (jsonb_typeof(${t.polygon}) = 'array'
	and jsonb_array_length(${t.polygon}) between 4 and 500 and ${t.polygon} -> 0 = ${t.polygon} -> -1)`,
    ),
  ],
);

/** A pseudonymous person, known by the NDTMS-style attributor (initials, date of birth, sex). */
export const people = pgTable(
  "people",
  {
    id: uuid().primaryKey().defaultRandom(),
    attributor: text().notNull(),
    firstInitial: text().notNull(),
    surnameInitial: text().notNull(),
    dateOfBirth: date().notNull(),
    sex: sex().notNull(),
    alias: text(),
    partialPostcode: text(),
    /** Restricted to the treatment provider. */
    fullName: text(),
    /** Set when this record was merged into another; the survivor carries the person on. */
    mergedIntoId: uuid(),
    createdByUserId: uuid().references(() => users.id),
    createdByOrganisationId: uuid().references(() => organisations.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("people_attributor_idx").on(t.attributor),
    index("people_initials_dob_idx").on(t.firstInitial, t.surnameInitial, t.dateOfBirth),
    index("people_alias_idx").on(sql`lower(${t.alias})`),
    index("people_partial_postcode_idx").on(t.partialPostcode),
  ],
);

/** A merge of two people; undoing it moves exactly the records listed in `moved` back. */
export const personMerges = pgTable("person_merges", {
  id: uuid().primaryKey().defaultRandom(),
  survivorId: uuid()
    .notNull()
    .references(() => people.id),
  mergedId: uuid()
    .notNull()
    .references(() => people.id),
  moved: jsonb().$type<Record<string, string[]>>().notNull(),
  mergedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  mergedByUserId: uuid().references(() => users.id),
  undoneAt: timestamp({ withTimezone: true }),
  undoneByUserId: uuid().references(() => users.id),
});

/** Consent history: the latest row per person and kind is the current state. */
export const consents = pgTable(
  "consents",
  {
    id: uuid().primaryKey().defaultRandom(),
    personId: uuid()
      .notNull()
      .references(() => people.id),
    kind: consentKind().notNull(),
    status: consentStatus().notNull(),
    recordedOn: date().notNull(),
    recordedByUserId: uuid().references(() => users.id),
    recordedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("consents_person_idx").on(t.personId, t.kind, t.recordedAt)],
);

export const contacts = pgTable(
  "contacts",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Idempotency key made by the device that logged the contact. */
    clientKey: text().notNull(),
    occurredAt: timestamp({ withTimezone: true }).notNull(),
    hotspotId: uuid().references(() => hotspots.id),
    location: text(),
    lat: doublePrecision(),
    lng: doublePrecision(),
    workerId: uuid()
      .notNull()
      .references(() => users.id),
    organisationId: uuid()
      .notNull()
      .references(() => organisations.id),
    personId: uuid().references(() => people.id),
    contactType: contactType().notNull(),
    substances: substance().array().notNull().default(sql`'{}'`),
    safeguardingConcerns: safeguardingConcern().array().notNull().default(sql`'{}'`),
    notes: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("contacts_client_key_key").on(t.clientKey),
    index("contacts_occurred_at_idx").on(t.occurredAt),
    index("contacts_hotspot_idx").on(t.hotspotId, t.occurredAt),
    index("contacts_person_idx").on(t.personId, t.occurredAt),
    index("contacts_worker_idx").on(t.workerId, t.occurredAt),
    check("contacts_place_check", sql`${t.hotspotId} is not null or ${t.location} is not null`),
  ],
);

export const contactInterventions = pgTable(
  "contact_interventions",
  {
    contactId: uuid()
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    intervention: interventionKind().notNull(),
    quantity: integer(),
  },
  (t) => [
    primaryKey({ columns: [t.contactId, t.intervention] }),
    check("contact_interventions_quantity_check", sql`${t.quantity} is null or ${t.quantity} >= 0`),
  ],
);

/** Raised by a safeguarding concern on a contact; open until resolved. */
export const safeguardingFlags = pgTable(
  "safeguarding_flags",
  {
    id: uuid().primaryKey().defaultRandom(),
    personId: uuid()
      .notNull()
      .references(() => people.id),
    concern: safeguardingConcern().notNull(),
    contactId: uuid().references(() => contacts.id),
    raisedAt: timestamp({ withTimezone: true }).notNull(),
    raisedByUserId: uuid().references(() => users.id),
    resolvedAt: timestamp({ withTimezone: true }),
    resolvedByUserId: uuid().references(() => users.id),
    resolutionNote: text(),
  },
  (t) => [index("safeguarding_flags_person_idx").on(t.personId)],
);

export const needleFinds = pgTable(
  "needle_finds",
  {
    id: uuid().primaryKey().defaultRandom(),
    clientKey: text().notNull(),
    foundAt: timestamp({ withTimezone: true }).notNull(),
    hotspotId: uuid().references(() => hotspots.id),
    location: text(),
    lat: doublePrecision(),
    lng: doublePrecision(),
    count: integer().notNull(),
    collectedByUserId: uuid()
      .notNull()
      .references(() => users.id),
    organisationId: uuid()
      .notNull()
      .references(() => organisations.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("needle_finds_client_key_key").on(t.clientKey),
    index("needle_finds_hotspot_idx").on(t.hotspotId, t.foundAt),
    check("needle_finds_count_check", sql`${t.count} > 0`),
    check("needle_finds_place_check", sql`${t.hotspotId} is not null or ${t.location} is not null`),
  ],
);
