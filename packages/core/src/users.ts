import { randomBytes } from "node:crypto";
import { and, asc, type Executor, eq, isNull, ne, organisations, sessions, users } from "@pathways/db";
import type {
  ChangePasswordInput,
  ResetPasswordInput,
  UserInput,
  UserStatusInput,
  UserUpdateInput,
} from "@pathways/validators";
import { audit } from "./audit.ts";
import { now, type VerbArgs } from "./context.ts";
import { Conflict, NotFound, ValidationError } from "./errors.ts";
import { hashPassword, verifyPassword } from "./passwords.ts";
import { refuseRoleOutsideOrganisation, requireRole, requireRoleOrSystem, verbRoles } from "./rights.ts";
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
  requireRoleOrSystem(ctx.actor, verbRoles.administer);
  const [organisation] = await ctx.db
    .select({ id: organisations.id, kind: organisations.kind })
    .from(organisations)
    .where(eq(organisations.id, input.organisationId));
  if (!organisation) throw new NotFound("organisation", input.organisationId);
  refuseRoleOutsideOrganisation(input.role, organisation.kind);
  const passwordHash = await hashPassword(input.password);
  try {
    return await ctx.db.transaction(async (tx) => {
      const [user] = await tx
        .insert(users)
        .values({ ...input, passwordHash })
        .returning(publicUserColumns);
      await audit(tx, ctx, { action: "create", entity: "user", entityId: user!.id });
      return user!;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new Conflict(`A user with the email ${input.email} already exists.`);
    throw error;
  }
}

export async function listUsers({ ctx }: VerbArgs<void>) {
  requireRoleOrSystem(ctx.actor, verbRoles.administer);
  return ctx.db
    .select({ ...publicUserColumns, organisationName: organisations.name })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .orderBy(asc(organisations.name), asc(users.name));
}

/**
 * Changes a user's name, role or organisation, the role kept within the organisation's kind (the same
 * rule as creating one). A new role or organisation changes what they may see, so their sessions end
 * and they sign in again under it; a new name alone leaves them signed in.
 */
export async function updateUser({ ctx, input }: VerbArgs<UserUpdateInput>) {
  const actor = requireRoleOrSystem(ctx.actor, verbRoles.administer);
  return ctx.db.transaction(async (tx) => {
    const [before] = await tx
      .select({ role: users.role, organisationId: users.organisationId })
      .from(users)
      .where(eq(users.id, input.userId))
      .for("update");
    if (!before) throw new NotFound("user", input.userId);
    const [organisation] = await tx
      .select({ kind: organisations.kind })
      .from(organisations)
      .where(eq(organisations.id, input.organisationId));
    if (!organisation) throw ValidationError.field("organisationId", "choose an organisation from the list");
    refuseRoleOutsideOrganisation(input.role, organisation.kind);
    const rightsChange = before.role !== input.role || before.organisationId !== input.organisationId;
    if (rightsChange && actor.kind === "user" && actor.userId === input.userId && input.role !== "admin") {
      throw ValidationError.field(
        "role",
        "role: you cannot take administration away from yourself; ask another administrator",
      );
    }
    const [user] = await tx
      .update(users)
      .set({ name: input.name, role: input.role, organisationId: input.organisationId })
      .where(eq(users.id, input.userId))
      .returning(publicUserColumns);
    await audit(tx, ctx, { action: "update", entity: "user", entityId: input.userId });
    if (rightsChange) await endSessions(tx, input.userId, now(ctx));
    return user!;
  });
}

/**
 * A signed-in user changes their own password, proving it with the current one. Their other sessions
 * end (a phone left signed in elsewhere, or whoever learnt the old password); this one carries on.
 */
export async function changeOwnPassword({ ctx, input }: VerbArgs<ChangePasswordInput>) {
  const actor = requireRole(ctx.actor, verbRoles.signedIn);
  const [row] = await ctx.db
    .select({ passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.id, actor.userId));
  if (!row || !(await verifyPassword(row.passwordHash, input.currentPassword))) {
    throw ValidationError.field("currentPassword", "current password is not right");
  }
  const passwordHash = await hashPassword(input.newPassword);
  return ctx.db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, actor.userId));
    await audit(tx, ctx, { action: "change_password", entity: "user", entityId: actor.userId });
    const ended = await tx
      .update(sessions)
      .set({ endedAt: now(ctx) })
      .where(
        and(
          eq(sessions.userId, actor.userId),
          isNull(sessions.endedAt),
          actor.sessionId ? ne(sessions.id, actor.sessionId) : undefined,
        ),
      )
      .returning({ id: sessions.id });
    return { otherSessionsEnded: ended.length };
  });
}

async function endSessions(tx: Executor, userId: string, at: Date) {
  await tx
    .update(sessions)
    .set({ endedAt: at })
    .where(and(eq(sessions.userId, userId), isNull(sessions.endedAt)));
}

/** Disabling ends the user's sessions at once; enabling lets them sign in again. */
export async function setUserDisabled({ ctx, input }: VerbArgs<UserStatusInput>) {
  const actor = requireRoleOrSystem(ctx.actor, verbRoles.administer);
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
    await audit(tx, ctx, {
      action: input.disabled ? "disable" : "enable",
      entity: "user",
      entityId: user.id,
    });
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
  requireRoleOrSystem(ctx.actor, verbRoles.administer);
  const password = input.password ?? generatePassword();
  const passwordHash = await hashPassword(password);
  return ctx.db.transaction(async (tx) => {
    const [user] = await tx
      .update(users)
      .set({ passwordHash })
      .where(eq(users.id, input.userId))
      .returning(publicUserColumns);
    if (!user) throw new NotFound("user", input.userId);
    await audit(tx, ctx, { action: "reset_password", entity: "user", entityId: user.id });
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
