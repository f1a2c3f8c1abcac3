// The code lists of DOMAIN.md. Database enums, zod schemas and the web app's labels all come from here.

export const organisationKinds = [
  "taskforce",
  "council",
  "treatment_provider",
  "social_care",
  "commissioner",
] as const;

export const roles = ["outreach_worker", "treatment_manager", "commissioner", "admin"] as const;

export const sexes = ["male", "female", "other", "unknown"] as const;

export const consentKinds = ["share", "ndtms"] as const;
export const consentStatuses = ["given", "refused", "withdrawn"] as const;

export const contactTypes = [
  "street_outreach",
  "patrol_encounter",
  "welfare_check",
  "needle_exchange",
  "report_follow_up",
] as const;

export const substances = [
  "heroin",
  "other_opioid",
  "crack",
  "cocaine",
  "amphetamine",
  "cannabis",
  "spice",
  "alcohol",
  "benzodiazepine",
  "other",
] as const;

export const interventionKinds = [
  "harm_reduction_advice",
  "naloxone_supplied",
  "needles_supplied",
  "sharps_returned",
  "signposted",
  "referral_made",
  "welfare_support",
] as const;

/** Interventions whose quantity counts (kits, needles, sharps). */
export const countedInterventions = ["naloxone_supplied", "needles_supplied", "sharps_returned"] as const;

export const safeguardingConcerns = [
  "child_exploitation",
  "adult_exploitation",
  "cuckooing",
  "county_lines",
  "child_at_risk",
  "domestic_abuse",
  "self_neglect",
] as const;

export const serviceCodes = [
  "opiate_treatment",
  "non_opiate_treatment",
  "alcohol_treatment",
  "safeguarding_social_care",
  "housing_support",
] as const;

/** Services that are drug or alcohol treatment: a referral to one can be a re-presentation. */
export const treatmentServiceCodes = [
  "opiate_treatment",
  "non_opiate_treatment",
  "alcohol_treatment",
] as const;

export const referralSources = [
  "outreach",
  "self",
  "gp",
  "criminal_justice",
  "hospital",
  "social_care",
  "other",
] as const;

export const referralStatuses = [
  "requested",
  "received",
  "accepted",
  "treatment_started",
  "rejected",
  "unable_to_contact",
  "declined_by_client",
  "cancelled",
] as const;

export const openReferralStatuses = ["requested", "received", "accepted"] as const;

export const referralFailureReasons = [
  "client_refused_services",
  "lack_of_capacity",
  "services_no_longer_needed",
  "unable_to_contact_client",
  "not_eligible",
  "other",
] as const;

export const substanceGroups = ["opiate", "non_opiate", "non_opiate_and_alcohol", "alcohol"] as const;

export const successfulDischargeReasons = [
  "completed_drug_free",
  "completed_alcohol_free",
  "completed_occasional_user",
] as const;

export const dischargeReasons = [
  ...successfulDischargeReasons,
  "transferred_not_in_custody",
  "transferred_in_custody",
  "incomplete_dropped_out",
  "incomplete_withdrawn_by_provider",
  "incomplete_retained_in_custody",
  "incomplete_declined_commencement",
  "incomplete_client_died",
] as const;

export const treatmentInterventionTypes = ["pharmacological", "psychosocial", "recovery_support"] as const;
export const treatmentSettings = ["community", "inpatient", "residential", "primary_care", "prison"] as const;

export const appointmentOutcomes = [
  "attended",
  "did_not_attend",
  "cancelled_by_client",
  "cancelled_by_service",
] as const;

export const topStages = ["start", "review", "exit"] as const;

export const reportCategories = [
  "drug_dealing",
  "drug_use",
  "discarded_needles",
  "weapons",
  "exploitation_concern",
  "other",
] as const;

export const reportStatuses = [
  "open",
  "acknowledged",
  "in_progress",
  "closed_actioned",
  "closed_no_action",
  "duplicate",
] as const;

export type OrganisationKind = (typeof organisationKinds)[number];
export type Role = (typeof roles)[number];
export type Sex = (typeof sexes)[number];
export type ContactType = (typeof contactTypes)[number];
export type Substance = (typeof substances)[number];
export type InterventionKind = (typeof interventionKinds)[number];
export type SafeguardingConcern = (typeof safeguardingConcerns)[number];
export type ServiceCode = (typeof serviceCodes)[number];
export type ReferralStatus = (typeof referralStatuses)[number];
export type SubstanceGroup = (typeof substanceGroups)[number];
export type DischargeReason = (typeof dischargeReasons)[number];
export type ReportStatus = (typeof reportStatuses)[number];

/** Human labels for the code lists, shared by the web app and exports. */
export function codeLabel(code: string): string {
  const text = code.replaceAll("_", " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}
