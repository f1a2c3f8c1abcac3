import type { Actor, UserActor } from "../context.ts";
import { Forbidden } from "../errors.ts";
import { requireRole, verbRoles } from "../rights.ts";

/**
 * Who logs taskforce activity: an outreach worker of a taskforce (a council's outreach workers log
 * contacts and needle finds, not the taskforce's patrols and arrests).
 */
export function requireTaskforceWorker(actor: Actor): UserActor {
  const user = requireRole(actor, verbRoles.logTaskforce);
  if (user.organisationKind !== "taskforce") {
    throw new Forbidden("Only outreach workers of a taskforce may log taskforce activity.");
  }
  return user;
}

/**
 * Who reads taskforce activity, and whose: a taskforce's outreach workers their own organisation's
 * (`organisationId`), admins everyone's (null: no organisation filter).
 */
export function taskforceReader(actor: Actor): { organisationId: string | null } {
  const user = requireRole(actor, verbRoles.readTaskforce);
  if (user.role === "admin") return { organisationId: null };
  return { organisationId: requireTaskforceWorker(user).organisationId };
}
