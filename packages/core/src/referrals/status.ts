import {
  openReferralStatuses,
  type ReferralStatus,
  type referralFailureReasons,
  waitingThresholdDays,
} from "@pathways/validators";
import { daysBetween, localDay } from "../calendar.ts";

/** A referral with no status change for this many days is flagged "stale" to its provider. */
export const staleAfterDays = 7;

const failureStatuses = ["rejected", "unable_to_contact", "declined_by_client", "cancelled"] as const;
type FailureStatus = (typeof failureStatuses)[number];

/** The one forward step from each open status (DOMAIN.md). */
const nextStep: Record<(typeof openReferralStatuses)[number], ReferralStatus> = {
  requested: "received",
  received: "accepted",
  accepted: "treatment_started",
};

/** Why a referral failed when the mover does not say; a rejection must say, a cancellation may. */
export const defaultFailureReason: Record<FailureStatus, (typeof referralFailureReasons)[number] | null> = {
  rejected: null,
  unable_to_contact: "unable_to_contact_client",
  declined_by_client: "client_refused_services",
  cancelled: null,
};

export function isOpenReferralStatus(
  status: ReferralStatus,
): status is (typeof openReferralStatuses)[number] {
  return (openReferralStatuses as readonly string[]).includes(status);
}

export function isFailureStatus(status: ReferralStatus): status is FailureStatus {
  return (failureStatuses as readonly string[]).includes(status);
}

/**
 * Why a referral cannot move from `from` to `to`, or null when the status machine allows it:
 * requested -> received -> accepted -> treatment_started, and from any open status to a failure.
 */
export function referralMoveRefusal(
  reference: string,
  from: ReferralStatus,
  to: ReferralStatus,
): string | null {
  if (!isOpenReferralStatus(from) || from === to) {
    return `Referral ${reference} is already \`${from}\`; it cannot move to \`${to}\`.`;
  }
  if (to === nextStep[from] || isFailureStatus(to)) return null;
  return `Referral ${reference} is \`${from}\`; it cannot move to \`${to}\`. Next it can move to \`${nextStep[from]}\`, or end as rejected, unable to contact, declined by client or cancelled.`;
}

/** Days waiting since the request and since the last movement, for an open referral. */
export function referralWait(
  referral: { status: ReferralStatus; requestedAt: Date; statusChangedAt: Date },
  today: string,
) {
  const open = isOpenReferralStatus(referral.status);
  const daysWaiting = open ? daysBetween(localDay(referral.requestedAt), today) : null;
  const daysSinceMovement = open ? daysBetween(localDay(referral.statusChangedAt), today) : null;
  return {
    daysWaiting,
    waitingOver21Days: daysWaiting !== null && daysWaiting > waitingThresholdDays,
    daysSinceMovement,
    stale: daysSinceMovement !== null && daysSinceMovement >= staleAfterDays,
  };
}
