import { randomBytes } from "node:crypto";
import { and, asc, type Executor, eq, isNull, organisations, sessions, users } from "@pathways/db";
import type { ResetPasswordInput, UserInput, UserStatusInput } from "@pathways/validators";
import { now, type VerbArgs } from "./context.ts";
import { Conflict, NotFound } from "./errors.ts";
import { hashPassword } from "./passwords.ts";
import { requireRoleOrSystem } from "./rights.ts";
import { isUniqueViolation } from "./sql-errors.ts";

/** What any caller may see of a user: never the password hash. */
export const publicUserColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  organisationId: users.organisationId,
  disabledAt: users.disabledAt,
  createdAt: users.createdAt,
};

export async function createUser({ ctx, input }: VerbArgs<UserInput>) {
  requireRoleOrSystem(ctx.actor, ["admin"]);
  const [organisation] = await ctx.db
    .select({ id: organisations.id })
    .from(organisations)
    .where(eq(organisations.id, input.organisationId));
  if (!organisation) throw new NotFound("organisation", input.organisationId);
  const passwordHash = await hashPassword(input.password);
  try {
    const [user] = await ctx.db
      .insert(users)
      .values({ ...input, passwordHash })
      .returning(publicUserColumns);
    return user!;
  } catch (error) {
    if (isUniqueViolation(error)) throw new Conflict(`A user with the email ${input.email} already exists.`);
    throw error;
  }
}

export async function listUsers({ ctx }: VerbArgs<void>) {
  requireRoleOrSystem(ctx.actor, ["admin"]);
  return ctx.db
    .select({ ...publicUserColumns, organisationName: organisations.name })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .orderBy(asc(organisations.name), asc(users.name));
}

/** Disabling ends the user's sessions at once; enabling lets them sign in again. */
export async function setUserDisabled({ ctx, input }: VerbArgs<UserStatusInput>) {
  const actor = requireRoleOrSystem(ctx.actor, ["admin"]);
  if (input.disabled && actor.kind === "user" && actor.userId === input.userId) {
    throw new Conflict("You cannot disable your own account; ask another administrator.");
  }
  return ctx.db.transaction(async (tx) => {
    const at = now(ctx);
    const [user] = await tx
      .update(users)
      .set({ disabledAt: input.disabled ? at : null })
      .where(eq(users.id, input.userId))
      .returning(publicUserColumns);
    if (!user) throw new NotFound("user", input.userId);
    if (input.disabled) {
      await tx
        .update(sessions)
        .set({ endedAt: at })
        .where(and(eq(sessions.userId, input.userId), isNull(sessions.endedAt)));
    }
    return user;
  });
}

/**
 * Sets a new password (or generates one, returned once so an admin can pass it on) and ends the
 * user's sessions, so a leaked password stops working everywhere.
 */
export async function resetPassword({ ctx, input }: VerbArgs<ResetPasswordInput>) {
  requireRoleOrSystem(ctx.actor, ["admin"]);
  const password = input.password ?? generatePassword();
  const passwordHash = await hashPassword(password);
  return ctx.db.transaction(async (tx) => {
    const [user] = await tx
      .update(users)
      .set({ passwordHash })
      .where(eq(users.id, input.userId))
      .returning(publicUserColumns);
    if (!user) throw new NotFound("user", input.userId);
    await tx
      .update(sessions)
      .set({ endedAt: now(ctx) })
      .where(and(eq(sessions.userId, input.userId), isNull(sessions.endedAt)));
    return { user, password: input.password ? null : password };
  });
}

/** Four groups of five letters and digits: about 100 bits, easy to read out over the phone. */
export function generatePassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  const bytes = randomBytes(20);
  const chars = [...bytes].map((byte) => alphabet[byte % alphabet.length]);
  return [0, 5, 10, 15].map((start) => chars.slice(start, start + 5).join("")).join("-");
}

export async function userByEmail(db: Executor, email: string) {
  const [user] = await db
    .select(publicUserColumns)
    .from(users)
    .where(eq(users.email, email.trim().toLowerCase()));
  return user;
}
