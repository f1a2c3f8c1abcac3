import {
  changeService,
  createOrganisation,
  createService,
  createUser,
  listOrganisations,
  listServices,
  listUsers,
  resetPassword,
  resetSecondFactor,
  searchAuditLog,
  setOrganisationSecondFactor,
  setUserDisabled,
  updateUser,
  verbRoles,
} from "@pathways/core";
import {
  AuditSearchInput,
  OrganisationInput,
  OrganisationSecondFactorInput,
  ResetPasswordInput,
  ServiceChangeInput,
  ServiceInput,
  UserIdInput,
  UserInput,
  UserStatusInput,
  UserUpdateInput,
} from "@pathways/validators";
import { procedureFor, router } from "../trpc.ts";

export const adminRouter = router({
  organisations: procedureFor(verbRoles.administer).query(({ ctx }) =>
    listOrganisations({ ctx, input: undefined }),
  ),
  createOrganisation: procedureFor(verbRoles.administer)
    .input(OrganisationInput)
    .mutation(({ ctx, input }) => createOrganisation({ ctx, input })),
  services: procedureFor(verbRoles.administer).query(({ ctx }) => listServices({ ctx, input: undefined })),
  createService: procedureFor(verbRoles.administer)
    .input(ServiceInput)
    .mutation(({ ctx, input }) => createService({ ctx, input })),
  changeService: procedureFor(verbRoles.administer)
    .input(ServiceChangeInput)
    .mutation(({ ctx, input }) => changeService({ ctx, input })),
  users: procedureFor(verbRoles.administer).query(({ ctx }) => listUsers({ ctx, input: undefined })),
  createUser: procedureFor(verbRoles.administer)
    .input(UserInput)
    .mutation(({ ctx, input }) => createUser({ ctx, input })),
  updateUser: procedureFor(verbRoles.administer)
    .input(UserUpdateInput)
    .mutation(({ ctx, input }) => updateUser({ ctx, input })),
  setUserDisabled: procedureFor(verbRoles.administer)
    .input(UserStatusInput)
    .mutation(({ ctx, input }) => setUserDisabled({ ctx, input })),
  resetPassword: procedureFor(verbRoles.administer)
    .input(ResetPasswordInput)
    .mutation(({ ctx, input }) => resetPassword({ ctx, input })),
  resetSecondFactor: procedureFor(verbRoles.administer)
    .input(UserIdInput)
    .mutation(({ ctx, input }) => resetSecondFactor({ ctx, input })),
  setOrganisationSecondFactor: procedureFor(verbRoles.administer)
    .input(OrganisationSecondFactorInput)
    .mutation(({ ctx, input }) => setOrganisationSecondFactor({ ctx, input })),
  auditLog: procedureFor(verbRoles.administer)
    .input(AuditSearchInput)
    .query(({ ctx, input }) => searchAuditLog({ ctx, input })),
});
