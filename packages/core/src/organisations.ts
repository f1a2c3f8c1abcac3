import { asc, organisations } from "@pathways/db";
import type { OrganisationInput } from "@pathways/validators";
import type { VerbArgs } from "./context.ts";
import { Conflict } from "./errors.ts";
import { requireRoleOrSystem } from "./rights.ts";
import { isUniqueViolation } from "./sql-errors.ts";

export async function createOrganisation({ ctx, input }: VerbArgs<OrganisationInput>) {
  requireRoleOrSystem(ctx.actor, ["admin"]);
  try {
    const [organisation] = await ctx.db.insert(organisations).values(input).returning();
    return organisation!;
  } catch (error) {
    if (isUniqueViolation(error)) throw new Conflict(`An organisation named "${input.name}" already exists.`);
    throw error;
  }
}

export async function listOrganisations({ ctx }: VerbArgs<void>) {
  requireRoleOrSystem(ctx.actor, ["admin"]);
  return ctx.db.select().from(organisations).orderBy(asc(organisations.name));
}
