import { queryRows, sql } from "@pathways/db";
import { hiddenFigure, type RatesInput } from "@pathways/validators";
import type { MeasureRate, RatesReport, RatesRow, RateWithInterval } from "@pathways/validators/deaths";
import type { VerbArgs } from "../context.ts";
import {
  crudeRate,
  type Rate,
  type StandardBand,
  standardBandOf,
  standardBands,
  standardisedRate,
} from "../deaths/rates.ts";
import { successfulDischargeSql } from "../rules/discharge.ts";
import { dischargedInPeriodSql, openInPeriodSql } from "../rules/in-treatment.ts";
import { day, episodeCellPeriod, monthsOf, type ReportScope, reportHeader } from "./common.ts";
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

/** A person in treatment in the period, once per area of residence their episodes record. */
interface ResidenceRow {
  person_id: string;
  /** null: no area recorded on the episode. */
  area_id: string | null;
  /** Discharged successfully in the period from an episode recording this area. */
  completed: boolean;
}

interface AreaRow {
  id: string;
  name: string;
  kind: RatesRow["area"]["kind"];
  within_area_id: string | null;
}

/** Each area with the areas it holds, itself included, however deep (the county holds the city and its wards). */
function areasHeld(areaRows: AreaRow[]): Map<string, Set<string>> {
  const held = new Map(areaRows.map((area) => [area.id, new Set([area.id])]));
  for (const area of areaRows) {
    // Walk up from each area, adding it to every area it lies within; `seen` stops a loop in the data.
    const seen = new Set([area.id]);
    let holder = area.within_area_id;
    while (holder && !seen.has(holder)) {
      seen.add(holder);
      held.get(holder)?.add(area.id);
      holder = areaRows.find((row) => row.id === holder)?.within_area_id ?? null;
    }
  }
  return held;
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
  const areaRows = await queryRows<AreaRow>(
    ctx.db,
    sql`select id::text, name, kind::text as kind, within_area_id::text from areas order by kind, name`,
  );
  const held = areasHeld(areaRows);
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

  const treatment = await inTreatmentFor(scope, { ctx, input: { ...input, to } });

  const rows = areaRows.map((area): RatesRow => {
    const inArea = held.get(area.id)!;
    const deaths = deathRows.filter((row) => inArea.has(row.area_id));
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
    // People in treatment are a count of people, not of events in a year: per 100,000 residents, the
    // period's mean population (a year's population over a one-year period).
    const meanPopulation = allAges === null ? null : (allAges * 12) / months.length;
    const measures = treatment.of(inArea);
    return {
      area: { id: area.id, name: area.name, kind: area.kind },
      deaths: scope.disclosure.figure(total),
      personYears: allAges === null ? null : Math.round(allAges),
      crude,
      standardised: standardised.rate,
      lowReliability: !tooFew && shown < reliableFrom,
      missing:
        missingYears.length > 0 ? `no population for ${missingYears.join(", ")}` : standardised.missing,
      population: meanPopulation === null ? null : Math.round(meanPopulation),
      inTreatment: measureRate(scope, measures.inTreatment, meanPopulation),
      completions: measureRate(scope, measures.completions, allAges),
    };
  });
  const notRecorded = treatment.notRecorded();
  return {
    ...reportHeader(scope, input, null),
    rows,
    areaNotRecorded: {
      inTreatment: scope.disclosure.figure(notRecorded.inTreatment),
      completions: scope.disclosure.figure(notRecorded.completions),
    },
  };
}

/** A protected count's rate per 100,000 of `denominator`, under the deaths' rule for small counts. */
function measureRate(scope: ReportScope, count: Count, denominator: number | null): MeasureRate {
  const tooFew = count.shown < smallestCountForRate;
  return {
    count: scope.disclosure.figure(count),
    rate: denominator === null ? null : tooFew ? hiddenFigure : rounded(crudeRate(count.shown, denominator)),
    lowReliability: !tooFew && count.shown < reliableFrom,
  };
}

/**
 * People in treatment in the period (an episode open on any day of it) and those discharged
 * successfully in it, by the area of residence their episodes record (docs/decisions/0085): a person
 * counts once in an area when any of their counted episodes records it or an area within it, and in
 * "area not recorded" when none of them records an area. Each count is a cell of its own.
 */
async function inTreatmentFor(scope: ReportScope, { ctx, input }: VerbArgs<RatesInput>) {
  const period = { from: input.from, to: input.to, today: scope.today };
  const substanceGroup = input.substanceGroup ?? null;
  const residences = await queryRows<ResidenceRow>(
    ctx.db,
    sql`select e.person_id::text, e.residence_area_id::text as area_id,
          bool_or(${successfulDischargeSql("e")} and ${dischargedInPeriodSql("e", period)}) as completed
        from episodes e
        where ${openInPeriodSql("e", period)}
          ${substanceGroup ? sql`and e.substance_group::text = ${substanceGroup}` : sql``}
        group by 1, 2`,
  );
  const cellPeriod = await episodeCellPeriod(ctx, scope, input);
  const cell = (what: string, where: string, people: Set<string>) =>
    scope.disclosure.count(people.size, `rates:${what}:${where}:${substanceGroup ?? "all"}|${cellPeriod}`);
  const peopleWhere = (holds: (areaId: string | null) => boolean, completedOnly: boolean) =>
    new Set(
      residences
        .filter((row) => holds(row.area_id) && (!completedOnly || row.completed))
        .map((row) => row.person_id),
    );
  return {
    of(inArea: Set<string>) {
      const where = [...inArea].sort().join("+");
      const holds = (areaId: string | null) => areaId !== null && inArea.has(areaId);
      return {
        inTreatment: cell("in_treatment", where, peopleWhere(holds, false)),
        completions: cell("completions", where, peopleWhere(holds, true)),
      };
    },
    notRecorded() {
      const recorded = (completedOnly: boolean) => peopleWhere((areaId) => areaId !== null, completedOnly);
      const without = (completedOnly: boolean) => {
        const withArea = recorded(completedOnly);
        const people = peopleWhere((areaId) => areaId === null, completedOnly);
        for (const person of withArea) people.delete(person);
        return people;
      };
      return {
        inTreatment: cell("in_treatment", "not_recorded", without(false)),
        completions: cell("completions", "not_recorded", without(true)),
      };
    },
  };
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
