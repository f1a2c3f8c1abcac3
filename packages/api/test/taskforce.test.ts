import { randomUUID } from "node:crypto";
import { count, eq, taskforceActivity } from "@pathways/db";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import { callerAs, refusal } from "./helpers.ts";

const patrol = () => ({
  clientKey: `device-${randomUUID()}`,
  kind: "patrol" as const,
  occurredAt: new Date(Date.now() - 2 * 3_600_000),
  endedAt: new Date(Date.now() - 3_600_000),
  location: "Grandpont, the riverside path",
  patrolStyle: "covert" as const,
  officers: 3,
});

describeDb("taskforce API", (use) => {
  it("logs a patrol and a seizure once each, resent or not, and lists them for the taskforce only", async () => {
    const db = use().db;
    const mine = await makeWorld(db);
    const officer = callerAs(db, mine.actors.outreach_worker);
    const sentPatrol = patrol();
    const first = await officer.taskforce.log(sentPatrol);
    const resent = await officer.taskforce.log(sentPatrol);
    expect([resent.id, resent.replayed, first.replayed]).toEqual([first.id, true, false]);
    const seizure = await officer.taskforce.log({
      clientKey: `device-${randomUUID()}`,
      kind: "seizure",
      occurredAt: new Date(Date.now() - 60_000),
      location: "Westgate Centre, the service yard",
      weapons: { knife: 2, other: 1 },
      cashPounds: 5000,
    });
    expect(seizure).toMatchObject({ knives: 2, otherWeapons: 1, cashPounds: 5000, drugClass: null });
    const listed = await officer.taskforce.list({ limit: 10 });
    expect(listed.items.map((item) => [item.kind, item.id])).toEqual([
      ["seizure", seizure.id],
      ["patrol", first.id],
    ]);
    expect(
      await db
        .select({ n: count() })
        .from(taskforceActivity)
        .where(eq(taskforceActivity.clientKey, sentPatrol.clientKey)),
    ).toEqual([{ n: 1 }]);
    const other = await makeWorld(db);
    expect((await callerAs(db, other.actors.outreach_worker).taskforce.list({ limit: 10 })).items).toEqual(
      [],
    );
    const adminIds = (await callerAs(db, mine.actors.admin).taskforce.list({ limit: 100 })).items.map(
      (i) => i.id,
    );
    expect(adminIds).toEqual(expect.arrayContaining([seizure.id, first.id]));
  });

  it("answers a field of another kind, a missing field and an address with a 400 naming the field", async () => {
    const { actors } = await makeWorld(use().db);
    const officer = callerAs(use().db, actors.outreach_worker);
    expect(await refusal(officer.taskforce.log({ ...patrol(), cashPounds: 50 } as never))).toEqual({
      code: "BAD_REQUEST",
      message: "Please check: cashPounds: cashPounds does not apply to a patrol; it belongs to a seizure",
      fieldErrors: { cashPounds: ["cashPounds does not apply to a patrol; it belongs to a seizure"] },
    });
    const { officers: _officers, ...noOfficers } = patrol();
    expect(
      Object.keys((await refusal(officer.taskforce.log(noOfficers as never))).fieldErrors ?? {}),
    ).toEqual(["officers"]);
    const warrant = await refusal(
      officer.taskforce.log({
        clientKey: `device-${randomUUID()}`,
        kind: "warrant",
        occurredAt: new Date(Date.now() - 60_000),
        location: "Blackbird Leys",
        area: "22 Pegasus Road",
      }),
    );
    expect([warrant.code, Object.keys(warrant.fieldErrors ?? {})]).toEqual(["BAD_REQUEST", ["area"]]);
    const unknownOperation = await refusal(officer.taskforce.log({ ...patrol(), operationId: randomUUID() }));
    expect(unknownOperation.code).toBe("NOT_FOUND");
    const badOperation = await refusal(
      officer.taskforce.createOperation({ name: "Op", startedOn: "2026-05-01", endedOn: "2026-04-01" }),
    );
    expect(badOperation.fieldErrors).toEqual({ endedOn: ["end date must be on or after the start date"] });
  });
});
