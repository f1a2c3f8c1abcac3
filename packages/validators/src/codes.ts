// The code lists of DOMAIN.md. Database enums, zod schemas and the web app's labels all come from here.

export const organisationKinds = [
  "taskforce",
  "council",
  "treatment_provider",
  "social_care",
  "commissioner",
] as const;

export const roles = ["outreach_worker", "treatment_manager", "commissioner", "admin"] as const;

/**
 * The organisation kinds each role belongs to (DOMAIN.md): outreach workers are the taskforce's
 * (police officers, PCSOs, a council officer), treatment managers a provider's, commissioners public
 * health's. Admins run Pathways for the partnership from its council or taskforce, never from a
 * provider or a commissioner, since an admin reads every person (docs/decisions/0010).
 */
export const organisationKindsFor = {
  outreach_worker: ["taskforce", "council"],
  treatment_manager: ["treatment_provider"],
  commissioner: ["commissioner"],
  admin: ["council", "taskforce"],
} as const satisfies Record<(typeof roles)[number], readonly (typeof organisationKinds)[number][]>;

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

/**
 * Why a safeguarding referral may share a person's details without their consent (DOMAIN.md, "Sharing
 * without consent"): to protect a child or an adult at risk of significant harm, or to prevent
 * serious crime such as exploitation.
 */
export const lawfulBases = [
  "child_at_risk_of_significant_harm",
  "adult_at_risk",
  "prevention_of_serious_crime",
] as const;
export type LawfulBasis = (typeof lawfulBases)[number];

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

/** Taskforce activity (DOMAIN.md "Taskforce activity"): what the taskforce does at a place. */
export const taskforceActivityKinds = [
  "patrol",
  "arrest",
  "search",
  "warrant",
  "seizure",
  "environmental_action",
  "needle_sweep",
] as const;
export const patrolStyles = ["covert", "high_visibility"] as const;
export const arrestOffences = [
  "possession",
  "possession_with_intent_to_supply",
  "supply",
  "trafficking",
  "weapons",
  "other",
] as const;
export const drugClasses = ["A", "B", "C"] as const;
export const drugQuantityUnits = ["grams", "kilograms", "wraps", "tablets", "plants", "millilitres"] as const;
export const weaponKinds = ["knife", "firearm", "other"] as const;
export const environmentalActions = [
  "vegetation_cut_back",
  "furniture_moved",
  "gates_secured",
  "lighting_improved",
  "cctv",
  "other",
] as const;

/** Kinds of `area`, the geographies rates compare (DOMAIN.md, "Places"). */
export const areaKinds = ["city", "county", "ward"] as const;
/**
 * A population's age band: `all` ages, or one of the 19 bands of the 2013 European Standard
 * Population (0-4 to 90+), which age-standardised rates weight by.
 */
export const populationAgeBands = [
  "all",
  "0-4",
  "5-9",
  "10-14",
  "15-19",
  "20-24",
  "25-29",
  "30-34",
  "35-39",
  "40-44",
  "45-49",
  "50-54",
  "55-59",
  "60-64",
  "65-69",
  "70-74",
  "75-79",
  "80-84",
  "85-89",
  "90+",
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
export type AreaKind = (typeof areaKinds)[number];
export type PopulationAgeBand = (typeof populationAgeBands)[number];

/** Human labels for the code lists, shared by the web app and exports. */
export function codeLabel(code: string): string {
  const text = code.replaceAll("_", " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}
export type TaskforceActivityKind = (typeof taskforceActivityKinds)[number];

/** Incidents imported from partners (DOMAIN.md "Incidents"): ambulance call-outs and police records. */
export const incidentCategories = [
  "overdose",
  "drug_related_callout",
  "drug_offence",
  "drug_trafficking",
  "weapons",
  "antisocial_behaviour",
] as const;
export const incidentSources = ["ambulance", "police"] as const;
