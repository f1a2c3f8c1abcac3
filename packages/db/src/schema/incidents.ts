import { incidentCategories, incidentSources } from "@pathways/validators/codes";
import { sql } from "drizzle-orm";
import {
  check,
  doublePrecision,
  index,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./identity.ts";
import { hotspots } from "./outreach.ts";

export const incidentCategory = pgEnum("incident_category", incidentCategories);
export const incidentSource = pgEnum("incident_source", incidentSources);

/**
 * An ambulance call-out or police-recorded incident imported from a partner (DOMAIN.md "Incidents").
 * It carries no person. `hotspotId` is the hotspot whose area held it when it was imported.
 */
export const incidents = pgTable(
  "incidents",
  {
    id: uuid().primaryKey().defaultRandom(),
    occurredAt: timestamp({ withTimezone: true }).notNull(),
    category: incidentCategory().notNull(),
    source: incidentSource().notNull(),
    /** The source's own reference: an incident is imported once per source. */
    sourceReference: text().notNull(),
    lat: doublePrecision(),
    lng: doublePrecision(),
    areaName: text(),
    hotspotId: uuid().references(() => hotspots.id),
    importedByUserId: uuid().references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("incidents_source_reference_key").on(t.source, t.sourceReference),
    index("incidents_occurred_at_idx").on(t.occurredAt),
    index("incidents_hotspot_idx").on(t.hotspotId, t.occurredAt),
    check(
      "incidents_place_check",
      sql`(${t.lat} is null) = (${t.lng} is null) and (${t.lat} is not null or ${t.areaName} is not null)`,
    ),
    check(
      "incidents_source_category_check",
      sql`(${t.source} = 'ambulance') = (${t.category} in ('overdose', 'drug_related_callout'))`,
    ),
  ],
);
