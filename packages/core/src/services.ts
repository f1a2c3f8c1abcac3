import { asc, eq, organisations, services } from "@pathways/db";
import { type ServiceChangeInput, ServiceInput, serviceOrganisationKinds } from "@pathways/validators";
import { validated } from "./acting.ts";
import { audit } from "./audit.ts";
import type { VerbArgs } from "./context.ts";
import { Conflict, NotFound, ValidationError } from "./errors.ts";
import { requireRoleOrSystem, verbRoles } from "./rights.ts";
import { isUniqueViolation } from "./sql-errors.ts";

/**
 * Adds a service an organisation offers (admins, or Pathways itself for the seed and the CLI). The
 * organisation must be of the kind that offers such a service; one service per code per organisation.
 */
export async function createService({ ctx, input }: VerbArgs<ServiceInput>) {
  requireRoleOrSystem(ctx.actor, verbRoles.administer);
  const checked = validated(ServiceInput, input);
  try {
    return await ctx.db.transaction(async (tx) => {
      const [organisation] = await tx
        .select({ name: organisations.name, kind: organisations.kind })
        .from(organisations)
        .where(eq(organisations.id, checked.organisationId));
      if (!organisation) throw new NotFound("organisation", checked.organisationId);
      const kind = serviceOrganisationKinds[checked.code];
      if (organisation.kind !== kind) {
        throw ValidationError.field(
          "organisationId",
          `organisationId must be a ${kind.replaceAll("_", " ")} to offer ${checked.code} (${organisation.name} is a ${organisation.kind.replaceAll("_", " ")})`,
        );
      }
      const [service] = await tx.insert(services).values(checked).returning();
      await audit(tx, ctx, { action: "create", entity: "service", entityId: service!.id });
      return { ...service!, organisationName: organisation.name };
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new Conflict(`This organisation already offers ${checked.code}; change that service instead.`);
    }
    throw error;
  }
}

/** Renames a service, or retires or restores it (a retired service takes no new referrals). */
export async function changeService({ ctx, input }: VerbArgs<ServiceChangeInput>) {
  requireRoleOrSystem(ctx.actor, verbRoles.administer);
  return ctx.db.transaction(async (tx) => {
    const [service] = await tx
      .update(services)
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
      })
      .where(eq(services.id, input.serviceId))
      .returning();
    if (!service) throw new NotFound("service", input.serviceId);
    await audit(tx, ctx, { action: "update", entity: "service", entityId: service.id });
    return service;
  });
}

/** Every service, by organisation then code, with its organisation's name. */
export async function listServices({ ctx }: VerbArgs<void>) {
  requireRoleOrSystem(ctx.actor, verbRoles.administer);
  return ctx.db
    .select({
      id: services.id,
      organisationId: services.organisationId,
      organisationName: organisations.name,
      code: services.code,
      name: services.name,
      active: services.active,
    })
    .from(services)
    .innerJoin(organisations, eq(organisations.id, services.organisationId))
    .orderBy(asc(organisations.name), asc(services.code));
}
