import type { RouterOutputs } from "@pathways/api";
import { type MapLayerName, type MapTiles, mapLayerLabels } from "@pathways/validators";
import { HeatLayer } from "leaflet.heat";
import { useEffect, useRef } from "react";
import { separateLabels } from "./labels.ts";
import { L, MarkerClusterGroup } from "./leaflet-setup.ts";
import { escapeHtml, fallbackCentre, useTiles } from "./tiles.ts";

export type MapView = RouterOutputs["map"]["layers"];
export type Hotspot = MapView["hotspots"][number];
/** How the points of the shown layers are drawn: gathered into clusters, or as one heat layer. */
export type PointStyle = "clusters" | "heat";

/** Each layer's colour on the map and in the legend (distinct for the common kinds of colour blindness). */
export const layerColours: Record<MapLayerName, string> = {
  contacts: "#0b6e99",
  needleFinds: "#b3261e",
  communityReports: "#7a4fb0",
  taskforceActivity: "#8a5a00",
  incidents: "#1f7a3a",
};

/** A hotspot's area as a Leaflet layer: its polygon ([lng, lat] ring) when it has one, else its circle. */
export function hotspotArea(hotspot: Hotspot, style: L.PathOptions): L.Polygon | L.Circle {
  return hotspot.polygon
    ? L.polygon(
        hotspot.polygon.slice(0, -1).map(([lng, lat]) => [lat, lng] as [number, number]),
        style,
      )
    : L.circle([hotspot.lat, hotspot.lng], { ...style, radius: hotspot.radiusM });
}

/**
 * The map itself: tiles when the server names a tile server (a plain background otherwise, or when
 * tiles cannot be fetched), hotspot areas, and either clustered points (staff) or each area's counts
 * (commissioners). Leaflet owns the element; React hands it the data.
 */
export function LeafletMap({
  view,
  tiles,
  shown,
  pointStyle = "clusters",
  onMap,
}: {
  view: MapView;
  tiles: MapTiles | null;
  shown: MapLayerName[];
  pointStyle?: PointStyle;
  /** The Leaflet map and its hotspot areas, for the admin's area editor. */
  onMap?: (map: L.Map, areas: Map<string, L.Polygon | L.Circle>) => void;
}) {
  const element = useRef<HTMLElement>(null);
  const map = useRef<L.Map | null>(null);

  useEffect(() => {
    const created = L.map(element.current!, { zoomControl: true, keyboard: true, maxZoom: 19 }).setView(
      fallbackCentre,
      13,
    );
    created.attributionControl.setPrefix("");
    map.current = created;
    return () => {
      created.remove();
      map.current = null;
    };
  }, []);

  useTiles(map, tiles);

  useEffect(() => {
    const current = map.current;
    if (!current) return;
    const drawn = L.featureGroup().addTo(current);
    const areas = new Map<string, L.Polygon | L.Circle>();
    const figures = new Map(view.counts.map((row) => [row.hotspot?.id ?? "", row.figures]));
    const labels: L.Tooltip[] = [];
    for (const hotspot of view.hotspots) {
      const area = hotspotArea(hotspot, {
        color: hotspot.active ? "#1d3557" : "#6b7280",
        weight: 2,
        dashArray: hotspot.active ? undefined : "4 4",
        fillOpacity: 0.12,
      }).addTo(drawn);
      areas.set(hotspot.id, area);
      const counts = figures.get(hotspot.id) ?? {};
      const lines = view.disclosureControl
        ? shown.map((layer) => `${mapLayerLabels[layer]}: ${counts[layer] ?? 0}`)
        : [];
      area.bindTooltip([hotspot.name, ...lines].map(escapeHtml).join("<br>"), {
        permanent: view.disclosureControl,
        direction: "center",
        className: "map-area-label",
      });
      const label = area.getTooltip();
      if (view.disclosureControl && label) labels.push(label);
    }
    if (view.points && pointStyle === "heat") {
      // One heat layer over every shown layer: where records concentrate, whatever their kind (the
      // table below keeps the figures per layer). A point's weight is how many records it stands for.
      const heat = shown.flatMap((layer) =>
        (view.points?.[layer]?.points ?? []).map(
          (point) => [point.lat, point.lng, point.weight] as [number, number, number],
        ),
      );
      // Its types are written against Leaflet 2's generic Layer; at run time it is a Leaflet 1.9 layer.
      drawn.addLayer(
        new HeatLayer(heat, { radius: 22, blur: 18, minOpacity: 0.35, maxZoom: 16 }) as unknown as L.Layer,
      );
    } else if (view.points) {
      for (const layer of shown) {
        const points = view.points[layer]?.points ?? [];
        const colour = layerColours[layer];
        const group = new MarkerClusterGroup({
          chunkedLoading: true,
          iconCreateFunction: (cluster) =>
            L.divIcon({
              html: `<span>${cluster.getChildCount()}</span>`,
              className: `map-cluster map-cluster-${layer}`,
              iconSize: [36, 36],
            }),
        });
        // Circle markers are drawn as vectors (no image to fetch); the cluster group takes any point
        // layer, though its types name only Marker.
        const markers = points.map((point) =>
          L.circleMarker([point.lat, point.lng], {
            radius: 6,
            color: colour,
            fillColor: colour,
            fillOpacity: 0.8,
            weight: 1,
          }).bindTooltip(
            `${mapLayerLabels[layer]}${point.weight > 1 ? ` (${point.weight})` : ""} · ${point.at.toLocaleDateString("en-GB")}`,
          ),
        );
        group.addLayers(markers as unknown as L.Marker[]);
        drawn.addLayer(group as unknown as L.Layer);
      }
    }
    const bounds = L.featureGroup([...areas.values()]).getBounds();
    if (bounds.isValid()) current.fitBounds(bounds, { padding: [24, 24], maxZoom: 16, animate: false });
    const separate = () => separateLabels(labels, current.getContainer());
    if (labels.length > 1) {
      separate();
      current.on("zoomend moveend resize", separate);
    }
    onMap?.(current, areas);
    return () => {
      current.off("zoomend moveend resize", separate);
      drawn.remove();
    };
  }, [view, shown, pointStyle, onMap]);

  return (
    <section
      ref={element}
      className="map-canvas"
      aria-label="Map of hotspot areas and the chosen layers (the same figures are in the table below)"
    />
  );
}
