import { and, asc, eq, isNull, organisations, users } from "@pathways/db";
import { reportKinds, reportsFor } from "@pathways/validators";
import type { UserActor, VerbArgs } from "../context.ts";
import { Forbidden, NotFound } from "../errors.ts";

/**
 * Who Pathways itself runs a report as (`pathways report` on the local database, with no session):
 * the active user with `email`, or, without one, the first active commissioner. Only a system job may
 * ask; runReport then applies that user's rights and disclosure control as for a signed-in request.
 */
export async function reportReader({ ctx, input }: VerbArgs<{ email?: string }>): Promise<UserActor> {
  if (ctx.actor.kind !== "system")
    throw new Forbidden("Only Pathways itself chooses who a report is run as.");
  const email = input.email?.trim().toLowerCase();
  const [row] = await ctx.db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      disabledAt: users.disabledAt,
      organisationId: organisations.id,
      organisationName: organisations.name,
      organisationKind: organisations.kind,
    })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(email ? eq(users.email, email) : and(eq(users.role, "commissioner"), isNull(users.disabledAt)))
    .orderBy(asc(users.createdAt), asc(users.email))
    .limit(1);
  if (!row) {
    throw email ? new NotFound("user with the email", email) : new NotFound("commissioner", "who is active");
  }
  if (row.disabledAt) throw new Forbidden(`${row.email} is disabled.`);
  if (!reportsFor(row.role, row.organisationKind).length) {
    throw new Forbidden(
      `${row.email} may run no report: reports (${reportKinds.join(", ")}) are for commissioners, treatment managers, taskforce staff and admins.`,
    );
  }
  const { disabledAt: _disabled, ...user } = row;
  return { kind: "user", ...user, sessionId: null };
}
