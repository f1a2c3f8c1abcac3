import { describeDb } from "@pathways/vitest-config";
import { on, once, type ReportWorld, reportWorld } from "@pathways/vitest-config/report-world";
import { expect, it } from "vitest";
import { Forbidden, ValidationError } from "../../src/errors.ts";
import { hotspotActivityReport, hotspotActivityReportFor } from "../../src/reports/hotspot-activity.ts";
import { exactly } from "./exact-figures.ts";

/** What each figure counts, exactly (disclosure control has its own tests). */
const exactHotspotActivityReport = exactly(hotspotActivityReportFor);

const year2017 = { from: "2017-01-01", to: "2017-12-31" } as const;

// DOMAIN.md: the council picked up 4,100 discarded needles in 2016 and 4,793 in 2017 (+16.9%).
const needles2016 = [300, 320, 340, 330, 350, 360, 370, 340, 330, 350, 360, 350];
const needles2017 = [400, 380, 420, 390, 410, 400, 420, 380, 390, 400, 400, 403];

async function activity(world: ReportWorld) {
  const { southPark, grandpont } = world.hotspots;
  for (const [index, count] of needles2016.entries()) {
    await world.needleFind({ at: `2016-${String(index + 1).padStart(2, "0")}-10`, count });
  }
  for (const [index, count] of needles2017.entries()) {
    const month = String(index + 1).padStart(2, "0");
    if (month === "04") {
      // 23:30 UTC on 31 March is 00:30 on 1 April in London: an April find.
      await world.needleFind({ at: "2017-03-31T23:30:00Z", count: 10 });
      await world.needleFind({ at: "2017-04-10", count: count - 10 });
    } else await world.needleFind({ at: `2017-${month}-10`, count });
  }
  // Outside both windows.
  await world.needleFind({ at: "2015-12-31", count: 50 });
  await world.needleFind({ at: "2018-01-01", count: 70 });

  // Contacts at South Park: January 10 (8 a year before), February 3 (6 a year before).
  for (let i = 0; i < 10; i++) await world.contact({ at: "2017-01-05" });
  for (let i = 0; i < 3; i++) await world.contact({ at: "2017-02-05" });
  for (let i = 0; i < 8; i++) await world.contact({ at: "2016-01-05" });
  for (let i = 0; i < 6; i++) await world.contact({ at: "2016-02-05" });
  // Contacts at Grandpont: 7 in June 2017.
  for (let i = 0; i < 7; i++) await world.contact({ at: "2017-06-05", hotspotId: grandpont.id });
  // Community reports: 2 in March 2017 placed by free text; 5 at South Park in March 2016.
  for (let i = 0; i < 2; i++) await world.communityReport({ at: "2017-03-03", hotspotId: null });
  for (let i = 0; i < 5; i++) await world.communityReport({ at: "2016-03-03", hotspotId: southPark.id });
  return world;
}

const figures = (current: unknown, yearBefore: unknown, change: unknown) => ({ current, yearBefore, change });

describeDb("hotspot activity report", (use) => {
  const data = once(async () => activity(await reportWorld(use().db)));

  it("shows needles found per month against the same month a year before: 4,100 -> 4,793 is +16.9%", async () => {
    const world = await data();
    const report = await exactHotspotActivityReport({
      ctx: on(world.ctxOf("commissioner"), "2018-06-01"),
      input: year2017,
    });
    expect(report.total.needlesFound).toEqual(figures(4793, 4100, 16.9));
    expect(
      report.months.map((m) => [
        m.month,
        m.from,
        m.to,
        m.needlesFound.current,
        m.needlesFound.yearBefore,
        m.needlesFound.change,
      ]),
    ).toEqual([
      ["2017-01", "2017-01-01", "2017-01-31", 400, 300, 33.3],
      ["2017-02", "2017-02-01", "2017-02-28", 380, 320, 18.8],
      ["2017-03", "2017-03-01", "2017-03-31", 420, 340, 23.5],
      ["2017-04", "2017-04-01", "2017-04-30", 390, 330, 18.2],
      ["2017-05", "2017-05-01", "2017-05-31", 410, 350, 17.1],
      ["2017-06", "2017-06-01", "2017-06-30", 400, 360, 11.1],
      ["2017-07", "2017-07-01", "2017-07-31", 420, 370, 13.5],
      ["2017-08", "2017-08-01", "2017-08-31", 380, 340, 11.8],
      ["2017-09", "2017-09-01", "2017-09-30", 390, 330, 18.2],
      ["2017-10", "2017-10-01", "2017-10-31", 400, 350, 14.3],
      ["2017-11", "2017-11-01", "2017-11-30", 400, 360, 11.1],
      ["2017-12", "2017-12-01", "2017-12-31", 403, 350, 15.1],
    ]);
  });

  it("counts contacts and community reports per month and per hotspot", async () => {
    const world = await data();
    const report = await exactHotspotActivityReport({
      ctx: on(world.ctxOf("commissioner"), "2018-06-01"),
      input: year2017,
    });
    const month = (key: string) => report.months.find((m) => m.month === key)!;
    expect(month("2017-01").contacts).toEqual(figures(10, 8, 25));
    expect(month("2017-02").contacts).toEqual(figures(3, 6, -50));
    expect(month("2017-06").contacts).toEqual(figures(7, 0, null));
    expect(month("2017-03").communityReports).toEqual(figures(2, 5, -60));
    expect(month("2017-04").contacts).toEqual(figures(0, 0, null));
    expect(report.total.contacts).toEqual(figures(20, 14, 42.9));
    expect(report.total.communityReports).toEqual(figures(2, 5, -60));
    expect(
      report.byHotspot.map((row) => [
        row.hotspot?.name ?? "other",
        row.contacts,
        row.communityReports,
        row.needlesFound,
      ]),
    ).toEqual([
      [world.hotspots.grandpont.name, figures(7, 0, null), figures(0, 0, null), figures(0, 0, null)],
      [world.hotspots.southPark.name, figures(13, 14, -7.1), figures(0, 5, -100), figures(4793, 4100, 16.9)],
      ["other", figures(0, 0, null), figures(2, 0, null), figures(0, 0, null)],
    ]);
  });

  it("filters to one hotspot", async () => {
    const world = await data();
    const report = await exactHotspotActivityReport({
      ctx: on(world.ctxOf("commissioner"), "2018-06-01"),
      input: { ...year2017, hotspotId: world.hotspots.southPark.id },
    });
    expect(report.byHotspot).toEqual([]);
    expect(report.months[0]!.contacts).toEqual(figures(10, 8, 25));
    expect(report.months[1]!.contacts).toEqual(figures(3, 6, -50));
    expect(report.total).toEqual({
      contacts: figures(13, 14, -7.1),
      communityReports: figures(0, 5, -100),
      needlesFound: figures(4793, 4100, 16.9),
    });
  });

  it("refuses a commissioner a period that is not whole months, naming each field", async () => {
    const world = await data();
    const refusal = await hotspotActivityReport({
      ctx: on(world.ctxOf("commissioner"), "2018-06-01"),
      input: { from: "2017-03-15", to: "2017-04-05", hotspotId: world.hotspots.southPark.id },
    }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ValidationError);
    expect((refusal as ValidationError).fields).toEqual({
      from: [expect.stringMatching(/^from must be the first day of a month/)],
      to: [expect.stringMatching(/^to must be the last day of a month.*2017-04-30/)],
    });
  });

  it("is for commissioners only", async () => {
    const world = await data();
    for (const role of ["outreach_worker", "treatment_manager", "admin"] as const) {
      await expect(hotspotActivityReport({ ctx: world.ctxOf(role), input: year2017 })).rejects.toBeInstanceOf(
        Forbidden,
      );
    }
  });
});
