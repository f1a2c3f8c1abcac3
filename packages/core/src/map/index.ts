import { asc, hotspots } from "@pathways/db";
import {
  type MapAreaCounts,
  MapInput,
  type MapLayerName,
  type MapPointLayer,
  mapLayerNames,
} from "@pathways/validators";
import { validated } from "../acting.ts";
import { audit } from "../audit.ts";
import type { VerbArgs } from "../context.ts";
import { requireRole, verbRoles } from "../rights.ts";
import { commissionerLayers, protectedAreaCounts } from "./counts.ts";
import { pointLayers } from "./points.ts";

export interface MapView {
  from: string;
  to: string;
  /** Commissioners: true, and `points` is null (counts only, protected as every commissioner figure). */
  disclosureControl: boolean;
  /** Every hotspot, active and retired, with its area: public places, not person-level records. */
  hotspots: (typeof hotspots.$inferSelect)[];
  /** The layers this reader sees, in the page's order. */
  layers: MapLayerName[];
  /** Per hotspot with records (and "elsewhere"): each layer's count. */
  counts: MapAreaCounts[];
  points: Partial<Record<MapLayerName, MapPointLayer>> | null;
}

/**
 * The map (DOMAIN.md "Places"): hotspot areas and, over a period of whole months, the layers the
 * reader may see. Staff get points (each a record they may read, drawn at its own point or its
 * hotspot's centre) and exact counts; commissioners only counts per area under disclosure control.
 */
export async function mapView({ ctx, input }: VerbArgs<unknown>): Promise<MapView> {
  const actor = requireRole(ctx.actor, verbRoles.signedIn);
  const period = validated(MapInput, input);
  const places = await ctx.db.select().from(hotspots).orderBy(asc(hotspots.name));
  if (actor.role === "commissioner") {
    return {
      ...period,
      disclosureControl: true,
      hotspots: places,
      layers: commissionerLayers,
      counts: inPlaceOrder(await protectedAreaCounts(ctx, period)),
      points: null,
    };
  }
  return ctx.db.transaction(async (tx) => {
    const { layers } = await pointLayers(tx, actor, period);
    const shown = mapLayerNames.filter((name) => layers[name]);
    // Contacts on the map are places and times of person-level records: one event per look.
    if (layers.contacts) {
      await audit(tx, ctx, {
        action: "list",
        entity: "contact map",
        entityId: `${period.from}..${period.to}`,
      });
    }
    const names = new Map(places.map((place) => [place.id, place.name]));
    const keys = new Set(shown.flatMap((name) => [...layers[name]!.counts.keys()]));
    const counts: MapAreaCounts[] = [...keys].map((key) => ({
      hotspot: key ? { id: key, name: names.get(key) ?? "" } : null,
      figures: Object.fromEntries(shown.map((name) => [name, layers[name]!.counts.get(key) ?? 0])),
    }));
    const points = Object.fromEntries(
      shown.map((name) => {
        const { counts: _counts, ...layer } = layers[name]!;
        return [name, layer];
      }),
    );
    return {
      ...period,
      disclosureControl: false,
      hotspots: places,
      layers: shown,
      counts: inPlaceOrder(counts),
      points,
    };
  });
}

/** Hotspots by name, then "elsewhere". */
function inPlaceOrder(counts: MapAreaCounts[]): MapAreaCounts[] {
  return counts.sort((a, b) =>
    a.hotspot && b.hotspot
      ? a.hotspot.name.localeCompare(b.hotspot.name)
      : a.hotspot
        ? -1
        : b.hotspot
          ? 1
          : 0,
  );
}
