import { fieldErrors, MapInput, type MapLayerName, mapLayerLabels } from "@pathways/validators";
import { serviceToday } from "@pathways/validators/calendar";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type * as L from "leaflet";
import { useCallback, useEffect, useState } from "react";
import { EmptyState, ErrorNotice, Loading, PageHeader } from "../../components/ui.tsx";
import { addMonths, monthOf, periodOfMonths, type ReportPeriod } from "../../lib/month-range.ts";
import type { SignedInUser } from "../../lib/session.ts";
import { describeError, useTRPC } from "../../lib/trpc.ts";
import { MonthRangePicker } from "../reports/MonthRangePicker.tsx";
import { AreaEditor } from "./AreaEditor.tsx";
import { loadGeoman } from "./geoman-setup.ts";
import { LeafletMap, type MapView, type PointStyle } from "./LeafletMap.tsx";
import "../../styles/map.css";

const pointStyles: { style: PointStyle; label: string }[] = [
  { style: "clusters", label: "Clusters (counts you can zoom into)" },
  { style: "heat", label: "Heat (where records concentrate)" },
];

/** The last twelve months, this one included: staff look for what happened lately. */
function lastTwelveMonths(today: string): ReportPeriod {
  const month = monthOf(today);
  return periodOfMonths(addMonths(month, -11), month);
}

export function MapPage({ user }: { user: SignedInUser }) {
  const trpc = useTRPC();
  const today = serviceToday();
  const [period, setPeriod] = useState<ReportPeriod>(() => lastTwelveMonths(today));
  const [hidden, setHidden] = useState<MapLayerName[]>([]);
  const [pointStyle, setPointStyle] = useState<PointStyle>("clusters");
  const checked = MapInput.safeParse(period);
  const errors = checked.success ? {} : fieldErrors(checked.error);
  const tiles = useQuery(trpc.map.tiles.queryOptions());
  const view = useQuery({
    ...trpc.map.layers.queryOptions(period),
    enabled: checked.success,
    placeholderData: keepPreviousData,
  });
  const commissioner = user.role === "commissioner";
  // Geoman extends Leaflet's classes when it loads: before the map is made, so the map and its areas
  // can be drawn on (admins only).
  const [drawingTools, setDrawingTools] = useState(user.role !== "admin");
  useEffect(() => {
    if (!drawingTools) void loadGeoman().then(() => setDrawingTools(true));
  }, [drawingTools]);

  return (
    <section className="map-page">
      <PageHeader title="Map">
        <p className="lede">
          {commissioner
            ? "Hotspot areas with counts per area, under the same disclosure control as every report: never a single record."
            : "Hotspot areas and what happened in and around them over the chosen months."}
        </p>
      </PageHeader>
      <form
        className="card map-filters"
        aria-label="Map period and layers"
        onSubmit={(e) => e.preventDefault()}
      >
        <div className="form-row">
          <MonthRangePicker period={period} today={today} errors={errors} onChange={setPeriod} />
        </div>
        {view.data && view.data.layers.length > 0 && (
          <fieldset className="choices map-layers">
            <legend>Layers</legend>
            {view.data.layers.map((layer) => (
              <label key={layer} className="checkbox">
                <input
                  type="checkbox"
                  checked={!hidden.includes(layer)}
                  onChange={(e) =>
                    setHidden(e.target.checked ? hidden.filter((l) => l !== layer) : [...hidden, layer])
                  }
                />
                <span className="map-swatch" data-layer={layer} aria-hidden="true" />
                {mapLayerLabels[layer]}
              </label>
            ))}
          </fieldset>
        )}
        {/* Only roles that see points choose how they are drawn; a commissioner's areas carry counts. */}
        {view.data?.points && (
          <fieldset className="choices map-point-style">
            <legend>Show the points as</legend>
            {pointStyles.map(({ style, label }) => (
              <label key={style} className="checkbox">
                <input
                  type="radio"
                  name="map-point-style"
                  value={style}
                  checked={pointStyle === style}
                  onChange={() => setPointStyle(style)}
                />
                {label}
              </label>
            ))}
          </fieldset>
        )}
      </form>
      {!checked.success ? (
        <ErrorNotice message="Check the period above: the map shows whole months, From before To." />
      ) : view.isPending || !drawingTools ? (
        <Loading label="Loading the map…" />
      ) : view.isError ? (
        <ErrorNotice {...describeError(view.error)} onRetry={() => view.refetch()} />
      ) : (
        <MapBody
          view={view.data}
          tiles={tiles.data ?? null}
          shown={view.data.layers.filter((layer) => !hidden.includes(layer))}
          pointStyle={pointStyle}
          refreshing={view.isFetching}
          isAdmin={user.role === "admin"}
        />
      )}
    </section>
  );
}

function MapBody({
  view,
  tiles,
  shown,
  pointStyle,
  refreshing,
  isAdmin,
}: {
  view: MapView;
  tiles: { urlTemplate: string; attribution: string } | null;
  shown: MapLayerName[];
  pointStyle: PointStyle;
  refreshing: boolean;
  isAdmin: boolean;
}) {
  const [drawing, setDrawing] = useState<{ map: L.Map; areas: Map<string, L.Polygon | L.Circle> } | null>(
    null,
  );
  const onMap = useCallback(
    (map: L.Map, areas: Map<string, L.Polygon | L.Circle>) => setDrawing({ map, areas }),
    [],
  );
  if (view.hotspots.length === 0 && view.counts.length === 0) {
    return (
      <EmptyState title="Nothing to map yet">
        <p>There are no hotspots, and nothing was recorded in these months.</p>
      </EmptyState>
    );
  }
  const truncated = view.points ? shown.filter((layer) => view.points?.[layer]?.truncated) : [];
  return (
    <>
      {refreshing && <Loading label="Updating the map…" />}
      {!tiles && <p className="hint">No map tiles are configured: the map is drawn on a plain background.</p>}
      {truncated.length > 0 && (
        <p className="hint">
          {truncated.map((layer) => mapLayerLabels[layer]).join(", ")}: only the latest records are drawn; the
          table counts them all.
        </p>
      )}
      <LeafletMap
        view={view}
        tiles={tiles}
        shown={shown}
        pointStyle={pointStyle}
        onMap={isAdmin ? onMap : undefined}
      />
      {isAdmin && view.hotspots.length > 0 && (
        <AreaEditor hotspots={view.hotspots} map={drawing?.map ?? null} areas={drawing?.areas ?? new Map()} />
      )}
      <CountsTable view={view} shown={shown} />
    </>
  );
}

/** The map's figures as a table: the way to read them by keyboard or screen reader, and on paper. */
function CountsTable({ view, shown }: { view: MapView; shown: MapLayerName[] }) {
  const rows = [
    ...view.hotspots
      .filter((hotspot) => hotspot.active || view.counts.some((row) => row.hotspot?.id === hotspot.id))
      .map((hotspot) => ({
        key: hotspot.id,
        name: hotspot.active ? hotspot.name : `${hotspot.name} (retired)`,
        figures: view.counts.find((row) => row.hotspot?.id === hotspot.id)?.figures ?? {},
      })),
    ...view.counts
      .filter((row) => row.hotspot === null)
      .map((row) => ({ key: "elsewhere", name: "Elsewhere", figures: row.figures })),
  ];
  const unplaced = view.points ? shown.filter((layer) => (view.points?.[layer]?.unplaced ?? 0) > 0) : [];
  return (
    <>
      {/* Focusable: on a phone the table scrolls sideways inside its own box, by keyboard too. */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
      <section className="table-wrap" tabIndex={0} aria-label="Counts per area">
        <table className="map-counts">
          <caption>
            {view.disclosureControl
              ? "Counts per area (protected: no count from 1 to 4 is shown)"
              : "Counts per area"}
            , {view.from} to {view.to}
          </caption>
          <thead>
            <tr>
              <th scope="col">Area</th>
              {shown.map((layer) => (
                <th key={layer} scope="col" className="numeric">
                  <span className="map-swatch" data-layer={layer} aria-hidden="true" />
                  {mapLayerLabels[layer]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key}>
                <th scope="row">{row.name}</th>
                {shown.map((layer) => (
                  <td key={layer} className="numeric">
                    {(row.figures[layer] ?? 0).toLocaleString("en-GB")}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {unplaced.length > 0 && (
        <p className="hint">
          Not drawn (placed by a description only, counted under Elsewhere):{" "}
          {unplaced.map((layer) => `${mapLayerLabels[layer]} ${view.points?.[layer]?.unplaced}`).join(", ")}.
        </p>
      )}
    </>
  );
}
