import {
  communityReports,
  contacts,
  type Executor,
  hotspots,
  incidents,
  needleFinds,
  queryRows,
  type SQL,
  type SQLWrapper,
  sql,
  taskforceActivity,
} from "@pathways/db";
import {
  type MapInput,
  type MapLayerName,
  type MapPoint,
  type MapPointLayer,
  mapPointLimit,
} from "@pathways/validators";
import type { UserActor } from "../context.ts";
import { Forbidden } from "../errors.ts";
import { visibleContacts } from "../record-access.ts";
import { onDays } from "../reports/common.ts";
import { verbRoles } from "../rights.ts";
import { taskforceReader } from "../taskforce/access.ts";

/** How one layer's records are read: their table's columns, and whose rows this reader may see. */
interface LayerSource {
  table: SQL;
  id: SQL;
  at: SQL;
  lat: SQL;
  lng: SQL;
  hotspotId: SQL;
  kind: SQL;
  weight: SQL;
  /** The reader's rows (undefined: every row), or null when the layer is not theirs at all. */
  visible: SQL | undefined | null;
}

/**
 * Which staff see which layer, by the rules that already govern each record (rights.ts,
 * record-access.ts): contacts by THE CONTACT RULE (a treatment manager: their own clients' only);
 * needle finds and community reports, place records with no person, by the roles that triage them;
 * taskforce activity by its reader rule (a taskforce's own, admins everyone's); incidents, which carry
 * no person, by the roles that read place evidence.
 */
function layerSources(actor: UserActor): Record<MapLayerName, LayerSource> {
  const may = (roles: readonly string[]) => roles.includes(actor.role);
  return {
    contacts: placed(contacts, {
      at: contacts.occurredAt,
      kind: sql`${contacts.contactType}::text`,
      visible: may(verbRoles.readPeople) ? (visibleContacts(actor, "read") ?? sql`true`) : null,
    }),
    needleFinds: placed(needleFinds, {
      at: needleFinds.foundAt,
      kind: sql`null::text`,
      weight: sql`${needleFinds.count}`,
      visible: may(verbRoles.triage) ? sql`true` : null,
    }),
    communityReports: placed(communityReports, {
      at: communityReports.submittedAt,
      kind: sql`${communityReports.category}::text`,
      visible: may(verbRoles.triage) ? sql`true` : null,
    }),
    taskforceActivity: placed(taskforceActivity, {
      at: taskforceActivity.occurredAt,
      kind: sql`${taskforceActivity.kind}::text`,
      visible: taskforceRows(actor),
    }),
    incidents: placed(incidents, {
      at: incidents.occurredAt,
      kind: sql`${incidents.category}::text`,
      visible: may(verbRoles.placeEvidence) ? sql`true` : null,
    }),
  };
}

/** Every layer's table has an id, a point and a hotspot under the same names. */
type PlacedTable =
  | typeof contacts
  | typeof needleFinds
  | typeof communityReports
  | typeof taskforceActivity
  | typeof incidents;

function placed(
  table: PlacedTable,
  layer: { at: SQLWrapper; kind: SQL; weight?: SQL; visible: LayerSource["visible"] },
): LayerSource {
  return {
    table: sql`${table}`,
    id: sql`${table.id}`,
    at: sql`${layer.at}`,
    lat: sql`${table.lat}`,
    lng: sql`${table.lng}`,
    hotspotId: sql`${table.hotspotId}`,
    kind: layer.kind,
    weight: layer.weight ?? sql`1`,
    visible: layer.visible,
  };
}

/** A taskforce's own activity, admins' everyone's; null for anyone else (a council's outreach worker). */
function taskforceRows(actor: UserActor): SQL | undefined | null {
  try {
    const { organisationId } = taskforceReader(actor);
    return organisationId ? sql`${taskforceActivity.organisationId} = ${organisationId}` : sql`true`;
  } catch (error) {
    if (error instanceof Forbidden) return null;
    throw error;
  }
}

/** The layers this staff member may see, each with its latest points and counts per hotspot. */
export async function pointLayers(
  tx: Executor,
  actor: UserActor,
  period: MapInput,
): Promise<{ layers: Partial<Record<MapLayerName, PointLayerWithCounts>> }> {
  const layers: Partial<Record<MapLayerName, PointLayerWithCounts>> = {};
  for (const [name, source] of Object.entries(layerSources(actor)) as [MapLayerName, LayerSource][]) {
    if (source.visible === null) continue;
    layers[name] = await readLayer(tx, source, period);
  }
  return { layers };
}

export interface PointLayerWithCounts extends MapPointLayer {
  /** Exact counts (needles: how many needles) per hotspot id, "" for records outside every hotspot. */
  counts: Map<string, number>;
}

async function readLayer(tx: Executor, source: LayerSource, period: MapInput): Promise<PointLayerWithCounts> {
  const where = sql`${onDays(source.at, period.from, period.to)} and ${source.visible ?? sql`true`}`;
  const rows = await queryRows<{
    id: string;
    at: string | Date;
    lat: number | null;
    lng: number | null;
    hotspot_id: string | null;
    kind: string | null;
    weight: number;
  }>(
    tx,
    sql`
    select ${source.id}::text as id, ${source.at} as at,
      coalesce(${source.lat}, ${hotspots.lat}) as lat, coalesce(${source.lng}, ${hotspots.lng}) as lng,
      ${source.hotspotId}::text as hotspot_id, ${source.kind} as kind, ${source.weight}::int as weight
    from ${source.table} left join ${hotspots} on ${hotspots.id} = ${source.hotspotId}
    where ${where}
    order by ${source.at} desc, ${source.id} desc
    limit ${mapPointLimit + 1}
  `,
  );
  const totals = await queryRows<{ hotspot_id: string | null; n: number; unplaced: number }>(
    tx,
    sql`
    select ${source.hotspotId}::text as hotspot_id, sum(${source.weight})::int as n,
      count(*) filter (where ${source.hotspotId} is null and ${source.lat} is null)::int as unplaced
    from ${source.table}
    where ${where}
    group by 1
  `,
  );
  const counts = new Map<string, number>();
  let unplaced = 0;
  for (const row of totals) {
    counts.set(row.hotspot_id ?? "", Number(row.n));
    unplaced += Number(row.unplaced);
  }
  return {
    points: rows
      .slice(0, mapPointLimit)
      .filter((row) => row.lat !== null && row.lng !== null)
      .map(
        (row): MapPoint => ({
          id: row.id,
          at: new Date(row.at),
          lat: Number(row.lat),
          lng: Number(row.lng),
          hotspotId: row.hotspot_id,
          kind: row.kind as MapPoint["kind"],
          weight: Number(row.weight),
        }),
      ),
    truncated: rows.length > mapPointLimit,
    unplaced,
    counts,
  };
}
