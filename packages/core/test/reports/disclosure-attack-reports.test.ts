import { areaPopulations, areas, drugRelatedDeaths } from "@pathways/db";
import {
  addDays,
  type FunnelReport,
  type HotspotActivityReport,
  lastDayOfMonth,
  type OutcomesReport,
  type SafeguardingReport,
  type WaitingTimesReport,
} from "@pathways/validators";
import {
  dischargeReasons,
  referralStatuses,
  type SubstanceGroup,
  safeguardingConcerns,
  substanceGroups,
  successfulDischargeReasons,
} from "@pathways/validators/codes";
import type { RatesReport } from "@pathways/validators/deaths";
import { describeDb } from "@pathways/vitest-config";
import { on, type ReportWorld, reportWorld } from "@pathways/vitest-config/report-world";
import highsLoader from "highs";
import { beforeAll, expect, it } from "vitest";
import type { VerbArgs } from "../../src/context.ts";
import type { ReportScope } from "../../src/reports/common.ts";
import { funnelReport, funnelReportFor } from "../../src/reports/funnel.ts";
import { hotspotActivityReport, hotspotActivityReportFor } from "../../src/reports/hotspot-activity.ts";
import { outcomesReport, outcomesReportFor } from "../../src/reports/outcomes.ts";
import { refreshPersonRollups } from "../../src/reports/person-rollups.ts";
import { ratesReportFor } from "../../src/reports/rates.ts";
import { runReport } from "../../src/reports/registry.ts";
import { safeguardingReport, safeguardingReportFor } from "../../src/reports/safeguarding.ts";
import { waitingTimesReport, waitingTimesReportFor } from "../../src/reports/waiting-times.ts";
import { representationWindowDays } from "../../src/rules/pathway-windows.ts";
import { Attack, generator } from "./attack.ts";
import { exactly } from "./exact-figures.ts";

/**
 * Issue 14's attacks on every commissioner report (docs/DISCLOSURE.md): the funnel, outcomes, waiting
 * times, hotspot activity and safeguarding, in a world of two hotspots and four substance groups
 * where most cells are 1 to 4. The attacker writes down every relation they know within a report and
 * between reports of the same period (rows, columns, totals, the tables of one report, the same figure
 * in two reports, subsets, each figure's ptable range) and solves for each small cell's feasible
 * range; and they difference overlapping periods, and one hotspot or substance group against all.
 * The truth of every cell is the same report made with exact figures.
 */

const months = Array.from({ length: 12 }, (_, index) => `2025-${String(index + 1).padStart(2, "0")}`);
const yearBefore = months.map((month) => month.replace("2025", "2024"));
const runOn = "2026-03-01";
const places = ["southPark", "grandpont"] as const;
type Place = (typeof places)[number] | "everywhere";
const kinds = ["funnel", "outcomes", "waiting times", "hotspot activity", "safeguarding", "rates"] as const;
type Kind = (typeof kinds)[number];

/** Small counts everywhere: 0 a third of the time, 1 to 4 half of it, sometimes 5 to 10. */
async function smallWorld(world: ReportWorld) {
  const random = generator(14);
  const small = () => {
    const draw = random();
    return draw < 0.3 ? 0 : draw < 0.8 ? 1 + Math.floor(random() * 4) : 5 + Math.floor(random() * 6);
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const day = (month: string) => `${month}-${String(1 + Math.floor(random() * 28)).padStart(2, "0")}`;
  const treatment = [
    world.service("opiate_treatment"),
    world.service("non_opiate_treatment"),
    world.service("alcohol_treatment"),
    world.service("opiate_treatment", world.otherProvider),
  ];
  const groupOf = (serviceIndex: number): SubstanceGroup =>
    random() < 0.3
      ? pick(substanceGroups)
      : (["opiate", "non_opiate", "alcohol", "opiate"] as const)[serviceIndex]!;

  for (const place of places) {
    const hotspotId = world.hotspots[place].id;
    for (const month of [...yearBefore, ...months]) {
      for (let i = small(); i > 0; i--) {
        await world.contact({
          at: day(month),
          hotspotId,
          concerns: random() < 0.6 ? [pick(safeguardingConcerns)] : [],
        });
      }
      for (let i = small(); i > 0; i--) await world.communityReport({ at: day(month), hotspotId });
      for (let i = Math.floor(random() * 3); i > 0; i--) {
        await world.needleFind({ at: day(month), count: 1 + Math.floor(random() * 2), hotspotId });
      }
    }
    for (const month of months) {
      // Referrals to social care from contacts at the hotspot, each with an outcome so far.
      for (let i = Math.floor(random() * 3); i > 0; i--) {
        const [personId] = await world.people(1);
        const at = day(month);
        const contactId = await world.contact({
          at,
          hotspotId,
          personId: personId!,
          concerns: ["self_neglect"],
        });
        await world.referral({
          personId: personId!,
          serviceId: world.socialCareService,
          requestedAt: at,
          status: pick(referralStatuses),
          contactId,
        });
      }
      // People met at the hotspot and followed down the funnel into treatment and out of it.
      for (const personId of await world.people(Math.floor(random() * 4))) {
        const met = day(month);
        await world.contact({ at: met, hotspotId, personId });
        if (random() < 0.35) continue;
        const serviceIndex = Math.floor(random() * treatment.length);
        const requested = addDays(met, Math.floor(random() * 60));
        const referralId = await world.referral({
          personId,
          serviceId: treatment[serviceIndex]!,
          requestedAt: requested,
        });
        if (random() < 0.3) continue;
        const substanceGroup = groupOf(serviceIndex);
        const startedOn = addDays(requested, Math.floor(random() * 45));
        const discharged = random() < 0.6;
        const dischargedOn = addDays(startedOn, 20 + Math.floor(random() * 150));
        const dischargeReason = pick(dischargeReasons);
        await world.episodes([
          {
            personId,
            substanceGroup,
            referralId,
            startedOn,
            providerId: serviceIndex === 3 ? world.otherProvider : world.provider,
            ...(discharged
              ? { dischargedOn, dischargeReason, ostAtExit: substanceGroup === "opiate" && random() < 0.3 }
              : {}),
          },
        ]);
        if (discharged && random() < 0.3) {
          await world.referral({
            personId,
            serviceId: pick(treatment),
            requestedAt: addDays(dischargedOn, 10 + Math.floor(random() * 250)),
          });
        }
      }
    }
  }
  // People in treatment since before the period, some leaving during it, in every group.
  for (const substanceGroup of substanceGroups) {
    for (const personId of await world.people(2 + Math.floor(random() * 6))) {
      const discharged = random() < 0.6;
      await world.episodes([
        {
          personId,
          substanceGroup,
          startedOn: day(pick(yearBefore)),
          ...(discharged
            ? { dischargedOn: day(pick(months)), dischargeReason: pick(dischargeReasons), ostAtExit: false }
            : {}),
        },
      ]);
    }
  }
  // Drug-related deaths in three areas, each with its substance group and age.
  const areaRows = await world.db
    .insert(areas)
    .values([
      { name: `City ${world.tag}`, kind: "city" as const },
      { name: `County ${world.tag}`, kind: "county" as const },
      { name: `Ward ${world.tag}`, kind: "ward" as const },
    ])
    .returning();
  for (const area of areaRows) {
    await world.db
      .insert(areaPopulations)
      .values({ areaId: area.id, year: 2025, ageBand: "all", population: 150_000, source: "test" });
    for (const month of months) {
      const deaths = random() < 0.4 ? 0 : 1 + Math.floor(random() * 3);
      for (let i = 0; i < deaths; i++) {
        await world.db.insert(drugRelatedDeaths).values({
          areaId: area.id,
          diedOn: day(month),
          substanceGroup: pick(substanceGroups),
          knownToTreatment: random() < 0.5,
          ageAtDeath: 20 + Math.floor(random() * 50),
        });
      }
    }
  }
  await refreshPersonRollups(world.db);
}

/** A report's cells by an id that names the cell within its kind of report, shown and true. */
type Cells = Map<string, { shown: number; truth: number }>;

function funnelCells(shown: FunnelReport, truth: FunnelReport): Cells {
  // The day sustained becomes final tells no more than the sustained figure: none under a 0 (where a
  // date would prove a completion the 0 may hide), and only a month's end otherwise.
  if (shown.stages.at(-1)!.count === 0) expect(shown.sustainedFinalOn).toBeNull();
  else if (shown.sustainedFinalOn) {
    const completed = addDays(shown.sustainedFinalOn, -(representationWindowDays + 1));
    expect(completed).toBe(lastDayOfMonth(completed));
  }
  return new Map(
    shown.stages.map((stage, index) => [
      stage.stage,
      { shown: stage.count, truth: truth.stages[index]!.count },
    ]),
  );
}

function outcomesCells(shown: OutcomesReport, truth: OutcomesReport): Cells {
  const cells: Cells = new Map();
  const fields = [
    "inTreatment",
    "successfulCompletions",
    "completionsWithoutRepresentation",
    "discharges",
  ] as const;
  shown.rows.forEach((row, index) => {
    const exact = truth.rows[index]!;
    for (const field of [...fields, "successfulDischarges"] as const) {
      cells.set(`${field} ${row.substanceGroup ?? "all"}`, { shown: row[field], truth: exact[field] });
    }
  });
  shown.exitsByReason.forEach((row, index) => {
    const exact = truth.exitsByReason[index]!;
    const reason = row.dischargeReason ?? "any";
    row.bySubstanceGroup.forEach((value, column) => {
      cells.set(`exits ${reason} ${shown.substanceGroups[column]}`, {
        shown: value,
        truth: exact.bySubstanceGroup[column]!,
      });
    });
    cells.set(`exits ${reason} all`, { shown: row.total, truth: exact.total });
  });
  return cells;
}

function waitingCells(shown: WaitingTimesReport, truth: WaitingTimesReport): Cells {
  const cells: Cells = new Map();
  shown.rows.forEach((row, index) => {
    const exact = truth.rows[index]!;
    const service = row.service?.id ?? "all";
    for (const field of ["started", "withinThreshold", "overThreshold"] as const) {
      cells.set(`${field} ${service}`, { shown: row[field], truth: exact[field] });
    }
  });
  return cells;
}

const activityMeasures = ["contacts", "communityReports", "needlesFound"] as const;
const windows = ["current", "yearBefore"] as const;

function activityCells(shown: HotspotActivityReport, truth: HotspotActivityReport): Cells {
  const cells: Cells = new Map();
  const add = (
    part: string,
    figures: HotspotActivityReport["total"],
    exact: HotspotActivityReport["total"],
  ) => {
    for (const measure of activityMeasures) {
      for (const window of windows) {
        cells.set(`${measure} ${window} ${part}`, {
          shown: figures[measure][window],
          truth: exact[measure][window],
        });
      }
    }
  };
  shown.months.forEach((month, index) => {
    add(`month ${month.month}`, month, truth.months[index]!);
  });
  add("total", shown.total, truth.total);
  shown.byHotspot.forEach((row, index) => {
    add(`place ${row.hotspot?.id ?? "elsewhere"}`, row, truth.byHotspot[index]!);
  });
  return cells;
}

function safeguardingCells(shown: SafeguardingReport, truth: SafeguardingReport): Cells {
  const cells: Cells = new Map();
  shown.concerns.forEach((row, index) => {
    const exact = truth.concerns[index]!;
    const concern = row.concern ?? "all";
    row.byMonth.forEach((value, column) => {
      cells.set(`concern ${concern} ${shown.months[column]}`, {
        shown: value,
        truth: exact.byMonth[column]!,
      });
    });
    cells.set(`concern ${concern} total`, { shown: row.total, truth: exact.total });
  });
  shown.socialCareReferrals.forEach((row, index) => {
    cells.set(`referral ${row.status ?? "all"}`, {
      shown: row.count,
      truth: truth.socialCareReferrals[index]!.count,
    });
  });
  return cells;
}

function ratesCells(shown: RatesReport, truth: RatesReport): Cells {
  return new Map(
    shown.rows.map((row, index) => [
      `deaths ${row.area.id}`,
      { shown: row.deaths, truth: truth.rows[index]!.deaths },
    ]),
  );
}

interface Question {
  from: string;
  to: string;
  place?: Place;
  group?: SubstanceGroup;
}

describeDb(
  "disclosure control of every commissioner report against a reader who adds up and compares",
  (use) => {
    let world: ReportWorld;
    const asked = new Map<string, Promise<Cells>>();

    /** A report as a commissioner sees it and as it truly is, asked once per question. */
    const ask = (kind: Kind, question: Question): Promise<Cells> => {
      const key = `${kind} ${question.from} ${question.to} ${question.place ?? ""} ${question.group ?? ""}`;
      if (!asked.has(key)) asked.set(key, askNow(kind, question));
      return asked.get(key)!;
    };
    const askNow = async (kind: Kind, question: Question): Promise<Cells> => {
      const ctx = on(world.ctxOf("commissioner"), runOn);
      const period = { from: `${question.from}-01`, to: lastDayOfMonth(`${question.to}-01`) };
      const place =
        question.place && question.place !== "everywhere"
          ? { hotspotId: world.hotspots[question.place].id }
          : {};
      const group = question.group ? { substanceGroup: question.group } : {};
      const both = async <Input extends { from: string; to: string }, Report>(
        verb: (args: VerbArgs<Input>) => Promise<Report>,
        verbFor: (scope: ReportScope, args: VerbArgs<Input>) => Promise<Report>,
        input: Input,
        cells: (shown: Report, truth: Report) => Cells,
      ) => {
        const shown = await verb({ ctx, input });
        expect((shown as { disclosureControl: boolean }).disclosureControl).toBe(true);
        return cells(shown, await exactly(verbFor)({ ctx, input }));
      };
      switch (kind) {
        case "funnel":
          return both(funnelReport, funnelReportFor, { ...period, ...place }, funnelCells);
        case "outcomes":
          return both(outcomesReport, outcomesReportFor, { ...period, ...group }, outcomesCells);
        case "waiting times":
          return both(waitingTimesReport, waitingTimesReportFor, { ...period, ...group }, waitingCells);
        case "hotspot activity":
          return both(
            hotspotActivityReport,
            hotspotActivityReportFor,
            { ...period, ...place },
            activityCells,
          );
        case "safeguarding":
          return both(safeguardingReport, safeguardingReportFor, { ...period, ...place }, safeguardingCells);
        case "rates":
          return both(
            (args) => runReport("rates", args),
            ratesReportFor,
            { ...period, ...group },
            ratesCells,
          );
      }
    };
    const year = (kind: Kind, filter: { place?: Place; group?: SubstanceGroup } = {}) =>
      ask(kind, { from: months[0]!, to: months[11]!, ...filter });

    beforeAll(async () => {
      world = await reportWorld(use().db);
      await smallWorld(world);
    }, 600_000);

    it("lets no relation within a report or between the reports of a year pin a count of 1 to 4", {
      timeout: 900_000,
    }, async () => {
      const attack = new Attack();
      const attacked = new Map<string, { kind: Kind; name: string; truth: number }>();
      /**
       * The attacker's variable for a cell; `scope` says which cells are one: the same id in two reports
       * is the same cell (one draw), and the product must show it the same.
       */
      const shownOnce = new Map<string, number>();
      const variable = (
        kind: Kind,
        key: string,
        cell: { shown: number; truth: number } | undefined,
      ): string => {
        if (!cell) throw new Error(`No cell ${key} in the ${kind} report`);
        if (shownOnce.has(key)) expect(cell.shown, key).toBe(shownOnce.get(key));
        shownOnce.set(key, cell.shown);
        const name = attack.cell(key, cell.shown);
        if (cell.truth >= 1 && cell.truth <= 4 && !attacked.has(key))
          attacked.set(key, { kind, name, truth: cell.truth });
        return name;
      };
      const allPlaces: Place[] = ["everywhere", ...places];

      // Safeguarding, at each hotspot and everywhere: rows, columns and the referral total; every
      // record of this world is at one of the two hotspots (the activity report shows no other place).
      const safeguarding = new Map<Place, (id: string) => string>();
      for (const place of allPlaces) {
        const cells = await year("safeguarding", { place });
        const v = (id: string) => variable("safeguarding", `safeguarding ${place} ${id}`, cells.get(id));
        safeguarding.set(place, v);
        const columns = [...months, "total"];
        for (const concern of [...safeguardingConcerns, "all"]) {
          attack.sum(
            months.map((month) => v(`concern ${concern} ${month}`)),
            v(`concern ${concern} total`),
          );
        }
        for (const column of columns) {
          attack.sum(
            safeguardingConcerns.map((concern) => v(`concern ${concern} ${column}`)),
            v(`concern all ${column}`),
          );
        }
        attack.sum(
          referralStatuses.map((status) => v(`referral ${status}`)),
          v("referral all"),
        );
      }
      for (const id of (await year("safeguarding")).keys()) {
        attack.sum(
          places.map((place) => safeguarding.get(place)!(id)),
          safeguarding.get("everywhere")!(id),
        );
      }

      // Hotspot activity: months add up to the total, places to everywhere (month by month through the
      // hotspots' own reports); a hotspot's total is its row in the report for everywhere.
      const everywhereActivity = await year("hotspot activity");
      expect([...everywhereActivity.keys()].some((id) => id.endsWith("place elsewhere"))).toBe(false);
      const activity = new Map<Place, (id: string) => string>();
      for (const place of allPlaces) {
        const cells = await year("hotspot activity", { place });
        // A hotspot's own total is the same cell as its row in the report for everywhere.
        const v = (id: string) =>
          variable(
            "hotspot activity",
            place !== "everywhere" && id.endsWith(" total")
              ? `activity everywhere ${id.replace(" total", ` place ${world.hotspots[place].id}`)}`
              : `activity ${place} ${id}`,
            cells.get(id),
          );
        activity.set(place, v);
        for (const measure of activityMeasures) {
          for (const window of windows) {
            attack.sum(
              months.map((month) => v(`${measure} ${window} month ${month}`)),
              v(`${measure} ${window} total`),
            );
            if (place === "everywhere") {
              attack.sum(
                places.map((p) => v(`${measure} ${window} place ${world.hotspots[p].id}`)),
                v(`${measure} ${window} total`),
              );
            }
          }
        }
      }
      for (const measure of activityMeasures) {
        for (const window of windows) {
          for (const month of months) {
            const id = `${measure} ${window} month ${month}`;
            attack.sum(
              places.map((place) => activity.get(place)!(id)),
              activity.get("everywhere")!(id),
            );
          }
        }
      }
      // Between reports: a concern is raised on a contact, so each type's concerns in a month at a place
      // are at most that month's contacts there.
      for (const place of allPlaces) {
        for (const concern of safeguardingConcerns) {
          for (const month of months) {
            attack.atMost(
              [safeguarding.get(place)!(`concern ${concern} ${month}`)],
              activity.get(place)!(`contacts current month ${month}`),
            );
          }
          attack.atMost(
            [safeguarding.get(place)!(`concern ${concern} total`)],
            activity.get(place)!("contacts current total"),
          );
        }
      }

      // The funnel: each stage at most the one before; its contacts are the activity report's contacts
      // (one cell); people at one hotspot are at most those everywhere, who are at most both summed.
      const stages = ["people_contacted", "referred", "started_treatment", "completed", "sustained"];
      const funnel = new Map<Place, (id: string) => string>();
      for (const place of allPlaces) {
        const cells = await year("funnel", { place });
        const v = (id: string) =>
          id === "contacts"
            ? activity.get(place)!("contacts current total")
            : variable("funnel", `funnel ${place} ${id}`, cells.get(id));
        expect(cells.get("contacts")!.shown).toBe(
          (await year("hotspot activity", { place })).get("contacts current total")!.shown,
        );
        funnel.set(place, v);
        ["contacts", ...stages].slice(1).forEach((stage, index) => {
          attack.atMost([v(stage)], v(["contacts", ...stages][index]!));
        });
      }
      for (const stage of stages) {
        const everywhere = funnel.get("everywhere")!(stage);
        for (const place of places) attack.atMost([funnel.get(place)!(stage)], everywhere);
        attack.atLeast(
          places.map((place) => funnel.get(place)!(stage)),
          everywhere,
        );
      }

      // Outcomes: every group and all groups; the exits table's margins are the discharges; successful
      // discharges are discharges for a successful reason (for opiate, not on OST at exit); each
      // group's report shows its row of the report for all groups.
      const outcomes = await year("outcomes");
      const o = (id: string) => variable("outcomes", `outcomes ${id}`, outcomes.get(id));
      for (const group of substanceGroups) {
        const own = await year("outcomes", { group });
        for (const [id, cell] of own) {
          if (id.endsWith(` ${group}`) && outcomes.has(id))
            expect(cell.shown, id).toBe(outcomes.get(id)!.shown);
        }
      }
      const rowKeys = [...substanceGroups, "all"];
      const reasons = [...dischargeReasons];
      for (const key of rowKeys) {
        attack.atMost([o(`successfulCompletions ${key}`)], o(`inTreatment ${key}`));
        attack.atMost([o(`completionsWithoutRepresentation ${key}`)], o(`successfulCompletions ${key}`));
        attack.atMost([o(`successfulCompletions ${key}`)], o(`successfulDischarges ${key}`));
        attack.atMost([o(`successfulDischarges ${key}`)], o(`discharges ${key}`));
        attack.sum(
          reasons.map((reason) => o(`exits ${reason} ${key}`)),
          o(`exits any ${key}`),
        );
        attack.sum([o(`exits any ${key}`)], o(`discharges ${key}`));
        const successful = successfulDischargeReasons.map((reason) => o(`exits ${reason} ${key}`));
        if (key === "opiate" || key === "all") attack.atLeast(successful, o(`successfulDischarges ${key}`));
        else attack.sum(successful, o(`successfulDischarges ${key}`));
      }
      for (const reason of [...reasons, "any"]) {
        attack.sum(
          substanceGroups.map((group) => o(`exits ${reason} ${group}`)),
          o(`exits ${reason} all`),
        );
      }
      for (const field of ["discharges", "successfulDischarges"]) {
        attack.sum(
          substanceGroups.map((group) => o(`${field} ${group}`)),
          o(`${field} all`),
        );
      }
      for (const field of ["inTreatment", "successfulCompletions"]) {
        for (const group of substanceGroups) attack.atMost([o(`${field} ${group}`)], o(`${field} all`));
        attack.atLeast(
          substanceGroups.map((group) => o(`${field} ${group}`)),
          o(`${field} all`),
        );
      }

      // Waiting times, for every group and each: within and over make started, services make the
      // total, and the groups make every group.
      const waits = new Map<string, (id: string) => string>();
      const measures = ["started", "withinThreshold", "overThreshold"];
      for (const group of [...substanceGroups, "all"] as const) {
        const cells = await year("waiting times", group === "all" ? {} : { group });
        const v = (id: string) => variable("waiting times", `waits ${group} ${id}`, cells.get(id));
        waits.set(group, v);
        const services = [...new Set([...cells.keys()].map((id) => id.split(" ")[1]!))];
        for (const service of services) {
          attack.sum(
            [v(`withinThreshold ${service}`), v(`overThreshold ${service}`)],
            v(`started ${service}`),
          );
        }
        for (const measure of measures) {
          attack.sum(
            services.filter((service) => service !== "all").map((service) => v(`${measure} ${service}`)),
            v(`${measure} all`),
          );
        }
      }
      for (const id of (await year("waiting times")).keys()) {
        attack.sum(
          substanceGroups.map((group) => waits.get(group)!(id)),
          waits.get("all")!(id),
        );
      }

      // Rates: an area's deaths in each substance group make its deaths in all (every death has one);
      // rates and their intervals are worked out from the protected counts, so they add nothing.
      const deaths = new Map<string, (id: string) => string>();
      for (const group of [...substanceGroups, "all"] as const) {
        const cells = await year("rates", group === "all" ? {} : { group });
        deaths.set(group, (id: string) => variable("rates", `rates ${group} ${id}`, cells.get(id)));
      }
      for (const id of (await year("rates")).keys()) {
        attack.sum(
          substanceGroups.map((group) => deaths.get(group)!(id)),
          deaths.get("all")!(id),
        );
      }

      const highs = await highsLoader();
      const pinned: { cell: string; kind: Kind; truth: number }[] = [];
      const perKind = new Map<Kind, { attacked: number; pinned: number }>(
        kinds.map((kind) => [kind, { attacked: 0, pinned: 0 }]),
      );
      for (const [cell, { kind, name, truth }] of attacked) {
        const [least, most] = await attack.range(highs, name);
        // The truth is always feasible: the attacker's model is right.
        expect(least, cell).toBeLessThanOrEqual(truth);
        expect(most, cell).toBeGreaterThanOrEqual(truth);
        perKind.get(kind)!.attacked += 1;
        if (least === most) {
          pinned.push({ cell, kind, truth });
          perKind.get(kind)!.pinned += 1;
        }
      }
      console.log(
        `Attack within and between the reports of 2025: ${attack.cells} cells, ${attack.relationCount} relations; ` +
          `cells of 1 to 4 attacked and pinned: ${kinds
            .map((kind) => `${kind} ${perKind.get(kind)!.attacked}/${perKind.get(kind)!.pinned}`)
            .join(", ")}`,
      );
      for (const kind of kinds) expect(perKind.get(kind)!.attacked, kind).toBeGreaterThanOrEqual(5);
      expect(attacked.size).toBeGreaterThan(300);
      expect(pinned).toEqual([]);
    });

    it("gives the truth for at most half of the small counts found by differencing periods, places and groups", {
      timeout: 900_000,
    }, async () => {
      const derived = new Map<Kind, { small: number; right: number }>(
        kinds.map((kind) => [kind, { small: 0, right: 0 }]),
      );
      /** Every cell the two reports share, as the difference the attacker takes and its truth. */
      const difference = (kind: Kind, minuend: Cells, subtrahend: Cells, pairs?: [string, string][]) => {
        const ids: [string, string][] =
          pairs ?? [...minuend.keys()].filter((id) => subtrahend.has(id)).map((id) => [id, id]);
        for (const [a, b] of ids) {
          const truth = minuend.get(a)!.truth - subtrahend.get(b)!.truth;
          if (truth < 1 || truth > 4) continue;
          const tally = derived.get(kind)!;
          tally.small += 1;
          if (minuend.get(a)!.shown - subtrahend.get(b)!.shown === truth) tally.right += 1;
        }
      };
      for (const kind of kinds) {
        const filters: { place?: Place }[] =
          kind === "funnel" || kind === "hotspot activity" || kind === "safeguarding"
            ? [{}, { place: "southPark" }]
            : [{}];
        for (const filter of filters) {
          // Periods a month apart: [January, m] minus [January, m - 1], and [m, December] minus [m + 1, December].
          for (let index = 1; index < months.length; index++) {
            difference(
              kind,
              await ask(kind, { from: months[0]!, to: months[index]!, ...filter }),
              await ask(kind, { from: months[0]!, to: months[index - 1]!, ...filter }),
            );
            difference(
              kind,
              await ask(kind, { from: months[index - 1]!, to: months[11]!, ...filter }),
              await ask(kind, { from: months[index]!, to: months[11]!, ...filter }),
            );
          }
        }
        // One hotspot against everywhere (everywhere minus Grandpont is South Park), or one substance
        // group against all (all groups minus one is the others).
        if (kind === "outcomes" || kind === "waiting times" || kind === "rates") {
          const all = await year(kind);
          for (const group of substanceGroups) {
            const one = await year(kind, { group });
            if (kind !== "outcomes") difference(kind, all, one);
            else {
              const pairs = [...one.keys()]
                .filter((id) => id.endsWith(` ${group}`))
                .map((id): [string, string] => [id.replace(new RegExp(` ${group}$`), " all"), id]);
              difference(kind, all, one, pairs);
            }
          }
        } else {
          for (let index = 0; index < months.length; index++) {
            const question = { from: months[index]!, to: months[index]! };
            difference(kind, await ask(kind, question), await ask(kind, { ...question, place: "grandpont" }));
          }
          difference(kind, await year(kind), await year(kind, { place: "grandpont" }));
        }
      }
      console.log(
        `Differencing: small counts derived and equal to the truth: ${kinds
          .map((kind) => {
            const { small, right } = derived.get(kind)!;
            return `${kind} ${right}/${small} (${Math.round((100 * right) / Math.max(small, 1))}%)`;
          })
          .join(", ")}`,
      );
      const total = [...derived.values()].reduce((sum, t) => ({
        small: sum.small + t.small,
        right: sum.right + t.right,
      }));
      expect(total.small).toBeGreaterThan(1000);
      for (const kind of kinds) {
        const { small, right } = derived.get(kind)!;
        // Deaths are rarer than the other counts: a month's deaths in an area are 0 to 3.
        expect(small, kind).toBeGreaterThanOrEqual(kind === "rates" ? 30 : 50);
        expect(right / small, kind).toBeLessThanOrEqual(0.5);
      }
    });
  },
);
