import { randomUUID } from "node:crypto";
import { type Database, organisations, users } from "@pathways/db";
import type { OrganisationKind, Role } from "@pathways/validators/codes";

/** The shape of core's UserActor and Ctx, restated here because core's tests build on this package. */
export interface TestUserActor {
  kind: "user";
  userId: string;
  name: string;
  email: string;
  role: Role;
  organisationId: string;
  organisationName: string;
  organisationKind: OrganisationKind;
  sessionId: string | null;
}
type Actor = TestUserActor | { kind: "public"; address: string } | { kind: "system"; name: string };
export interface TestCtx {
  db: Database;
  actor: Actor;
  disclosureSecret?: string;
}

/** The disclosure secret every test context carries (commissioner reports refuse to run without one). */
export const testDisclosureSecret = "test-disclosure-secret-0123456789-abcdefgh";

const organisationKindOf: Record<Role, OrganisationKind> = {
  outreach_worker: "taskforce",
  treatment_manager: "treatment_provider",
  commissioner: "commissioner",
  admin: "council",
};

/**
 * Each test makes its own organisations and users (names made unique), so tests never depend on a
 * shared seeded world. Password hashes are placeholders: these users never sign in.
 */
export async function makeWorld(db: Database, options: { passwordHash?: string } = {}) {
  const tag = randomUUID().slice(0, 8);
  const actors = {} as Record<Role, TestUserActor>;
  for (const role of Object.keys(organisationKindOf) as Role[]) {
    const kind = organisationKindOf[role];
    const [organisation] = await db
      .insert(organisations)
      .values({ name: `${kind} ${tag}`, kind })
      .onConflictDoNothing()
      .returning();
    const [user] = await db
      .insert(users)
      .values({
        organisationId: organisation!.id,
        email: `${role}.${tag}@test.pathways`,
        name: `${role} ${tag}`,
        role,
        passwordHash: options.passwordHash ?? "not-a-hash",
      })
      .returning();
    actors[role] = {
      kind: "user",
      userId: user!.id,
      name: user!.name,
      email: user!.email,
      role,
      organisationId: organisation!.id,
      organisationName: organisation!.name,
      organisationKind: kind,
      sessionId: null,
    };
  }
  return {
    tag,
    actors,
    ctxOf: (role: Role): TestCtx => ({ db, actor: actors[role], disclosureSecret: testDisclosureSecret }),
    publicCtx: { db, actor: { kind: "public", address: "127.0.0.1" } } as TestCtx,
    systemCtx: { db, actor: { kind: "system", name: "test" } } as TestCtx,
  };
}
