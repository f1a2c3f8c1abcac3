import { globalSearch, verbRoles } from "@pathways/core";
import { GlobalSearchInput } from "@pathways/validators";
import { procedureFor, router } from "../trpc.ts";

/** Staff's one search box: people, referrals by R-number, community reports by CR-number. */
export const searchRouter = router({
  global: procedureFor(verbRoles.readPeople)
    .input(GlobalSearchInput)
    .query(({ ctx, input }) => globalSearch({ ctx, input })),
});
