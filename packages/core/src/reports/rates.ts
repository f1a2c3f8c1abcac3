import { queryRows, sql } from "@pathways/db";
import { hiddenFigure, type RatesInput } from "@pathways/validators";
import type { RatesReport, RatesRow, RateWithInterval } from "@pathways/validators/deaths";
import type { VerbArgs } from "../context.ts";
import {
  crudeRate,
  type Rate,
  type StandardBand,
  standardBandOf,
  standardBands,
  standardisedRate,
} from "../deaths/rates.ts";
import { day, monthsOf, type ReportScope, reportHeader } from "./common.ts";
import { type Count, monthProfile, roundTo1 } from "./disclosure.ts";

/** ONS calculates no rate on fewer than 10 deaths (too unreliable); here the count shown decides. */
export const smallestCountForRate = 10;
/** ONS marks a rate on fewer than 20 deaths "u", low reliability. */
export const reliableFrom = 20;

interface DeathCountRow {
  area_id: string;
  month: string;
  age: number | null;
  n: number;
}

interface PopulationRow {
  area_id: string;
  year: number;
  age_band: string;
  population: number;
}

function rounded(rate: Rate): RateWithInterval {
  return { rate: roundTo1(rate.rate), lower: roundTo1(rate.lower), upper: roundTo1(rate.upper) };
}

/**
 * Drug-related deaths per 100,000 per year in each area over a period of whole months, crude and
 * age-standardised to the 2013 European Standard Population, with 95% confidence intervals
 * (deaths/rates.ts). For a commissioner every count is protected first and the rates follow from the
 * protected counts; no rate is shown on fewer than 10 deaths shown. Person-years are each year's
 * population times the share of that year's months in the period, so three whole years are the sum of
 * three mid-year populations, as ONS adds them up.
 */
export async function ratesReportFor(
  scope: ReportScope,
  { ctx, input }: VerbArgs<RatesInput>,
): Promise<RatesReport> {
  const substanceGroup = input.substanceGroup ?? null;
  const to = input.to < scope.today ? input.to : scope.today;
  const areaRows = await queryRows<{ id: string; name: string; kind: RatesRow["area"]["kind"] }>(
    ctx.db,
    sql`select id, name, kind::text as kind from areas order by kind, name`,
  );
  const deathRows = await queryRows<DeathCountRow>(
    ctx.db,
    sql`select area_id::text, to_char(died_on, 'YYYY-MM') as month, age_at_death as age, count(*)::int as n
        from drug_related_deaths
        where died_on between ${day(input.from)} and ${day(to)}
          ${substanceGroup ? sql`and substance_group = ${substanceGroup}` : sql``}
        group by 1, 2, 3`,
  );
  const months = monthsOf(input.from, input.to);
  const monthsByYear = new Map<number, number>();
  for (const { month } of months) {
    const year = Number(month.slice(0, 4));
    monthsByYear.set(year, (monthsByYear.get(year) ?? 0) + 1);
  }
  const populationRows = await queryRows<PopulationRow>(
    ctx.db,
    sql`select area_id::text, year, age_band::text, population from area_populations
        where year in (${sql.join(
          [...monthsByYear.keys()].map((year) => sql`${year}`),
          sql`, `,
        )})`,
  );

  const rows = areaRows.map((area): RatesRow => {
    const deaths = deathRows.filter((row) => row.area_id === area.id);
    const what = `deaths:${area.id}:${substanceGroup ?? "all"}`;
    const total = scope.disclosure.count(
      deaths.reduce((sum, row) => sum + row.n, 0),
      `${what}|${monthProfile(deaths.map((row) => [row.month, row.n] as const))}`,
    );
    const population = (year: number, band: string) =>
      populationRows.find((row) => row.area_id === area.id && row.year === year && row.age_band === band)
        ?.population;
    const personYears = (band: string): number | null => {
      let sum = 0;
      for (const [year, monthCount] of monthsByYear) {
        const people = population(year, band);
        if (people === undefined) return null;
        sum += (people * monthCount) / 12;
      }
      return sum;
    };
    const years = [...monthsByYear.keys()];
    const allAges = personYears("all");
    const shown = total.shown;
    const tooFew = shown < smallestCountForRate;
    const crude = allAges === null ? null : tooFew ? hiddenFigure : rounded(crudeRate(shown, allAges));
    const standardised = standardisedFor(scope, what, deaths, personYears, shown);
    const missingYears = years.filter((year) => population(year, "all") === undefined);
    return {
      area: { id: area.id, name: area.name, kind: area.kind },
      deaths: scope.disclosure.figure(total),
      personYears: allAges === null ? null : Math.round(allAges),
      crude,
      standardised: standardised.rate,
      lowReliability: !tooFew && shown < reliableFrom,
      missing:
        missingYears.length > 0 ? `no population for ${missingYears.join(", ")}` : standardised.missing,
    };
  });
  return { ...reportHeader(scope, input, null), rows };
}

/**
 * The age-standardised rate from protected counts of deaths per age band, where every band has
 * populations for every year and every death its age; otherwise null and why.
 */
function standardisedFor(
  scope: ReportScope,
  what: string,
  deaths: DeathCountRow[],
  personYears: (band: string) => number | null,
  shownTotal: number,
): { rate: RatesRow["standardised"]; missing: string | null } {
  if (deaths.some((row) => row.age === null)) {
    return { rate: null, missing: "age-standardised: some deaths have no age" };
  }
  const bands: { band: StandardBand; deaths: Count; personYears: number }[] = [];
  for (const band of standardBands) {
    const people = personYears(band);
    if (people === null) return { rate: null, missing: "age-standardised: no populations by age band" };
    const inBand = deaths.filter((row) => standardBandOf(row.age!) === band);
    bands.push({
      band,
      personYears: people,
      deaths: scope.disclosure.count(
        inBand.reduce((sum, row) => sum + row.n, 0),
        `${what}:${band}|${monthProfile(inBand.map((row) => [row.month, row.n] as const))}`,
      ),
    });
  }
  const observed = bands.reduce((sum, band) => sum + band.deaths.shown, 0);
  if (shownTotal < smallestCountForRate || observed === 0) return { rate: hiddenFigure, missing: null };
  return {
    rate: rounded(
      standardisedRate(
        bands.map((b) => ({ band: b.band, deaths: b.deaths.shown, personYears: b.personYears })),
      ),
    ),
    missing: null,
  };
}
