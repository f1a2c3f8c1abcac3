import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { areas } from "./deaths.ts";
import {
  appointmentOutcome,
  dischargeReason,
  substanceGroup,
  topStage,
  treatmentInterventionType,
  treatmentSetting,
} from "./enums.ts";
import { organisations, users } from "./identity.ts";
import { people } from "./outreach.ts";
import { referrals } from "./referrals.ts";

/** A provider's keyworker; not necessarily a user of Pathways. */
export const keyworkers = pgTable("keyworkers", {
  id: uuid().primaryKey().defaultRandom(),
  organisationId: uuid()
    .notNull()
    .references(() => organisations.id),
  name: text().notNull(),
  active: boolean().notNull().default(true),
});

/** A treatment journey. */
export const episodes = pgTable(
  "episodes",
  {
    id: uuid().primaryKey().defaultRandom(),
    personId: uuid()
      .notNull()
      .references(() => people.id),
    providerOrganisationId: uuid()
      .notNull()
      .references(() => organisations.id),
    keyworkerId: uuid().references(() => keyworkers.id),
    substanceGroup: substanceGroup().notNull(),
    referralId: uuid().references(() => referrals.id),
    startedOn: date().notNull(),
    dischargedOn: date(),
    dischargeReason: dischargeReason(),
    /** Opiate clients only: still on opioid substitution therapy at exit. */
    ostAtExit: boolean(),
    /**
     * The area the person lived in when the episode started, as the provider recorded it: what rates
     * of people in treatment per 100,000 count them in (docs/decisions/0085).
     */
    residenceAreaId: uuid().references(() => areas.id),
    /** A new episode within 182 days after a successful discharge. */
    isRepresentation: boolean().notNull().default(false),
    /** Set by three did-not-attends in a row; cleared by an attended appointment. */
    atRiskSince: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("episodes_referral_key").on(t.referralId).where(sql`${t.referralId} is not null`),
    index("episodes_person_idx").on(t.personId, t.startedOn),
    index("episodes_provider_idx").on(t.providerOrganisationId, t.dischargedOn),
    index("episodes_keyworker_idx").on(t.keyworkerId),
    index("episodes_started_on_idx").on(t.startedOn),
    index("episodes_discharged_on_idx").on(t.dischargedOn),
    index("episodes_residence_area_idx").on(t.residenceAreaId),
    // The caseload pages list a provider's open episodes by start: without it PostgreSQL walked
    // episodes_started_on_idx past 84,000 discharged episodes at city scale (23-59 ms -> 0.3 ms).
    index("episodes_open_idx")
      .on(t.providerOrganisationId, t.startedOn, t.id)
      .where(sql`${t.dischargedOn} is null`),
    check("episodes_dates_check", sql`${t.dischargedOn} is null or ${t.dischargedOn} >= ${t.startedOn}`),
    check("episodes_discharge_check", sql`(${t.dischargedOn} is null) = (${t.dischargeReason} is null)`),
  ],
);

export const treatmentInterventions = pgTable(
  "treatment_interventions",
  {
    id: uuid().primaryKey().defaultRandom(),
    episodeId: uuid()
      .notNull()
      .references(() => episodes.id),
    type: treatmentInterventionType().notNull(),
    setting: treatmentSetting().notNull(),
    startedOn: date().notNull(),
    endedOn: date(),
  },
  (t) => [
    index("treatment_interventions_episode_idx").on(t.episodeId),
    check("treatment_interventions_dates_check", sql`${t.endedOn} is null or ${t.endedOn} >= ${t.startedOn}`),
  ],
);

export const appointments = pgTable(
  "appointments",
  {
    id: uuid().primaryKey().defaultRandom(),
    episodeId: uuid()
      .notNull()
      .references(() => episodes.id),
    scheduledAt: timestamp({ withTimezone: true }).notNull(),
    outcome: appointmentOutcome(),
    note: text(),
    recordedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index("appointments_episode_idx").on(t.episodeId, t.scheduledAt)],
);

/** Treatment Outcomes Profile: day counts are of the past 28 days, scores 0-20. */
export const topReviews = pgTable(
  "top_reviews",
  {
    id: uuid().primaryKey().defaultRandom(),
    episodeId: uuid()
      .notNull()
      .references(() => episodes.id),
    stage: topStage().notNull(),
    completedOn: date().notNull(),
    substanceDays: jsonb().$type<Record<string, number>>().notNull(),
    injectingDays: integer().notNull(),
    sharedEquipment: boolean().notNull(),
    crimeDays: integer().notNull(),
    psychologicalHealth: integer().notNull(),
    physicalHealth: integer().notNull(),
    qualityOfLife: integer().notNull(),
    paidWorkDays: integer().notNull(),
    acuteHousingProblem: boolean().notNull(),
    recordedByUserId: uuid().references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("top_reviews_episode_idx").on(t.episodeId, t.completedOn),
    check(
      "top_reviews_days_check",
      sql`${t.injectingDays} between 0 and 28 and ${t.crimeDays} between 0 and 28 and ${t.paidWorkDays} between 0 and 28`,
    ),
    check(
      "top_reviews_scores_check",
      sql`${t.psychologicalHealth} between 0 and 20 and ${t.physicalHealth} between 0 and 20 and ${t.qualityOfLife} between 0 and 20`,
    ),
  ],
);
