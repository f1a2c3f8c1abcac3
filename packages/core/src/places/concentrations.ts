import { type Executor, incidents, queryRows, sql } from "@pathways/db";
import { clustersDbscan } from "@turf/clusters-dbscan";
import { featureCollection, point } from "@turf/helpers";
import { type HotspotArea, hotspotHolding, type MapPoint, metresBetween } from "./containment.ts";
import { inPeriodSql } from "./counts.ts";

/**
 * DBSCAN's parameters (docs/decisions/0082): incidents within 150 m of each other (a default
 * hotspot's radius: one place a patrol can watch) chain into a place, which needs at least 5 of them.
 */
export const concentrationRule = { maxDistanceM: 150, minIncidents: 5 } as const;

/** A place outside today's hotspots where incidents concentrate. */
export interface Concentration {
  rank: number;
  incidents: number;
  /** The mean of its incidents' points. */
  centre: MapPoint;
  /** The farthest of its incidents from the centre, in metres (a circle that would hold them all). */
  radiusM: number;
  byCategory: Record<string, number>;
  /** The nearest hotspot, for "an extension of South Park, or a new place?". */
  nearestHotspot: { id: string; name: string; metres: number } | null;
}

/**
 * Incidents of [from, to] with a point outside every hotspot area, clustered by DBSCAN (Turf), ranked
 * by how many incidents each place holds. Noise (incidents in no cluster) is left out.
 */
export async function incidentConcentrations(
  tx: Executor,
  period: { from: string; to: string },
  areas: readonly HotspotArea[],
): Promise<Concentration[]> {
  const rows = await queryRows<{ lat: number; lng: number; category: string }>(
    tx,
    sql`select ${incidents.lat} as lat, ${incidents.lng} as lng, ${incidents.category} as category
        from ${incidents}
        where ${incidents.lat} is not null
          and ${inPeriodSql(sql`${incidents.occurredAt}`, period)}`,
  );
  const outside = rows
    .map((row) => ({ lat: Number(row.lat), lng: Number(row.lng), category: row.category }))
    .filter((incident) => hotspotHolding(incident, areas) === null);
  if (outside.length === 0) return [];
  const clustered = clustersDbscan(
    featureCollection(outside.map((incident) => point([incident.lng, incident.lat], incident))),
    concentrationRule.maxDistanceM / 1000,
    { units: "kilometers", minPoints: concentrationRule.minIncidents },
  );
  const clusters = new Map<number, (typeof outside)[number][]>();
  for (const feature of clustered.features) {
    const id = feature.properties.cluster;
    if (id === undefined || feature.properties.dbscan === "noise") continue;
    const members = clusters.get(id) ?? [];
    clusters.set(id, members);
    members.push(feature.properties as unknown as (typeof outside)[number]);
  }
  const places = [...clusters.values()].map((members) => {
    const centre = {
      lat: members.reduce((sum, m) => sum + m.lat, 0) / members.length,
      lng: members.reduce((sum, m) => sum + m.lng, 0) / members.length,
    };
    const byCategory: Record<string, number> = {};
    for (const member of members) byCategory[member.category] = (byCategory[member.category] ?? 0) + 1;
    const nearest = areas
      .map((area) => ({ id: area.id, name: area.name, metres: Math.round(metresBetween(area, centre)) }))
      .sort((a, b) => a.metres - b.metres)[0];
    return {
      incidents: members.length,
      centre,
      radiusM: Math.ceil(Math.max(...members.map((m) => metresBetween(centre, m)))),
      byCategory,
      nearestHotspot: nearest ?? null,
    };
  });
  // Most incidents first; ties by position, so the ranking never depends on DBSCAN's visiting order.
  places.sort(
    (a, b) => b.incidents - a.incidents || a.centre.lat - b.centre.lat || a.centre.lng - b.centre.lng,
  );
  return places.map((place, index) => ({ rank: index + 1, ...place }));
}
