import type { Role } from "@pathways/validators/codes";
import type { Actor, SystemActor, UserActor } from "./context.ts";
import { Forbidden, Unauthenticated } from "./errors.ts";

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

/** Roles that may see person-level records at all; commissioners see aggregates only. */
export const personLevelRoles = ["outreach_worker", "treatment_manager", "admin"] as const satisfies Role[];

/** Roles that may see clinical treatment detail (TOP scores, interventions, appointment notes). */
export const clinicalRoles = ["treatment_manager"] as const satisfies Role[];
