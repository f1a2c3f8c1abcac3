import {
  mayRunReport,
  type ReportInputs,
  type ReportKind,
  type ReportsByKind,
  reportDefinitions,
} from "@pathways/validators";
import { validated } from "../acting.ts";
import type { VerbArgs } from "../context.ts";
import { Forbidden } from "../errors.ts";
import { requireRole } from "../rights.ts";
import { type ReportScope, reportScope } from "./common.ts";
import { funnelReportFor } from "./funnel.ts";
import { hotspotActivityReportFor } from "./hotspot-activity.ts";
import { outcomesReportFor } from "./outcomes.ts";
import { ratesReportFor } from "./rates.ts";
import { inRollupTurn } from "./rollup-turns.ts";
import { safeguardingReportFor } from "./safeguarding.ts";
import { taskforceReportFor } from "./taskforce.ts";
import { waitingTimesReportFor } from "./waiting-times.ts";

/** A report's figures for a reader whose scope (and so disclosure control) runReport has worked out. */
type Computation<K extends ReportKind> = (
  scope: ReportScope,
  args: VerbArgs<ReportInputs[K]>,
) => Promise<ReportsByKind[K]>;

/**
 * The report registry's core half: each report's computation, by its name in validators'
 * reportDefinitions (its input, readers and tables). The type asks for exactly one computation per
 * definition. Not exported from core: a report leaves core only through runReport.
 */
export const reportComputations: { [K in ReportKind]: Computation<K> } = {
  funnel: funnelReportFor,
  outcomes: outcomesReportFor,
  waiting: waitingTimesReportFor,
  hotspots: hotspotActivityReportFor,
  safeguarding: safeguardingReportFor,
  rates: ratesReportFor,
  taskforce: taskforceReportFor,
};

/**
 * Runs a report for the actor in `ctx`: only its readers may, its input is checked against its
 * schema, and the scope comes from reportScope, which puts every commissioner figure under disclosure
 * control (docs/DISCLOSURE.md). The API, `pathways report` and the tests of the protection call this.
 */
export async function runReport<K extends ReportKind>(
  kind: K,
  { ctx, input }: VerbArgs<unknown>,
): Promise<ReportsByKind[K]> {
  const { readers, input: schema } = reportDefinitions[kind];
  const reader = requireRole(ctx.actor, readers);
  if (!mayRunReport(kind, reader.role, reader.organisationKind)) {
    throw new Forbidden(
      `Only ${reportDefinitions[kind].readerOrganisations?.join(" or ")} staff may run this report.`,
    );
  }
  const checked = validated(schema, input) as ReportInputs[K];
  const compute: Computation<K> = reportComputations[kind];
  // One turn for all its statements: no fold lands between them (rollup-turns.ts).
  return inRollupTurn(ctx.db, () => compute(reportScope(ctx, readers, checked), { ctx, input: checked }));
}
