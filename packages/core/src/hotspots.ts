import { asc, eq, hotspots } from "@pathways/db";
import type { HotspotInput, HotspotListInput, HotspotUpdate } from "@pathways/validators";
import { audit } from "./audit.ts";
import type { VerbArgs } from "./context.ts";
import { Conflict, NotFound } from "./errors.ts";
import { requireRole, requireRoleOrSystem, verbRoles } from "./rights.ts";
import { isUniqueViolation } from "./sql-errors.ts";

/** Hotspots are public-space places, not person-level records: any signed-in user may list them. */
export async function listHotspots({ ctx, input }: VerbArgs<HotspotListInput>) {
  requireRole(ctx.actor, verbRoles.signedIn);
  const query = ctx.db.select().from(hotspots).orderBy(asc(hotspots.name));
  return input.includeRetired ? query : query.where(eq(hotspots.active, true));
}

export async function createHotspot({ ctx, input }: VerbArgs<HotspotInput>) {
  requireRoleOrSystem(ctx.actor, verbRoles.administer);
  try {
    return await ctx.db.transaction(async (tx) => {
      const [hotspot] = await tx.insert(hotspots).values(input).returning();
      await audit(tx, ctx, { action: "create", entity: "hotspot", entityId: hotspot!.id });
      return hotspot!;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new Conflict(`A hotspot named "${input.name}" already exists.`);
    throw error;
  }
}

/** Edits a hotspot; `active: false` retires it (kept for history and reports, hidden from pickers). */
export async function updateHotspot({ ctx, input }: VerbArgs<HotspotUpdate>) {
  requireRole(ctx.actor, verbRoles.administer);
  const { id, ...changes } = input;
  try {
    return await ctx.db.transaction(async (tx) => {
      const [hotspot] = await tx.update(hotspots).set(changes).where(eq(hotspots.id, id)).returning();
      if (!hotspot) throw new NotFound("hotspot", id);
      await audit(tx, ctx, { action: "update", entity: "hotspot", entityId: hotspot.id });
      return hotspot;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new Conflict(`A hotspot named "${changes.name}" already exists.`);
    throw error;
  }
}
