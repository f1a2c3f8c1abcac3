import { runReport } from "@pathways/core";
import { type ReportKind, reportDefinitions, reportKinds } from "@pathways/validators";
import { procedureFor, router } from "../trpc.ts";

/** A report's procedure, read from its registry entry: its readers, its input, core's runReport. */
function reportProcedure<K extends ReportKind>(kind: K) {
  const { readers, input } = reportDefinitions[kind];
  return procedureFor(readers)
    .input(input as (typeof reportDefinitions)[K]["input"])
    .query(({ ctx, input }) => runReport(kind, { ctx, input }));
}

type ReportProcedures = { [K in ReportKind]: ReturnType<typeof reportProcedure<K>> };

/**
 * Aggregate reports, one procedure per entry of the report registry, under the report's own name.
 * Commissioners get every provider's figures with disclosure control applied in core, before anything
 * leaves the API; a treatment manager gets their own provider's outcomes and waiting times as they are.
 */
export const reportsRouter = router(
  Object.fromEntries(reportKinds.map((kind) => [kind, reportProcedure(kind)])) as ReportProcedures,
);
