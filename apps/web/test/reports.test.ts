import {
  type FunnelReport,
  type HotspotActivityReport,
  protectedFiguresNote,
  reportKinds,
  reportsFor,
  reportTableCsv,
  reportTables,
} from "@pathways/validators";
import { roles } from "@pathways/validators/codes";
import { parse } from "csv-parse/sync";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { filtersFromSearch, formatFigure, reportInput, searchFromFilters } from "../src/lib/reports.ts";
import { FunnelChart } from "../src/pages/reports/charts.tsx";
import { ReportTableView } from "../src/pages/reports/ReportTableView.tsx";

describe("report periods", () => {
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
    expect(reportInput("funnel", { from: "2025-06-01", to: "2025-05-31" })).toEqual({
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
    expect(reportsFor("commissioner")).toEqual([
      "funnel",
      "outcomes",
      "waiting",
      "hotspots",
      "safeguarding",
      "rates",
    ]);
    expect(reportsFor("treatment_manager")).toEqual(["outcomes", "waiting"]);
    // The taskforce report is its staff's: a taskforce's outreach workers, not a council's; admins.
    expect(reportsFor("outreach_worker", "taskforce")).toEqual(["taskforce"]);
    expect(reportsFor("outreach_worker", "council")).toEqual([]);
    expect(reportsFor("admin", "council")).toEqual(["taskforce"]);
  });

  it("lists exactly the registry's reports, each asked with its own schema", () => {
    expect(new Set(roles.flatMap((role) => reportsFor(role)))).toEqual(new Set(reportKinds));
    const filters = { from: "2025-01-01", to: "2025-12-31" };
    expect(reportKinds.map((kind) => reportInput(kind, filters))).toEqual(
      reportKinds.map(() => ({ ok: true, input: filters })),
    );
  });
});

describe("report tables on the page", () => {
  const figures = (current: number, yearBefore: number, change: number | null) => ({
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
        contacts: figures(9, 8, 12.5),
        communityReports: figures(0, 0, null),
        needlesFound: figures(4400, 3790, 16.1),
      },
      {
        month: "2017-02",
        from: "2017-02-01",
        to: "2017-02-28",
        contacts: figures(5, 6, -16.7),
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

  it("shows the same figures as the CSV file, which says on its last row that they are protected", () => {
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
      '<td class="numeric">5</td><td class="numeric">6</td><td class="numeric">-16.7</td>',
    );
    expect(html).toContain("Download CSV");

    const csv = parse(reportTableCsv(table!), { bom: true });
    expect(csv.at(-1)).toEqual([protectedFiguresNote, ...Array(11).fill("")]);
    expect(csv.at(-2)).toEqual([
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
    expect(csv[2]!.slice(3, 6)).toEqual(["5", "6", "-16.7"]);
  });

  it("formats figures for reading without changing them", () => {
    expect(formatFigure(4793, "count")).toBe("4,793");
    expect(formatFigure(16.9, "percent")).toBe("16.9");
    expect(formatFigure("<5", "count")).toBe("<5");
    expect(formatFigure(null, "percent")).toBe("");
  });
});

describe("report charts with protected figures", () => {
  const funnel = (disclosureControl: boolean): FunnelReport => ({
    from: "2026-01-01",
    to: "2026-06-30",
    hotspot: { id: "h", name: "South Park" },
    substanceGroup: null,
    provider: null,
    disclosureControl,
    runOn: "2026-07-01",
    stages: [
      { stage: "contacts", count: 40, shareOfPrevious: null },
      { stage: "people_contacted", count: 12, shareOfPrevious: null },
      { stage: "referred", count: 5, shareOfPrevious: 41.7 },
      { stage: "started_treatment", count: 0, shareOfPrevious: 0 },
      { stage: "completed", count: 0, shareOfPrevious: null },
      { stage: "sustained", count: 0, shareOfPrevious: null },
    ],
    sustainedProvisional: true,
    sustainedFinalOn: "2026-12-29",
  });

  it("reads small protected counts as ranges, with a key in words, and exact counts as they are", () => {
    const html = renderToStaticMarkup(createElement(FunnelChart, { report: funnel(true) }));
    expect(html).toContain("Referred within 90 days: 1–7 (small, protected)");
    expect(html).toContain("Started treatment: 0–5 (small, protected)");
    expect(html).toContain("Contacts: 40");
    expect(html).toContain("Hatched bars are small protected counts");

    const exact = renderToStaticMarkup(createElement(FunnelChart, { report: funnel(false) }));
    expect(exact).toContain("Started treatment: 0,");
    expect(exact).not.toContain("small, protected");
    expect(exact).not.toContain("Hatched bars");
  });
});
