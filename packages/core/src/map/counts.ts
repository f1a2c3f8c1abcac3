import { incidents, queryRows, type SQL, sql, taskforceActivity } from "@pathways/db";
import type { MapAreaCounts, MapInput, MapLayerName } from "@pathways/validators";
import { localDaySql } from "../calendar.ts";
import type { Ctx } from "../context.ts";
import { onDays, reportScope } from "../reports/common.ts";
import { monthProfile } from "../reports/disclosure.ts";
import { runReport } from "../reports/registry.ts";

/**
 * A commissioner's map: counts per hotspot and "elsewhere", never a point. Contacts, community
 * reports and needles are the hotspot activity report's own protected cells (runReport), so the map
 * and the report can never be set against each other; taskforce activity is counted here under the
 * same disclosure control (reportScope), each cell described by what, where and its months, and so
 * are incidents.
 */
export async function protectedAreaCounts(ctx: Ctx, period: MapInput): Promise<MapAreaCounts[]> {
  const report = await runReport("hotspots", { ctx, input: { from: period.from, to: period.to } });
  const scope = reportScope(ctx, ["commissioner"], period);
  const rows = new Map<string, MapAreaCounts>();
  const rowFor = (hotspot: { id: string; name: string } | null) => {
    const key = hotspot?.id ?? "";
    const row = rows.get(key) ?? { hotspot, figures: {} };
    rows.set(key, row);
    return row;
  };
  for (const place of report.byHotspot) {
    rowFor(place.hotspot).figures = {
      contacts: place.contacts.current,
      needleFinds: place.needlesFound.current,
      communityReports: place.communityReports.current,
    };
  }

  const upTo = period.to < scope.today ? period.to : scope.today;
  for (const [layer, table, what] of [
    ["taskforceActivity", taskforceActivity, "taskforce_activity"],
    ["incidents", incidents, "incidents"],
  ] as const) {
    for (const place of await monthsByPlace(ctx, sql`${table}`, { from: period.from, to: upTo })) {
      const value = place.months.reduce((sum, [, n]) => sum + n, 0);
      const cell = scope.disclosure.count(
        value,
        `${what}|${place.hotspot?.id ?? "elsewhere"}|${monthProfile(place.months)}`,
      );
      rowFor(place.hotspot).figures[layer] = scope.disclosure.figure(cell);
    }
  }
  for (const row of rows.values()) {
    for (const layer of commissionerLayers) row.figures[layer] ??= 0;
  }
  return [...rows.values()];
}

interface PlaceMonths {
  hotspot: { id: string; name: string } | null;
  /** [YYYY-MM, records] */
  months: [string, number][];
}

/** A table's records in the period (London days) per hotspot (null: elsewhere) and month. */
async function monthsByPlace(
  ctx: Ctx,
  table: SQL,
  period: { from: string; to: string },
): Promise<PlaceMonths[]> {
  const rows = await queryRows<{ hotspot_id: string | null; name: string | null; month: string; n: number }>(
    ctx.db,
    sql`
      select t.hotspot_id::text as hotspot_id, h.name,
        to_char(${localDaySql(sql`t.occurred_at`)}, 'YYYY-MM') as month, count(*)::int as n
      from ${table} t left join hotspots h on h.id = t.hotspot_id
      where ${onDays(sql`t.occurred_at`, period.from, period.to)}
      group by 1, 2, 3
    `,
  );
  const byPlace = new Map<string, PlaceMonths>();
  for (const row of rows) {
    const key = row.hotspot_id ?? "";
    const place = byPlace.get(key) ?? {
      hotspot: row.hotspot_id ? { id: row.hotspot_id, name: row.name! } : null,
      months: [],
    };
    place.months.push([row.month, Number(row.n)]);
    byPlace.set(key, place);
  }
  return [...byPlace.values()];
}

/** The layers a commissioner's counts cover. */
export const commissionerLayers: MapLayerName[] = [
  "contacts",
  "needleFinds",
  "communityReports",
  "taskforceActivity",
  "incidents",
];
