import { testDisclosureSecret } from "@pathways/vitest-config";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  cellKey,
  DisclosureControl,
  maximumChange,
  monthProfile,
  perturb,
  ptableRow,
} from "../../src/reports/disclosure.ts";

describe("the perturbation table", () => {
  it("keeps zeros, never shows 1 to 4, and moves counts of 7 and over by at most 2", () => {
    for (let count = 0; count <= 60; count++) {
      for (let key = 0; key < 256; key++) {
        const shown = perturb(count, key);
        if (count === 0) expect(shown).toBe(0);
        expect(shown < 1 || shown > 4).toBe(true);
        if (count >= 7) expect(Math.abs(shown - count)).toBeLessThanOrEqual(maximumChange);
        expect(shown).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it("spreads every row over the 256 cell keys and is unbiased to within 0.02", () => {
    for (let count = 0; count <= 40; count++) {
      const row = ptableRow(count);
      expect(row.reduce((sum, [, keys]) => sum + keys, 0)).toBe(256);
      const mean = row.reduce((sum, [change, keys]) => sum + (count + change) * keys, 0) / 256;
      expect(Math.abs(mean - count)).toBeLessThanOrEqual(0.02);
    }
  });

  it("never shows a true count of 1 to 4 as itself", () => {
    for (const count of [1, 2, 3, 4]) {
      for (let key = 0; key < 256; key++) expect([0, 5]).toContain(perturb(count, key));
    }
  });
});

describe("disclosure control", () => {
  const control = () => new DisclosureControl(true, testDisclosureSecret);

  it("gives the same records the same figure, in any control made with the same secret", () => {
    fc.assert(
      fc.property(fc.nat(500), fc.string(), (value, description) => {
        expect(control().count(value, description).shown).toBe(control().count(value, description).shown);
      }),
    );
  });

  it("draws the cells of different records independently, with about half shown exactly", () => {
    const exact = Array.from({ length: 2000 }, (_, index) => control().count(100, `cell ${index}`)).filter(
      (cell) => cell.shown === 100,
    ).length;
    // 128 of 256 keys leave a count of 7 or more as it is.
    expect(exact / 2000).toBeGreaterThan(0.44);
    expect(exact / 2000).toBeLessThan(0.56);
  });

  it("depends on the secret", () => {
    const other = new DisclosureControl(true, `${testDisclosureSecret}-other`);
    const differs = Array.from({ length: 200 }, (_, index) => `cell ${index}`).filter(
      (description) => control().count(50, description).shown !== other.count(50, description).shown,
    );
    expect(differs.length).toBeGreaterThan(50);
    expect(cellKey(testDisclosureSecret, "x")).not.toBe(cellKey(`${testDisclosureSecret}!`, "x"));
  });

  it("shows a provider's own figures as they are", () => {
    fc.assert(
      fc.property(fc.nat(500), fc.string(), (value, description) => {
        const exact = new DisclosureControl(false);
        expect(exact.count(value, description).shown).toBe(value);
      }),
    );
  });

  it("refuses to protect without a secret of 32 characters or more", () => {
    expect(() => new DisclosureControl(true, null)).toThrow(/disclosure secret/);
    expect(() => new DisclosureControl(true, "short")).toThrow(/disclosure secret/);
  });

  it("takes shares, changes and medians from the protected counts", () => {
    const protect = control();
    const cells = Array.from({ length: 50 }, (_, index) => ({
      completed: protect.count(97, `completed ${index}`),
      inTreatment: protect.count(670, `in treatment ${index}`),
    }));
    for (const { completed, inTreatment } of cells) {
      expect(protect.percent(completed, inTreatment)).toBeCloseTo(
        (100 * completed.shown) / inTreatment.shown,
        1,
      );
      expect(protect.change(completed, inTreatment)).toBeCloseTo(
        (100 * (completed.shown - inTreatment.shown)) / inTreatment.shown,
        1,
      );
    }
    const exact = new DisclosureControl(false);
    expect(exact.percent(exact.count(97, "a"), exact.count(670, "b"))).toBe(14.5);
    expect(exact.change(exact.count(4793, "a"), exact.count(4100, "b"))).toBe(16.9);
    expect(protect.percent(protect.count(3, "a"), protect.count(0, "b"))).toBeNull();
  });

  it("shows a median only over a protected count of 10 or more", () => {
    const protect = control();
    const small = Array.from({ length: 30 }, (_, index) => protect.count(4, `small ${index}`));
    for (const cell of small) expect(protect.statistic(12, cell)).toBe(cell.shown === 0 ? null : "*");
    const large = protect.count(40, "large");
    expect(protect.statistic(12.25, large)).toBe(12.3);
  });

  it("dates a record to its month only, and not at all under a protected 0", () => {
    const protect = control();
    const cells = Array.from({ length: 40 }, (_, index) => protect.count(1, `sustained ${index}`));
    // A true 1 shows as 0 or 5; both happen over 40 cells.
    expect(new Set(cells.map((cell) => cell.shown))).toEqual(new Set([0, 5]));
    for (const cell of cells) {
      expect(protect.recordDay("2025-04-09", cell)).toBe(cell.shown === 0 ? null : "2025-04-30");
    }
    const exact = new DisclosureControl(false);
    expect(exact.recordDay("2025-04-09", exact.count(1, "sustained"))).toBe("2025-04-09");
    expect(protect.recordDay(null, protect.count(7, "sustained"))).toBeNull();
  });

  it("describes months by their records only: empty months and order change nothing", () => {
    expect(
      monthProfile([
        ["2025-07", 1],
        ["2025-01", 0],
        ["2025-03", 4],
        ["2025-07", 2],
      ]),
    ).toBe("2025-03:4,2025-07:3");
  });
});
