import {
  arrestOffences,
  drugClasses,
  drugQuantityUnits,
  environmentalActions,
  patrolStyles,
  taskforceActivityKinds,
} from "@pathways/validators/codes";
import { sql } from "drizzle-orm";
import {
  check,
  date,
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
import { organisations, users } from "./identity.ts";
import { hotspots } from "./outreach.ts";

export const taskforceActivityKind = pgEnum("taskforce_activity_kind", taskforceActivityKinds);
export const patrolStyle = pgEnum("patrol_style", patrolStyles);
export const arrestOffence = pgEnum("arrest_offence", arrestOffences);
export const drugClass = pgEnum("drug_class", drugClasses);
export const drugQuantityUnit = pgEnum("drug_quantity_unit", drugQuantityUnits);
export const environmentalAction = pgEnum("environmental_action", environmentalActions);

/** A named taskforce operation (e.g. a drugs operation), the organisation's own. */
export const taskforceOperations = pgTable(
  "taskforce_operations",
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    organisationId: uuid()
      .notNull()
      .references(() => organisations.id),
    startedOn: date().notNull(),
    endedOn: date(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("taskforce_operations_name_key").on(t.organisationId, t.name),
    check("taskforce_operations_dates_check", sql`${t.endedOn} is null or ${t.endedOn} >= ${t.startedOn}`),
  ],
);

/** A day of action (warrants, patrols and sweeps on one day), within an operation or on its own. */
export const daysOfAction = pgTable(
  "days_of_action",
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    date: date().notNull(),
    organisationId: uuid()
      .notNull()
      .references(() => organisations.id),
    operationId: uuid().references(() => taskforceOperations.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("days_of_action_organisation_idx").on(t.organisationId, t.date)],
);

/**
 * One thing the taskforce did at a place. Each kind's fields are columns of their own, and CHECK
 * constraints hold each kind to exactly its fields, so a row can never be half a patrol and half a seizure.
 */
export const taskforceActivity = pgTable(
  "taskforce_activity",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Idempotency key made by the device that logged the activity. */
    clientKey: text().notNull(),
    kind: taskforceActivityKind().notNull(),
    /** When it happened; for a patrol, when it started. */
    occurredAt: timestamp({ withTimezone: true }).notNull(),
    hotspotId: uuid().references(() => hotspots.id),
    location: text(),
    lat: doublePrecision(),
    lng: doublePrecision(),
    loggedByUserId: uuid()
      .notNull()
      .references(() => users.id),
    organisationId: uuid()
      .notNull()
      .references(() => organisations.id),
    operationId: uuid().references(() => taskforceOperations.id),
    dayOfActionId: uuid().references(() => daysOfAction.id),
    patrolStyle: patrolStyle(),
    endedAt: timestamp({ withTimezone: true }),
    officers: integer(),
    offence: arrestOffence(),
    arrestCount: integer(),
    /** An area or street, never a full address. */
    area: text(),
    found: text(),
    drugSubstance: text(),
    drugClass: drugClass(),
    drugQuantity: doublePrecision(),
    drugUnit: drugQuantityUnit(),
    cashPounds: integer(),
    knives: integer(),
    firearms: integer(),
    otherWeapons: integer(),
    action: environmentalAction(),
    note: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("taskforce_activity_client_key_key").on(t.clientKey),
    index("taskforce_activity_organisation_idx").on(t.organisationId, t.occurredAt),
    index("taskforce_activity_hotspot_idx").on(t.hotspotId, t.occurredAt),
    check("taskforce_activity_place_check", sql`${t.hotspotId} is not null or ${t.location} is not null`),
    check(
      "taskforce_activity_patrol_check",
      sql`(${t.kind} = 'patrol') = (${t.patrolStyle} is not null and ${t.endedAt} is not null and ${t.officers} is not null)
        and (${t.kind} = 'patrol' or (${t.patrolStyle} is null and ${t.endedAt} is null and ${t.officers} is null))
        and (${t.endedAt} is null or ${t.endedAt} > ${t.occurredAt}) and (${t.officers} is null or ${t.officers} > 0)`,
    ),
    check(
      "taskforce_activity_arrest_check",
      sql`(${t.kind} = 'arrest') = (${t.offence} is not null and ${t.arrestCount} is not null)
        and (${t.kind} = 'arrest' or (${t.offence} is null and ${t.arrestCount} is null))
        and (${t.arrestCount} is null or ${t.arrestCount} > 0)`,
    ),
    check(
      "taskforce_activity_search_check",
      sql`(${t.kind} in ('search', 'warrant')) = (${t.area} is not null)
        and (${t.found} is null or ${t.kind} in ('search', 'warrant'))`,
    ),
    check(
      "taskforce_activity_seizure_check",
      sql`(${t.kind} = 'seizure' or (${t.drugSubstance} is null and ${t.drugClass} is null and ${t.drugQuantity} is null
          and ${t.drugUnit} is null and ${t.cashPounds} is null and ${t.knives} is null and ${t.firearms} is null
          and ${t.otherWeapons} is null))
        and ((${t.drugSubstance} is null) = (${t.drugClass} is null) and (${t.drugClass} is null) = (${t.drugQuantity} is null)
          and (${t.drugQuantity} is null) = (${t.drugUnit} is null))
        and (${t.kind} <> 'seizure' or ${t.drugSubstance} is not null or ${t.cashPounds} is not null
          or coalesce(${t.knives}, 0) + coalesce(${t.firearms}, 0) + coalesce(${t.otherWeapons}, 0) > 0)
        and (${t.drugQuantity} is null or ${t.drugQuantity} > 0) and (${t.cashPounds} is null or ${t.cashPounds} > 0)
        and coalesce(${t.knives}, 0) >= 0 and coalesce(${t.firearms}, 0) >= 0 and coalesce(${t.otherWeapons}, 0) >= 0`,
    ),
    check(
      "taskforce_activity_environmental_check",
      sql`(${t.kind} = 'environmental_action') = (${t.action} is not null)
        and (${t.note} is null or ${t.kind} = 'environmental_action')`,
    ),
  ],
);
