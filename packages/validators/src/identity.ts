import { z } from "zod";
import { organisationKinds, roles } from "./codes.ts";
import { Id, text } from "./common.ts";
import { eventDay } from "./dates.ts";

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

/**
 * An administrator's change to a user's name, role and organisation (core keeps the role within the
 * organisation's kind). The email is how they sign in and the password is theirs, so neither is here.
 */
export const UserUpdateInput = z.object({
  userId: Id,
  name: text("name", 120),
  role: z.enum(roles, { error: `role must be one of ${roles.join(", ")}` }),
  organisationId: Id,
});
export type UserUpdateInput = z.infer<typeof UserUpdateInput>;

/** A user's own new password: the current one shows it is them, not someone at an unlocked screen. */
export const ChangePasswordInput = z
  .object({
    currentPassword: z
      .string({ error: "current password must be text" })
      .min(1, { error: "enter your current password" })
      .max(256),
    newPassword: z
      .string({ error: "new password must be text" })
      .min(12, { error: "new password must be at least 12 characters" })
      .max(256, { error: "new password must be at most 256 characters" }),
  })
  .refine((input) => input.newPassword !== input.currentPassword, {
    path: ["newPassword"],
    message: "new password must differ from the current one",
  });
export type ChangePasswordInput = z.infer<typeof ChangePasswordInput>;

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

/** What an audit event records being done (`audit_events.action`). */
export const auditActions = [
  "create",
  "read",
  "update",
  "list",
  "merge",
  "unmerge",
  "export",
  "sign_in",
  "sign_out",
  "disable",
  "enable",
  "reset_password",
  /** A user changed their own password (users.changeOwnPassword). */
  "change_password",
  "reset_two_factor",
  "enrol_second_factor",
  "use_recovery_code",
  "import",
  /** A safeguarding referral shared a person's details without consent, on a lawful basis. */
  "share_without_consent",
  /** A person's detail corrected, old -> new with a reason (person_corrections). */
  "correct",
] as const;
export type AuditAction = (typeof auditActions)[number];

/** The orders an audit search can be read in: by when, who or what. */
export const auditSorts = ["newest", "oldest", "who", "what"] as const;

export const AuditSearchInput = z
  .object({
    personId: Id.optional(),
    userId: Id.optional(),
    /** Part of the actor's name or email. */
    who: text("who", 100).optional(),
    /** The event kind. */
    action: z.enum(auditActions, { error: "what must be one of the kinds of event listed" }).optional(),
    from: eventDay("from").optional(),
    to: eventDay("to").optional(),
    sort: z.enum(auditSorts, { error: "sort must be newest, oldest, who or what" }).default("newest"),
    page: z.number().int().min(1, { error: "page must be 1 or more" }).max(10_000).default(1),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .refine((input) => !input.from || !input.to || input.from <= input.to, {
    path: ["to"],
    message: "to must be on or after from",
  });
export type AuditSearchInput = z.infer<typeof AuditSearchInput>;

/** The second step of signing in: the challenge from the password step and a code. */
export const SecondFactorInput = z.object({
  challenge: z
    .string({ error: "challenge must be text" })
    .regex(/^[A-Za-z0-9_-]{43}$/, { error: "challenge is not valid; sign in again" }),
  code: z
    .string({ error: "code must be text" })
    .trim()
    .regex(/^(\d{3} ?\d{3}|[A-Za-z0-9]{5}-?[A-Za-z0-9]{5})$/, {
      error: "code must be the 6 digits from your authenticator app, or a recovery code like k7m2p-x9q4r",
    }),
});
export type SecondFactorInput = z.infer<typeof SecondFactorInput>;

export const UserIdInput = z.object({ userId: Id });
export type UserIdInput = z.infer<typeof UserIdInput>;

/** An organisation turns the second factor on (or off) for all its users. */
export const OrganisationSecondFactorInput = z.object({
  organisationId: Id,
  required: z.boolean({ error: "required must be true or false" }),
});
export type OrganisationSecondFactorInput = z.infer<typeof OrganisationSecondFactorInput>;
