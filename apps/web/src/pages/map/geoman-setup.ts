import * as L from "leaflet";
import "@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css";

/**
 * Geoman (drawing and editing shapes) is a script that extends a global `L`: it gets a mutable copy
 * of the bundled Leaflet's exports (the same classes, so every map gets `map.pm`). Loaded for admins
 * only, when they open the area editor.
 */
export async function loadGeoman(): Promise<void> {
  const global = globalThis as { L?: unknown };
  if (!global.L) global.L = { ...L };
  await import("@geoman-io/leaflet-geoman-free");
}
