import { activeHotspotAreas, hotspotHolding } from "@pathways/core";
import { incidents } from "@pathways/db";
import { makeRandom } from "./random.ts";
import type { DemoWorld } from "./world.ts";

/**
 * Where the demo's incidents fall in the year before "today": most in the three hotspots the
 * taskforce chose from them (South Park, Grandpont, Meadow Lane), and a cluster by the railway station,
 * which is not a hotspot yet (the Evidence page ranks it first outside the hotspots), besides a
 * scatter across the city.
 */
export const demoIncidentPlaces = [
  { name: "South Park", lat: 51.7527, lng: -1.2335, incidents: 48 },
  { name: "Grandpont", lat: 51.7453, lng: -1.2577, incidents: 30 },
  { name: "Meadow Lane", lat: 51.7368, lng: -1.2359, incidents: 26 },
  { name: "Railway station forecourt", lat: 51.7535, lng: -1.2702, incidents: 22 },
] as const;
/** Incidents spread across the city, which no clustering should call a place. */
const scattered = 14;

const ambulance = ["overdose", "drug_related_callout"] as const;
const police = ["drug_offence", "drug_trafficking", "weapons", "antisocial_behaviour"] as const;

/**
 * Demo incidents, from their own random stream (so every other demo record stays as it was), placed
 * by the containment rule as an import would place them. They carry no person.
 */
export async function seedDemoIncidents(world: DemoWorld) {
  const random = makeRandom(1919);
  const tx = world.ctx.db;
  const areas = await activeHotspotAreas(tx);
  const today = world.today.getTime();
  let number = 0;
  const incidentAt = (lat: number, lng: number) => {
    const source = random.chance(0.4) ? ("ambulance" as const) : ("police" as const);
    const occurredAt = new Date(today - random.between(1, 364) * 86_400_000);
    occurredAt.setUTCHours(random.between(0, 23), random.pick([0, 10, 20, 30, 40, 50]), 0, 0);
    number += 1;
    return {
      occurredAt,
      source,
      category: source === "ambulance" ? random.pick(ambulance) : random.pick(police),
      sourceReference: `${source === "ambulance" ? "SCAS" : "TVP"}-DEMO-${String(number).padStart(4, "0")}`,
      lat,
      lng,
      hotspotId: hotspotHolding({ lat, lng }, areas)?.id ?? null,
    };
  };
  const rows = [];
  for (const place of demoIncidentPlaces) {
    for (let i = 0; i < place.incidents; i++) {
      // Within about 90 m of the place's centre: inside a hotspot's 150 m, one place for DBSCAN.
      const lat = place.lat + (random.next() - 0.5) * 0.0016;
      const lng = place.lng + (random.next() - 0.5) * 0.0026;
      rows.push(incidentAt(lat, lng));
    }
  }
  for (let i = 0; i < scattered; i++) {
    rows.push(incidentAt(51.72 + random.next() * 0.05, -1.28 + random.next() * 0.08));
  }
  await tx.insert(incidents).values(rows);
}
