import { eq, organisations, users } from "@pathways/db";
import { fieldErrors, type Role } from "@pathways/validators";
import type { z } from "zod";
import type { Ctx } from "./context.ts";
import { Forbidden, NotFound, ValidationError } from "./errors.ts";
import { requireRoleOrSystem } from "./rights.ts";

/** The user a verb acts for: the signed-in user, or the user a system job (seed, import) names. */
export interface ActingUser {
  userId: string;
  name: string;
  role: Role;
  organisationId: string;
  organisationName: string;
}

/** Lets Pathways itself (seed, import) act for a named user; never reachable through the API. */
export interface OnBehalf {
  onBehalfOf?: string;
}

/**
 * Checks the actor may use a verb and says who it acts for. A system job must name a user with one of
 * `roles`, so records always carry a real referrer or manager and every rule applies to it as well.
 */
export async function actingUser(
  ctx: Ctx,
  roles: readonly Role[],
  onBehalfOf: string | undefined,
): Promise<ActingUser> {
  const actor = requireRoleOrSystem(ctx.actor, roles);
  if (actor.kind === "user") {
    if (onBehalfOf && onBehalfOf !== actor.userId) throw new Forbidden("You can only act as yourself.");
    return {
      userId: actor.userId,
      name: actor.name,
      role: actor.role,
      organisationId: actor.organisationId,
      organisationName: actor.organisationName,
    };
  }
  if (!onBehalfOf) throw new Forbidden("A system job must say which user it acts for.");
  const [user] = await ctx.db
    .select({
      userId: users.id,
      name: users.name,
      role: users.role,
      organisationId: users.organisationId,
      organisationName: organisations.name,
    })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(eq(users.id, onBehalfOf));
  if (!user) throw new NotFound("user", onBehalfOf);
  if (!roles.includes(user.role)) throw new Forbidden(`${user.name} may not do this in their role.`);
  return user;
}

/**
 * Re-checks input against its schema in core, so a caller that skips the API (CLI, import, seed)
 * meets the same rules and the same per-field messages.
 */
export function validated<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields = fieldErrors(result.error);
  const summary = Object.values(fields).flat().join("; ");
  throw new ValidationError(`Please check: ${summary}`, fields);
}
