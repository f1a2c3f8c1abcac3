import { count, keyworkers, organisations, services } from "@pathways/db";
import type { OrganisationKind, Role, ServiceCode } from "@pathways/validators/codes";
import type { Ctx } from "../context.ts";
import { createHotspot } from "../hotspots.ts";
import { createOrganisation } from "../organisations.ts";
import { requireRoleOrSystem } from "../rights.ts";
import { createUser } from "../users.ts";

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

/**
 * A small synthetic city: the Oxford hotspots, one organisation of each kind, one user of each role,
 * the provider's services and keyworkers. Runs in one transaction: all of it or none.
 */
export async function seedDemo({ ctx }: { ctx: Ctx }) {
  requireRoleOrSystem(ctx.actor, []);
  return ctx.db.transaction(async (tx) => {
    const txCtx = { ...ctx, db: tx };
    const orgIds: Record<string, string> = {};
    for (const { key, ...input } of demoOrganisations) {
      orgIds[key] = (await createOrganisation({ ctx: txCtx, input })).id;
    }
    for (const { organisation, ...user } of demoUsers) {
      await createUser({
        ctx: txCtx,
        input: { ...user, organisationId: orgIds[organisation]!, password: demoPassword },
      });
    }
    for (const hotspot of demoHotspots) await createHotspot({ ctx: txCtx, input: hotspot });
    await tx
      .insert(services)
      .values(
        demoServices.map(({ organisation, ...s }) => ({ ...s, organisationId: orgIds[organisation]! })),
      );
    await tx
      .insert(keyworkers)
      .values(demoKeyworkers.map((name) => ({ name, organisationId: orgIds.provider! })));
    return {
      organisations: demoOrganisations.length,
      users: demoUsers.length,
      hotspots: demoHotspots.length,
    };
  });
}
