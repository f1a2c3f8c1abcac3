import { randomUUID } from "node:crypto";
import { copyFrom, needleFinds } from "@pathways/db";
import { NeedleFindInput } from "@pathways/validators";
import { cell, type ImportRun, placeColumns, refIndex } from "./run.ts";

type NeedleFindRow = typeof needleFinds.$inferInsert;

const needleFindColumns: (keyof NeedleFindRow)[] = [
  "clientKey",
  "foundAt",
  "hotspotId",
  "location",
  "lat",
  "lng",
  "count",
  "collectedByUserId",
  "organisationId",
];

/** needle_finds.csv: each find as logNeedleFind would check it, with its collector and place. */
export async function importNeedleFinds(run: ImportRun) {
  const { tx, problems, rowsOf, progress, writing, refuseImportedBefore, lookup } = run;
  const needleRows: NeedleFindRow[] = [];
  const findRefs = refIndex<true>(problems, "needle_finds");
  function* checkNeedleFinds() {
    for (const record of rowsOf("needle_finds")) {
      const before = problems.list.length;
      const ref = cell(record, "find_ref");
      findRefs.define(record, "find_ref", true);
      const collector = lookup.worker("needle_finds", record, "collected_by_email", true);
      const parsed = NeedleFindInput.safeParse({
        clientKey: ref ? `import-${ref}` : randomUUID(),
        foundAt: lookup.moment("needle_finds", record, "found_at") ?? cell(record, "found_at"),
        hotspotId: lookup.hotspot("needle_finds", record),
        location: cell(record, "location"),
        lat: lookup.number("needle_finds", record, "lat"),
        lng: lookup.number("needle_finds", record, "lng"),
        count: lookup.number("needle_finds", record, "count") ?? cell(record, "count"),
      });
      if (!parsed.success) {
        problems.addZod("needle_finds", record, parsed.error, {
          clientKey: "find_ref",
          foundAt: "found_at",
          ...placeColumns,
          count: "count",
        });
      }
      refuseImportedBefore("needle_finds", record, "find_ref");
      if (parsed.success && collector && problems.list.length === before) {
        const find = parsed.data;
        const row: NeedleFindRow = {
          clientKey: find.clientKey,
          foundAt: find.foundAt,
          hotspotId: find.hotspotId ?? null,
          location: find.location ?? null,
          lat: find.lat ?? null,
          lng: find.lng ?? null,
          count: find.count,
          collectedByUserId: collector.id,
          organisationId: collector.organisationId,
        };
        needleRows.push(row);
        if (writing()) yield row;
      }
    }
    progress("needle_finds", "checked", rowsOf("needle_finds").length);
  }
  await copyFrom(tx, needleFinds, needleFindColumns, checkNeedleFinds());
  if (writing() && needleRows.length > 0) progress("needle_finds", "written", needleRows.length);
  return { rows: needleRows };
}
