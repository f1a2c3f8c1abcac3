import { type OrganisationKind, organisationKindsFor, type Role } from "@pathways/validators/codes";
import type { Actor, SystemActor, UserActor } from "./context.ts";
import { Forbidden, Unauthenticated, ValidationError } from "./errors.ts";

/**
 * Who may call each kind of verb: the one list both the API's procedures (procedureFor) and core's
 * verbs (requireRole, actingUser) read, so the two can never disagree. Which records a caller may then
 * touch is the record rule's business (person-access.ts, record-access.ts).
 */
export const verbRoles = {
  signedIn: ["outreach_worker", "treatment_manager", "commissioner", "admin"],
  /** Person-level records: never commissioners (DOMAIN.md: aggregate reports only). */
  readPeople: ["outreach_worker", "treatment_manager", "admin"],
  /** Add a person, record consent, resolve a safeguarding flag: the people who work with them. */
  writePeople: ["outreach_worker", "treatment_manager"],
  mergePeople: ["outreach_worker", "admin"],
  /** Contacts and needle finds are logged by outreach workers on the street. */
  logOutreach: ["outreach_worker"],
  /** The taskforce's own activity log and operations: its outreach workers (a taskforce's only). */
  logTaskforce: ["outreach_worker"],
  /** Its outreach workers read their organisation's activity; admins oversee all of it. */
  readTaskforce: ["outreach_worker", "admin"],
  /** Outreach workers on the street, treatment managers for their own clients. */
  refer: ["outreach_worker", "treatment_manager"],
  /** Episodes, appointments, interventions, TOP reviews and caseloads: clinical detail. */
  treat: ["treatment_manager"],
  /** Taskforce staff triage community reports; admins oversee. */
  triage: ["outreach_worker", "admin"],
  administer: ["admin"],
  /**
   * Incidents and hotspot evidence (place-level, no person): the taskforce's outreach workers, who
   * choose where to work, and admins. Commissioners see places only as disclosure-controlled counts.
   */
  placeEvidence: ["outreach_worker", "admin"],
  /**
   * The register of drug-related deaths: treatment managers, who hear of their clients' deaths, and
   * admins, who load the register from public health's and the coroner's lists.
   */
  recordDeaths: ["treatment_manager", "admin"],
} as const satisfies Record<string, readonly Role[]>;

const roleNames: Record<Role, string> = {
  outreach_worker: "outreach workers",
  treatment_manager: "treatment managers",
  commissioner: "commissioners",
  admin: "admins",
};

/** A signed-in user with one of `roles`, or refused with a message saying who may do it. */
export function requireRole(actor: Actor, roles: readonly Role[]): UserActor {
  if (actor.kind !== "user") throw new Unauthenticated();
  if (!roles.includes(actor.role)) {
    throw new Forbidden(`Only ${roles.map((r) => roleNames[r]).join(" or ")} may do this.`);
  }
  return actor;
}

/** A signed-in user with one of `roles`, or Pathways itself (seed, import, worker). */
export function requireRoleOrSystem(actor: Actor, roles: readonly Role[]): UserActor | SystemActor {
  if (actor.kind === "system") return actor;
  return requireRole(actor, roles);
}

const oneOf: Record<Role, string> = {
  outreach_worker: "an outreach worker",
  treatment_manager: "a treatment manager",
  commissioner: "a commissioner",
  admin: "an admin",
};

const kindNames: Record<OrganisationKind, string> = {
  taskforce: "a taskforce",
  council: "a council",
  treatment_provider: "a treatment provider",
  social_care: "social care",
  commissioner: "a commissioner",
};

/**
 * A user's role must fit their organisation's kind (organisationKindsFor), or they would sign in to
 * an app with nothing in it: a treatment manager works a treatment provider's caseload, and so on.
 */
export function refuseRoleOutsideOrganisation(role: Role, kind: OrganisationKind): void {
  const fits = organisationKindsFor[role];
  if ((fits as readonly OrganisationKind[]).includes(kind)) return;
  throw ValidationError.field(
    "role",
    `role must fit the organisation: ${oneOf[role]} belongs to ${fits.map((k) => kindNames[k]).join(" or ")}, and this organisation is ${kindNames[kind]}`,
  );
}
