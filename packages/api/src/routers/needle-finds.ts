import { listMyNeedleFinds, logNeedleFind } from "@pathways/core";
import { NeedleFindInput, PageInput } from "@pathways/validators";
import { procedureFor, router } from "../trpc.ts";

export const needleFindsRouter = router({
  /** Idempotent on `clientKey`, like contacts. */
  log: procedureFor("outreach_worker")
    .input(NeedleFindInput)
    .mutation(({ ctx, input }) => logNeedleFind({ ctx, input })),
  mine: procedureFor("outreach_worker")
    .input(PageInput)
    .query(({ ctx, input }) => listMyNeedleFinds({ ctx, input })),
});
