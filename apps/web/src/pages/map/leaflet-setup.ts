import * as L from "leaflet";
import "leaflet/dist/leaflet.css";
import "leaflet.markercluster/dist/MarkerCluster.Default.css";
import markerIcon from "leaflet/dist/images/marker-icon.png";
import markerIcon2x from "leaflet/dist/images/marker-icon-2x.png";
import markerShadow from "leaflet/dist/images/marker-shadow.png";

/*
 * Leaflet, its styles and its marker images come from this build (Vite hashes and serves them), never
 * a CDN: the Content-Security-Policy allows scripts, styles and images from Pathways itself (and
 * images from the tile server). Leaflet finds its default icon through a CSS path a bundle breaks,
 * so the bundled images are named here.
 */
// biome-ignore lint/suspicious/noExplicitAny: Leaflet's private hook for guessing the icon path.
delete (L.Icon.Default.prototype as any)._getIconUrl;
L.Icon.Default.mergeOptions({ iconUrl: markerIcon, iconRetinaUrl: markerIcon2x, shadowUrl: markerShadow });

export { MarkerClusterGroup } from "leaflet.markercluster";
export { L };
