import { z } from "zod";
import { type OrganisationKind, type ServiceCode, serviceCodes } from "./codes.ts";
import { Id, text } from "./common.ts";

/**
 * The kind of organisation that offers each service (DOMAIN.md "Referrals"): treatment by a
 * treatment provider, safeguarding by social care, housing support by a council.
 */
export const serviceOrganisationKinds: Record<ServiceCode, OrganisationKind> = {
  opiate_treatment: "treatment_provider",
  non_opiate_treatment: "treatment_provider",
  alcohol_treatment: "treatment_provider",
  safeguarding_social_care: "social_care",
  housing_support: "council",
};

const serviceCode = z.enum(serviceCodes, { error: `code must be one of ${serviceCodes.join(", ")}` });

/** A service an organisation offers, one per code per organisation. */
export const ServiceInput = z.strictObject({
  organisationId: Id,
  code: serviceCode,
  name: text("name", 120),
  active: z.boolean({ error: "active must be true or false" }).default(true),
});
export type ServiceInput = z.input<typeof ServiceInput>;

/** A change to a service: its name, or whether it takes referrals (a retired service takes none). */
export const ServiceChangeInput = z
  .strictObject({
    serviceId: Id,
    name: text("name", 120).optional(),
    active: z.boolean({ error: "active must be true or false" }).optional(),
  })
  .refine((input) => input.name !== undefined || input.active !== undefined, {
    error: "say what to change: a name or whether it is active",
    path: ["name"],
  });
export type ServiceChangeInput = z.infer<typeof ServiceChangeInput>;
