import {
  createReferral,
  getReferral,
  listMyReferrals,
  listReferralServices,
  moveReferral,
  myReferralsVersion,
  referralDraft,
  sharesWithoutConsent,
  verbRoles,
} from "@pathways/core";
import {
  MoveReferralInput,
  MyReferralsInput,
  ReferralDraftInput,
  ReferralIdInput,
  ReferralInput,
  SharesWithoutConsentInput,
} from "@pathways/validators";
import { procedureFor, router } from "../trpc.ts";

/** Referrals are made by outreach workers and treatment managers; core decides what each may see. */
export const referralsRouter = router({
  services: procedureFor(verbRoles.refer).query(({ ctx }) => listReferralServices({ ctx, input: undefined })),
  draft: procedureFor(verbRoles.refer)
    .input(ReferralDraftInput)
    .query(({ ctx, input }) => referralDraft({ ctx, input })),
  create: procedureFor(verbRoles.refer)
    .input(ReferralInput)
    .mutation(({ ctx, input }) => createReferral({ ctx, input })),
  move: procedureFor(verbRoles.refer)
    .input(MoveReferralInput)
    .mutation(({ ctx, input }) => moveReferral({ ctx, input })),
  get: procedureFor(verbRoles.refer)
    .input(ReferralIdInput)
    .query(({ ctx, input }) => getReferral({ ctx, input })),
  mine: procedureFor(verbRoles.refer)
    .input(MyReferralsInput)
    .query(({ ctx, input }) => listMyReferrals({ ctx, input })),
  mineVersion: procedureFor(verbRoles.refer).query(({ ctx }) =>
    myReferralsVersion({ ctx, input: undefined }),
  ),
  /** Shares made without consent on a lawful basis, for the Caldicott guardian (admins). */
  sharesWithoutConsent: procedureFor(verbRoles.administer)
    .input(SharesWithoutConsentInput)
    .query(({ ctx, input }) => sharesWithoutConsent({ ctx, input })),
});
