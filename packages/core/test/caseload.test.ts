import { describeDb, makeWorld } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import {
  createKeyworker,
  listCaseload,
  listKeyworkers,
  listWaitingList,
  reassignEpisode,
  updateKeyworker,
} from "../src/caseload.ts";
import {
  discharge,
  getEpisode,
  recordAppointmentOutcome,
  recordTopReview,
  scheduleAppointment,
  startEpisode,
} from "../src/episodes/index.ts";
import { Conflict, Forbidden, NotYours } from "../src/errors.ts";
import { createReferral, moveReferral } from "../src/referrals/index.ts";
import {
  addPerson,
  auditOf,
  makePathwayWorld,
  type PathwayWorld,
  raiseSafeguardingFlag,
  topInput,
} from "./pathway-fixtures.ts";

async function selfReferred(world: PathwayWorld, startedOn: string, keyworkerId: string | null) {
  const person = await addPerson(world.ctxOf("admin").db, {
    clientOf: world.actors.treatment_manager.organisationId,
  });
  const episode = await startEpisode({
    ctx: world.ctx("treatment_manager"),
    input: { personId: person.id, substanceGroup: "opiate", startedOn, keyworkerId },
  });
  return { ...episode, person };
}

describeDb("caseloads and the waiting list", (use) => {
  it("shows each keyworker's caseload with days in treatment, last attended, next TOP and flags", async () => {
    const world = await makePathwayWorld(use().db, "2026-03-02T12:00:00Z");
    const [aisha, ben] = world.keyworkerIds as [string, string];
    const ctx = world.ctx("treatment_manager");
    const first = await selfReferred(world, "2026-01-05", aisha);
    const second = await selfReferred(world, "2026-02-02", aisha);
    const bens = await selfReferred(world, "2026-02-20", ben);
    await selfReferred(world, "2026-02-25", null);

    const attended = await scheduleAppointment({
      ctx,
      input: { episodeId: first.id, scheduledAt: new Date("2026-02-26T10:00:00Z") },
    });
    await recordAppointmentOutcome({ ctx, input: { appointmentId: attended.id, outcome: "attended" } });
    await recordTopReview({ ctx, input: topInput(first.id, "start", "2026-01-06") });
    await raiseSafeguardingFlag(use().db, second.person.id, "cuckooing");

    const caseload = await listCaseload({ ctx, input: { keyworkerId: aisha, limit: 25, show: "all" } });
    expect(caseload.items.map((row) => row.id)).toEqual([first.id, second.id]);
    expect(caseload.items[0]).toMatchObject({
      daysInTreatment: 56,
      lastAttendedAt: new Date("2026-02-26T10:00:00Z"),
      nextTopDue: "2026-07-07",
      topOverdue: false,
      safeguardingConcerns: [],
      atRiskSince: null,
    });
    // No start TOP within two weeks of a 2 February start: overdue since 16 February.
    expect(caseload.items[1]).toMatchObject({
      nextTopDue: "2026-02-16",
      topOverdue: true,
      safeguardingConcerns: ["cuckooing"],
      lastAttendedAt: null,
    });
    // The episode page agrees with the caseload on when the next TOP is due.
    const page = await getEpisode({ ctx, input: { episodeId: second.id } });
    expect(page.nextTopDue).toBe("2026-02-16");
    // Reading the episode page: one event for the episode, one for each safeguarding flag it shows.
    expect((await auditOf(use().db, second.id)).filter((event) => event.action === "read")).toHaveLength(1);
    expect(await auditOf(use().db, page.safeguardingFlags[0]!.id)).toEqual([
      { action: "list", entity: "safeguarding_flag", personId: second.person.id },
    ]);

    const unassigned = await listCaseload({
      ctx,
      input: { keyworkerId: "unassigned", limit: 25, show: "all" },
    });
    expect(unassigned.items).toHaveLength(1);
    const overdue = await listCaseload({ ctx, input: { limit: 25, show: "top_overdue" } });
    expect(overdue.items.map((row) => row.id)).toEqual([second.id]);

    const keyworkers = await listKeyworkers({ ctx, input: undefined });
    expect(keyworkers.keyworkers.map((keyworker) => [keyworker.id, keyworker.caseload])).toEqual([
      [aisha, { active: 2, atRisk: 0, topOverdue: 1 }],
      [ben, { active: 1, atRisk: 0, topOverdue: 0 }],
    ]);
    expect(keyworkers.unassigned).toEqual({ active: 1, atRisk: 0, topOverdue: 0 });

    // Discharged episodes leave the caseload.
    await discharge({
      ctx,
      input: {
        episodeId: bens.id,
        dischargedOn: "2026-03-01",
        reason: "transferred_not_in_custody",
        ostAtExit: true,
      },
    });
    expect((await listCaseload({ ctx, input: { keyworkerId: ben, limit: 25, show: "all" } })).items).toEqual(
      [],
    );
  });

  it("pages through a long caseload, writing one list audit event per episode shown", async () => {
    const world = await makePathwayWorld(use().db, "2026-03-02T12:00:00Z");
    const ctx = world.ctx("treatment_manager");
    const ids: string[] = [];
    for (const day of ["01", "02", "03", "04", "05"]) {
      ids.push((await selfReferred(world, `2026-02-${day}`, world.keyworkerIds[0]!)).id);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listCaseload({ ctx, input: { limit: 2, show: "all", cursor } });
      seen.push(...page.items.map((row) => row.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(ids);
    expect((await auditOf(use().db, ids[0]!)).map((event) => event.action)).toEqual(["create", "list"]);
  });

  it("reassigns an episode to another of the provider's keyworkers only", async () => {
    const world = await makePathwayWorld(use().db, "2026-03-02T12:00:00Z");
    const [aisha, ben] = world.keyworkerIds as [string, string];
    const ctx = world.ctx("treatment_manager");
    const episode = await selfReferred(world, "2026-02-01", aisha);
    const moved = await reassignEpisode({ ctx, input: { episodeId: episode.id, keyworkerId: ben } });
    expect(moved.keyworker.id).toBe(ben);
    await expect(
      reassignEpisode({ ctx, input: { episodeId: episode.id, keyworkerId: ben } }),
    ).rejects.toMatchObject({
      fields: { keyworkerId: [`${moved.keyworker.name} is already this episode's keyworker`] },
    });
    const other = await makePathwayWorld(use().db);
    await expect(
      reassignEpisode({ ctx, input: { episodeId: episode.id, keyworkerId: other.keyworkerIds[0]! } }),
    ).rejects.toThrow(new NotYours("keyworker", other.keyworkerIds[0]!));
    await expect(
      reassignEpisode({
        ctx: other.ctx("treatment_manager"),
        input: { episodeId: episode.id, keyworkerId: other.keyworkerIds[0]! },
      }),
    ).rejects.toThrow(new NotYours("episode", episode.id));

    // A keyworker holding episodes cannot stop; once they hold none, they can.
    await expect(updateKeyworker({ ctx, input: { keyworkerId: ben, active: false } })).rejects.toThrow(
      new Conflict(`${moved.keyworker.name} still holds 1 open episode; reassign them first.`),
    );
    await reassignEpisode({ ctx, input: { episodeId: episode.id, keyworkerId: aisha } });
    expect((await updateKeyworker({ ctx, input: { keyworkerId: ben, active: false } })).active).toBe(false);
    await expect(
      reassignEpisode({ ctx, input: { episodeId: episode.id, keyworkerId: ben } }),
    ).rejects.toMatchObject({
      fields: {
        keyworkerId: [`${moved.keyworker.name} no longer takes a caseload; choose another keyworker.`],
      },
    });
    const added = await createKeyworker({ ctx, input: { name: "Chloe Evans" } });
    await expect(createKeyworker({ ctx, input: { name: "chloe evans" } })).rejects.toBeInstanceOf(Conflict);
    expect(
      (await reassignEpisode({ ctx, input: { episodeId: episode.id, keyworkerId: added.id } })).keyworker
        .name,
    ).toBe("Chloe Evans");
  });

  it("lists the waiting list longest first, highlighting over 21 days waiting and 7 days without movement", async () => {
    const world = await makePathwayWorld(use().db, "2026-01-01T10:00:00Z");
    const refer = async (at: string) => {
      world.clock.set(at);
      const person = await addPerson(use().db);
      return createReferral({
        ctx: world.ctx("outreach_worker"),
        input: {
          personId: person.id,
          serviceId: world.serviceIds.opiate_treatment,
          reason: "Help",
          source: "outreach",
        },
      });
    };
    const old = await refer("2026-01-01T10:00:00Z");
    const recent = await refer("2026-01-20T10:00:00Z");
    const fresh = await refer("2026-01-27T10:00:00Z");
    const manager = world.ctx("treatment_manager");
    world.clock.set("2026-01-22T10:00:00Z");
    await moveReferral({ ctx: manager, input: { referralId: old.id, to: "received" } });

    world.clock.set("2026-01-29T10:00:00Z");
    const list = await listWaitingList({ ctx: manager, input: { limit: 25, show: "all" } });
    expect(
      list.items.map((row) => [
        row.reference,
        row.daysWaiting,
        row.waitingOver21Days,
        row.daysSinceMovement,
        row.stale,
      ]),
    ).toEqual([
      [old.reference, 28, true, 7, true],
      [recent.reference, 9, false, 9, true],
      [fresh.reference, 2, false, 2, false],
    ]);
    expect(list.counts).toEqual({ all: 3, over21Days: 1, stale: 2 });
    expect(list.items[0]).toMatchObject({
      person: { id: old.person.id },
      referrer: { organisationName: world.actors.outreach_worker.organisationName },
      status: "received",
    });
    expect(
      (await listWaitingList({ ctx: manager, input: { limit: 25, show: "over_21_days" } })).items.map(
        (row) => row.id,
      ),
    ).toEqual([old.id]);
    expect(
      (await listWaitingList({ ctx: manager, input: { limit: 25, show: "stale" } })).items.map(
        (row) => row.id,
      ),
    ).toEqual([old.id, recent.id]);
    const firstPage = await listWaitingList({ ctx: manager, input: { limit: 2, show: "all" } });
    const secondPage = await listWaitingList({
      ctx: manager,
      input: { limit: 2, show: "all", cursor: firstPage.nextCursor! },
    });
    expect(secondPage.items.map((row) => row.id)).toEqual([fresh.id]);

    // Started and closed referrals leave the list; other providers never see it.
    await moveReferral({ ctx: manager, input: { referralId: recent.id, to: "declined_by_client" } });
    expect((await listWaitingList({ ctx: manager, input: { limit: 25, show: "all" } })).counts.all).toBe(2);
    const other = await makeWorld(use().db);
    expect(
      (await listWaitingList({ ctx: other.ctxOf("treatment_manager"), input: { limit: 25, show: "all" } }))
        .items,
    ).toEqual([]);
  });

  it("lets only treatment managers see caseloads", async () => {
    const world = await makePathwayWorld(use().db);
    for (const role of ["outreach_worker", "admin", "commissioner"] as const) {
      await expect(
        listCaseload({ ctx: world.ctx(role), input: { limit: 25, show: "all" } }),
      ).rejects.toBeInstanceOf(Forbidden);
      await expect(
        listWaitingList({ ctx: world.ctx(role), input: { limit: 25, show: "all" } }),
      ).rejects.toBeInstanceOf(Forbidden);
    }
  });
});
