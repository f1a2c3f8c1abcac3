import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { ErrorNotice, Field } from "../../components/ui.tsx";
import { describeError, useTRPC } from "../../lib/trpc.ts";
import type { Hotspot } from "./LeafletMap.tsx";
import { L } from "./leaflet-setup.ts";

type Area = L.Polygon | L.Circle;

/**
 * An admin draws a hotspot's area on the map with Geoman (loaded by the page before the map is made):
 * a new polygon or circle, or the current
 * area's corners and radius moved, then saved through hotspots.update (whose rules check it). The
 * Hotspots page's form sets the centre and radius by typing, for those who do not use a pointer.
 */
export function AreaEditor({
  hotspots,
  map,
  areas,
}: {
  hotspots: Hotspot[];
  map: L.Map | null;
  areas: Map<string, Area>;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [hotspotId, setHotspotId] = useState(hotspots[0]?.id ?? "");
  const [message, setMessage] = useState<string | null>(null);
  const drawn = useRef<Area | null>(null);
  const save = useMutation(
    trpc.hotspots.update.mutationOptions({
      onSuccess: (hotspot) => {
        setMessage(`Saved the area of ${hotspot.name}.`);
        drawn.current = null;
        void queryClient.invalidateQueries({ queryKey: trpc.map.layers.queryKey() });
      },
    }),
  );

  useEffect(() => {
    if (!map) return;
    const created = (event: { layer: L.Layer }) => {
      drawn.current?.remove();
      drawn.current = event.layer as Area;
      setMessage("Drawn. Save the area to keep it.");
    };
    map.on("pm:create", created);
    return () => {
      map.off("pm:create", created);
    };
  }, [map]);

  const hotspot = hotspots.find((h) => h.id === hotspotId);
  const draw = (shape: "Polygon" | "Circle") => {
    setMessage(
      shape === "Polygon"
        ? "Click each corner on the map, then the first again."
        : "Click the centre, then the edge.",
    );
    map?.pm.enableDraw(shape);
  };
  const editCurrent = () => {
    const area = areas.get(hotspotId);
    if (!area) return;
    area.pm.enable();
    drawn.current = area;
    setMessage("Drag the corners (or the circle's edge), then save the area.");
  };
  const submit = () => {
    const area = drawn.current;
    if (!area || !hotspot) return setMessage("Draw or edit an area first.");
    area.pm?.disable();
    if (area instanceof L.Circle) {
      const { lat, lng } = area.getLatLng();
      save.mutate({ id: hotspot.id, lat, lng, radiusM: Math.round(area.getRadius()), polygon: null });
    } else {
      const corners = (area.getLatLngs()[0] as L.LatLng[]).map((p) => [p.lng, p.lat] as [number, number]);
      const centre = area.getBounds().getCenter();
      save.mutate({ id: hotspot.id, lat: centre.lat, lng: centre.lng, polygon: [...corners, corners[0]!] });
    }
  };

  return (
    <section className="card map-editor" aria-label="Draw a hotspot's area">
      <h2>Draw a hotspot's area</h2>
      <Field id="map-editor-hotspot" label="Hotspot">
        <select id="map-editor-hotspot" value={hotspotId} onChange={(e) => setHotspotId(e.target.value)}>
          {hotspots.map((h) => (
            <option key={h.id} value={h.id}>
              {h.name}
            </option>
          ))}
        </select>
      </Field>
      <div className="actions">
        <button type="button" className="button button-secondary" onClick={() => draw("Polygon")}>
          Draw a polygon
        </button>
        <button type="button" className="button button-secondary" onClick={() => draw("Circle")}>
          Draw a circle
        </button>
        <button type="button" className="button button-quiet" onClick={editCurrent}>
          Edit the current area
        </button>
        <button type="button" className="button button-primary" disabled={save.isPending} onClick={submit}>
          Save area
        </button>
      </div>
      {message && (
        <p className="hint" role="status">
          {message}
        </p>
      )}
      {save.error && <ErrorNotice {...describeError(save.error)} />}
    </section>
  );
}
