import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { fieldErrors } from "../src/common.ts";
import { toCsv, utf8Bom } from "../src/csv.ts";
import { addYears } from "../src/dates.ts";
import { reportCsvFileName, reportTables } from "../src/report-definitions.ts";
import { reportTableCsv } from "../src/report-tables.ts";
import {
  FunnelInput,
  type FunnelReport,
  OutcomesInput,
  protectedFiguresNote,
  ReportFilters,
} from "../src/reports.ts";

function errorsOf(result: { success: boolean; error?: Parameters<typeof fieldErrors>[0] }) {
  return result.error ? fieldErrors(result.error) : {};
}

describe("report filters", () => {
  it("accepts an inclusive period and the filters a report takes", () => {
    expect(FunnelInput.parse({ from: "2025-01-01", to: "2025-01-31" })).toEqual({
      from: "2025-01-01",
      to: "2025-01-31",
    });
    expect(OutcomesInput.parse({ from: "2024-04-01", to: "2025-03-31", substanceGroup: "opiate" })).toEqual({
      from: "2024-04-01",
      to: "2025-03-31",
      substanceGroup: "opiate",
    });
  });

  it("refuses a period that ends before it starts, naming the field", () => {
    expect(errorsOf(FunnelInput.safeParse({ from: "2025-02-01", to: "2025-01-31" }))).toEqual({
      to: ["to must be on or after from"],
    });
  });

  it("refuses dates that are not real days or not written as YYYY-MM-DD", () => {
    expect(errorsOf(FunnelInput.safeParse({ from: "2025-02-30", to: "31/12/2025" }))).toEqual({
      from: ["from must be a real calendar date"],
      to: ["to must be a date as YYYY-MM-DD"],
    });
  });

  it("refuses a period of five years or more", () => {
    expect(FunnelInput.safeParse({ from: "2020-01-01", to: "2024-12-31" }).success).toBe(true);
    expect(errorsOf(FunnelInput.safeParse({ from: "2020-01-01", to: "2025-01-31" }))).toEqual({
      to: ["the period can be at most 5 years: to must be before 2025-01-01"],
    });
  });

  it("takes whole months only, naming the field (docs/DISCLOSURE.md: a fixed grid of periods)", () => {
    expect(errorsOf(FunnelInput.safeParse({ from: "2025-01-02", to: "2025-02-27" }))).toEqual({
      from: ["from must be the first day of a month (reports cover whole months), e.g. 2025-01-01"],
      to: ["to must be the last day of a month (reports cover whole months), e.g. 2025-02-28"],
    });
    expect(errorsOf(OutcomesInput.safeParse({ from: "2024-02-01", to: "2024-02-28" }))).toEqual({
      to: ["to must be the last day of a month (reports cover whole months), e.g. 2024-02-29"],
    });
    expect(OutcomesInput.safeParse({ from: "2024-02-01", to: "2024-02-29" }).success).toBe(true);
  });

  it("refuses a filter the report cannot apply instead of ignoring it", () => {
    const result = OutcomesInput.safeParse({
      from: "2025-01-01",
      to: "2025-12-31",
      hotspotId: "6f1d4c1e-8d0a-4a55-9a55-1f3b2a0c9e11",
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("the outcomes report has no filter named hotspotId");
  });

  it("refuses an unknown substance group with the list of groups", () => {
    expect(
      errorsOf(ReportFilters.safeParse({ from: "2025-01-01", to: "2025-12-31", substanceGroup: "crack" })),
    ).toEqual({
      substanceGroup: ["substanceGroup must be one of opiate, non_opiate, non_opiate_and_alcohol, alcohol"],
    });
  });

  it("moves 29 February to 28 February a year later", () => {
    expect(addYears("2024-02-29", 1)).toBe("2025-02-28");
    expect(addYears("2024-02-29", -1)).toBe("2023-02-28");
    expect(addYears("2025-03-31", 5)).toBe("2030-03-31");
  });
});

describe("the CSV writer", () => {
  it("writes what an independent RFC 4180 parser reads back cell for cell", () => {
    const rows = [
      ["Grandpont, east", 12, 16.9],
      ['The "Meadow" Lane', "<5", null],
      ["two\r\nlines", "*", -3.5],
      ["Bonn Square – Café", 0, 0],
      ["=HYPERLINK(1)", 4100, ""],
    ];
    const csv = toCsv(["Hotspot", "Contacts", "Change (%)"], rows);
    expect(csv.startsWith(utf8Bom)).toBe(true);
    expect(csv.endsWith("\r\n")).toBe(true);
    const parsed: string[][] = parse(csv, { bom: true, relax_column_count: false });
    expect(parsed).toEqual([
      ["Hotspot", "Contacts", "Change (%)"],
      ["Grandpont, east", "12", "16.9"],
      ['The "Meadow" Lane', "<5", ""],
      ["two\r\nlines", "*", "-3.5"],
      ["Bonn Square – Café", "0", "0"],
      // A cell a spreadsheet would run as a formula is written as text.
      ["'=HYPERLINK(1)", "4100", ""],
    ]);
  });

  it("turns a report into the same figures in its table and its CSV file", () => {
    const report: FunnelReport = {
      from: "2025-01-01",
      to: "2025-12-31",
      hotspot: null,
      substanceGroup: null,
      provider: null,
      disclosureControl: true,
      runOn: "2026-03-01",
      stages: [
        { stage: "contacts", count: 120, shareOfPrevious: null },
        { stage: "people_contacted", count: 40, shareOfPrevious: null },
        { stage: "referred", count: 12, shareOfPrevious: 30 },
        { stage: "started_treatment", count: 9, shareOfPrevious: 75 },
        { stage: "completed", count: 5, shareOfPrevious: 55.6 },
        { stage: "sustained", count: 0, shareOfPrevious: 0 },
      ],
      sustainedProvisional: true,
      sustainedFinalOn: "2026-06-02",
    };
    const [table] = reportTables("funnel", report);
    expect(reportCsvFileName("funnel", table!, report)).toBe("funnel-2025-01-01-to-2025-12-31.csv");
    expect(parse(reportTableCsv(table!), { bom: true })).toEqual([
      ["Stage", "Count", "Share of previous stage (%)", "Provisional"],
      ["Contacts", "120", "", "no"],
      ["People contacted", "40", "", "no"],
      ["Referred within 90 days", "12", "30", "no"],
      ["Started treatment", "9", "75", "no"],
      ["Completed successfully", "5", "55.6", "no"],
      ["Sustained (no re-presentation within 182 days)", "0", "0", "yes"],
      // Protected figures say so, on the file's last row.
      [protectedFiguresNote, "", "", ""],
    ]);
    // A chosen hotspot and substance group end the file name and head the file, with the period.
    const chosen = {
      ...report,
      hotspot: { id: "h", name: "St. Ebbe's Park" },
      substanceGroup: "non_opiate" as const,
    };
    expect(reportCsvFileName("funnel", table!, chosen)).toBe(
      "funnel-2025-01-01-to-2025-12-31-st-ebbe-s-park-non-opiate.csv",
    );
    expect(parse(reportTableCsv(table!, chosen), { bom: true }).slice(0, 4)).toEqual([
      ["Period: 2025-01-01 to 2025-12-31", "", "", ""],
      ["Hotspot: St. Ebbe's Park", "", "", ""],
      ["Substance group: Non opiate", "", "", ""],
      ["Stage", "Count", "Share of previous stage (%)", "Provisional"],
    ]);
    const exact = reportTables("funnel", { ...report, disclosureControl: false });
    expect(parse(reportTableCsv(exact[0]!), { bom: true }).at(-1)).toEqual([
      "Sustained (no re-presentation within 182 days)",
      "0",
      "0",
      "yes",
    ]);
  });
});
