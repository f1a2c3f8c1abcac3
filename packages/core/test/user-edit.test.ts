import { and, auditEvents, eq, users } from "@pathways/db";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import type { Ctx } from "../src/context.ts";
import { Forbidden, Unauthenticated, ValidationError } from "../src/errors.ts";
import { hashPassword } from "../src/passwords.ts";
import { resolveSession } from "../src/sessions.ts";
import { signIn } from "../src/sign-in.ts";
import { changeOwnPassword, updateUser } from "../src/users.ts";

const settings = { secret: "test-secret-test-secret-test-secret-0123", idleMinutes: 30 };
const password = "correct horse battery staple";

async function signedIn(args: Parameters<typeof signIn>[0]) {
  const result = await signIn(args);
  if (result.step !== "signed_in") throw new Error("expected a session, not a second-factor challenge");
  return result;
}

/** The field a refusal names, and its message: what the form shows beside the input. */
async function refusedOn(act: Promise<unknown>) {
  const error = await act.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).fields;
}

describeDb("an administrator edits a user; a user changes their own password", (use) => {
  it("renames without signing them out, and moves role and organisation only together with the kind", async () => {
    const world = await makeWorld(use().db, { passwordHash: await hashPassword(password) });
    const admin = world.ctxOf("admin");
    const manager = world.actors.treatment_manager;
    const { token } = await signedIn({
      ctx: world.publicCtx,
      input: { email: manager.email, password },
      settings,
    });
    const base = { userId: manager.userId, role: manager.role, organisationId: manager.organisationId };

    const renamed = await updateUser({ ctx: admin, input: { ...base, name: "Priya Shah-Jones" } });
    expect(renamed).toMatchObject({ name: "Priya Shah-Jones", role: "treatment_manager" });
    expect(await resolveSession(use().db, token, settings)).not.toBeNull();

    // An outreach worker belongs to a taskforce or council, not a treatment provider.
    const fields = await refusedOn(
      updateUser({ ctx: admin, input: { ...base, name: "Priya Shah-Jones", role: "outreach_worker" } }),
    );
    expect(fields.role?.[0]).toMatch(/belongs to a taskforce or a council/i);
    const [unchanged] = await use().db.select().from(users).where(eq(users.id, manager.userId));
    expect(unchanged!.role).toBe("treatment_manager");

    const moved = await updateUser({
      ctx: admin,
      input: {
        ...base,
        name: "Priya Shah-Jones",
        role: "outreach_worker",
        organisationId: world.actors.outreach_worker.organisationId,
      },
    });
    expect(moved).toMatchObject({
      role: "outreach_worker",
      organisationId: world.actors.outreach_worker.organisationId,
    });
    // New rights: the old session (with the old role) is over.
    expect(await resolveSession(use().db, token, settings)).toBeNull();
    const events = await use()
      .db.select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, manager.userId), eq(auditEvents.action, "update")));
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ entity: "user", actorUserId: world.actors.admin.userId });
  });

  it("refuses anyone but an administrator, an unknown organisation, and taking one's own administration away", async () => {
    const world = await makeWorld(use().db);
    const admin = world.actors.admin;
    const input = {
      userId: admin.userId,
      name: "Tom",
      role: admin.role,
      organisationId: admin.organisationId,
    };
    await expect(updateUser({ ctx: world.ctxOf("treatment_manager"), input })).rejects.toBeInstanceOf(
      Forbidden,
    );
    expect(
      await refusedOn(
        updateUser({ ctx: world.ctxOf("admin"), input: { ...input, organisationId: crypto.randomUUID() } }),
      ),
    ).toHaveProperty("organisationId");
    expect(
      await refusedOn(
        updateUser({ ctx: world.ctxOf("admin"), input: { ...input, role: "outreach_worker" } }),
      ),
    ).toHaveProperty("role");
  });

  it("changes one's own password with the current one, ending the sessions elsewhere and keeping this one", async () => {
    const world = await makeWorld(use().db, { passwordHash: await hashPassword(password) });
    const email = world.actors.outreach_worker.email;
    const here = await signedIn({ ctx: world.publicCtx, input: { email, password }, settings });
    const elsewhere = await signedIn({ ctx: world.publicCtx, input: { email, password }, settings });
    const ctx: Ctx = { db: use().db, actor: here.actor };
    const newPassword = "a longer passphrase for the street";

    expect(
      await refusedOn(changeOwnPassword({ ctx, input: { currentPassword: "not my password", newPassword } })),
    ).toHaveProperty("currentPassword");
    expect(await resolveSession(use().db, elsewhere.token, settings)).not.toBeNull();

    expect(await changeOwnPassword({ ctx, input: { currentPassword: password, newPassword } })).toEqual({
      otherSessionsEnded: 1,
    });
    expect(await resolveSession(use().db, here.token, settings)).not.toBeNull();
    expect(await resolveSession(use().db, elsewhere.token, settings)).toBeNull();
    await expect(
      signIn({ ctx: world.publicCtx, input: { email, password }, settings }),
    ).rejects.toBeInstanceOf(Unauthenticated);
    await expect(
      signIn({ ctx: world.publicCtx, input: { email, password: newPassword }, settings }),
    ).resolves.toBeTruthy();
    const [event] = await use()
      .db.select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "change_password"));
    expect(event).toMatchObject({
      entity: "user",
      entityId: here.actor.userId,
      actorUserId: here.actor.userId,
    });

    await expect(
      changeOwnPassword({
        ctx: world.publicCtx,
        input: { currentPassword: newPassword, newPassword: password },
      }),
    ).rejects.toBeInstanceOf(Unauthenticated);
  });
});
