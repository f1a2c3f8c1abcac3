/** Referrals, one verb family a file: the status machine, the rows verbs start from, create, move, views, "my referrals", the draft form. */
export { createReferral } from "./create.ts";
export { listReferralServices, referralDraft } from "./draft.ts";
export { listMyReferrals, myReferralsVersion } from "./mine.ts";
export { moveReferral } from "./move.ts";
export { currentShareConsent, referralFor } from "./records.ts";
export { isOpenReferralStatus, referralMoveRefusal, referralWait, staleAfterDays } from "./status.ts";
export { getReferral, type ReferrerReferralView } from "./views.ts";
