import { type Days, type Figure, hiddenFigure, type Percent, smallCount } from "@pathways/validators";

/**
 * Disclosure control (DOMAIN.md), applied on the server before a commissioner's report leaves the
 * API: a count from 1 to 4 is shown as `<5` (0 stays 0); where a total would let a reader work out a
 * suppressed cell, the next-smallest sibling is hidden too (`*`); a percentage or a median is hidden
 * when a count it is made from is.
 */
export class Count {
  suppression: "primary" | "secondary" | null = null;
  constructor(readonly value: number) {}
}

/** Cells that add up to a total the report also shows (rows of a table, or one of its columns). */
interface SumRule {
  parts: Count[];
  total: Count;
}

export class DisclosureControl {
  private readonly sums: SumRule[] = [];
  private readonly counts: Count[] = [];
  private applied = false;

  /** `enabled: false` (a provider's own figures) shows every count as it is. */
  constructor(readonly enabled: boolean) {}

  count(value: number): Count {
    if (this.applied) throw new Error("Disclosure control was already applied; add counts before.");
    const cell = new Count(value);
    this.counts.push(cell);
    return cell;
  }

  /**
   * Declares that `parts` add up to `total`. Also right for near-sums such as distinct people per
   * group against all groups: treating them as sums is the cautious reading.
   */
  sum(parts: Count[], total: Count): void {
    this.sums.push({ parts, total });
  }

  /** Primary, then secondary suppression until no rule leaves a single hidden cell recoverable. */
  apply(): void {
    this.applied = true;
    if (!this.enabled) return;
    for (const cell of this.counts) if (cell.value >= 1 && cell.value <= 4) cell.suppression = "primary";
    let changed = true;
    while (changed) {
      changed = false;
      for (const rule of this.sums) {
        const members = [...rule.parts, rule.total];
        const hidden = members.filter((cell) => cell.suppression);
        // One unknown in "parts add up to total" can be solved for; two or more cannot.
        if (hidden.length !== 1) continue;
        const next = smallestShown(rule.parts) ?? smallestShown([rule.total]);
        if (next) {
          next.suppression = "secondary";
          changed = true;
        }
      }
    }
  }

  /** A count as the report shows it. */
  figure(cell: Count): Figure {
    this.mustBeApplied();
    if (cell.suppression === "primary") return smallCount;
    if (cell.suppression === "secondary") return hiddenFigure;
    return cell.value;
  }

  /** numerator / denominator in percent, to one decimal place. */
  percent(numerator: Count, denominator: Count): Percent {
    this.mustBeApplied();
    if (numerator.suppression || denominator.suppression) return hiddenFigure;
    return denominator.value === 0 ? null : roundTo1(100 * (numerator.value / denominator.value));
  }

  /** The change from `before` to `current` in percent (null when there was nothing before). */
  change(current: Count, before: Count): Percent {
    this.mustBeApplied();
    if (current.suppression || before.suppression) return hiddenFigure;
    return before.value === 0 ? null : roundTo1(100 * ((current.value - before.value) / before.value));
  }

  /** A statistic of individual values (a median wait): hidden when the count it is taken over is. */
  statistic(value: number | null, over: Count): Days {
    this.mustBeApplied();
    if (over.suppression) return hiddenFigure;
    return value === null ? null : roundTo1(value);
  }

  private mustBeApplied() {
    if (!this.applied) throw new Error("Apply disclosure control before reading figures.");
  }
}

/** Zeros are never hidden: they give nothing away and hiding them would not protect the cell. */
function smallestShown(cells: Count[]): Count | undefined {
  let smallest: Count | undefined;
  for (const cell of cells) {
    if (cell.suppression || cell.value === 0) continue;
    if (!smallest || cell.value < smallest.value) smallest = cell;
  }
  return smallest;
}

function roundTo1(value: number): number {
  // Rounds half away from zero on the decimal value (14.45 -> 14.5), not on its binary approximation.
  const rounded = Math.round(Math.abs(value) * 10 + 1e-9) / 10;
  return value < 0 ? -rounded : rounded;
}
