import { type HotspotActivityReport, reportTableCsv, reportTables } from "@pathways/validators";
import { parse } from "csv-parse/sync";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import {
  defaultPeriod,
  filtersFromSearch,
  formatFigure,
  periodPresets,
  reportInput,
  reportsFor,
  searchFromFilters,
  todayInLondon,
} from "../src/lib/reports.ts";
import { ReportTableView } from "../src/pages/reports/ReportTableView.tsx";

describe("report periods", () => {
  it("defaults to the last full year of months, and offers the calendar and financial years", () => {
    expect(defaultPeriod("2026-02-10")).toEqual({ from: "2025-02-01", to: "2026-01-31" });
    expect(periodPresets("2026-02-10").map((p) => [p.key, p.period.from, p.period.to])).toEqual([
      ["twelve-months", "2025-02-01", "2026-01-31"],
      ["calendar", "2025-01-01", "2025-12-31"],
      ["financial", "2024-04-01", "2025-03-31"],
    ]);
    // From April the financial year just ended is the one to report; in January, last month is December.
    expect(periodPresets("2026-04-01")[2]!.period).toEqual({ from: "2025-04-01", to: "2026-03-31" });
    expect(periodPresets("2026-01-15")[0]!.period).toEqual({ from: "2025-01-01", to: "2025-12-31" });
  });

  it("takes today in London, not in UTC", () => {
    // 23:30 UTC on 30 June is already 1 July in London (BST).
    expect(todayInLondon(new Date("2026-06-30T23:30:00Z"))).toBe("2026-07-01");
  });

  it("keeps filters in the address, so a report can be bookmarked", () => {
    const filters = { from: "2025-04-01", to: "2026-03-31", substanceGroup: "opiate" as const };
    const search = new URLSearchParams(searchFromFilters(filters));
    expect(filtersFromSearch(search, "2026-06-01")).toEqual({ ...filters, hotspotId: undefined });
    expect(filtersFromSearch(new URLSearchParams("group=crack"), "2026-06-01")).toEqual({
      from: "2025-06-01",
      to: "2026-05-31",
      hotspotId: undefined,
      substanceGroup: undefined,
    });
  });

  it("checks the period with the shared rules, and sends each report only the filters it takes", () => {
    expect(reportInput("funnel", { from: "2025-06-01", to: "2025-05-01" })).toEqual({
      ok: false,
      fields: { to: ["to must be on or after from"] },
    });
    const filters = {
      from: "2025-01-01",
      to: "2025-12-31",
      hotspotId: "6f1d4c1e-8d0a-4a55-9a55-1f3b2a0c9e11",
      substanceGroup: "alcohol" as const,
    };
    expect(reportInput("outcomes", filters)).toEqual({
      ok: true,
      input: { from: "2025-01-01", to: "2025-12-31", substanceGroup: "alcohol" },
    });
    expect(reportInput("hotspots", filters)).toEqual({
      ok: true,
      input: { from: "2025-01-01", to: "2025-12-31", hotspotId: filters.hotspotId },
    });
  });

  it("offers each role only the reports it may run", () => {
    expect(reportsFor.commissioner).toEqual(["funnel", "outcomes", "waiting", "hotspots", "safeguarding"]);
    expect(reportsFor.treatment_manager).toEqual(["outcomes", "waiting"]);
    expect(reportsFor.outreach_worker).toEqual([]);
  });
});

describe("report tables on the page", () => {
  const figures = (
    current: number | "<5" | "*",
    yearBefore: number | "<5" | "*",
    change: number | "*" | null,
  ) => ({
    current,
    yearBefore,
    change,
  });
  const report: HotspotActivityReport = {
    from: "2017-01-01",
    to: "2017-02-28",
    hotspot: { id: "h", name: "South Park" },
    substanceGroup: null,
    provider: null,
    disclosureControl: true,
    runOn: "2018-06-01",
    months: [
      {
        month: "2017-01",
        from: "2017-01-01",
        to: "2017-01-31",
        contacts: figures("*", 8, "*"),
        communityReports: figures(0, 0, null),
        needlesFound: figures(4400, 3790, 16.1),
      },
      {
        month: "2017-02",
        from: "2017-02-01",
        to: "2017-02-28",
        contacts: figures("<5", 6, "*"),
        communityReports: figures(0, 0, null),
        needlesFound: figures(393, 310, 26.8),
      },
    ],
    total: {
      contacts: figures(13, 14, -7.1),
      communityReports: figures(0, 0, null),
      needlesFound: figures(4793, 4100, 16.9),
    },
    byHotspot: [],
  };

  it("shows the same figures as the CSV file, with hidden ones spelled out for screen readers", () => {
    const [table] = reportTables("hotspots", report);
    const html = renderToStaticMarkup(
      createElement(ReportTableView, { kind: "hotspots", table: table!, period: report }),
    );
    expect(html).toContain('<th scope="col" class="numeric">Needles found a year before</th>');
    expect(html).toContain('<tr class="report-total"><th scope="row" class="report-date">Total</th>');
    expect(html).toContain(
      '<td class="numeric">4,793</td><td class="numeric">4,100</td><td class="numeric">16.9</td>',
    );
    expect(html).toContain(
      '<span aria-hidden="true">&lt;5</span><span class="visually-hidden">fewer than 5</span>',
    );
    expect(html).toContain('<span aria-hidden="true">*</span><span class="visually-hidden">hidden</span>');
    expect(html).toContain("Download CSV");

    const csv = parse(reportTableCsv(table!), { bom: true });
    expect(csv.at(-1)).toEqual([
      "Total",
      "2017-01-01",
      "2017-02-28",
      "13",
      "14",
      "-7.1",
      "0",
      "0",
      "",
      "4793",
      "4100",
      "16.9",
    ]);
    expect(csv[2]!.slice(3, 6)).toEqual(["<5", "6", "*"]);
  });

  it("formats figures for reading without changing them", () => {
    expect(formatFigure(4793, "count")).toBe("4,793");
    expect(formatFigure(16.9, "percent")).toBe("16.9");
    expect(formatFigure("<5", "count")).toBe("<5");
    expect(formatFigure(null, "percent")).toBe("");
  });
});
