import {
  appointmentOutcomes,
  consentKinds,
  consentStatuses,
  contactTypes,
  dischargeReasons,
  interventionKinds,
  lawfulBases,
  organisationKinds,
  referralFailureReasons,
  referralSources,
  referralStatuses,
  reportCategories,
  reportStatuses,
  roles,
  safeguardingConcerns,
  serviceCodes,
  sexes,
  substanceGroups,
  substances,
  topStages,
  treatmentInterventionTypes,
  treatmentSettings,
} from "@pathways/validators/codes";
import { pgEnum } from "drizzle-orm/pg-core";

// Database enums are made from the same code lists the validators use, so the two cannot drift.
export const organisationKind = pgEnum("organisation_kind", organisationKinds);
export const role = pgEnum("role", roles);
export const sex = pgEnum("sex", sexes);
export const consentKind = pgEnum("consent_kind", consentKinds);
export const consentStatus = pgEnum("consent_status", consentStatuses);
export const contactType = pgEnum("contact_type", contactTypes);
export const substance = pgEnum("substance", substances);
export const interventionKind = pgEnum("intervention_kind", interventionKinds);
export const safeguardingConcern = pgEnum("safeguarding_concern", safeguardingConcerns);
export const serviceCode = pgEnum("service_code", serviceCodes);
export const referralSource = pgEnum("referral_source", referralSources);
export const referralStatus = pgEnum("referral_status", referralStatuses);
export const referralFailureReason = pgEnum("referral_failure_reason", referralFailureReasons);
export const lawfulBasis = pgEnum("lawful_basis", lawfulBases);
export const substanceGroup = pgEnum("substance_group", substanceGroups);
export const dischargeReason = pgEnum("discharge_reason", dischargeReasons);
export const treatmentInterventionType = pgEnum("treatment_intervention_type", treatmentInterventionTypes);
export const treatmentSetting = pgEnum("treatment_setting", treatmentSettings);
export const appointmentOutcome = pgEnum("appointment_outcome", appointmentOutcomes);
export const topStage = pgEnum("top_stage", topStages);
export const reportCategory = pgEnum("report_category", reportCategories);
export const reportStatus = pgEnum("report_status", reportStatuses);
