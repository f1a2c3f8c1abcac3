import { describe, expect, it } from "vitest";
import { type Count, DisclosureControl } from "../../src/reports/disclosure.ts";

describe("disclosure control", () => {
  it("shows 1 to 4 as <5 and keeps 0 and 5 and over", () => {
    const control = new DisclosureControl(true);
    const cells = [0, 1, 4, 5, 120].map((n) => control.count(n));
    control.apply();
    expect(cells.map((cell) => control.figure(cell))).toEqual([0, "<5", "<5", 5, 120]);
  });

  it("hides the next-smallest non-zero sibling when a total would give one hidden cell away", () => {
    const control = new DisclosureControl(true);
    const parts = [12, 0, 3, 40, 9].map((n) => control.count(n));
    const total = control.count(64);
    control.sum(parts, total);
    control.apply();
    expect(parts.map((cell) => control.figure(cell))).toEqual([12, 0, "<5", 40, "*"]);
    expect(control.figure(total)).toBe(64);
  });

  it("leaves two hidden cells in a sum alone, and hides the total when no sibling can be", () => {
    const twoSmall = new DisclosureControl(true);
    const parts = [2, 3, 10].map((n) => twoSmall.count(n));
    twoSmall.sum(parts, twoSmall.count(15));
    twoSmall.apply();
    expect(parts.map((cell) => twoSmall.figure(cell))).toEqual(["<5", "<5", 10]);

    // A cell hidden by one rule, alone among zeros in another: only that rule's total can protect it.
    const control = new DisclosureControl(true);
    const small = control.count(2);
    const big = control.count(7);
    const rowTotal = control.count(9);
    const column = [big, control.count(0)];
    const columnTotal = control.count(7);
    control.sum([small, big], rowTotal);
    control.sum(column, columnTotal);
    control.apply();
    expect([small, big, rowTotal, columnTotal].map((cell) => control.figure(cell))).toEqual([
      "<5",
      "*",
      9,
      "*",
    ]);
  });

  it("hides a percentage, a change or a median made from a hidden count", () => {
    const control = new DisclosureControl(true);
    const [small, big, zero, other] = [3, 670, 0, 97].map((n) => control.count(n)) as [
      Count,
      Count,
      Count,
      Count,
    ];
    control.apply();
    expect(control.percent(other, big)).toBe(14.5);
    expect(control.percent(small, big)).toBe("*");
    expect(control.percent(zero, zero)).toBeNull();
    expect(control.change(other, big)).toBe(-85.5);
    expect(control.change(small, big)).toBe("*");
    expect(control.change(big, zero)).toBeNull();
    expect(control.statistic(16.5, small)).toBe("*");
    expect(control.statistic(16.5, big)).toBe(16.5);
  });

  it("shows every figure as it is when switched off (a provider's own figures)", () => {
    const control = new DisclosureControl(false);
    const parts = [1, 2, 30].map((n) => control.count(n));
    const total = control.count(33);
    control.sum(parts, total);
    control.apply();
    expect(parts.map((cell) => control.figure(cell))).toEqual([1, 2, 30]);
    expect(control.percent(parts[0]!, total)).toBe(3);
  });

  it("rounds percentages half up on the decimal value: 4,100 -> 4,793 is +16.9%", () => {
    const control = new DisclosureControl(true);
    const [before, after, numerator, denominator] = [4100, 4793, 289, 2000].map((n) => control.count(n)) as [
      Count,
      Count,
      Count,
      Count,
    ];
    control.apply();
    expect(control.change(after, before)).toBe(16.9);
    // 14.45 is 14.449999... in binary; it still rounds to 14.5.
    expect(control.percent(numerator, denominator)).toBe(14.5);
  });

  it("refuses to give figures before it is applied, and counts after", () => {
    const control = new DisclosureControl(true);
    const cell = control.count(3);
    expect(() => control.figure(cell)).toThrow("Apply disclosure control before reading figures.");
    control.apply();
    expect(() => control.count(1)).toThrow();
  });
});
