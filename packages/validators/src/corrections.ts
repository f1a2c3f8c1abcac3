import { z } from "zod";
import { Id, text } from "./common.ts";
import { AttributorInput, PersonInput } from "./outreach.ts";

/** The details of a person that can be corrected (DOMAIN.md, "Corrections"). */
export const correctableFields = [
  "firstInitial",
  "surnameInitial",
  "dateOfBirth",
  "sex",
  "alias",
  "partialPostcode",
  "fullName",
] as const;
export type CorrectableField = (typeof correctableFields)[number];

/**
 * A correction: the fields to change (leave out what stays; null clears an optional one) and why.
 * Each changed field is kept old -> new with the reason; the attributor follows.
 */
export const CorrectPersonInput = z.object({
  personId: Id,
  changes: z
    .object({
      firstInitial: AttributorInput.shape.firstInitial.optional(),
      surnameInitial: AttributorInput.shape.surnameInitial.optional(),
      dateOfBirth: AttributorInput.shape.dateOfBirth.optional(),
      sex: AttributorInput.shape.sex.optional(),
      alias: PersonInput.shape.alias.nullable(),
      partialPostcode: PersonInput.shape.partialPostcode.nullable(),
      fullName: PersonInput.shape.fullName.nullable(),
    })
    .strict(),
  reason: text("Reason for the correction", 500),
});
export type CorrectPersonInput = z.infer<typeof CorrectPersonInput>;

export const PersonCorrectionsInput = z.object({ personId: Id });
export type PersonCorrectionsInput = z.infer<typeof PersonCorrectionsInput>;
