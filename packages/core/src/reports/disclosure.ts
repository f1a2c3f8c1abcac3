import { createHmac } from "node:crypto";
import { type Days, type Figure, hiddenFigure, lastDayOfMonth, type Percent } from "@pathways/validators";

/**
 * Disclosure control for commissioner figures (DOMAIN.md; the method, its parameters and the risk
 * left are in docs/DISCLOSURE.md): ONS cell key perturbation. Each count gets a cell key (0-255) from
 * a keyed hash of a description of the records in it, and the perturbation table below changes it by
 * what (true count, cell key) says: zeros stay zeros, nothing from 1 to 4 is ever shown, counts of 7
 * and over move by at most 2. The same records always give the same answer. Totals are cells of
 * their own, so rows may not add up to them; shares, changes and medians come from protected counts.
 */
export class Count {
  constructor(
    /** The true count. */
    readonly value: number,
    /** What the reader sees: the protected count (or the true one, without disclosure control). */
    readonly shown: number,
  ) {}
}

/** The largest change the perturbation table makes to a count of 7 or more. */
export const maximumChange = 2;
/** Counts below this (other than 0) are never shown. */
export const smallestShown = 5;
/** A median or other statistic of individual values is shown only over at least this many (protected). */
export const smallestGroupForStatistic = 10;

/** One row of the perturbation table: [change, how many of the 256 cell keys give it]. */
type PtableRow = readonly (readonly [change: number, keys: number])[];

/**
 * The perturbation table, in 256ths (out of the 256 cell keys), each row unbiased to within 0.02:
 * 1-4 become 0 or 5; 5 and 6 never go below 5 except 5 to 0; 7 and over move by -2 to +2.
 */
const smallRows: Record<number, PtableRow> = {
  1: [
    [-1, 205],
    [4, 51],
  ],
  2: [
    [-2, 154],
    [3, 102],
  ],
  3: [
    [-3, 102],
    [2, 154],
  ],
  4: [
    [-4, 51],
    [1, 205],
  ],
  5: [
    [-5, 26],
    [0, 141],
    [1, 51],
    [2, 38],
  ],
  6: [
    [-1, 77],
    [0, 128],
    [1, 25],
    [2, 26],
  ],
};
const largeRow: PtableRow = [
  [-2, 19],
  [-1, 45],
  [0, 128],
  [1, 45],
  [2, 19],
];

export function ptableRow(count: number): PtableRow {
  if (count <= 0) return [[0, 256]];
  return smallRows[count] ?? largeRow;
}

/** The protected value of a true count with a cell key from 0 to 255. */
export function perturb(count: number, cellKey: number): number {
  let seen = 0;
  for (const [change, keys] of ptableRow(count)) {
    seen += keys;
    if (cellKey < seen) return count + change;
  }
  throw new Error(`A cell key must be from 0 to 255, not ${cellKey}`);
}

/** The cell key of a cell described by `description`: the first byte of its HMAC-SHA256. */
export function cellKey(secret: string, description: string): number {
  return createHmac("sha256", secret).update(description).digest()[0]!;
}

/**
 * The months holding a cell's records and how many in each (`2025-03:4,2025-07:1`): the part of a
 * cell's description that makes its key follow its records, so a period stretched over months with
 * nothing in them describes the same cell.
 */
export function monthProfile(months: Iterable<readonly [month: string, n: number]>): string {
  const byMonth = new Map<string, number>();
  for (const [month, n] of months) byMonth.set(month, (byMonth.get(month) ?? 0) + n);
  return [...byMonth]
    .filter(([, n]) => n !== 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, n]) => `${month}:${n}`)
    .join(",");
}

export class DisclosureControl {
  /**
   * `enabled: false` (a provider's own figures) shows every count as it is. Enabled, it needs the
   * server's disclosure secret: without one it refuses rather than answer unprotected.
   */
  constructor(
    readonly enabled: boolean,
    private readonly secret: string | null = null,
  ) {
    if (enabled && (!secret || secret.length < 32)) {
      throw new Error("Disclosure control needs the disclosure secret (32 characters or more)");
    }
  }

  /**
   * A count and its protected value. `description` says which records it counts - what, where, and
   * their months (or, where those are not known, the period) - never how the question was asked.
   */
  count(value: number, description: string): Count {
    if (!this.enabled || value === 0) return new Count(value, value);
    return new Count(value, perturb(value, cellKey(this.secret!, `${description}|${value}`)));
  }

  /** A count as the report shows it. */
  figure(cell: Count): Figure {
    return cell.shown;
  }

  /** numerator / denominator in percent, to one decimal place; a share is at most 100%. */
  percent(numerator: Count, denominator: Count): Percent {
    if (denominator.shown === 0) return null;
    return roundTo1(Math.min(100, 100 * (numerator.shown / denominator.shown)));
  }

  /** The change from `before` to `current` in percent (null when there was nothing before). */
  change(current: Count, before: Count): Percent {
    if (before.shown === 0) return null;
    return roundTo1(100 * ((current.shown - before.shown) / before.shown));
  }

  /**
   * The day of one record a report dates something by (the funnel's latest completion, which says
   * when "sustained" becomes final): for a commissioner only its month, and none when the protected
   * count of those records shows 0, so the date tells no more than the figure does (a date under a
   * 0 would prove a record the 0 may hide).
   */
  recordDay(value: string | null, of: Count): string | null {
    if (!this.enabled || value === null) return value;
    return of.shown === 0 ? null : lastDayOfMonth(value);
  }

  /**
   * A statistic of individual values (a median wait), shown only over a protected count of at least
   * 10: the decision looks at the protected count alone, so hiding it says nothing new.
   */
  statistic(value: number | null, over: Count): Days {
    if (this.enabled && over.shown < smallestGroupForStatistic) return over.shown === 0 ? null : hiddenFigure;
    return value === null ? null : roundTo1(value);
  }
}

export function roundTo1(value: number): number {
  // Rounds half away from zero on the decimal value (14.45 -> 14.5), not on its binary approximation.
  const rounded = Math.round(Math.abs(value) * 10 + 1e-9) / 10;
  return value < 0 ? -rounded : rounded;
}
