import {
  communityReports,
  contacts,
  type Executor,
  incidents,
  needleFinds,
  queryRows,
  type SQL,
  sql,
} from "@pathways/db";
import { serviceTimeZone } from "../calendar.ts";
import { type HotspotArea, placeOf } from "./containment.ts";

/** What hotspot evidence counts: incidents, contacts, needles found (not finds) and community reports. */
export const evidenceMeasures = ["incidents", "contacts", "needles", "reports"] as const;
export type EvidenceMeasure = (typeof evidenceMeasures)[number];

interface MeasureSource {
  table: SQL;
  at: SQL;
  weight: SQL;
}

const sources: Record<EvidenceMeasure, MeasureSource> = {
  incidents: { table: sql`${incidents}`, at: sql`${incidents.occurredAt}`, weight: sql`1` },
  contacts: { table: sql`${contacts}`, at: sql`${contacts.occurredAt}`, weight: sql`1` },
  needles: { table: sql`${needleFinds}`, at: sql`${needleFinds.foundAt}`, weight: sql`${needleFinds.count}` },
  reports: { table: sql`${communityReports}`, at: sql`${communityReports.submittedAt}`, weight: sql`1` },
};

const zone = sql.raw(`'${serviceTimeZone}'`);

/** `at` falls on a calendar day of [from, to] in the service's time zone (index-friendly bounds). */
export function inPeriodSql(at: SQL, period: { from: string; to: string }): SQL {
  return sql`${at} >= (${period.from}::date::timestamp at time zone ${zone})
    and ${at} < ((${period.to}::date + 1)::timestamp at time zone ${zone})`;
}

/** One day's (or month's) count of a measure at a place: a hotspot's id, or null for elsewhere. */
export interface PlacedCount {
  place: string | null;
  /** YYYY-MM-DD (by day) or YYYY-MM (by month), in the service's time zone. */
  bucket: string;
  count: number;
}

/**
 * A measure's counts over the calendar days [from, to] (service time zone), per bucket and place.
 * Records with a chosen hotspot are grouped in SQL; points without one are grouped by point and
 * placed by the containment rule, so a hotspot drawn today also gathers what happened there before.
 */
export async function placedCounts(
  tx: Executor,
  measure: EvidenceMeasure,
  period: { from: string; to: string },
  areas: readonly HotspotArea[],
  by: "day" | "month",
): Promise<PlacedCount[]> {
  const { table, at, weight } = sources[measure];
  const format = sql.raw(by === "day" ? `'YYYY-MM-DD'` : `'YYYY-MM'`);
  const rows = await queryRows<{
    hotspot_id: string | null;
    lat: number | null;
    lng: number | null;
    bucket: string;
    count: number;
  }>(
    tx,
    sql`select hotspot_id, case when hotspot_id is null then lat end as lat,
          case when hotspot_id is null then lng end as lng,
          to_char(${at} at time zone ${zone}, ${format}) as bucket, sum(${weight})::int as count
        from ${table}
        where ${inPeriodSql(at, period)}
        group by 1, 2, 3, 4`,
  );
  const totals = new Map<string, PlacedCount>();
  for (const row of rows) {
    const place = placeOf(
      {
        hotspotId: row.hotspot_id,
        lat: row.lat === null ? null : Number(row.lat),
        lng: row.lng === null ? null : Number(row.lng),
      },
      areas,
    );
    const key = `${place}/${row.bucket}`;
    const total = totals.get(key) ?? { place, bucket: row.bucket, count: 0 };
    total.count += Number(row.count);
    totals.set(key, total);
  }
  return [...totals.values()];
}
