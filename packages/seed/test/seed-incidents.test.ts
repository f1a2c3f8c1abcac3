import { addDays, createHotspot, hotspotEvidence, serviceToday } from "@pathways/core";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import { demoIncidentPlaces, seedDemoIncidents } from "../src/incidents.ts";
import { type DemoWorld, demoHotspots } from "../src/world.ts";

describeDb("incidents demo seed", (use) => {
  it("concentrates incidents in South Park, Grandpont and Meadow Lane, and in one place that is not a hotspot", async () => {
    const db = use().db;
    const { ctxOf, systemCtx } = await makeWorld(db);
    const hotspotIds: Record<string, string> = {};
    for (const hotspot of demoHotspots) {
      hotspotIds[hotspot.name] = (await createHotspot({ ctx: ctxOf("admin"), input: hotspot })).id;
    }
    const world = { ctx: systemCtx, hotspotIds, today: new Date() } as unknown as DemoWorld;
    await seedDemoIncidents(world);

    const today = serviceToday();
    const evidence = await hotspotEvidence({
      ctx: ctxOf("admin"),
      input: { from: addDays(today, -365), to: today },
    });
    const incidentsAt = (name: string) => evidence.areas.find((a) => a.name === name)!.total.incidents;
    const [southPark, grandpont, meadowLane, station] = demoIncidentPlaces;
    expect([incidentsAt("South Park"), incidentsAt("Grandpont"), incidentsAt("Meadow Lane")]).toEqual([
      southPark.incidents,
      grandpont.incidents,
      meadowLane.incidents,
    ]);
    const first = evidence.concentrations[0]!;
    expect(first.incidents).toBe(station.incidents);
    expect(first.nearestHotspot?.name).toBe("Gloucester Green");
    expect(evidence.concentrations).toHaveLength(1);
  });
});
