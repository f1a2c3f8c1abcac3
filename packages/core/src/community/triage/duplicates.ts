import { communityReports, eq } from "@pathways/db";
import type { CommunityReportDuplicateInput } from "@pathways/validators";
import type { VerbArgs } from "../../context.ts";
import { ValidationError } from "../../errors.ts";
import { requireRoleOrSystem, verbRoles } from "../../rights.ts";

import { assertTransition, lockReport, recordChange } from "./changes.ts";

const defaultDuplicateNote =
  "Someone else reported this too. The taskforce is dealing with it under that report. Thank you for telling us.";

/** Closes a report as a repeat of an earlier one, which carries on; duplicates never chain. */
export async function markCommunityReportDuplicate({ ctx, input }: VerbArgs<CommunityReportDuplicateInput>) {
  requireRoleOrSystem(ctx.actor, verbRoles.triage);
  return ctx.db.transaction(async (tx) => {
    const report = await lockReport(tx, input.id);
    const [original] = await tx
      .select({
        id: communityReports.id,
        reference: communityReports.reference,
        duplicateOfId: communityReports.duplicateOfId,
      })
      .from(communityReports)
      .where(eq(communityReports.reference, input.duplicateOfReference));
    if (!original) {
      throw ValidationError.field(
        "duplicateOfReference",
        `duplicate of: no community report ${input.duplicateOfReference} was found`,
      );
    }
    if (original.id === report.id) {
      throw ValidationError.field("duplicateOfReference", "duplicate of: a report cannot repeat itself");
    }
    if (original.duplicateOfId) {
      const [root] = await tx
        .select({ reference: communityReports.reference })
        .from(communityReports)
        .where(eq(communityReports.id, original.duplicateOfId));
      throw ValidationError.field(
        "duplicateOfReference",
        `duplicate of: ${original.reference} is itself a duplicate of ${root?.reference ?? "another report"}; use that reference instead`,
      );
    }
    assertTransition(report, "duplicate");
    return recordChange(tx, ctx, report, {
      to: "duplicate",
      duplicateOfId: original.id,
      publicNote: input.publicNote ?? defaultDuplicateNote,
      internalNote: input.internalNote ?? `Duplicate of ${original.reference}.`,
    });
  });
}
