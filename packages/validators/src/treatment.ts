import { z } from "zod";
import {
  appointmentOutcomes,
  dischargeReasons,
  type Substance,
  substanceGroups,
  substances,
  topStages,
  treatmentInterventionTypes,
  treatmentSettings,
} from "./codes.ts";
import { Id, PageInput, text } from "./common.ts";
import { eventDay, eventMoment } from "./dates.ts";

const episodeId = Id;

export const StartEpisodeInput = z
  .object({
    /** The accepted referral the episode starts from; leave out for a self-referral. */
    referralId: Id.optional(),
    /** The person, for a self-referral (no referral). */
    personId: Id.optional(),
    keyworkerId: Id.nullable().optional(),
    substanceGroup: z.enum(substanceGroups, {
      error: `substance group must be one of ${substanceGroups.join(", ")}`,
    }),
    startedOn: eventDay("start date"),
    /** Where the person lives, from the configured areas: rates per 100,000 count them there. */
    residenceAreaId: Id.optional(),
  })
  .refine((input) => Boolean(input.referralId) !== Boolean(input.personId), {
    error: "start an episode from an accepted referral, or for a person who referred themselves (not both)",
    path: ["referralId"],
  });
export type StartEpisodeInput = z.infer<typeof StartEpisodeInput>;

export const EpisodeIdInput = z.object({ episodeId });
export type EpisodeIdInput = z.infer<typeof EpisodeIdInput>;

export const AppointmentInput = z.object({
  episodeId,
  scheduledAt: z.coerce
    .date({ error: "appointment time must be a date and time" })
    .pipe(eventMoment("appointment time")),
  note: text("note", 1000).optional(),
});
export type AppointmentInput = z.infer<typeof AppointmentInput>;

export const AppointmentOutcomeInput = z.object({
  appointmentId: Id,
  outcome: z.enum(appointmentOutcomes, {
    error: `outcome must be one of ${appointmentOutcomes.join(", ")}`,
  }),
  note: text("note", 1000).optional(),
});
export type AppointmentOutcomeInput = z.infer<typeof AppointmentOutcomeInput>;

export const InterventionInput = z
  .object({
    episodeId,
    type: z.enum(treatmentInterventionTypes, {
      error: `intervention type must be one of ${treatmentInterventionTypes.join(", ")}`,
    }),
    setting: z.enum(treatmentSettings, { error: `setting must be one of ${treatmentSettings.join(", ")}` }),
    startedOn: eventDay("start date"),
    endedOn: eventDay("end date").optional(),
  })
  .refine((input) => !input.endedOn || input.endedOn >= input.startedOn, {
    error: "end date cannot be before the start date",
    path: ["endedOn"],
  });
export type InterventionInput = z.infer<typeof InterventionInput>;

export const EndInterventionInput = z.object({
  interventionId: Id,
  endedOn: eventDay("end date"),
});
export type EndInterventionInput = z.infer<typeof EndInterventionInput>;

/** TOP day counts are of the past 28 days. */
export function topDays(label: string) {
  const range = `${label} must be between 0 and 28 (days in the past 28)`;
  return z
    .number({ error: `${label} must be a number of days` })
    .int({ error: `${label} must be a whole number of days` })
    .min(0, { error: range })
    .max(28, { error: range });
}

/** TOP self-ratings of health and quality of life run from 0 (poor) to 20 (good). */
export function topScore(label: string) {
  const range = `${label} must be a score from 0 to 20`;
  return z
    .number({ error: `${label} must be a number` })
    .int({ error: `${label} must be a whole number` })
    .min(0, { error: range })
    .max(20, { error: range });
}

const substanceDayShape = Object.fromEntries(
  substances.map((substance) => [
    substance,
    topDays(`days using ${substance.replaceAll("_", " ")}`).optional(),
  ]),
) as Record<Substance, z.ZodOptional<ReturnType<typeof topDays>>>;

/** Days used in the past 28, per substance (only the substances the person uses need an entry). */
export const SubstanceDays = z.strictObject(substanceDayShape, {
  error: `substance days must list days per substance: ${substances.join(", ")}`,
});
export type SubstanceDays = z.infer<typeof SubstanceDays>;

export const TopReviewInput = z.object({
  episodeId,
  stage: z.enum(topStages, { error: `stage must be one of ${topStages.join(", ")}` }),
  completedOn: eventDay("completed on"),
  substanceDays: SubstanceDays,
  injectingDays: topDays("days injected"),
  sharedEquipment: z.boolean({ error: "shared equipment must be yes or no" }),
  crimeDays: topDays("days of crime"),
  psychologicalHealth: topScore("psychological health"),
  physicalHealth: topScore("physical health"),
  qualityOfLife: topScore("quality of life"),
  paidWorkDays: topDays("days of paid work"),
  acuteHousingProblem: z.boolean({ error: "acute housing problem must be yes or no" }),
});
export type TopReviewInput = z.infer<typeof TopReviewInput>;

export const DischargeInput = z.object({
  episodeId,
  dischargedOn: eventDay("discharge date"),
  reason: z.enum(dischargeReasons, {
    error: `discharge reason must be one of ${dischargeReasons.join(", ")}`,
  }),
  /** Opiate clients only: still on opioid substitution therapy at exit. */
  ostAtExit: z.boolean({ error: "OST at exit must be yes or no" }).optional(),
});
export type DischargeInput = z.infer<typeof DischargeInput>;

export const ReassignEpisodeInput = z.object({ episodeId, keyworkerId: Id });
export type ReassignEpisodeInput = z.infer<typeof ReassignEpisodeInput>;

export const caseloadFilters = ["all", "at_risk", "top_overdue"] as const;

export const CaseloadInput = PageInput.extend({
  /** One keyworker's caseload, or "unassigned" for episodes without one; leave out for all. */
  keyworkerId: z.union([Id, z.literal("unassigned")], { error: "keyworker must be a valid id" }).optional(),
  show: z.enum(caseloadFilters, { error: "show must be all, at_risk or top_overdue" }).default("all"),
});
export type CaseloadInput = z.infer<typeof CaseloadInput>;

export const KeyworkerInput = z.object({ name: text("name", 120) });
export type KeyworkerInput = z.infer<typeof KeyworkerInput>;

export const KeyworkerUpdate = z.object({
  keyworkerId: Id,
  name: text("name", 120).optional(),
  active: z.boolean({ error: "active must be yes or no" }).optional(),
});
export type KeyworkerUpdate = z.infer<typeof KeyworkerUpdate>;
