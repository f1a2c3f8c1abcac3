import { z } from "zod";
import { areaKinds, codeLabel, populationAgeBands, substanceGroups } from "./codes.ts";
import { Id, text } from "./common.ts";
import { eventDay } from "./dates.ts";
import type { ReportTable } from "./report-tables.ts";
import { type Figure, hiddenFigure, type ReportHeader } from "./reports.ts";
import { oneOf, whole } from "./taskforce.ts";

/** An area; one within another (the city within the county) is counted in the other's figures too. */
export const AreaInput = z.strictObject({
  name: text("name", 120),
  kind: oneOf("kind", areaKinds),
  withinAreaId: Id.optional(),
});
export type AreaInput = z.infer<typeof AreaInput>;

/** An area's population in one year, for all ages or one 2013 European Standard Population band. */
export const PopulationInput = z.strictObject({
  areaId: Id,
  year: whole("year", 1900, 2200),
  ageBand: oneOf("ageBand", populationAgeBands).default("all"),
  population: whole("population", 1, 100_000_000),
  source: text("source", 200),
});
export type PopulationInput = z.infer<typeof PopulationInput>;

const deathFields = {
  diedOn: eventDay("diedOn", { past: true }),
  areaId: Id,
  substanceGroup: oneOf("substanceGroup", substanceGroups),
  knownToTreatment: z.boolean({ error: "knownToTreatment must be true or false" }),
  ageAtDeath: whole("ageAtDeath", 0, 130).optional(),
  personId: Id.optional(),
};

/** A drug-related death as recorded by hand (DOMAIN.md, "Drug-related deaths and rates"). */
export const DeathInput = z.strictObject({
  ...deathFields,
  sourceReference: text("sourceReference", 100).optional(),
});
export type DeathInput = z.infer<typeof DeathInput>;

/** A correction: the fields that change (personId null unlinks the person) and why. */
export const DeathCorrectionInput = z.strictObject({
  deathId: Id,
  changes: z
    .strictObject({
      diedOn: deathFields.diedOn.optional(),
      areaId: Id.optional(),
      substanceGroup: deathFields.substanceGroup.optional(),
      knownToTreatment: deathFields.knownToTreatment.optional(),
      ageAtDeath: whole("ageAtDeath", 0, 130).nullable().optional(),
      personId: Id.nullable().optional(),
    })
    .refine((changes) => Object.keys(changes).length > 0, { error: "changes must name at least one field" }),
  reason: text("reason", 500),
});
export type DeathCorrectionInput = z.infer<typeof DeathCorrectionInput>;

export const DeathListInput = z.strictObject({
  areaId: Id.optional(),
  limit: whole("limit", 1, 200).default(50),
});
export type DeathListInput = z.infer<typeof DeathListInput>;

/** A rate per 100,000 per year with its 95% confidence interval, to one decimal place. */
export interface RateWithInterval {
  rate: number;
  lower: number;
  upper: number;
}

/** A count of people in treatment or of completions with its rate, as the deaths' rate is given. */
export interface MeasureRate {
  count: Figure;
  rate: RateWithInterval | typeof hiddenFigure | null;
  /** Fewer than 20 shown: low reliability, as for deaths. */
  lowReliability: boolean;
}

/**
 * One area's row: the deaths (a protected count for commissioners), the person-years they are over,
 * and the rates; `*` where the deaths shown are fewer than 10 (ONS publishes no rate then), null where
 * the populations needed are not configured (`missing` says which). People in treatment (per 100,000
 * residents, the period's mean population) and successful completions (per 100,000 per year) are
 * counted by the area of residence their episodes record (docs/decisions/0085), areas within the area
 * included.
 */
export interface RatesRow {
  area: { id: string; name: string; kind: (typeof areaKinds)[number] };
  deaths: Figure;
  personYears: number | null;
  crude: RateWithInterval | typeof hiddenFigure | null;
  standardised: RateWithInterval | typeof hiddenFigure | null;
  /** Fewer than 20 deaths shown: ONS marks such a rate "u", low reliability. */
  lowReliability: boolean;
  missing: string | null;
  /** The mean population over the period (the months of each year weighed); null without one. */
  population: number | null;
  inTreatment: MeasureRate;
  completions: MeasureRate;
}

export interface RatesReport extends ReportHeader {
  rows: RatesRow[];
  /** People whose episodes record no area of residence: counted, with no rate (no population). */
  areaNotRecorded: { inTreatment: Figure; completions: Figure };
}

/** The CSV files `pathways deaths import` loads, and their columns (header names, lower case). */
export const deathImportFiles = {
  populations: [
    { name: "area", required: true, description: "the area's name (made if new, with area_kind)" },
    { name: "area_kind", required: false, description: `for a new area: ${areaKinds.join(", ")}` },
    {
      name: "within",
      required: false,
      description:
        "for a new area: the area it lies within, by name (the county for a city), known or on an earlier line",
    },
    { name: "year", required: true, description: "the year the population is for, e.g. 2016" },
    {
      name: "age_band",
      required: false,
      description: "all (the default) or a 2013 European Standard Population band: 0-4, 5-9, ..., 85-89, 90+",
    },
    { name: "population", required: true, description: "people, a whole number" },
    {
      name: "source",
      required: true,
      description: "where the figure comes from, e.g. ONS mid-year estimates 2016",
    },
  ],
  drug_related_deaths: [
    {
      name: "reference",
      required: false,
      description: "the source's own reference: a death is imported once",
    },
    { name: "died_on", required: true, description: "date of death, YYYY-MM-DD" },
    { name: "area", required: true, description: "the area's name" },
    { name: "substance_group", required: true, description: substanceGroups.join(", ") },
    { name: "known_to_treatment", required: true, description: "yes or no" },
    { name: "age_at_death", required: false, description: "whole years (needed for age-standardised rates)" },
  ],
} as const;
export type DeathImportFile = keyof typeof deathImportFiles;

const areaKindLabels = { city: "City", county: "County", ward: "Ward" } as const;

/** A rate and its limits with one decimal place, as ONS publishes them (5.8, not 6 or 5.80). */
function rateCells(rate: RateWithInterval | typeof hiddenFigure | null): (string | null)[] {
  if (rate === null) return [null, null, null];
  if (rate === hiddenFigure) return [hiddenFigure, hiddenFigure, hiddenFigure];
  return [rate.rate, rate.lower, rate.upper].map((value) => value.toFixed(1));
}

function measureNote(measure: MeasureRate, what: string): string | null {
  if (measure.rate === hiddenFigure) return `fewer than 10 ${what}: no rate`;
  return measure.lowReliability ? `fewer than 20 ${what}: low reliability (u)` : null;
}

/**
 * The rates table: one row per area, the city and the county side by side (ONS's layout), with
 * deaths, people in treatment and completions; a last row for people with no area recorded.
 */
export function ratesTables(report: RatesReport): Omit<ReportTable, "note">[] {
  const { areaNotRecorded } = report;
  return [
    {
      key: "death_rates",
      title: `Drug-related deaths, people in treatment and successful completions per 100,000${report.substanceGroup ? ` (${codeLabel(report.substanceGroup)})` : ""}`,
      columns: [
        { label: "Area", kind: "text" },
        { label: "Kind", kind: "text" },
        { label: "Deaths", kind: "count" },
        { label: "Person-years", kind: "text" },
        { label: "Crude rate", kind: "text" },
        { label: "Crude rate, lower 95% limit", kind: "text" },
        { label: "Crude rate, upper 95% limit", kind: "text" },
        { label: "Age-standardised rate (2013 ESP)", kind: "text" },
        { label: "Age-standardised, lower 95% limit", kind: "text" },
        { label: "Age-standardised, upper 95% limit", kind: "text" },
        { label: "People in treatment", kind: "count" },
        { label: "Population (mean)", kind: "text" },
        { label: "In treatment per 100,000", kind: "text" },
        { label: "In treatment, lower 95% limit", kind: "text" },
        { label: "In treatment, upper 95% limit", kind: "text" },
        { label: "Successful completions", kind: "count" },
        { label: "Completions per 100,000 per year", kind: "text" },
        { label: "Completions, lower 95% limit", kind: "text" },
        { label: "Completions, upper 95% limit", kind: "text" },
        { label: "Note", kind: "text" },
      ],
      rows: [
        ...report.rows.map((row) => [
          row.area.name,
          areaKindLabels[row.area.kind],
          row.deaths,
          row.personYears,
          ...rateCells(row.crude),
          ...rateCells(row.standardised),
          row.inTreatment.count,
          row.population,
          ...rateCells(row.inTreatment.rate),
          row.completions.count,
          ...rateCells(row.completions.rate),
          [
            row.crude === hiddenFigure ? "fewer than 10 deaths: no rate (as ONS)" : null,
            row.lowReliability ? "fewer than 20 deaths: low reliability (u)" : null,
            measureNote(row.inTreatment, "people in treatment"),
            measureNote(row.completions, "completions"),
            row.missing,
          ]
            .filter(Boolean)
            .join("; "),
        ]),
        [
          "Area not recorded",
          null,
          null,
          null,
          ...rateCells(null),
          ...rateCells(null),
          areaNotRecorded.inTreatment,
          null,
          ...rateCells(null),
          areaNotRecorded.completions,
          ...rateCells(null),
          "people whose episodes record no area of residence: no population, no rate",
        ],
      ],
      totalRows: [],
    },
  ];
}
