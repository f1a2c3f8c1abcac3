import { listMyNeedleFinds, logNeedleFind, verbRoles } from "@pathways/core";
import { NeedleFindInput, PageInput } from "@pathways/validators";
import { procedureFor, router } from "../trpc.ts";

export const needleFindsRouter = router({
  /** Idempotent on `clientKey`, like contacts. */
  log: procedureFor(verbRoles.logOutreach)
    .input(NeedleFindInput)
    .mutation(({ ctx, input }) => logNeedleFind({ ctx, input })),
  mine: procedureFor(verbRoles.logOutreach)
    .input(PageInput)
    .query(({ ctx, input }) => listMyNeedleFinds({ ctx, input })),
});
