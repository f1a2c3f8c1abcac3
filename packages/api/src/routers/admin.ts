import { createOrganisation, createUser, listOrganisations, listUsers } from "@pathways/core";
import { OrganisationInput, UserInput } from "@pathways/validators";
import { procedureFor, router } from "../trpc.ts";

export const adminRouter = router({
  organisations: procedureFor("admin").query(({ ctx }) => listOrganisations({ ctx, input: undefined })),
  createOrganisation: procedureFor("admin")
    .input(OrganisationInput)
    .mutation(({ ctx, input }) => createOrganisation({ ctx, input })),
  users: procedureFor("admin").query(({ ctx }) => listUsers({ ctx, input: undefined })),
  createUser: procedureFor("admin")
    .input(UserInput)
    .mutation(({ ctx, input }) => createUser({ ctx, input })),
});
