import { randomUUID } from "node:crypto";
import {
  communityReports,
  contacts,
  type Database,
  incidents,
  needleFinds,
  taskforceActivity,
} from "@pathways/db";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import { daysBetween } from "../../src/calendar.ts";
import { Forbidden, NotFound, ValidationError } from "../../src/errors.ts";
import { createHotspot } from "../../src/hotspots.ts";
import { beforeAfterAction } from "../../src/places/before-after.ts";
import { hotspotEvidence } from "../../src/places/evidence.ts";

type Where = { hotspotId?: string; lat?: number; lng?: number };
const inSquare = { lat: 51.7515, lng: -1.2285 };
const inCircle = { lat: 51.7455, lng: -1.255 };
/** Each test's hotspots lie this many degrees of latitude north of the first's, so areas never overlap. */
const north = (point: { lat: number; lng: number }, shift: number) => ({
  lat: point.lat + shift,
  lng: point.lng,
});

/** Two hotspots (a polygon and a circle), a taskforce, and helpers that write records straight to the tables. */
async function evidenceWorld(db: Database, shift = 0) {
  const world = await makeWorld(db);
  const admin = world.ctxOf("admin");
  const square = await createHotspot({
    ctx: admin,
    input: {
      name: `Square ${world.tag}`,
      lat: 51.751 + shift,
      lng: -1.2285,
      polygon: [
        [-1.23, 51.75 + shift],
        [-1.227, 51.75 + shift],
        [-1.227, 51.752 + shift],
        [-1.23, 51.752 + shift],
        [-1.23, 51.75 + shift],
      ],
    },
  });
  const circle = await createHotspot({
    ctx: admin,
    input: { name: `Circle ${world.tag}`, lat: 51.745 + shift, lng: -1.255, radiusM: 150 },
  });
  const worker = world.actors.outreach_worker;
  const place = (where: Where) => ({
    hotspotId: where.hotspotId ?? null,
    location: where.hotspotId ? null : "described place",
    lat: where.lat ?? null,
    lng: where.lng ?? null,
  });
  const write = {
    contact: (at: string, where: Where) =>
      db.insert(contacts).values({
        clientKey: randomUUID(),
        occurredAt: new Date(at),
        ...place(where),
        workerId: worker.userId,
        organisationId: worker.organisationId,
        contactType: "street_outreach",
      }),
    needles: (at: string, count: number, where: Where) =>
      db.insert(needleFinds).values({
        clientKey: randomUUID(),
        foundAt: new Date(at),
        ...place(where),
        count,
        collectedByUserId: worker.userId,
        organisationId: worker.organisationId,
      }),
    report: (at: string, where: Where) =>
      db.insert(communityReports).values({
        reference: `CR-T-${randomUUID()}`,
        tokenHash: randomUUID(),
        category: "drug_use",
        ...place(where),
        description: "seen",
        submittedAt: new Date(at),
      }),
    /** An environmental action logged by the world's taskforce worker. */
    action: async (
      at: string,
      values: { action: "vegetation_cut_back" | "lighting_improved" } & Where & { location?: string },
    ) => {
      const [row] = await db
        .insert(taskforceActivity)
        .values({
          clientKey: randomUUID(),
          kind: "environmental_action",
          occurredAt: new Date(at),
          loggedByUserId: worker.userId,
          organisationId: worker.organisationId,
          ...values,
        })
        .returning();
      return row!;
    },
    incident: (at: string, where: Where) =>
      db.insert(incidents).values({
        occurredAt: new Date(at),
        category: "drug_offence",
        source: "police",
        sourceReference: randomUUID(),
        hotspotId: where.hotspotId ?? null,
        lat: where.lat ?? null,
        lng: where.lng ?? null,
        areaName: where.lat === undefined ? "described place" : null,
      }),
  };
  return {
    ...world,
    square,
    circle,
    write,
    inSquare: north(inSquare, shift),
    inCircle: north(inCircle, shift),
  };
}

describeDb("hotspot evidence", (use) => {
  it("counts each area's incidents, contacts, needles and reports per month, as counted by hand", async () => {
    const { ctxOf, square, circle, write } = await evidenceWorld(use().db);
    const jan = "2025-01-15T12:00:00Z";
    const feb = "2025-02-10T12:00:00Z";
    // Square: chosen twice and a point inside its polygon; Circle: a point within 150 m and chosen.
    await write.contact(jan, { hotspotId: square.id });
    await write.contact(jan, { hotspotId: square.id });
    await write.contact(jan, inCircle);
    await write.contact(jan, {});
    await write.contact(feb, { hotspotId: circle.id });
    await write.needles(jan, 7, { hotspotId: square.id });
    await write.needles(feb, 3, inSquare);
    await write.needles(feb, 4, { lat: 51.76, lng: -1.21 });
    await write.report(jan, inCircle);
    await write.report(feb, {});
    await write.report(feb, {});
    for (let i = 0; i < 3; i++) await write.incident(jan, inSquare);
    await write.incident(feb, inCircle);
    // The last minute of the period (GMT: the same day in London) is in; the minutes either side are not.
    await write.incident("2025-02-28T23:59:00Z", inCircle);
    await write.incident("2024-12-31T23:59:00Z", inCircle);
    await write.incident("2025-03-01T00:00:00Z", inCircle);
    // Two places outside every hotspot: 6 incidents within ~40 m, and 5 more; two far apart (noise).
    for (let i = 0; i < 6; i++) await write.incident(feb, { lat: 51.77 + i * 0.0001, lng: -1.2 });
    for (let i = 0; i < 5; i++) await write.incident(feb, { lat: 51.735, lng: -1.22 + i * 0.0001 });
    await write.incident(feb, { lat: 51.8, lng: -1.3 });
    await write.incident(feb, { lat: 51.7, lng: -1.1 });

    const evidence = await hotspotEvidence({
      ctx: ctxOf("outreach_worker"),
      input: { from: "2025-01-01", to: "2025-02-28" },
    });
    expect(evidence.months).toEqual(["2025-01", "2025-02"]);
    const figures = (id: string | null) => evidence.areas.find((a) => a.hotspotId === id)!.months;
    expect(figures(square.id)).toEqual([
      { month: "2025-01", incidents: 3, contacts: 2, needles: 7, reports: 0 },
      { month: "2025-02", incidents: 0, contacts: 0, needles: 3, reports: 0 },
    ]);
    expect(figures(circle.id)).toEqual([
      { month: "2025-01", incidents: 0, contacts: 1, needles: 0, reports: 1 },
      { month: "2025-02", incidents: 2, contacts: 1, needles: 0, reports: 0 },
    ]);
    expect(figures(null)).toEqual([
      { month: "2025-01", incidents: 0, contacts: 1, needles: 0, reports: 0 },
      { month: "2025-02", incidents: 13, contacts: 0, needles: 4, reports: 2 },
    ]);
    expect(evidence.areas.find((a) => a.hotspotId === square.id)!.total).toEqual({
      incidents: 3,
      contacts: 2,
      needles: 10,
      reports: 0,
    });

    expect(evidence.concentrations.map((c) => [c.rank, c.incidents, c.byCategory])).toEqual([
      [1, 6, { drug_offence: 6 }],
      [2, 5, { drug_offence: 5 }],
    ]);
    const first = evidence.concentrations[0]!;
    expect(first.centre.lat).toBeCloseTo(51.77025, 5);
    expect(first.radiusM).toBeGreaterThan(20);
    expect(first.radiusM).toBeLessThan(40);
  });

  it("lets outreach workers and admins read evidence, and refuses treatment managers and commissioners", async () => {
    const { ctxOf } = await makeWorld(use().db);
    const input = { from: "2023-01-01", to: "2023-01-31" };
    await expect(hotspotEvidence({ ctx: ctxOf("admin"), input })).resolves.toBeDefined();
    for (const role of ["treatment_manager", "commissioner"] as const) {
      await expect(hotspotEvidence({ ctx: ctxOf(role), input })).rejects.toBeInstanceOf(Forbidden);
    }
  });

  it("compares the same number of days before and after an action at its hotspot", async () => {
    const { ctxOf, square, circle, write, inSquare } = await evidenceWorld(use().db, 0.02);
    const action = await write.action("2024-06-15T10:00:00Z", {
      action: "vegetation_cut_back",
      hotspotId: square.id,
    });
    // Days in London (BST): 23:30Z on the 14th is the 15th, the action's own day, in neither window.
    for (const at of [
      "2024-06-04T12:00:00Z",
      "2024-06-04T23:30:00Z",
      "2024-06-14T12:00:00Z",
      "2024-06-14T23:30:00Z",
      "2024-06-16T12:00:00Z",
      "2024-06-25T12:00:00Z",
      "2024-06-26T12:00:00Z",
    ]) {
      await write.incident(at, inSquare);
    }
    await write.needles("2024-06-10T12:00:00Z", 5, { hotspotId: square.id });
    await write.needles("2024-06-20T12:00:00Z", 2, { hotspotId: square.id });
    await write.needles("2024-06-20T12:00:00Z", 1, { hotspotId: circle.id });
    await write.report("2024-06-12T12:00:00Z", inSquare);
    await write.report("2024-06-17T12:00:00Z", inSquare);
    await write.report("2024-06-18T12:00:00Z", { hotspotId: square.id });

    const result = await beforeAfterAction({
      ctx: ctxOf("outreach_worker"),
      input: { activityId: action.id, days: 10 },
    });
    expect(result.action).toMatchObject({
      day: "2024-06-15",
      hotspotId: square.id,
      kind: "vegetation_cut_back",
    });
    expect(result.before).toEqual({
      from: "2024-06-05",
      to: "2024-06-14",
      reports: 1,
      needles: 5,
      incidents: 2,
    });
    expect(result.after).toEqual({
      from: "2024-06-16",
      to: "2024-06-25",
      reports: 2,
      needles: 2,
      incidents: 2,
    });
    expect(daysBetween(result.before.from, result.before.to)).toBe(
      daysBetween(result.after.from, result.after.to),
    );
    expect(result.afterComplete).toBe(true);

    const admin = await beforeAfterAction({
      ctx: ctxOf("admin"),
      input: { activityId: action.id, days: 90 },
    });
    expect(daysBetween(admin.before.from, admin.before.to)).toBe(89);
    expect(daysBetween(admin.after.from, admin.after.to)).toBe(89);

    // Another taskforce's worker cannot learn the action exists; other roles are refused outright.
    const other = await makeWorld(use().db);
    await expect(
      beforeAfterAction({ ctx: other.ctxOf("outreach_worker"), input: { activityId: action.id, days: 10 } }),
    ).rejects.toBeInstanceOf(NotFound);
    for (const role of ["treatment_manager", "commissioner"] as const) {
      await expect(
        beforeAfterAction({ ctx: ctxOf(role), input: { activityId: action.id, days: 10 } }),
      ).rejects.toBeInstanceOf(Forbidden);
    }
  });

  it("refuses a before and after for an action that is not at a hotspot, naming the field", async () => {
    const { ctxOf, write } = await evidenceWorld(use().db, 0.04);
    const action = await write.action("2024-03-01T10:00:00Z", {
      action: "lighting_improved",
      location: "Cowley Road underpass",
    });
    const refusal = await beforeAfterAction({
      ctx: ctxOf("outreach_worker"),
      input: { activityId: action.id, days: 90 },
    }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ValidationError);
    expect((refusal as ValidationError).fields).toEqual({
      activityId: ["this action is not at a hotspot; a before and after comparison needs one"],
    });
  });
});
