import { z } from "zod";
import { lawfulBases, referralFailureReasons, referralSources, referralStatuses } from "./codes.ts";
import { Id, PageInput, text } from "./common.ts";

/** An idempotency key made by the form that sends the referral; a resend returns the first referral. */
export const ReferralClientKey = z
  .string({ error: "client key must be text" })
  .regex(/^[A-Za-z0-9_-]{8,100}$/, {
    error: "client key must be 8 to 100 letters, digits, hyphens or underscores",
  });

/**
 * A safeguarding referral made without the person's consent to share: the lawful basis, why, and
 * whether the person was told (they are, unless telling them would increase the risk: then say why).
 */
export const LawfulBasisInput = z
  .object({
    basis: z.enum(lawfulBases, {
      error:
        "Lawful basis: choose child at risk of significant harm, adult at risk or prevention of serious crime",
    }),
    reason: text("Why sharing without consent is needed", 2000),
    personInformed: z.boolean({ error: "Say whether the person has been told" }),
    notInformedReason: text("Why the person has not been told", 1000).optional(),
  })
  .refine((input) => input.personInformed || input.notInformedReason, {
    error: "Say why telling the person would increase the risk",
    path: ["notInformedReason"],
  });
export type LawfulBasisInput = z.infer<typeof LawfulBasisInput>;

export const ReferralInput = z
  .object({
    /** The person referred; may be left out when `contactId` names a contact with a person. */
    personId: Id.optional(),
    /** The contact the referral was made from, when it was made on the street. */
    contactId: Id.optional(),
    serviceId: Id,
    reason: text("reason", 2000),
    source: z.enum(referralSources, { error: `source must be one of ${referralSources.join(", ")}` }),
    clientKey: ReferralClientKey.optional(),
    /** Only for a safeguarding referral without consent to share (core decides which referrals those are). */
    lawfulBasis: LawfulBasisInput.optional(),
  })
  .refine((input) => input.personId || input.contactId, {
    error: "person is required: choose the person being referred, or refer from their contact",
    path: ["personId"],
  });
export type ReferralInput = z.infer<typeof ReferralInput>;

/** What the referral form needs to know about the person before it is filled in. */
export const ReferralDraftInput = z
  .object({ personId: Id.optional(), contactId: Id.optional() })
  .refine((input) => input.personId || input.contactId, {
    error: "person is required: open the referral form from a person or a contact",
    path: ["personId"],
  });
export type ReferralDraftInput = z.infer<typeof ReferralDraftInput>;

export const MoveReferralInput = z
  .object({
    referralId: Id,
    /** The status to move to; the status machine in core decides whether the move is allowed. */
    to: z.enum(referralStatuses, { error: `status must be one of ${referralStatuses.join(", ")}` }),
    failureReason: z
      .enum(referralFailureReasons, {
        error: `failure reason must be one of ${referralFailureReasons.join(", ")}`,
      })
      .optional(),
    /** Seen by the referrer with the status: say what happens next, never clinical detail. */
    note: text("note", 500).optional(),
  })
  .refine((input) => input.to !== "rejected" || input.failureReason, {
    error: "failure reason is required when rejecting a referral",
    path: ["failureReason"],
  });
export type MoveReferralInput = z.infer<typeof MoveReferralInput>;

export const ReferralIdInput = z.object({ referralId: Id });
export type ReferralIdInput = z.infer<typeof ReferralIdInput>;

export const myReferralFilters = ["open", "closed", "all"] as const;

export const MyReferralsInput = PageInput.extend({
  /** Open: requested, received or accepted. Closed: started treatment or ended without. */
  show: z.enum(myReferralFilters, { error: "show must be open, closed or all" }).default("all"),
});
export type MyReferralsInput = z.infer<typeof MyReferralsInput>;

export const waitingListFilters = ["all", "over_21_days", "stale"] as const;

export const WaitingListInput = PageInput.extend({
  serviceId: Id.optional(),
  show: z.enum(waitingListFilters, { error: "show must be all, over_21_days or stale" }).default("all"),
});
export type WaitingListInput = z.infer<typeof WaitingListInput>;

/** The shares made without consent, for the Caldicott guardian: the latest first. */
export const SharesWithoutConsentInput = z.object({
  limit: z.number({ error: "Limit must be a number" }).int().min(1).max(500).default(100),
});
export type SharesWithoutConsentInput = z.infer<typeof SharesWithoutConsentInput>;
