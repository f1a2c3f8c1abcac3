import { describe, expect, it } from "vitest";
import {
  addMonths,
  defaultPeriod,
  monthChoices,
  monthLabel,
  periodOfMonths,
  periodPresets,
} from "../src/lib/month-range.ts";
import { reportInput } from "../src/lib/reports.ts";

describe("report periods as whole months", () => {
  it("turns a range of months into the first day of the first and the last day of the last", () => {
    expect(periodOfMonths("2024-02", "2024-02")).toEqual({ from: "2024-02-01", to: "2024-02-29" });
    expect(periodOfMonths("2025-11", "2026-02")).toEqual({ from: "2025-11-01", to: "2026-02-28" });
    expect(addMonths("2026-01", -1)).toBe("2025-12");
    expect(addMonths("2025-12", 1)).toBe("2026-01");
    expect(addMonths("2026-03", -27)).toBe("2023-12");
    expect(monthLabel("2025-04")).toBe("April 2025");
  });

  it("defaults to the last 12 full months, and offers the last month, quarter, calendar and financial year", () => {
    expect(defaultPeriod("2026-02-10")).toEqual({ from: "2025-02-01", to: "2026-01-31" });
    expect(periodPresets("2026-02-10").map((p) => [p.label, p.period.from, p.period.to])).toEqual([
      ["Last full month", "2026-01-01", "2026-01-31"],
      ["Last quarter", "2025-10-01", "2025-12-31"],
      ["Last 12 months", "2025-02-01", "2026-01-31"],
      ["Last calendar year", "2025-01-01", "2025-12-31"],
      ["Last financial year (April–March)", "2024-04-01", "2025-03-31"],
    ]);
    // From April the financial year just ended is the one to report; in January, last month is December.
    const april = periodPresets("2026-04-01");
    expect(april.find((p) => p.key === "financial")!.period).toEqual({
      from: "2025-04-01",
      to: "2026-03-31",
    });
    expect(april.find((p) => p.key === "last-quarter")!.period).toEqual({
      from: "2026-01-01",
      to: "2026-03-31",
    });
    expect(periodPresets("2026-01-15")[0]!.period).toEqual({ from: "2025-12-01", to: "2025-12-31" });
    expect(periodPresets("2026-12-31")[1]!.period).toEqual({ from: "2026-07-01", to: "2026-09-30" });
  });

  it("offers every month from the earliest a report may start to this one, newest first, each a period the validators accept", () => {
    const choices = monthChoices("2026-02-10");
    expect(choices[0]).toEqual({ value: "2026-02", label: "February 2026" });
    expect(choices.at(-1)).toEqual({ value: "2000-01", label: "January 2000" });
    expect(choices).toHaveLength(26 * 12 + 2);
    for (const { value } of choices) {
      expect(reportInput("safeguarding", periodOfMonths(value, value))).toMatchObject({ ok: true });
    }
    for (const preset of periodPresets("2026-02-10")) {
      expect(reportInput("funnel", preset.period)).toMatchObject({ ok: true });
    }
    // A month an old link asks for is offered too, so the picker can show it.
    expect(monthChoices("2026-02-10", ["1999-12"]).at(-1)!.value).toBe("1999-12");
  });

  it("leaves the range rules to the validators: a reversed or too long range is refused naming `to`", () => {
    expect(reportInput("funnel", periodOfMonths("2025-06", "2025-05"))).toEqual({
      ok: false,
      fields: { to: ["to must be on or after from"] },
    });
    expect(reportInput("outcomes", periodOfMonths("2020-01", "2025-01"))).toEqual({
      ok: false,
      fields: { to: ["the period can be at most 5 years: to must be before 2025-01-01"] },
    });
    expect(reportInput("outcomes", periodOfMonths("2020-01", "2024-12"))).toMatchObject({ ok: true });
  });
});
