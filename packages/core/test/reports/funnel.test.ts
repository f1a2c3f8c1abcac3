import { describeDb } from "@pathways/vitest-config";
import { on, once, type ReportWorld, reportWorld } from "@pathways/vitest-config/report-world";
import { expect, it } from "vitest";
import { Forbidden, NotFound } from "../../src/errors.ts";
import { funnelReport, funnelReportFor } from "../../src/reports/funnel.ts";
import { refreshPersonRollups } from "../../src/reports/person-rollups.ts";
import { exactly } from "./exact-figures.ts";

/** What each figure counts, exactly (disclosure control has its own tests). */
const exactFunnelReport = exactly(funnelReportFor);

const quarter = { from: "2025-01-01", to: "2025-03-31" } as const;

/**
 * Groups of five people (so no stage is a small cell) at South Park in the first quarter of 2025,
 * each stopping at a different stage of the funnel, and a few people who fall just outside it.
 */
async function funnelPeople(world: ReportWorld) {
  const southPark = world.hotspots.southPark.id;
  const opiate = world.service("opiate_treatment");
  const alcohol = world.service("alcohol_treatment");
  const nonOpiate = world.service("non_opiate_treatment");

  // A: three contacts each, referred on day 90 after the last, completed, re-presented on day 181.
  for (const id of await world.people(5)) {
    for (const day of ["2025-01-10", "2025-01-20", "2025-01-30"])
      await world.contact({ at: day, personId: id });
    const referralId = await world.referral({ personId: id, serviceId: opiate, requestedAt: "2025-04-30" });
    await world.episodes([
      {
        personId: id,
        substanceGroup: "opiate",
        referralId,
        startedOn: "2025-05-02",
        dischargedOn: "2025-08-01",
        dischargeReason: "completed_drug_free",
        ostAtExit: false,
      },
      { personId: id, substanceGroup: "opiate", startedOn: "2026-01-29" },
    ]);
  }
  // B: referred the same day, completed alcohol-free, re-referred on day 183 (not a re-presentation).
  for (const id of await world.people(5)) {
    await world.contact({ at: "2025-02-05T09:00:00Z", personId: id });
    const referralId = await world.referral({
      personId: id,
      serviceId: alcohol,
      requestedAt: "2025-02-05T16:00:00Z",
    });
    await world.episodes([
      {
        personId: id,
        substanceGroup: "alcohol",
        referralId,
        startedOn: "2025-02-10",
        dischargedOn: "2025-04-01",
        dischargeReason: "completed_alcohol_free",
      },
    ]);
    await world.referral({
      personId: id,
      serviceId: alcohol,
      requestedAt: "2025-10-01T10:00:00Z",
      status: "requested",
    });
  }
  // C: referred on day 91 after the contact - too late to count, though treatment started from it.
  const [late] = await world.people(1);
  await world.contact({ at: "2025-01-15", personId: late });
  const lateReferral = await world.referral({
    personId: late!,
    serviceId: opiate,
    requestedAt: "2025-04-16",
  });
  await world.episodes([
    { personId: late!, substanceGroup: "opiate", referralId: lateReferral, startedOn: "2025-04-20" },
  ]);
  // D: referred the day before the contact.
  const [early] = await world.people(1);
  const earlyReferral = await world.referral({
    personId: early!,
    serviceId: opiate,
    requestedAt: "2025-01-14",
  });
  await world.contact({ at: "2025-01-15", personId: early });
  await world.episodes([
    { personId: early!, substanceGroup: "opiate", referralId: earlyReferral, startedOn: "2025-01-20" },
  ]);
  // E: completed drug-free but still on opioid substitution: not a successful completion.
  for (const id of await world.people(5)) {
    await world.contact({ at: "2025-03-01", personId: id });
    const referralId = await world.referral({ personId: id, serviceId: opiate, requestedAt: "2025-03-02" });
    await world.episodes([
      {
        personId: id,
        substanceGroup: "opiate",
        referralId,
        startedOn: "2025-03-10",
        dischargedOn: "2025-06-01",
        dischargeReason: "completed_drug_free",
        ostAtExit: true,
      },
    ]);
  }
  // F: completed on 15 January 2026: sustained so far, final only from 17 July 2026.
  for (const id of await world.people(5)) {
    await world.contact({ at: "2025-03-15", personId: id });
    const referralId = await world.referral({
      personId: id,
      serviceId: nonOpiate,
      requestedAt: "2025-03-16",
    });
    await world.episodes([
      {
        personId: id,
        substanceGroup: "non_opiate",
        referralId,
        startedOn: "2025-04-01",
        dischargedOn: "2026-01-15",
        dischargeReason: "completed_occasional_user",
      },
    ]);
  }
  // G: referred, but the provider rejected the referral.
  for (const id of await world.people(2)) {
    await world.contact({ at: "2025-02-20", personId: id });
    await world.referral({ personId: id, serviceId: opiate, requestedAt: "2025-02-21", status: "rejected" });
  }
  // H: referred to housing support: a referral all the same.
  const [housed] = await world.people(1);
  await world.contact({ at: "2025-02-20", personId: housed });
  await world.referral({
    personId: housed!,
    serviceId: world.housingService,
    requestedAt: "2025-02-21",
    status: "accepted",
  });
  // I: contacted only; one of them at 23:30 on 31 March in London (22:30 UTC): inside the period.
  const contactedOnly = await world.people(3);
  await world.contact({ at: "2025-02-01", personId: contactedOnly[0] });
  await world.contact({ at: "2025-02-01", personId: contactedOnly[1] });
  await world.contact({ at: "2025-03-31T22:30:00Z", personId: contactedOnly[2] });
  // Anonymous contacts count as contacts only.
  for (let i = 0; i < 4; i++) await world.contact({ at: "2025-02-01" });
  // J: 23:30 UTC on 31 March is 00:30 on 1 April in London: outside the period, with all that follows.
  const [afterPeriod] = await world.people(1);
  await world.contact({ at: "2025-03-31T23:30:00Z", personId: afterPeriod });
  const afterReferral = await world.referral({
    personId: afterPeriod!,
    serviceId: opiate,
    requestedAt: "2025-04-02",
  });
  await world.episodes([
    { personId: afterPeriod!, substanceGroup: "opiate", referralId: afterReferral, startedOn: "2025-04-03" },
  ]);
  // K: 23:30 UTC on 31 December 2024 is still 31 December in London (GMT): outside.
  const [beforePeriod] = await world.people(1);
  await world.contact({ at: "2024-12-31T23:30:00Z", personId: beforePeriod });
  // L: two people at Grandpont, referred and in treatment.
  for (const id of await world.people(2)) {
    await world.contact({ at: "2025-02-01", personId: id, hotspotId: world.hotspots.grandpont.id });
    const referralId = await world.referral({ personId: id, serviceId: opiate, requestedAt: "2025-02-01" });
    await world.episodes([{ personId: id, substanceGroup: "opiate", referralId, startedOn: "2025-02-03" }]);
  }
  return { world, southPark };
}

describeDb("funnel report", (use) => {
  // The report reads the person rollups as of the oldest queued change: fold the world in first.
  const data = once(async () => {
    const world = await funnelPeople(await reportWorld(use().db));
    await refreshPersonRollups(use().db);
    return world;
  });

  // The first test builds the world and folds its rollups: give it time on a busy machine.
  it("counts each stage of the funnel at a hotspot by the DOMAIN.md definitions", {
    timeout: 120_000,
  }, async () => {
    const { world, southPark } = await data();
    const report = await exactFunnelReport({
      ctx: on(world.ctxOf("commissioner"), "2026-06-01"),
      input: { ...quarter, hotspotId: southPark },
    });
    expect(report.hotspot).toEqual({ id: southPark, name: world.hotspots.southPark.name });
    expect(report.stages).toEqual([
      // A 15 + B 5 + C 1 + D 1 + E 5 + F 5 + G 2 + H 1 + I 3 + 4 anonymous.
      { stage: "contacts", count: 42, shareOfPrevious: null },
      { stage: "people_contacted", count: 28, shareOfPrevious: null },
      // A, B, E, F, G, H.
      { stage: "referred", count: 23, shareOfPrevious: 82.1 },
      // A, B, E, F.
      { stage: "started_treatment", count: 20, shareOfPrevious: 87 },
      // A, B, F.
      { stage: "completed", count: 15, shareOfPrevious: 75 },
      // B and F.
      { stage: "sustained", count: 10, shareOfPrevious: 66.7 },
    ]);
    expect(report.sustainedProvisional).toBe(true);
    expect(report.sustainedFinalOn).toBe("2026-07-17");
  });

  it("makes sustained final on day 183 after the latest completion", async () => {
    const { world, southPark } = await data();
    const input = { ...quarter, hotspotId: southPark };
    const dayBefore = await exactFunnelReport({ ctx: on(world.ctxOf("commissioner"), "2026-07-16"), input });
    expect(dayBefore.sustainedProvisional).toBe(true);
    const final = await exactFunnelReport({ ctx: on(world.ctxOf("commissioner"), "2026-07-17"), input });
    expect(final.sustainedProvisional).toBe(false);
    expect(final.stages.at(-1)).toEqual({ stage: "sustained", count: 10, shareOfPrevious: 66.7 });
  });

  it("counts only what had happened by the day the report is run", async () => {
    const { world, southPark } = await data();
    // On 1 January 2026, A's re-presentation (29 January) and F's completion (15 January) are to come.
    const report = await exactFunnelReport({
      ctx: on(world.ctxOf("commissioner"), "2026-01-01"),
      input: { ...quarter, hotspotId: southPark },
    });
    expect(report.stages.slice(4)).toEqual([
      { stage: "completed", count: 10, shareOfPrevious: 50 },
      { stage: "sustained", count: 10, shareOfPrevious: 100 },
    ]);
    // A completed on 1 August 2025, so their window closes after 30 January 2026.
    expect(report.sustainedFinalOn).toBe("2026-01-31");
  });

  it("covers every hotspot without the filter", async () => {
    const { world } = await data();
    const report = await exactFunnelReport({
      ctx: on(world.ctxOf("commissioner"), "2026-06-01"),
      input: quarter,
    });
    expect(report.hotspot).toBeNull();
    expect(report.stages.map((s) => [s.count, s.shareOfPrevious])).toEqual([
      [44, null],
      [30, null],
      [25, 83.3],
      [22, 88],
      [15, 68.2],
      [10, 66.7],
    ]);
  });

  it("is for commissioners only, and names a hotspot that does not exist", async () => {
    const { world } = await data();
    for (const role of ["outreach_worker", "treatment_manager", "admin"] as const) {
      await expect(funnelReport({ ctx: world.ctxOf(role), input: quarter })).rejects.toBeInstanceOf(
        Forbidden,
      );
    }
    await expect(
      funnelReport({
        ctx: world.ctxOf("commissioner"),
        input: { ...quarter, hotspotId: "00000000-0000-4000-8000-000000000000" },
      }),
    ).rejects.toThrow(new NotFound("hotspot", "00000000-0000-4000-8000-000000000000"));
  });
});

describeDb("funnel report on small numbers", (use) => {
  it("counts a handful of people, with no share where the stage before has no one", async () => {
    const world = await reportWorld(use().db);
    const opiate = world.service("opiate_treatment");
    const people = await world.people(3);
    for (const id of people) {
      await world.contact({ at: "2025-05-01", personId: id });
      await world.contact({ at: "2025-05-02", personId: id });
    }
    for (const id of people.slice(0, 2)) {
      await world.referral({
        personId: id,
        serviceId: opiate,
        requestedAt: "2025-05-03",
        status: "received",
      });
    }
    await refreshPersonRollups(use().db);
    const report = await exactFunnelReport({
      ctx: on(world.ctxOf("commissioner"), "2025-07-01"),
      input: { from: "2025-05-01", to: "2025-05-31" },
    });
    expect(report.stages).toEqual([
      { stage: "contacts", count: 6, shareOfPrevious: null },
      { stage: "people_contacted", count: 3, shareOfPrevious: null },
      { stage: "referred", count: 2, shareOfPrevious: 66.7 },
      { stage: "started_treatment", count: 0, shareOfPrevious: 0 },
      { stage: "completed", count: 0, shareOfPrevious: null },
      { stage: "sustained", count: 0, shareOfPrevious: null },
    ]);
    expect(report.sustainedProvisional).toBe(false);
    expect(report.sustainedFinalOn).toBeNull();
  });
});
