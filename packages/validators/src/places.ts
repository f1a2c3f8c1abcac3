import { z } from "zod";
import { incidentCategories, incidentSources } from "./codes.ts";
import { Id, Latitude, Longitude, text } from "./common.ts";
import { eventDay, eventMoment } from "./dates.ts";

/** Ambulance call-outs are overdoses and drug-related call-outs; the police record the rest. */
export const incidentCategoriesOf = {
  ambulance: ["overdose", "drug_related_callout"],
  police: ["drug_offence", "drug_trafficking", "weapons", "antisocial_behaviour"],
} as const satisfies Record<(typeof incidentSources)[number], readonly (typeof incidentCategories)[number][]>;

/** One incident from a partner's file: a point (lat and lng together) or an area name, or both. */
export const IncidentInput = z
  .object({
    source: z.enum(incidentSources, { error: `source must be one of ${incidentSources.join(", ")}` }),
    sourceReference: text("source_reference", 80),
    occurredAt: eventMoment("occurred_at", { past: true }),
    category: z.enum(incidentCategories, {
      error: `category must be one of ${incidentCategories.join(", ")}`,
    }),
    lat: Latitude.optional(),
    lng: Longitude.optional(),
    areaName: text("area", 120).optional(),
  })
  .superRefine(
    (incident, ctx) => {
      if ((incident.lat === undefined) !== (incident.lng === undefined)) {
        const missing = incident.lat === undefined ? "lat" : "lng";
        ctx.addIssue({ code: "custom", path: [missing], message: "give lat and lng together" });
      } else if (incident.lat === undefined && !incident.areaName) {
        ctx.addIssue({ code: "custom", path: ["areaName"], message: "give lat and lng, or an area" });
      }
      const allowed: readonly string[] | undefined = incidentCategoriesOf[incident.source];
      if (allowed && incidentCategories.includes(incident.category) && !allowed.includes(incident.category)) {
        ctx.addIssue({
          code: "custom",
          path: ["category"],
          message: `category must be one of ${allowed.join(", ")} for ${incident.source} incidents`,
        });
      }
      // Checked even when another field failed, so a bad line is reported whole, not one fix at a time.
    },
    { when: (payload) => typeof payload.value === "object" && payload.value !== null },
  );
export type IncidentInput = z.infer<typeof IncidentInput>;

/** Which days before and after an action are compared: the same number on each side (DOMAIN.md). */
export const beforeAfterDays = { default: 90, max: 365 } as const;

/** Hotspot evidence over a period [from, to] (calendar days, inclusive; whole months from the web). */
export const EvidenceInput = z
  .object({ from: eventDay("from"), to: eventDay("to") })
  .refine((period) => period.from <= period.to, { path: ["to"], error: "to must be on or after from" });
export type EvidenceInput = z.infer<typeof EvidenceInput>;

/** Reports, needles and incidents at a hotspot the same N days before and after an action. */
export const BeforeAfterInput = z.object({
  activityId: Id,
  days: z
    .number({ error: "days must be a number" })
    .int({ error: "days must be a whole number" })
    .min(1, { error: `days must be between 1 and ${beforeAfterDays.max}` })
    .max(beforeAfterDays.max, { error: `days must be between 1 and ${beforeAfterDays.max}` })
    .default(beforeAfterDays.default),
});
export type BeforeAfterInput = z.infer<typeof BeforeAfterInput>;

/** incidents.csv as the CLI reads it: the header's columns, and each row's cells with its line. */
export const IncidentFileInput = z.object({
  header: z.array(z.string().max(100), { error: "header must be the file's column names" }).max(50),
  records: z
    .array(
      z.object({
        line: z.number().int().min(2),
        values: z.record(z.string().max(100), z.string().max(1000)),
      }),
      { error: "records must be the file's rows" },
    )
    .max(50_000, { error: "at most 50,000 rows at a time; use `pathways import` for more" }),
});
export type IncidentFileInput = z.infer<typeof IncidentFileInput>;
