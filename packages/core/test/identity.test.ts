import { auditEvents } from "@pathways/db";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import { audit } from "../src/audit.ts";
import { searchAuditLog } from "../src/audit-log.ts";
import { Conflict, Unauthenticated } from "../src/errors.ts";
import { hashPassword } from "../src/passwords.ts";
import { resolveSession } from "../src/sessions.ts";
import { signIn } from "../src/sign-in.ts";
import { generatePassword, resetPassword, setUserDisabled } from "../src/users.ts";

const settings = { secret: "test-secret-test-secret-test-secret-0123", idleMinutes: 30 };
const password = "correct horse battery staple";

/** Signs in a user who needs no second factor, straight to a session. */
async function signedIn(args: Parameters<typeof signIn>[0]) {
  const result = await signIn(args);
  if (result.step !== "signed_in") throw new Error("expected a session, not a second-factor challenge");
  return result;
}

describeDb("users, sessions and the audit log", (use) => {
  it("ends a session that has been idle longer than the limit, and keeps a busy one", async () => {
    const world = await makeWorld(use().db, { passwordHash: await hashPassword(password) });
    const start = new Date("2026-11-23T09:00:00Z");
    const { token } = await signedIn({
      ctx: { ...world.publicCtx, now: () => start },
      input: { email: world.actors.admin.email, password },
      settings,
    });
    const at = (minutes: number) => new Date(start.getTime() + minutes * 60_000);
    expect(await resolveSession(use().db, token, settings, at(25))).not.toBeNull();
    // Used at 25 minutes, so still alive at 50.
    expect(await resolveSession(use().db, token, settings, at(50))).not.toBeNull();
    expect(await resolveSession(use().db, token, settings, at(81))).toBeNull();
    // Once ended it stays ended.
    expect(await resolveSession(use().db, token, settings, at(82))).toBeNull();
  });

  it("disabling a user ends their sessions and refuses their sign-in; enabling lets them back", async () => {
    const world = await makeWorld(use().db, { passwordHash: await hashPassword(password) });
    const email = world.actors.outreach_worker.email;
    const { token } = await signedIn({ ctx: world.publicCtx, input: { email, password }, settings });
    const userId = world.actors.outreach_worker.userId;
    await setUserDisabled({ ctx: world.ctxOf("admin"), input: { userId, disabled: true } });
    expect(await resolveSession(use().db, token, settings)).toBeNull();
    await expect(
      signIn({ ctx: world.publicCtx, input: { email, password }, settings }),
    ).rejects.toBeInstanceOf(Unauthenticated);
    await setUserDisabled({ ctx: world.ctxOf("admin"), input: { userId, disabled: false } });
    await expect(
      signIn({ ctx: world.publicCtx, input: { email, password }, settings }),
    ).resolves.toMatchObject({
      actor: { userId },
    });
  });

  it("does not let an admin lock themselves out", async () => {
    const world = await makeWorld(use().db);
    await expect(
      setUserDisabled({
        ctx: world.ctxOf("admin"),
        input: { userId: world.actors.admin.userId, disabled: true },
      }),
    ).rejects.toBeInstanceOf(Conflict);
  });

  it("resets a password: the old one stops working and old sessions end", async () => {
    const world = await makeWorld(use().db, { passwordHash: await hashPassword(password) });
    const email = world.actors.treatment_manager.email;
    const { token } = await signedIn({ ctx: world.publicCtx, input: { email, password }, settings });
    const result = await resetPassword({
      ctx: world.ctxOf("admin"),
      input: { userId: world.actors.treatment_manager.userId },
    });
    expect(result.password).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}-[a-z2-9]{5}-[a-z2-9]{5}$/);
    expect(await resolveSession(use().db, token, settings)).toBeNull();
    await expect(
      signIn({ ctx: world.publicCtx, input: { email, password }, settings }),
    ).rejects.toBeInstanceOf(Unauthenticated);
    await expect(
      signIn({ ctx: world.publicCtx, input: { email, password: result.password! }, settings }),
    ).resolves.toBeTruthy();
  });

  it("searches the audit log by person, user and London date, newest first, a page at a time", async () => {
    const world = await makeWorld(use().db);
    const personA = crypto.randomUUID();
    const personB = crypto.randomUUID();
    const worker = world.ctxOf("outreach_worker");
    const manager = world.ctxOf("treatment_manager");
    // 23:30 UTC on 30 June is 00:30 on 1 July in London.
    await audit(worker.db, { ...worker, actor: world.actors.outreach_worker }, [
      { action: "create", entity: "person", entityId: personA, personId: personA },
      { action: "read", entity: "person", entityId: personB, personId: personB },
    ]);
    await audit(
      manager.db,
      { ...manager, actor: world.actors.treatment_manager },
      {
        action: "read",
        entity: "person",
        entityId: personA,
        personId: personA,
      },
    );
    await use()
      .db.insert(auditEvents)
      .values({
        at: new Date("2026-06-30T23:30:00Z"),
        actorKind: "user",
        actorUserId: world.actors.outreach_worker.userId,
        actorName: "late",
        action: "read",
        entity: "person",
        entityId: personA,
        personId: personA,
      });
    const admin = world.ctxOf("admin");
    const byPerson = await searchAuditLog({
      ctx: admin,
      input: { personId: personA, limit: 50, sort: "newest", page: 1 },
    });
    expect(byPerson.events.map((e) => e.personId)).toEqual([personA, personA, personA]);
    const byUser = await searchAuditLog({
      ctx: admin,
      input: { userId: world.actors.treatment_manager.userId, limit: 50, sort: "newest", page: 1 },
    });
    expect(byUser.events).toHaveLength(1);
    const onFirstJuly = await searchAuditLog({
      ctx: admin,
      input: { personId: personA, from: "2026-07-01", to: "2026-07-01", limit: 50, sort: "newest", page: 1 },
    });
    expect(onFirstJuly.events.map((e) => e.actorName)).toEqual(["late"]);
    const onThirtiethJune = await searchAuditLog({
      ctx: admin,
      input: { personId: personA, from: "2026-06-30", to: "2026-06-30", limit: 50, sort: "newest", page: 1 },
    });
    expect(onThirtiethJune.events).toEqual([]);

    const first = await searchAuditLog({
      ctx: admin,
      input: { personId: personA, limit: 2, sort: "newest", page: 1 },
    });
    expect(first.events).toHaveLength(2);
    expect(first.hasNextPage).toBe(true);
    const second = await searchAuditLog({
      ctx: admin,
      input: { personId: personA, limit: 2, sort: "newest", page: 2 },
    });
    expect(second.events).toHaveLength(1);
    expect(second.hasNextPage).toBe(false);
    expect(new Set([...first.events, ...second.events].map((e) => e.id)).size).toBe(3);
  });
});

it("generates readable passwords with about 100 bits", () => {
  const passwords = new Set(Array.from({ length: 50 }, generatePassword));
  expect(passwords.size).toBe(50);
});
