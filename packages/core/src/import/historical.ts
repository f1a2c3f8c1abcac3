import type { ImportFile, ImportInput, ImportProblem } from "@pathways/validators";
import { importFiles } from "@pathways/validators";
import { audit } from "../audit.ts";
import type { Ctx } from "../context.ts";
import { requireRoleOrSystem, verbRoles } from "../rights.ts";
import { importCommunityReports } from "./community-reports.ts";
import { importContacts } from "./contacts.ts";
import { importEpisodes } from "./episodes.ts";
import { importIncidentRows } from "./incidents.ts";
import { importNeedleFinds } from "./needle-finds.ts";
import { importPeople } from "./people.ts";
import { importReferrals } from "./referrals.ts";
import { markRepresentations } from "./representations.ts";
import { type ImportProgress, ImportRejected, startImport } from "./run.ts";

export { type ImportProgress, ImportRejected } from "./run.ts";

export type ImportCounts = Record<ImportFile, number>;

/**
 * Loads historical records (people, contacts, referrals, episodes, needle finds, incidents, community reports) from CSV rows, in one
 * transaction. Every row is checked with the same zod schemas the app uses, and every reference
 * (hotspot, provider, service, worker, person, contact, referral) is resolved; one bad value anywhere
 * refuses the whole import with the file, line and column of each problem, and nothing is kept. Rows
 * are written with COPY as they pass, with an audit event per person-level record.
 */
export async function importHistoricalData({
  ctx,
  input,
  onProgress = () => {},
}: {
  ctx: Ctx;
  input: ImportInput;
  onProgress?: (progress: ImportProgress) => void;
}): Promise<ImportCounts> {
  requireRoleOrSystem(ctx.actor, verbRoles.administer);
  return ctx.db.transaction(async (tx) => {
    // One checker per file, in the order of importFiles: later files name rows of earlier ones.
    const run = await startImport(ctx, tx, input, onProgress);
    const people = await importPeople(run);
    const contacts = await importContacts(run, people.personId);
    const referrals = await importReferrals(run, people.personId, contacts.refs);
    const episodes = await importEpisodes(run, people.personId, contacts.rows, referrals.refs);
    const needleFinds = await importNeedleFinds(run);
    const incidents = await importIncidentRows(run);
    const communityReports = await importCommunityReports(run);

    const problems = run.problems.list;
    if (problems.length > 0) {
      const order = (p: ImportProblem) => importFiles.indexOf(p.file.replace(".csv", "") as ImportFile);
      throw new ImportRejected(problems.sort((a, b) => order(a) - order(b) || a.line - b.line));
    }
    await markRepresentations(
      tx,
      episodes.rows.map((e) => e.id),
      referrals.rows.map((r) => r.id),
    );
    const counts: ImportCounts = {
      people: people.rows.length,
      contacts: contacts.rows.length,
      referrals: referrals.rows.length,
      episodes: episodes.rows.length,
      needle_finds: needleFinds.rows.length,
      incidents: incidents.rows.length,
      community_reports: communityReports.rows.length,
    };
    // The import as an administrative act, besides the event per record it wrote: who loaded how much.
    const summary = importFiles.map((file) => `${file}:${counts[file]}`).join(",");
    await audit(tx, ctx, { action: "import", entity: "import", entityId: summary });
    return counts;
  });
}
