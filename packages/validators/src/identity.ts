import { z } from "zod";
import { organisationKinds, roles } from "./codes.ts";
import { Id, text } from "./common.ts";

export const Email = z
  .string({ error: "email must be text" })
  .trim()
  .toLowerCase()
  .max(254, { error: "email must be at most 254 characters" })
  .pipe(z.email({ error: "email must be a valid address, like name@example.org" }));

/** Long passphrases beat complexity rules (NCSC guidance): at least 12 characters, nothing else. */
export const Password = z
  .string({ error: "password must be text" })
  .min(12, { error: "password must be at least 12 characters" })
  .max(256, { error: "password must be at most 256 characters" });

export const SignInInput = z.object({
  email: Email,
  // Any length is checked against the hash; length rules apply when a password is set.
  password: z.string({ error: "password must be text" }).min(1, { error: "password is required" }).max(256),
});
export type SignInInput = z.infer<typeof SignInInput>;

export const OrganisationInput = z.object({
  name: text("name", 120),
  kind: z.enum(organisationKinds, { error: "kind must be one of the organisation kinds" }),
});
export type OrganisationInput = z.infer<typeof OrganisationInput>;

export const UserInput = z.object({
  organisationId: Id,
  email: Email,
  name: text("name", 120),
  role: z.enum(roles, { error: `role must be one of ${roles.join(", ")}` }),
  password: Password,
});
export type UserInput = z.infer<typeof UserInput>;

export const UserStatusInput = z.object({
  userId: Id,
  disabled: z.boolean({ error: "disabled must be true or false" }),
});
export type UserStatusInput = z.infer<typeof UserStatusInput>;

/** A new password, or none to have Pathways generate one that is shown once. */
export const ResetPasswordInput = z.object({
  userId: Id,
  password: Password.optional(),
});
export type ResetPasswordInput = z.infer<typeof ResetPasswordInput>;

export const AuditSearchInput = z
  .object({
    personId: Id.optional(),
    userId: Id.optional(),
    from: z.iso.date({ error: "from must be a date as YYYY-MM-DD" }).optional(),
    to: z.iso.date({ error: "to must be a date as YYYY-MM-DD" }).optional(),
    /** The id of the last event of the previous page. */
    cursor: z.number().int().positive().optional(),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .refine((input) => !input.from || !input.to || input.from <= input.to, {
    path: ["to"],
    message: "to must be on or after from",
  });
export type AuditSearchInput = z.infer<typeof AuditSearchInput>;
