import type { PopulationAgeBand } from "@pathways/validators/codes";
import chisquareQuantile from "@stdlib/stats-base-dists-chisquare-quantile";

/*
 * Rates per 100,000 per year with 95% confidence intervals, as ONS publishes drug-related death
 * rates (docs/decisions/0081-rates-and-confidence-intervals.md): a crude rate with exact Poisson
 * limits below 100 deaths and the normal approximation from 100; an age-standardised rate to the
 * 2013 European Standard Population with Dobson's method.
 */

export type StandardBand = Exclude<PopulationAgeBand, "all">;

/** The 2013 European Standard Population (Eurostat, 2013 revision): 19 five-year bands, 100,000 in all. */
export const europeanStandardPopulation2013: Record<StandardBand, number> = {
  "0-4": 5000,
  "5-9": 5500,
  "10-14": 5500,
  "15-19": 5500,
  "20-24": 6000,
  "25-29": 6000,
  "30-34": 6500,
  "35-39": 7000,
  "40-44": 7000,
  "45-49": 7000,
  "50-54": 7000,
  "55-59": 6500,
  "60-64": 6000,
  "65-69": 5500,
  "70-74": 5000,
  "75-79": 4000,
  "80-84": 2500,
  "85-89": 1500,
  "90+": 1000,
};

export const standardBands = Object.keys(europeanStandardPopulation2013) as StandardBand[];

/** The band an age at death falls in. */
export function standardBandOf(age: number): StandardBand {
  return age >= 90 ? "90+" : standardBands[Math.floor(age / 5)]!;
}

/** From 100 deaths ONS uses the normal approximation; below it, exact Poisson limits. */
export const exactLimitsBelow = 100;
/** The 97.5th centile of the standard normal distribution: a two-sided 95% interval. */
const z975 = 1.959963984540054;
const perHundredThousand = 100_000;

/** 95% limits for an observed count of events: exact Poisson (chi-square) below 100, normal from 100. */
export function countLimits(observed: number): { lower: number; upper: number } {
  if (observed >= exactLimitsBelow) {
    const half = z975 * Math.sqrt(observed);
    return { lower: observed - half, upper: observed + half };
  }
  return {
    lower: observed === 0 ? 0 : chisquareQuantile(0.025, 2 * observed) / 2,
    upper: chisquareQuantile(0.975, 2 * (observed + 1)) / 2,
  };
}

export interface Rate {
  rate: number;
  lower: number;
  upper: number;
}

/** Deaths per 100,000 person-years, with the count's limits scaled alike. */
export function crudeRate(deaths: number, personYears: number): Rate {
  const { lower, upper } = countLimits(deaths);
  const per = perHundredThousand / personYears;
  return { rate: deaths * per, lower: lower * per, upper: upper * per };
}

/**
 * The directly age-standardised rate to the 2013 ESP, with Dobson's limits: the rate plus the
 * count's limits moved by sqrt(var / O) for each death above or below the count (Dobson et al. 1991).
 */
export function standardisedRate(bands: { band: StandardBand; deaths: number; personYears: number }[]): Rate {
  const totalWeight = bands.reduce((sum, b) => sum + europeanStandardPopulation2013[b.band], 0);
  let rate = 0;
  let variance = 0;
  let observed = 0;
  for (const { band, deaths, personYears } of bands) {
    const weight = europeanStandardPopulation2013[band] / totalWeight;
    rate += (weight * deaths) / personYears;
    variance += (weight * weight * deaths) / (personYears * personYears);
    observed += deaths;
  }
  // Dobson's step divides by the count; no rate is shown on fewer than 10 deaths anyway.
  if (observed === 0) throw new Error("Dobson's method needs at least one death");
  const limits = countLimits(observed);
  const step = Math.sqrt(variance / observed);
  return {
    rate: rate * perHundredThousand,
    lower: (rate + step * (limits.lower - observed)) * perHundredThousand,
    upper: (rate + step * (limits.upper - observed)) * perHundredThousand,
  };
}
