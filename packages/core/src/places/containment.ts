import { asc, type Executor, eq, type HotspotRing, hotspots } from "@pathways/db";
import { booleanPointInPolygon } from "@turf/boolean-point-in-polygon";
import { distance } from "@turf/distance";
import { point, polygon } from "@turf/helpers";

/** A point on the map, in WGS84 degrees. */
export interface MapPoint {
  lat: number;
  lng: number;
}

/** A hotspot's area (DOMAIN.md "Places"): its polygon when it has one, otherwise a circle round its centre. */
export interface HotspotArea extends MapPoint {
  id: string;
  name: string;
  radiusM: number;
  polygon: HotspotRing | null;
}

/** Metres between two points on the WGS84 sphere (Turf's haversine). */
export function metresBetween(a: MapPoint, b: MapPoint): number {
  return distance(point([a.lng, a.lat]), point([b.lng, b.lat]), { units: "meters" });
}

/** Whether `area` holds `at`: inside (or on the edge of) its polygon, else within its radius. */
export function areaHolds(area: HotspotArea, at: MapPoint): boolean {
  if (area.polygon) return booleanPointInPolygon(point([at.lng, at.lat]), polygon([area.polygon]));
  return metresBetween(area, at) <= area.radiusM;
}

/**
 * The containment rule: the hotspot whose area holds the point, or null for "elsewhere". Where
 * areas overlap, the hotspot whose centre is nearest wins, so the answer never depends on order.
 */
export function hotspotHolding<Area extends HotspotArea>(at: MapPoint, areas: readonly Area[]): Area | null {
  let best: Area | null = null;
  let bestMetres = Number.POSITIVE_INFINITY;
  for (const area of areas) {
    if (!areaHolds(area, at)) continue;
    const metres = metresBetween(area, at);
    if (metres < bestMetres || (metres === bestMetres && best !== null && area.name < best.name)) {
      best = area;
      bestMetres = metres;
    }
  }
  return best;
}

/** A record that may name its hotspot and may carry a point: a contact, needle find, report, incident. */
export interface PlacedRecord {
  hotspotId: string | null;
  lat: number | null;
  lng: number | null;
}

/**
 * Where a record belongs (DOMAIN.md "Places"): the hotspot chosen for it, else the one whose area
 * holds its point, else elsewhere (null).
 */
export function placeOf(record: PlacedRecord, areas: readonly HotspotArea[]): string | null {
  if (record.hotspotId) return record.hotspotId;
  if (record.lat === null || record.lng === null) return null;
  return hotspotHolding({ lat: record.lat, lng: record.lng }, areas)?.id ?? null;
}

/** Today's hotspot areas (active ones), the areas a new point is placed in. */
export async function activeHotspotAreas(executor: Executor): Promise<HotspotArea[]> {
  return executor
    .select({
      id: hotspots.id,
      name: hotspots.name,
      lat: hotspots.lat,
      lng: hotspots.lng,
      radiusM: hotspots.radiusM,
      polygon: hotspots.polygon,
    })
    .from(hotspots)
    .where(eq(hotspots.active, true))
    .orderBy(asc(hotspots.name));
}
