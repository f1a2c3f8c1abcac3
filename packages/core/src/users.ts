import { asc, eq, organisations, users } from "@pathways/db";
import type { UserInput } from "@pathways/validators";
import type { VerbArgs } from "./context.ts";
import { Conflict, NotFound } from "./errors.ts";
import { hashPassword } from "./passwords.ts";
import { requireRole, requireRoleOrSystem } from "./rights.ts";
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
  requireRole(ctx.actor, ["admin"]);
  return ctx.db
    .select({ ...publicUserColumns, organisationName: organisations.name })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .orderBy(asc(organisations.name), asc(users.name));
}
