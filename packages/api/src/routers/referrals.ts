import {
  createReferral,
  getReferral,
  listMyReferrals,
  listReferralServices,
  moveReferral,
  myReferralsVersion,
  referralDraft,
} from "@pathways/core";
import {
  MoveReferralInput,
  MyReferralsInput,
  ReferralDraftInput,
  ReferralIdInput,
  ReferralInput,
} from "@pathways/validators";
import { procedureFor, router } from "../trpc.ts";

/** Referrals are made by outreach workers and treatment managers; core decides what each may see. */
const referrers = ["outreach_worker", "treatment_manager"] as const;

export const referralsRouter = router({
  services: procedureFor(...referrers).query(({ ctx }) => listReferralServices({ ctx, input: undefined })),
  draft: procedureFor(...referrers)
    .input(ReferralDraftInput)
    .query(({ ctx, input }) => referralDraft({ ctx, input })),
  create: procedureFor(...referrers)
    .input(ReferralInput)
    .mutation(({ ctx, input }) => createReferral({ ctx, input })),
  move: procedureFor(...referrers)
    .input(MoveReferralInput)
    .mutation(({ ctx, input }) => moveReferral({ ctx, input })),
  get: procedureFor(...referrers)
    .input(ReferralIdInput)
    .query(({ ctx, input }) => getReferral({ ctx, input })),
  mine: procedureFor(...referrers)
    .input(MyReferralsInput)
    .query(({ ctx, input }) => listMyReferrals({ ctx, input })),
  mineVersion: procedureFor(...referrers).query(({ ctx }) => myReferralsVersion({ ctx, input: undefined })),
});
