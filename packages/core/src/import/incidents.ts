import { copyFrom, type Executor, incidents, sql } from "@pathways/db";
import { type ImportRecord, IncidentInput } from "@pathways/validators";
import { z } from "zod";
import { activeHotspotAreas, hotspotHolding } from "../places/containment.ts";
import { cell, type ImportRun, key } from "./run.ts";

type IncidentRow = typeof incidents.$inferInsert;

const incidentColumns: (keyof IncidentRow)[] = [
  "occurredAt",
  "category",
  "source",
  "sourceReference",
  "lat",
  "lng",
  "areaName",
  "hotspotId",
  "importedByUserId",
];

const columnOf: Record<string, string> = {
  source: "source",
  sourceReference: "source_reference",
  occurredAt: "occurred_at",
  category: "category",
  lat: "lat",
  lng: "lng",
  areaName: "area",
};

const refKey = (source: string, reference: string) => `${source}/${reference}`;

/** The (source, source_reference) pairs among the records that an earlier import wrote already. */
async function importedBefore(tx: Executor, records: ImportRecord[]): Promise<Set<string>> {
  const pairs = records
    .map((record) => [cell(record, "source"), cell(record, "source_reference")])
    .filter((pair): pair is [string, string] => pair[0] !== undefined && pair[1] !== undefined)
    .map(([source, reference]) => refKey(source, reference));
  if (pairs.length === 0) return new Set();
  // One statement with one JSON parameter, however long the file (as run.ts's importedRefs).
  const found = await tx
    .select({ source: incidents.source, reference: incidents.sourceReference })
    .from(incidents)
    .where(
      sql`${incidents.source}::text || '/' || ${incidents.sourceReference} in (select json_array_elements_text(${JSON.stringify(pairs)}::json))`,
    );
  return new Set(found.map((row) => refKey(row.source, row.reference)));
}

/**
 * incidents.csv: each incident checked with IncidentInput and placed by the containment rule (its
 * point in today's hotspot areas; an area alone in the hotspot of that name, if any). An incident
 * whose source reference was imported before is skipped, so importing a file again adds nothing.
 */
export async function importIncidentRows(run: ImportRun) {
  const { ctx, tx, problems, refs, rowsOf, progress, writing, lookup } = run;
  const records = rowsOf("incidents");
  const areas = await activeHotspotAreas(tx);
  const before = await importedBefore(tx, records);
  const lines = new Map<string, number>();
  const rows: IncidentRow[] = [];
  let alreadyImported = 0;
  function* checkIncidents() {
    for (const record of records) {
      const problemsBefore = problems.list.length;
      const occurredAt = lookup.moment("incidents", record, "occurred_at");
      const parsed = IncidentInput.safeParse({
        source: cell(record, "source"),
        sourceReference: cell(record, "source_reference"),
        occurredAt,
        category: cell(record, "category"),
        lat: lookup.number("incidents", record, "lat"),
        lng: lookup.number("incidents", record, "lng"),
        areaName: cell(record, "area"),
      });
      if (!parsed.success) {
        // A column lookup already named (a bad time or number) is not reported twice.
        const named = new Set(problems.list.slice(problemsBefore).map((p) => p.column));
        const issues = parsed.error.issues.filter((i) => !named.has(columnOf[String(i.path[0])] ?? null));
        problems.addZod("incidents", record, new z.ZodError(issues), columnOf);
        continue;
      }
      const incident = parsed.data;
      const pair = refKey(incident.source, incident.sourceReference);
      const earlier = lines.get(pair);
      if (earlier !== undefined) {
        problems.add(
          "incidents",
          record.line,
          "source_reference",
          `${incident.source} reference ${incident.sourceReference} is already used on line ${earlier}`,
        );
        continue;
      }
      lines.set(pair, record.line);
      if (problems.list.length > problemsBefore) continue;
      if (before.has(pair)) {
        alreadyImported++;
        continue;
      }
      const point =
        incident.lat !== undefined && incident.lng !== undefined
          ? { lat: incident.lat, lng: incident.lng }
          : null;
      const hotspotId = point
        ? (hotspotHolding(point, areas)?.id ?? null)
        : (refs.hotspots.get(key(incident.areaName!)) ?? null);
      const row: IncidentRow = {
        occurredAt: incident.occurredAt,
        category: incident.category,
        source: incident.source,
        sourceReference: incident.sourceReference,
        lat: incident.lat ?? null,
        lng: incident.lng ?? null,
        areaName: incident.areaName ?? null,
        hotspotId,
        importedByUserId: ctx.actor.kind === "user" ? ctx.actor.userId : null,
      };
      rows.push(row);
      if (writing()) yield row;
    }
    progress("incidents", "checked", records.length);
  }
  await copyFrom(tx, incidents, incidentColumns, checkIncidents());
  if (writing() && rows.length > 0) progress("incidents", "written", rows.length);
  return { rows, alreadyImported };
}
