import { count, keyworkers, organisations, services } from "@pathways/db";
import type { OrganisationKind, Role, ServiceCode } from "@pathways/validators/codes";
import type { Ctx } from "../context.ts";
import { createHotspot } from "../hotspots.ts";
import { createOrganisation } from "../organisations.ts";
import { requireRoleOrSystem } from "../rights.ts";
import { createUser } from "../users.ts";
import { seedDemoCommunity } from "./community.ts";
import { seedDemoHistory } from "./history.ts";
import { seedDemoOutreach } from "./outreach.ts";
import { seedDemoTreatment } from "./treatment.ts";

/** The password of every demo user. Demo data only: a real deployment creates its own users. */
export const demoPassword = "pathways-demo-2026";

const demoOrganisations: { key: string; name: string; kind: OrganisationKind }[] = [
  { key: "taskforce", name: "Oxford Drugs Taskforce", kind: "taskforce" },
  { key: "council", name: "Oxford City Council", kind: "council" },
  { key: "provider", name: "Turning Point Oxford", kind: "treatment_provider" },
  { key: "socialCare", name: "Oxfordshire Children's Social Care", kind: "social_care" },
  { key: "commissioner", name: "Oxfordshire Public Health", kind: "commissioner" },
];

export const demoUsers: { email: string; name: string; role: Role; organisation: string }[] = [
  { email: "outreach@demo.pathways", name: "Sam Okafor", role: "outreach_worker", organisation: "taskforce" },
  {
    email: "treatment@demo.pathways",
    name: "Priya Shah",
    role: "treatment_manager",
    organisation: "provider",
  },
  {
    email: "commissioner@demo.pathways",
    name: "Helen Barnes",
    role: "commissioner",
    organisation: "commissioner",
  },
  { email: "admin@demo.pathways", name: "Tom Reilly", role: "admin", organisation: "council" },
];

/** Oxford's outreach hotspots (approximate centres). */
const demoHotspots = [
  { name: "South Park", lat: 51.7527, lng: -1.2335 },
  { name: "Grandpont", lat: 51.7453, lng: -1.2577 },
  { name: "Meadow Lane", lat: 51.7368, lng: -1.2359 },
  { name: "Gloucester Green", lat: 51.754, lng: -1.262 },
  { name: "Bonn Square", lat: 51.752, lng: -1.26 },
  { name: "Cowley Road", lat: 51.746, lng: -1.23 },
  { name: "Florence Park", lat: 51.734, lng: -1.219 },
  { name: "Blackbird Leys", lat: 51.713, lng: -1.203 },
];

const demoServices: { organisation: string; code: ServiceCode; name: string }[] = [
  { organisation: "provider", code: "opiate_treatment", name: "Opiate treatment" },
  { organisation: "provider", code: "non_opiate_treatment", name: "Non-opiate treatment" },
  { organisation: "provider", code: "alcohol_treatment", name: "Alcohol treatment" },
  { organisation: "socialCare", code: "safeguarding_social_care", name: "Safeguarding referral" },
  { organisation: "council", code: "housing_support", name: "Housing support" },
];

const demoKeyworkers = ["Aisha Khan", "Ben Carter", "Chloe Evans", "Dan Murphy"];

export async function isDatabaseEmpty(ctx: Ctx): Promise<boolean> {
  const [row] = await ctx.db.select({ n: count() }).from(organisations);
  return (row?.n ?? 0) === 0;
}

/** What the base seed made, by key, for the area seeds that build on it. */
export interface DemoWorld {
  ctx: Ctx;
  organisationIds: Record<string, string>;
  userIds: Record<string, string>;
  hotspotIds: Record<string, string>;
  serviceIds: Partial<Record<ServiceCode, string>>;
  keyworkerIds: string[];
  /** "Today" for the demo: activity is spread over the year before it. */
  today: Date;
}

/** Area seeds run in order after the base, inside the same transaction (each adds its records). */
const areaSeeds: ((world: DemoWorld) => Promise<void>)[] = [
  seedDemoOutreach,
  seedDemoTreatment,
  seedDemoCommunity,
  seedDemoHistory,
];

/**
 * A small synthetic city: the Oxford hotspots, one organisation of each kind, one user of each role,
 * the provider's services and keyworkers, then each area's records. One transaction: all or none.
 */
export async function seedDemo({ ctx }: { ctx: Ctx }) {
  requireRoleOrSystem(ctx.actor, []);
  return ctx.db.transaction(async (tx) => {
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
}
