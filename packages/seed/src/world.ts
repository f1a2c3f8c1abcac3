import type { Ctx } from "@pathways/core";
import type { OrganisationKind, Role, ServiceCode } from "@pathways/validators/codes";

/*
 * The demo city's base data and the world the area seeds build on. The area seeds (outreach,
 * treatment, community, history) import from here, and demo.ts runs them: no file imports demo.ts.
 */

/** The password of every demo user. Demo data only: a real deployment creates its own users. */
export const demoPassword = "pathways-demo-2026";

export const demoOrganisations: { key: string; name: string; kind: OrganisationKind }[] = [
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
export const demoHotspots = [
  { name: "South Park", lat: 51.7527, lng: -1.2335 },
  { name: "Grandpont", lat: 51.7453, lng: -1.2577 },
  { name: "Meadow Lane", lat: 51.7368, lng: -1.2359 },
  { name: "Gloucester Green", lat: 51.754, lng: -1.262 },
  { name: "Bonn Square", lat: 51.752, lng: -1.26 },
  { name: "Cowley Road", lat: 51.746, lng: -1.23 },
  { name: "Florence Park", lat: 51.734, lng: -1.219 },
  { name: "Blackbird Leys", lat: 51.713, lng: -1.203 },
];

export const demoServices: { organisation: string; code: ServiceCode; name: string }[] = [
  { organisation: "provider", code: "opiate_treatment", name: "Opiate treatment" },
  { organisation: "provider", code: "non_opiate_treatment", name: "Non-opiate treatment" },
  { organisation: "provider", code: "alcohol_treatment", name: "Alcohol treatment" },
  { organisation: "socialCare", code: "safeguarding_social_care", name: "Safeguarding referral" },
  { organisation: "council", code: "housing_support", name: "Housing support" },
];

export const demoKeyworkers = ["Aisha Khan", "Ben Carter", "Chloe Evans", "Dan Murphy"];

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
