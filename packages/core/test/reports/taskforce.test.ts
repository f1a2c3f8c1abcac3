import { randomUUID } from "node:crypto";
import {
  communityReportEvents,
  communityReports,
  organisations,
  outboxMessages,
  taskforceActivity,
  users,
} from "@pathways/db";
import { reportTables, type TaskforceReport } from "@pathways/validators";
import { describeDb } from "@pathways/vitest-config";
import { at, on, once, type ReportWorld, reportWorld } from "@pathways/vitest-config/report-world";
import { expect, it } from "vitest";
import { runReport } from "../../src/reports/registry.ts";

const period = { from: "2025-01-01", to: "2025-06-30" } as const;
const runOn = "2026-09-01";

type Place = "southPark" | "grandpont";
/** The activity of the world, as plain records the expected figures are counted from in JS. */
interface Logged {
  place: Place;
  day: string;
  own: boolean;
  kind: "patrol" | "arrest" | "seizure" | "search" | "warrant" | "environmental_action" | "needle_sweep";
  columns: Partial<typeof taskforceActivity.$inferInsert>;
}
const logged: Logged[] = [
  {
    place: "southPark",
    day: "2025-02-03",
    own: true,
    kind: "arrest",
    columns: { offence: "possession", arrestCount: 2 },
  },
  {
    place: "southPark",
    day: "2025-03-10",
    own: true,
    kind: "arrest",
    columns: { offence: "supply", arrestCount: 3 },
  },
  {
    place: "grandpont",
    day: "2025-03-11",
    own: true,
    kind: "arrest",
    columns: { offence: "supply", arrestCount: 1 },
  },
  {
    place: "southPark",
    day: "2025-07-01",
    own: true,
    kind: "arrest",
    columns: { offence: "supply", arrestCount: 4 },
  },
  {
    place: "southPark",
    day: "2025-04-02",
    own: false,
    kind: "arrest",
    columns: { offence: "trafficking", arrestCount: 5 },
  },
  {
    place: "southPark",
    day: "2025-04-20",
    own: true,
    kind: "seizure",
    columns: {
      drugSubstance: "cannabis",
      drugClass: "B",
      drugQuantity: 250,
      drugUnit: "grams",
      cashPounds: 5000,
    },
  },
  {
    place: "southPark",
    day: "2025-04-21",
    own: true,
    kind: "seizure",
    columns: { drugSubstance: "heroin", drugClass: "A", drugQuantity: 10, drugUnit: "wraps" },
  },
  { place: "southPark", day: "2025-05-05", own: true, kind: "seizure", columns: { knives: 6 } },
  { place: "grandpont", day: "2025-05-06", own: true, kind: "seizure", columns: { firearms: 1, knives: 1 } },
  { place: "southPark", day: "2025-05-07", own: false, kind: "seizure", columns: { cashPounds: 700 } },
  {
    place: "southPark",
    day: "2025-01-15",
    own: true,
    kind: "patrol",
    columns: { patrolStyle: "covert", officers: 2, endedAt: at("2025-01-15T15:00:00Z") },
  },
  {
    place: "southPark",
    day: "2025-01-16",
    own: true,
    kind: "patrol",
    columns: { patrolStyle: "high_visibility", officers: 4, endedAt: at("2025-01-16T15:00:00Z") },
  },
  { place: "southPark", day: "2025-02-20", own: true, kind: "warrant", columns: { area: "Cowley Road" } },
  {
    place: "southPark",
    day: "2025-02-21",
    own: true,
    kind: "search",
    columns: { area: "South gate undergrowth" },
  },
  {
    place: "southPark",
    day: "2025-02-22",
    own: true,
    kind: "environmental_action",
    columns: { action: "vegetation_cut_back" },
  },
  { place: "southPark", day: "2025-02-23", own: true, kind: "needle_sweep", columns: {} },
];
const needleFinds: { place: Place; day: string; count: number }[] = [
  { place: "southPark", day: "2025-02-01", count: 30 },
  { place: "southPark", day: "2025-06-30", count: 12 },
  { place: "southPark", day: "2025-07-01", count: 100 },
  { place: "grandpont", day: "2025-03-01", count: 5 },
];
/** Updates to reporters: [recipient, place, day, outbox status]. */
const updates: [string, Place, string, "sent" | "pending" | "failed"][] = [
  ["ann@example.org", "southPark", "2025-02-02", "sent"],
  ["ANN@example.org", "southPark", "2025-03-02", "sent"],
  ["bob@example.org", "southPark", "2025-03-03", "pending"],
  ["cat@example.org", "southPark", "2025-03-04", "failed"],
  ["dan@example.org", "southPark", "2025-08-04", "sent"],
  ["eve@example.org", "grandpont", "2025-03-04", "sent"],
];

async function taskforceWorld(world: ReportWorld) {
  const [otherTaskforce] = await world.db
    .insert(organisations)
    .values({ name: `Other taskforce ${world.tag}`, kind: "taskforce" })
    .returning();
  const [otherOfficer] = await world.db
    .insert(users)
    .values({
      organisationId: otherTaskforce!.id,
      email: `other.${world.tag}@test.pathways`,
      name: "Other officer",
      role: "outreach_worker",
      passwordHash: "not-a-hash",
    })
    .returning();
  const own = world.actors.outreach_worker;
  await world.db.insert(taskforceActivity).values(
    logged.map((row) => ({
      clientKey: randomUUID(),
      kind: row.kind,
      occurredAt: at(row.day),
      hotspotId: world.hotspots[row.place].id,
      loggedByUserId: row.own ? own.userId : otherOfficer!.id,
      organisationId: row.own ? own.organisationId : otherTaskforce!.id,
      ...row.columns,
    })),
  );
  for (const find of needleFinds) {
    await world.needleFind({ at: find.day, count: find.count, hotspotId: world.hotspots[find.place].id });
  }
  for (const [recipient, place, day, status] of updates) {
    const [report] = await world.db
      .insert(communityReports)
      .values({
        reference: `CR-${world.tag}-${randomUUID().slice(0, 8)}`,
        tokenHash: randomUUID(),
        category: "drug_dealing",
        hotspotId: world.hotspots[place].id,
        description: "Dealing by the gate",
        contactEmail: recipient,
        submittedAt: at("2025-01-02"),
      })
      .returning();
    const [event] = await world.db
      .insert(communityReportEvents)
      .values({ reportId: report!.id, status: "acknowledged", publicNote: "We are on it", at: at(day) })
      .returning();
    await world.db
      .insert(outboxMessages)
      .values({ reportEventId: event!.id, recipient, subject: "Your report", body: "We are on it", status });
  }
  // The people: two met at South Park in the period (one referred and completing), one anonymous
  // contact, and one person met there only after the period.
  const [first, second, later] = await world.people(3);
  await world.contact({ at: "2025-02-03", personId: first });
  await world.contact({ at: "2025-02-04", personId: first });
  await world.contact({ at: "2025-03-01", personId: second });
  await world.contact({ at: "2025-03-02", personId: null });
  await world.contact({ at: "2025-07-02", personId: later });
  const referralId = await world.referral({
    personId: first!,
    serviceId: world.service("opiate_treatment"),
    requestedAt: "2025-02-05",
  });
  await world.episodes([
    {
      personId: first!,
      substanceGroup: "opiate",
      referralId,
      startedOn: "2025-02-10",
      dischargedOn: "2025-05-30",
      dischargeReason: "completed_drug_free",
      ostAtExit: false,
    },
  ]);
  return world;
}

/** The figures counted from the records above, for a place, as the own taskforce or an admin. */
function expected(place: Place | null, withOthers: boolean) {
  const inPeriod = (day: string) => day >= period.from && day <= period.to;
  const rows = logged.filter(
    (row) => inPeriod(row.day) && (place === null || row.place === place) && (withOthers || row.own),
  );
  const sum = (kind: Logged["kind"], column: keyof Logged["columns"]) =>
    rows
      .filter((row) => row.kind === kind)
      .reduce((total, row) => total + Number(row.columns[column] ?? 0), 0);
  const count = (kind: Logged["kind"]) => rows.filter((row) => row.kind === kind).length;
  return {
    arrests: sum("arrest", "arrestCount"),
    knives: sum("seizure", "knives"),
    firearms: sum("seizure", "firearms"),
    cashPounds: sum("seizure", "cashPounds"),
    cashSeizures: rows.filter((row) => row.columns.cashPounds).length,
    classA: rows.filter((row) => row.columns.drugClass === "A").length,
    classB: rows.filter((row) => row.columns.drugClass === "B").length,
    patrols: count("patrol"),
    warrants: count("warrant"),
    searches: count("search"),
    needles: needleFinds
      .filter((find) => inPeriod(find.day) && (place === null || find.place === place))
      .reduce((total, find) => total + find.count, 0),
    reporters: new Set(
      updates
        .filter(
          ([, where, day, status]) =>
            inPeriod(day) && status !== "failed" && (place === null || where === place),
        )
        .map(([recipient]) => recipient.toLowerCase()),
    ).size,
  };
}

function figures(report: TaskforceReport) {
  const byClass = (drugClass: string) =>
    report.drugSeizures.find((row) => row.drugClass === drugClass)!.seizures;
  const weapon = (kind: string) => report.weapons.find((row) => row.kind === kind)!.found;
  return {
    arrests: report.arrests.reduce((total, row) => total + row.arrests, 0),
    knives: weapon("knife"),
    firearms: weapon("firearm"),
    cashPounds: report.cashPounds,
    cashSeizures: report.cashSeizures,
    classA: byClass("A"),
    classB: byClass("B"),
    patrols: report.patrols.reduce((total, row) => total + row.patrols, 0),
    warrants: report.warrants,
    searches: report.searches,
    needles: report.needlesCollected,
    reporters: report.reportersUpdated,
  };
}

describeDb("the taskforce period report", (use) => {
  const data = once(async () => taskforceWorld(await reportWorld(use().db)));

  it("counts a hotspot's period for the taskforce: its own activity, the place's people, needles and reporters", async () => {
    const world = await data();
    const input = { ...period, hotspotId: world.hotspots.southPark.id };
    const report = await runReport("taskforce", { ctx: on(world.ctxOf("outreach_worker"), runOn), input });
    expect(report.disclosureControl).toBe(false);
    expect(report.hotspot?.name).toBe(world.hotspots.southPark.name);
    expect(figures(report)).toEqual(expected("southPark", false));
    expect(report.arrests.find((row) => row.offence === "supply")!.arrests).toBe(3);
    expect(report.drugSeizures.find((row) => row.drugClass === "B")!.quantities).toEqual([
      { unit: "grams", quantity: 250 },
    ]);
    // Funnel stages at the place: two people met, one referred, one completed; four contacts.
    expect([report.contacts, report.peopleReached, report.peopleReferred, report.completions]).toEqual([
      4, 2, 1, 1,
    ]);
    const [glance] = reportTables("taskforce", report);
    expect(glance!.rows).toContainEqual(["Arrests", expected("southPark", false).arrests]);
    expect(glance!.rows).toContainEqual(["Needles collected", 42]);
  });

  it("gives an admin every taskforce's activity at the place", async () => {
    const world = await data();
    const input = { ...period, hotspotId: world.hotspots.southPark.id };
    const report = await runReport("taskforce", { ctx: on(world.ctxOf("admin"), runOn), input });
    expect(figures(report)).toEqual(expected("southPark", true));
    expect(report.arrests.find((row) => row.offence === "trafficking")!.arrests).toBe(5);
  });

  it("counts the taskforce's own activity everywhere when no hotspot is chosen", async () => {
    const world = await data();
    const report = await runReport("taskforce", {
      ctx: on(world.ctxOf("outreach_worker"), runOn),
      input: period,
    });
    const all = expected(null, false);
    // Needles and reporters everywhere include other tests' places; the taskforce's activity is its own.
    expect({ ...figures(report), needles: all.needles, reporters: all.reporters }).toEqual(all);
  });

  it("is refused to commissioners, treatment managers and a council's outreach workers", async () => {
    const world = await data();
    for (const role of ["commissioner", "treatment_manager"] as const) {
      await expect(runReport("taskforce", { ctx: world.ctxOf(role), input: period }), role).rejects.toThrow(
        "Only outreach workers or admins may do this.",
      );
    }
    const worker = world.ctxOf("outreach_worker");
    const councilWorker = {
      ...worker,
      actor: { ...world.actors.outreach_worker, organisationKind: "council" as const },
    };
    await expect(runReport("taskforce", { ctx: councilWorker, input: period })).rejects.toThrow(
      "Only taskforce staff may run this report.",
    );
    await expect(
      runReport("taskforce", { ctx: worker, input: { ...period, substanceGroup: "opiate" } }),
    ).rejects.toThrow("the taskforce report has no filter named substanceGroup");
  });
});
