import { areaKinds, populationAgeBands } from "@pathways/validators/codes";
import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  boolean,
  check,
  date,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { substanceGroup } from "./enums.ts";
import { organisations, users } from "./identity.ts";
import { people } from "./outreach.ts";

export const areaKind = pgEnum("area_kind", areaKinds);
export const populationAgeBand = pgEnum("population_age_band", populationAgeBands);

/**
 * A named geography for rates and comparisons: the city, the county, a ward (DOMAIN.md, "Places").
 * An area within another (the city within the county) has its counts in the other's too.
 */
export const areas = pgTable(
  "areas",
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    kind: areaKind().notNull(),
    withinAreaId: uuid().references((): AnyPgColumn => areas.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("areas_name_key").on(sql`lower(${t.name})`),
    check("areas_within_other_check", sql`${t.withinAreaId} is null or ${t.withinAreaId} <> ${t.id}`),
  ],
);

/**
 * An area's population in one year (ONS mid-year estimates, say), for all ages or one age band of
 * the 2013 European Standard Population, with where the figure came from.
 */
export const areaPopulations = pgTable(
  "area_populations",
  {
    id: uuid().primaryKey().defaultRandom(),
    areaId: uuid()
      .notNull()
      .references(() => areas.id),
    year: integer().notNull(),
    ageBand: populationAgeBand().notNull(),
    population: integer().notNull(),
    source: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("area_populations_key").on(t.areaId, t.year, t.ageBand),
    check("area_populations_year_check", sql`${t.year} between 1900 and 2200`),
    check("area_populations_population_check", sql`${t.population} > 0`),
  ],
);

/**
 * A drug-related death (DOMAIN.md): when, where, the substance group, whether the person was known
 * to treatment, and the person where known. Age at death is what age-standardised rates band by.
 */
export const drugRelatedDeaths = pgTable(
  "drug_related_deaths",
  {
    id: uuid().primaryKey().defaultRandom(),
    diedOn: date().notNull(),
    areaId: uuid()
      .notNull()
      .references(() => areas.id),
    substanceGroup: substanceGroup().notNull(),
    knownToTreatment: boolean().notNull(),
    ageAtDeath: integer(),
    personId: uuid().references(() => people.id),
    /** The source's own reference (a coroner's or register's), so a death is imported once. */
    sourceReference: text(),
    recordedByUserId: uuid().references(() => users.id),
    organisationId: uuid().references(() => organisations.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("drug_related_deaths_source_reference_key").on(t.sourceReference),
    index("drug_related_deaths_area_idx").on(t.areaId, t.diedOn),
    index("drug_related_deaths_person_idx").on(t.personId),
    check("drug_related_deaths_age_check", sql`${t.ageAtDeath} is null or ${t.ageAtDeath} between 0 and 130`),
  ],
);

/** A correction of one field of a death: the old and new value, who, when and why. */
export const drugRelatedDeathCorrections = pgTable(
  "drug_related_death_corrections",
  {
    id: uuid().primaryKey().defaultRandom(),
    deathId: uuid()
      .notNull()
      .references(() => drugRelatedDeaths.id),
    field: text().notNull(),
    oldValue: text(),
    newValue: text(),
    reason: text().notNull(),
    correctedByUserId: uuid().references(() => users.id),
    correctedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index("drug_related_death_corrections_death_idx").on(t.deathId, t.correctedAt)],
);
