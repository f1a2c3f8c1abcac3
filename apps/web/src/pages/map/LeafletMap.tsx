import type { RouterOutputs } from "@pathways/api";
import { type MapLayerName, type MapTiles, mapLayerLabels } from "@pathways/validators";
import { HeatLayer } from "leaflet.heat";
import { useEffect, useRef } from "react";
import { L, MarkerClusterGroup } from "./leaflet-setup.ts";

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

/** Oxford, where the taskforce works: the view before any hotspot is known. */
const fallbackCentre: [number, number] = [51.752, -1.2577];

/** A hotspot's area as a Leaflet layer: its polygon ([lng, lat] ring) when it has one, else its circle. */
export function hotspotArea(hotspot: Hotspot, style: L.PathOptions): L.Polygon | L.Circle {
  return hotspot.polygon
    ? L.polygon(
        hotspot.polygon.slice(0, -1).map(([lng, lat]) => [lat, lng] as [number, number]),
        style,
      )
    : L.circle([hotspot.lat, hotspot.lng], { ...style, radius: hotspot.radiusM });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Room kept between two area labels, in pixels. */
const labelGap = 4;

type Box = { left: number; right: number; top: number; bottom: number };

function overlaps(a: Box, b: Box): boolean {
  return (
    a.left < b.right + labelGap &&
    b.left < a.right + labelGap &&
    a.top < b.bottom + labelGap &&
    b.top < a.bottom + labelGap
  );
}

function moved(box: Box, dx: number, dy: number): Box {
  return { left: box.left + dx, right: box.right + dx, top: box.top + dy, bottom: box.bottom + dy };
}

/**
 * Moves the commissioner's area labels apart where they would cover each other (areas close together,
 * or a phone's narrow map): each label in turn, top to bottom, takes the nearest place to its area that
 * covers no label already placed, inside the map where there is room (up, down, or a label's width to
 * either side). A label keeps its area's name, so one moved off its area still says whose figures it
 * holds. Run again after every zoom, move and resize, from each label's own place over its area.
 */
export function separateLabels(tooltips: L.Tooltip[], container: HTMLElement): void {
  for (const tooltip of tooltips) {
    tooltip.options.offset = L.point(0, 0);
    tooltip.update();
  }
  const frame = container.getBoundingClientRect();
  const measured = tooltips
    .map((tooltip) => ({ tooltip, box: tooltip.getElement()?.getBoundingClientRect() }))
    .filter((label): label is { tooltip: L.Tooltip; box: DOMRect } => label.box !== undefined)
    .sort((a, b) => a.box.top - b.box.top || a.box.left - b.box.left);
  const placed: Box[] = [];
  for (const { tooltip, box } of measured) {
    const across = box.width + labelGap;
    const candidates: [number, number][] = [];
    for (const dx of [0, -across, across, -2 * across, 2 * across]) {
      for (let dy = -frame.height; dy <= frame.height; dy += 6) candidates.push([dx, dy]);
    }
    candidates.sort(([ax, ay], [bx, by]) => ax * ax + ay * ay - (bx * bx + by * by));
    const free = candidates.filter(
      ([dx, dy]) => !placed.some((other) => overlaps(moved(box, dx, dy), other)),
    );
    const inside = free.find(([dx, dy]) => {
      const at = moved(box, dx, dy);
      return (
        at.left >= frame.left && at.right <= frame.right && at.top >= frame.top && at.bottom <= frame.bottom
      );
    });
    const [dx, dy] = inside ?? free[0] ?? [0, 0];
    placed.push(moved(box, dx, dy));
    if (dx !== 0 || dy !== 0) {
      tooltip.options.offset = L.point(dx, dy);
      tooltip.update();
    }
  }
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

  useEffect(() => {
    const current = map.current;
    if (!current || !tiles) return;
    const layer = L.tileLayer(tiles.urlTemplate, {
      attribution: escapeHtml(tiles.attribution),
      maxZoom: 19,
      subdomains: "abc",
    }).addTo(current);
    return () => {
      layer.remove();
    };
  }, [tiles]);

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
