import { asc, eq, organisations } from "@pathways/db";
import type { OrganisationInput, OrganisationSecondFactorInput } from "@pathways/validators";
import { audit } from "./audit.ts";
import type { VerbArgs } from "./context.ts";
import { Conflict, NotFound } from "./errors.ts";
import { requireRoleOrSystem } from "./rights.ts";
import { isUniqueViolation } from "./sql-errors.ts";

export async function createOrganisation({ ctx, input }: VerbArgs<OrganisationInput>) {
  requireRoleOrSystem(ctx.actor, ["admin"]);
  try {
    return await ctx.db.transaction(async (tx) => {
      const [organisation] = await tx.insert(organisations).values(input).returning();
      await audit(tx, ctx, { action: "create", entity: "organisation", entityId: organisation!.id });
      return organisation!;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new Conflict(`An organisation named "${input.name}" already exists.`);
    throw error;
  }
}

/** The organisation with this name (names are unique), or undefined: how the `pathways` command names one. */
export async function organisationByName({ ctx, input }: VerbArgs<{ name: string }>) {
  requireRoleOrSystem(ctx.actor, ["admin"]);
  const [organisation] = await ctx.db.select().from(organisations).where(eq(organisations.name, input.name));
  return organisation;
}

export async function listOrganisations({ ctx }: VerbArgs<void>) {
  requireRoleOrSystem(ctx.actor, ["admin"]);
  return ctx.db.select().from(organisations).orderBy(asc(organisations.name));
}

/** Turns the second factor on or off for every user of an organisation (admins need one regardless). */
export async function setOrganisationSecondFactor({ ctx, input }: VerbArgs<OrganisationSecondFactorInput>) {
  requireRoleOrSystem(ctx.actor, ["admin"]);
  return ctx.db.transaction(async (tx) => {
    const [organisation] = await tx
      .update(organisations)
      .set({ requiresSecondFactor: input.required })
      .where(eq(organisations.id, input.organisationId))
      .returning();
    if (!organisation) throw new NotFound("organisation", input.organisationId);
    await audit(tx, ctx, { action: "update", entity: "organisation", entityId: organisation.id });
    return organisation;
  });
}
