import type { MapTiles } from "@pathways/validators";
import * as L from "leaflet";
import { type RefObject, useEffect } from "react";

/** Oxford, where the taskforce works: a map's view before it knows where to look. */
export const fallbackCentre: [number, number] = [51.752, -1.2577];

/** Text (a tile server's credit, a place's name) as HTML for Leaflet, which puts it in the page as HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The tile server's background under a map (the staff map and the resident form's), when the server
 * names one (PATHWAYS_MAP_TILES); with none, or no signal for tiles, the map keeps its plain background.
 */
export function useTiles(map: RefObject<L.Map | null>, tiles: MapTiles | null): void {
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
  }, [map, tiles]);
}
