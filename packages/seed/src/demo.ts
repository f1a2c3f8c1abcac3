import {
  type Ctx,
  createHotspot,
  createOrganisation,
  createUser,
  refreshDayRollups,
  refreshPersonRollups,
  requireRoleOrSystem,
} from "@pathways/core";
import { count, keyworkers, organisations, services } from "@pathways/db";
import { seedDemoCity } from "./city.ts";
import { seedDemoCommunity } from "./community.ts";
import { seedDemoHistory } from "./history.ts";
import { seedDemoIncidents } from "./incidents.ts";
import { seedDemoOutreach } from "./outreach.ts";
import { seedDemoTreatment } from "./treatment.ts";
import {
  type DemoWorld,
  demoHotspots,
  demoKeyworkers,
  demoOrganisations,
  demoPassword,
  demoServices,
  demoUsers,
} from "./world.ts";

export async function isDatabaseEmpty(ctx: Ctx): Promise<boolean> {
  const [row] = await ctx.db.select({ n: count() }).from(organisations);
  return (row?.n ?? 0) === 0;
}

/** Area seeds run in order after the base, inside the same transaction (each adds its records). */
const areaSeeds: ((world: DemoWorld) => Promise<void>)[] = [
  seedDemoOutreach,
  seedDemoTreatment,
  seedDemoCommunity,
  seedDemoHistory,
  seedDemoIncidents,
  seedDemoCity,
];

/**
 * A small synthetic city: the Oxford hotspots, one organisation of each kind, one user of each role,
 * the provider's services and keyworkers, then each area's records. One transaction: all or none.
 * The report rollups are folded once it commits, so the first report reads current figures.
 */
export async function seedDemo({ ctx }: { ctx: Ctx }) {
  requireRoleOrSystem(ctx.actor, []);
  const made = await ctx.db.transaction(async (tx) => {
    const txCtx = { ...ctx, db: tx };
    const world: DemoWorld = {
      ctx: txCtx,
      organisationIds: {},
      userIds: {},
      hotspotIds: {},
      serviceIds: {},
      keyworkerIds: [],
      today: ctx.now ? ctx.now() : new Date(),
    };
    for (const { key, ...input } of demoOrganisations) {
      world.organisationIds[key] = (await createOrganisation({ ctx: txCtx, input })).id;
    }
    for (const { organisation, ...user } of demoUsers) {
      const created = await createUser({
        ctx: txCtx,
        input: { ...user, organisationId: world.organisationIds[organisation]!, password: demoPassword },
      });
      world.userIds[user.role] = created.id;
    }
    for (const hotspot of demoHotspots) {
      world.hotspotIds[hotspot.name] = (await createHotspot({ ctx: txCtx, input: hotspot })).id;
    }
    const createdServices = await tx
      .insert(services)
      .values(
        demoServices.map(({ organisation, ...s }) => ({
          ...s,
          organisationId: world.organisationIds[organisation]!,
        })),
      )
      .returning();
    for (const service of createdServices) world.serviceIds[service.code] = service.id;
    const createdKeyworkers = await tx
      .insert(keyworkers)
      .values(demoKeyworkers.map((name) => ({ name, organisationId: world.organisationIds.provider! })))
      .returning();
    world.keyworkerIds = createdKeyworkers.map((keyworker) => keyworker.id);
    for (const seedArea of areaSeeds) await seedArea(world);
    return {
      organisations: demoOrganisations.length,
      users: demoUsers.length,
      hotspots: demoHotspots.length,
    };
  });
  await refreshPersonRollups(ctx.db);
  await refreshDayRollups(ctx.db);
  return made;
}
