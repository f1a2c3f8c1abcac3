import type { MapTiles } from "@pathways/validators";
import * as L from "leaflet";
import "leaflet/dist/leaflet.css";
import { useEffect, useRef } from "react";
import "../../styles/map.css";
import { separateLabels } from "../map/labels.ts";
import { escapeHtml, fallbackCentre, useTiles } from "../map/tiles.ts";

export interface Pin {
  lat: number;
  lng: number;
}

export interface PinPlace {
  name: string;
  lat: number;
  lng: number;
}

/** About a metre: enough to find the place, no more (the same as a shared location). */
export function roundPin(lat: number, lng: number): Pin {
  return { lat: Math.round(lat * 1e5) / 1e5, lng: Math.round(lng * 1e5) / 1e5 };
}

/** The pin, drawn by CSS (no image to fetch), its point at the bottom centre. */
const pinIcon = L.divIcon({
  className: "pin-marker",
  html: '<span class="pin-marker-head"></span>',
  iconSize: [28, 40],
  iconAnchor: [14, 40],
});

/**
 * The resident form's optional map: a tap or click drops the pin, the pin can be dragged, and "Pin the
 * middle of the map" puts it where the map has been moved to by keyboard (arrow keys pan, + and - zoom).
 * With no tile server, or no signal for tiles, the named places are drawn as reference points on a
 * plain background. Loaded only when a resident chooses the map, so the form stays small.
 */
export function PinMap({
  tiles,
  places,
  pin,
  onPin,
}: {
  tiles: MapTiles | null;
  places: PinPlace[];
  pin: Pin | null;
  onPin: (pin: Pin | null) => void;
}) {
  const element = useRef<HTMLElement>(null);
  const map = useRef<L.Map | null>(null);
  const marker = useRef<L.Marker | null>(null);
  // The latest handler, for Leaflet's listeners made once.
  const pinned = useRef(onPin);
  pinned.current = onPin;

  useEffect(() => {
    const created = L.map(element.current!, { keyboard: true, maxZoom: 19 }).setView(fallbackCentre, 14);
    created.attributionControl.setPrefix("");
    created.on("click", (event: L.LeafletMouseEvent) =>
      pinned.current(roundPin(event.latlng.lat, event.latlng.lng)),
    );
    map.current = created;
    return () => {
      created.remove();
      map.current = null;
      marker.current = null;
    };
  }, []);

  useTiles(map, tiles);

  useEffect(() => {
    const current = map.current;
    if (!current || places.length === 0) return;
    const drawn = L.featureGroup().addTo(current);
    const labels: L.Tooltip[] = [];
    for (const place of places) {
      const point = L.circleMarker([place.lat, place.lng], {
        radius: 7,
        color: "#1d3557",
        fillColor: "#1d3557",
        fillOpacity: 0.5,
        weight: 2,
        // A reference, not a target: a tap on it drops the pin there, through to the map.
        interactive: false,
      })
        .bindTooltip(escapeHtml(place.name), {
          permanent: true,
          direction: "top",
          offset: [0, -6],
          className: "pin-place-label",
        })
        .addTo(drawn);
      const label = point.getTooltip();
      if (label) labels.push(label);
    }
    if (!marker.current) {
      current.fitBounds(drawn.getBounds(), { padding: [32, 32], maxZoom: 15, animate: false });
    }
    const separate = () => separateLabels(labels, current.getContainer());
    separate();
    current.on("zoomend moveend resize", separate);
    return () => {
      current.off("zoomend moveend resize", separate);
      drawn.remove();
    };
  }, [places]);

  useEffect(() => {
    const current = map.current;
    if (!current) return;
    if (!pin) {
      marker.current?.remove();
      marker.current = null;
      return;
    }
    if (marker.current) {
      marker.current.setLatLng([pin.lat, pin.lng]);
    } else {
      const made = L.marker([pin.lat, pin.lng], {
        icon: pinIcon,
        draggable: true,
        keyboard: false,
        title: "Your pin",
        alt: "Your pin",
      }).addTo(current);
      made.on("dragend", () => {
        const at = made.getLatLng();
        pinned.current(roundPin(at.lat, at.lng));
      });
      marker.current = made;
    }
    if (!current.getBounds().contains([pin.lat, pin.lng])) current.panTo([pin.lat, pin.lng]);
  }, [pin]);

  const pinCentre = () => {
    const centre = map.current?.getCenter();
    if (centre) onPin(roundPin(centre.lat, centre.lng));
  };

  return (
    <div className="pin-map">
      <section
        ref={element}
        className="map-canvas pin-map-canvas"
        aria-label="Map: tap where it was to drop a pin, or drag the pin. By keyboard, move the map with the arrow keys and pin its middle."
      />
      <div className="cr-button-row">
        <button type="button" className="button button-secondary" onClick={pinCentre}>
          Pin the middle of the map
        </button>
        {pin && (
          <button type="button" className="button button-quiet" onClick={() => onPin(null)}>
            Remove the pin
          </button>
        )}
      </div>
    </div>
  );
}
