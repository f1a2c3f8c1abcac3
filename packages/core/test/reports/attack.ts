import type highsLoader from "highs";
import { ptableRow } from "../../src/reports/disclosure.ts";

/** A small deterministic generator, so a world (and so a test) is the same every run. */
export function generator(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/** The true counts a shown figure can come from (the ptable is public). */
export function preimage(shown: number): { least: number; most: number } {
  const counts: number[] = [];
  for (let count = 0; count <= shown + 6; count++) {
    if (ptableRow(count).some(([change]) => count + change === shown)) counts.push(count);
  }
  return { least: Math.min(...counts), most: Math.max(...counts) };
}

type Highs = Awaited<ReturnType<typeof highsLoader>>;

/**
 * An integer programme over the true values of shown cells: each within its ptable range, and every
 * relation the attacker knows (sums, and "at most" for subsets such as the funnel's stages). It finds
 * each cell's least and greatest possible true value.
 */
export class Attack {
  private readonly bounds: string[] = [];
  private readonly relations: string[] = [];
  private readonly names = new Map<string, string>();

  /** A shown figure, named by `id` (one variable per id: the same cell in two reports is one id). */
  cell(id: string, shown: number): string {
    const known = this.names.get(id);
    if (known) return known;
    const name = `x${this.names.size}`;
    this.names.set(id, name);
    const { least, most } = preimage(shown);
    this.bounds.push(` ${least} <= ${name} <= ${most}`);
    return name;
  }

  get cells(): number {
    return this.names.size;
  }

  get relationCount(): number {
    return this.relations.length;
  }

  /** The parts add up to the total. */
  sum(parts: string[], total: string): void {
    this.relation(parts, total, "=");
  }

  /** The parts add up to at most `total` (e.g. concerns of one type at most the contacts). */
  atMost(parts: string[], total: string): void {
    this.relation(parts, total, "<=");
  }

  /** The parts add up to at least `total` (e.g. people everywhere at most the people of each place summed). */
  atLeast(parts: string[], total: string): void {
    this.relation(parts, total, ">=");
  }

  private relation(parts: string[], total: string, sense: "=" | "<=" | ">="): void {
    if (!parts.length) return;
    this.relations.push(` r${this.relations.length}: ${parts.join(" + ")} - ${total} ${sense} 0`);
  }

  async range(highs: Highs, cell: string): Promise<[number, number]> {
    const solve = (sense: "Minimize" | "Maximize") => {
      const model = [
        sense,
        ` obj: ${cell}`,
        "Subject To",
        ...(this.relations.length ? this.relations : [" r0: x0 - x0 = 0"]),
        "Bounds",
        ...this.bounds,
        "General",
        ` ${[...this.names.values()].join(" ")}`,
        "End",
      ].join("\n");
      const result = highs.solve(model, { output_flag: false });
      if (result.Status !== "Optimal") throw new Error(`The attack's programme is ${result.Status}`);
      return Math.round(result.ObjectiveValue);
    };
    return [solve("Minimize"), solve("Maximize")];
  }
}
