import { auditEvents, eq } from "@pathways/db";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import { createHotspot, updateHotspot } from "../../src/hotspots.ts";
import { activeHotspotAreas, type HotspotArea, hotspotHolding } from "../../src/places/containment.ts";

// South Park, Oxford: a square about 220 m a side; Grandpont as a 150 m circle.
const southParkRing: [number, number][] = [
  [-1.23, 51.75],
  [-1.227, 51.75],
  [-1.227, 51.752],
  [-1.23, 51.752],
  [-1.23, 51.75],
];
const southPark: HotspotArea = {
  id: "sp",
  name: "South Park",
  lat: 51.751,
  lng: -1.2285,
  radiusM: 10,
  polygon: southParkRing,
};
const grandpont: HotspotArea = {
  id: "gp",
  name: "Grandpont",
  lat: 51.745,
  lng: -1.255,
  radiusM: 150,
  polygon: null,
};

it("places a point inside a polygon in that hotspot, whatever its radius", () => {
  expect(hotspotHolding({ lat: 51.7518, lng: -1.2298 }, [southPark, grandpont])?.id).toBe("sp");
});

it("places a point just outside a polygon elsewhere, even within its radius of the centre", () => {
  expect(hotspotHolding({ lat: 51.7522, lng: -1.2285 }, [southPark, grandpont])).toBeNull();
});

it("places a point within a circle's radius in that hotspot, and one beyond it elsewhere", () => {
  // 0.001 degrees of latitude is about 111 m; 0.0015 about 167 m.
  expect(hotspotHolding({ lat: 51.746, lng: -1.255 }, [southPark, grandpont])?.id).toBe("gp");
  expect(hotspotHolding({ lat: 51.7465, lng: -1.255 }, [southPark, grandpont])).toBeNull();
});

it("gives a point in two overlapping areas to the hotspot whose centre is nearest, in any order", () => {
  const near: HotspotArea = { ...grandpont, id: "near", name: "Near", lat: 51.7452 };
  const far: HotspotArea = { ...grandpont, id: "far", name: "Far", lat: 51.7445 };
  const at = { lat: 51.7455, lng: -1.255 };
  expect(hotspotHolding(at, [near, far])?.id).toBe("near");
  expect(hotspotHolding(at, [far, near])?.id).toBe("near");
});

describeDb("hotspot areas", (use) => {
  it("stores a radius (150 m unless given) and a polygon, audits the change, and lists only active areas", async () => {
    const { ctxOf, tag, actors } = await makeWorld(use().db);
    const admin = ctxOf("admin");
    const circle = await createHotspot({
      ctx: admin,
      input: { name: `Circle ${tag}`, lat: 51.745, lng: -1.255 },
    });
    expect(circle.radiusM).toBe(150);
    expect(circle.polygon).toBeNull();
    const square = await createHotspot({
      ctx: admin,
      input: { name: `Square ${tag}`, lat: 51.751, lng: -1.2285, radiusM: 80, polygon: southParkRing },
    });
    expect(square.polygon).toEqual(southParkRing);

    const areas = await activeHotspotAreas(use().db);
    expect(hotspotHolding({ lat: 51.7518, lng: -1.2298 }, areas)?.id).toBe(square.id);
    expect(hotspotHolding({ lat: 51.746, lng: -1.255 }, areas)?.id).toBe(circle.id);

    const cleared = await updateHotspot({ ctx: admin, input: { id: square.id, polygon: null } });
    expect([cleared.polygon, cleared.radiusM]).toEqual([null, 80]);
    await updateHotspot({ ctx: admin, input: { id: circle.id, active: false } });
    expect((await activeHotspotAreas(use().db)).map((a) => a.id)).not.toContain(circle.id);

    const events = await use()
      .db.select()
      .from(auditEvents)
      .where(eq(auditEvents.actorUserId, actors.admin.userId));
    expect(events.map((e) => `${e.action} ${e.entity}`).sort()).toEqual([
      "create hotspot",
      "create hotspot",
      "update hotspot",
      "update hotspot",
    ]);
  });

  it("refuses a polygon that does not close, and a radius out of range, in the database too", async () => {
    const { ctxOf, tag } = await makeWorld(use().db);
    const admin = ctxOf("admin");
    const { HotspotInput } = await import("@pathways/validators");
    const open = HotspotInput.safeParse({
      name: "Open",
      lat: 51.75,
      lng: -1.23,
      polygon: southParkRing.slice(0, 4),
    });
    expect(open.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["polygon", "polygon must end at the point where it starts"],
    ]);
    const wide = HotspotInput.safeParse({ name: "Wide", lat: 51.75, lng: -1.23, radiusM: 6000 });
    expect(wide.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["radiusM", "radius must be between 10 and 5000 metres"],
    ]);
    await expect(
      createHotspot({
        ctx: admin,
        input: { name: `Unclosed ${tag}`, lat: 51.75, lng: -1.23, polygon: southParkRing.slice(0, 4) },
      }),
    ).rejects.toThrow();
  });
});
