import { lastDayOfMonth, type SafeguardingReport } from "@pathways/validators";
import { type SafeguardingConcern, safeguardingConcerns } from "@pathways/validators/codes";
import { describeDb, testDisclosureSecret } from "@pathways/vitest-config";
import { on, type ReportWorld, reportWorld } from "@pathways/vitest-config/report-world";
import highsLoader from "highs";
import { beforeAll, expect, it } from "vitest";
import { hotspotActivityReport } from "../../src/reports/hotspot-activity.ts";
import { safeguardingReport } from "../../src/reports/safeguarding.ts";
import { Attack, generator } from "./attack.ts";

/**
 * The attacks of issue 14, against the product's own output (docs/DISCLOSURE.md): a commissioner who
 * knows the method and its ptable, every sum between the cells of a report and between reports
 * (one hotspot and the other make everywhere), and who differences overlapping periods and one
 * hotspot against all. A year of safeguarding concerns at two hotspots, mostly small counts.
 */

const months = Array.from({ length: 12 }, (_, index) => `2025-${String(index + 1).padStart(2, "0")}`);
const runOn = "2026-03-01";
type Place = "southPark" | "grandpont";
const places: Place[] = ["southPark", "grandpont"];

/** Concerns per place, concern and month: 0 to 4 most of the time, sometimes up to 14. */
async function concernWorld(world: ReportWorld) {
  const random = generator(2026);
  const truth = new Map<string, number>();
  const key = (place: Place, concern: SafeguardingConcern, month: string) => `${place} ${concern} ${month}`;
  for (const place of places) {
    for (const concern of safeguardingConcerns) {
      for (const month of months) {
        const draw = random();
        const n = draw < 0.35 ? 0 : draw < 0.8 ? 1 + Math.floor(random() * 4) : 5 + Math.floor(random() * 10);
        truth.set(key(place, concern, month), n);
        for (let i = 0; i < n; i++) {
          const day = String(1 + Math.floor(random() * 28)).padStart(2, "0");
          await world.contact({
            at: `${month}-${day}`,
            hotspotId: world.hotspots[place].id,
            concerns: [concern],
          });
        }
      }
    }
  }
  return (place: Place | "everywhere", concern: SafeguardingConcern, inMonths: string[]) =>
    (place === "everywhere" ? places : [place]).reduce(
      (sum, p) => sum + inMonths.reduce((s, month) => s + truth.get(key(p, concern, month))!, 0),
      0,
    );
}

describeDb("disclosure control against a commissioner who adds up and compares", (use) => {
  let world: ReportWorld;
  let truth: Awaited<ReturnType<typeof concernWorld>>;
  const reports = new Map<string, Promise<SafeguardingReport>>();
  /** A protected safeguarding report, asked once per period and place. */
  const report = (from: string, to: string, place: Place | "everywhere") => {
    const key = `${from} ${to} ${place}`;
    if (!reports.has(key)) {
      reports.set(
        key,
        safeguardingReport({
          ctx: on(world.ctxOf("commissioner"), runOn),
          input: {
            from: `${from}-01`,
            to: lastDayOfMonth(`${to}-01`),
            ...(place === "everywhere" ? {} : { hotspotId: world.hotspots[place].id }),
          },
        }),
      );
    }
    return reports.get(key)!;
  };

  beforeAll(async () => {
    world = await reportWorld(use().db);
    truth = await concernWorld(world);
  }, 300_000);

  it("shows no count from 1 to 4, and says the figures are protected", async () => {
    const year = await report(months[0]!, months[11]!, "southPark");
    expect(year.disclosureControl).toBe(true);
    const shown = year.concerns.flatMap((row) => [...row.byMonth, row.total]);
    expect(shown.filter((value) => value >= 1 && value <= 4)).toEqual([]);
    // The world has small counts to protect.
    const small = safeguardingConcerns.flatMap((concern) =>
      months.filter((month) => {
        const n = truth("southPark", concern, [month]);
        return n >= 1 && n <= 4;
      }),
    );
    expect(small.length).toBeGreaterThan(20);
  });

  it("lets no sum within a report, or between a hotspot and everywhere, pin a count of 1 to 4", {
    timeout: 300_000,
  }, async () => {
    const highs = await highsLoader();
    const attack = new Attack();
    const cells: { name: string; truth: number }[] = [];
    // Three reports of the year: each hotspot, and everywhere; the attacker knows that everywhere
    // is the two hotspots (every contact of this world is at one of them).
    const grids = new Map<string, string[][]>();
    for (const place of [...places, "everywhere"] as const) {
      const shown = await report(months[0]!, months[11]!, place);
      const grid = shown.concerns.map((row, r) =>
        [...row.byMonth, row.total].map((value, c) => attack.cell(`${place} ${r} ${c}`, value)),
      );
      // Rows: months add up to the concern's total; columns: concerns add up to the month's total.
      for (const row of grid) attack.sum(row.slice(0, -1), row.at(-1)!);
      for (let column = 0; column <= months.length; column++) {
        attack.sum(
          grid.slice(0, -1).map((row) => row[column]!),
          grid.at(-1)![column]!,
        );
      }
      grids.set(place, grid);
      safeguardingConcerns.forEach((concern, row) => {
        months.forEach((month, column) => {
          cells.push({ name: grid[row]![column]!, truth: truth(place, concern, [month]) });
        });
        cells.push({ name: grid[row]![months.length]!, truth: truth(place, concern, months) });
      });
    }
    const [southPark, grandpont, everywhere] = [
      grids.get("southPark")!,
      grids.get("grandpont")!,
      grids.get("everywhere")!,
    ];
    everywhere.forEach((row, r) => {
      row.forEach((cell, c) => {
        attack.sum([southPark[r]![c]!, grandpont[r]![c]!], cell);
      });
    });

    const small = cells.filter((cell) => cell.truth >= 1 && cell.truth <= 4);
    expect(small.length).toBeGreaterThan(40);
    const pinned: { name: string; truth: number }[] = [];
    for (const cell of small) {
      const [least, most] = await attack.range(highs, cell.name);
      // The truth is always feasible: the attacker's model is right.
      expect(least).toBeLessThanOrEqual(cell.truth);
      expect(most).toBeGreaterThanOrEqual(cell.truth);
      if (least === most) pinned.push(cell);
    }
    expect(pinned).toEqual([]);
  });

  it("gives the truth for at most half of the small counts found by differencing periods and places", {
    timeout: 300_000,
  }, async () => {
    const derived: {
      place: string;
      concern: SafeguardingConcern;
      month: string;
      value: number;
      truth: number;
    }[] = [];
    const concernTotal = (shown: SafeguardingReport, concern: SafeguardingConcern) =>
      shown.concerns.find((row) => row.concern === concern)!.total;
    // Periods a month apart: [January, m] minus [January, m - 1] is month m; and [m, December]
    // minus [m + 1, December].
    for (const place of places) {
      for (let index = 1; index < months.length; index++) {
        const longer = await report(months[0]!, months[index]!, place);
        const shorter = await report(months[0]!, months[index - 1]!, place);
        const fromLonger = await report(months[index - 1]!, months[11]!, place);
        const fromShorter = await report(months[index]!, months[11]!, place);
        for (const concern of safeguardingConcerns) {
          derived.push({
            place,
            concern,
            month: months[index]!,
            value: concernTotal(longer, concern) - concernTotal(shorter, concern),
            truth: truth(place, concern, [months[index]!]),
          });
          derived.push({
            place,
            concern,
            month: months[index - 1]!,
            value: concernTotal(fromLonger, concern) - concernTotal(fromShorter, concern),
            truth: truth(place, concern, [months[index - 1]!]),
          });
        }
      }
    }
    // One hotspot against everywhere: everywhere minus Grandpont is South Park, month by month.
    for (const month of months) {
      const [everywhere, grandpont] = [
        await report(month, month, "everywhere"),
        await report(month, month, "grandpont"),
      ];
      for (const concern of safeguardingConcerns) {
        derived.push({
          place: "southPark",
          concern,
          month,
          value: concernTotal(everywhere, concern) - concernTotal(grandpont, concern),
          truth: truth("southPark", concern, [month]),
        });
      }
    }
    const small = derived.filter((d) => d.truth >= 1 && d.truth <= 4);
    expect(small.length).toBeGreaterThan(100);
    const right = small.filter((d) => d.value === d.truth);
    expect(right.length / small.length).toBeLessThanOrEqual(0.5);
  });

  it("answers the same question the same way, and a longer period over empty months the same", async () => {
    const ask = () =>
      safeguardingReport({
        ctx: on(world.ctxOf("commissioner"), runOn),
        input: { from: "2025-01-01", to: "2025-12-31", hotspotId: world.hotspots.southPark.id },
      });
    const [first, second] = [await ask(), await ask()];
    expect(second).toEqual(first);
    // 2024 and 2026 hold nothing at South Park: the concerns of 2024-2026 are 2025's records, so the
    // same cells with the same figures (the months differ, the totals do not).
    const longer = await safeguardingReport({
      ctx: on(world.ctxOf("commissioner"), "2026-12-31"),
      input: { from: "2024-01-01", to: "2026-12-31", hotspotId: world.hotspots.southPark.id },
    });
    expect(longer.concerns.map((row) => row.total)).toEqual(first.concerns.map((row) => row.total));
    // A month's column and the one-month report of that month are one cell.
    const march = await report("2025-03", "2025-03", "southPark");
    expect(march.concerns.map((row) => row.byMonth[0])).toEqual(first.concerns.map((row) => row.byMonth[2]));
  });

  it("protects the hotspot activity report's months, places and year before alike", async () => {
    const activity = await hotspotActivityReport({
      ctx: on(world.ctxOf("commissioner"), runOn),
      input: { from: "2025-01-01", to: "2025-12-31" },
    });
    const counts = [...activity.months, activity.total, ...activity.byHotspot].flatMap((figures) =>
      [figures.contacts, figures.communityReports, figures.needlesFound].flatMap((m) => [
        m.current,
        m.yearBefore,
      ]),
    );
    expect(counts.filter((value) => value >= 1 && value <= 4)).toEqual([]);
    // Contacts here are the concerns' contacts (one concern each): South Park's year is one cell
    // whether asked for by the activity report or the funnel's contacts.
    const southPark = activity.byHotspot.find((row) => row.hotspot?.id === world.hotspots.southPark.id)!;
    const truthContacts = safeguardingConcerns.reduce(
      (sum, concern) => sum + truth("southPark", concern, months),
      0,
    );
    expect(Math.abs(southPark.contacts.current - truthContacts)).toBeLessThanOrEqual(2);
    const filtered = await hotspotActivityReport({
      ctx: on(world.ctxOf("commissioner"), runOn),
      input: { from: "2025-01-01", to: "2025-12-31", hotspotId: world.hotspots.southPark.id },
    });
    expect(filtered.total.contacts.current).toBe(southPark.contacts.current);
  });

  it("uses the secret it is given: another secret gives other figures", async () => {
    const input = { from: "2025-01-01", to: "2025-12-31", hotspotId: world.hotspots.southPark.id };
    const mine = await safeguardingReport({ ctx: on(world.ctxOf("commissioner"), runOn), input });
    const other = await safeguardingReport({
      ctx: { ...on(world.ctxOf("commissioner"), runOn), disclosureSecret: `${testDisclosureSecret}-other` },
      input,
    });
    expect(other.concerns).not.toEqual(mine.concerns);
    await expect(
      safeguardingReport({
        ctx: { ...on(world.ctxOf("commissioner"), runOn), disclosureSecret: undefined },
        input,
      }),
    ).rejects.toThrow(/disclosure secret/);
  });
});
