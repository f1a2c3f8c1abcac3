import type { ImportFileContent } from "@pathways/validators";
import { audit } from "../audit.ts";
import type { VerbArgs } from "../context.ts";
import { importIncidentRows } from "../import/incidents.ts";
import { ImportRejected, startImport } from "../import/run.ts";
import { requireRoleOrSystem, verbRoles } from "../rights.ts";

export interface IncidentImportResult {
  /** Incidents written by this import. */
  imported: number;
  /** Rows whose source reference an earlier import wrote: skipped, so a re-import adds nothing. */
  alreadyImported: number;
}

/**
 * Imports one incidents.csv (ambulance call-outs, police-recorded incidents) with the machinery of
 * `pathways import`: every row checked, all or nothing, each problem with its line and column.
 */
export async function importIncidents({
  ctx,
  input,
}: VerbArgs<ImportFileContent>): Promise<IncidentImportResult> {
  requireRoleOrSystem(ctx.actor, verbRoles.placeEvidence);
  return ctx.db.transaction(async (tx) => {
    const run = await startImport(ctx, tx, { incidents: input }, () => {});
    const { rows, alreadyImported } = await importIncidentRows(run);
    if (run.problems.list.length > 0) {
      throw new ImportRejected(run.problems.list.sort((a, b) => a.line - b.line));
    }
    await audit(tx, ctx, { action: "import", entity: "incident", entityId: `incidents:${rows.length}` });
    return { imported: rows.length, alreadyImported };
  });
}
