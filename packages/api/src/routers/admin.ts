import {
  createOrganisation,
  createUser,
  listOrganisations,
  listUsers,
  resetPassword,
  searchAuditLog,
  setUserDisabled,
} from "@pathways/core";
import {
  AuditSearchInput,
  OrganisationInput,
  ResetPasswordInput,
  UserInput,
  UserStatusInput,
} from "@pathways/validators";
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
  setUserDisabled: procedureFor("admin")
    .input(UserStatusInput)
    .mutation(({ ctx, input }) => setUserDisabled({ ctx, input })),
  resetPassword: procedureFor("admin")
    .input(ResetPasswordInput)
    .mutation(({ ctx, input }) => resetPassword({ ctx, input })),
  auditLog: procedureFor("admin")
    .input(AuditSearchInput)
    .query(({ ctx, input }) => searchAuditLog({ ctx, input })),
});
