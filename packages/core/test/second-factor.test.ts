import { auditEvents, eq, recoveryCodes, sessions } from "@pathways/db";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import type { Ctx } from "../src/context.ts";
import { RateLimited, Unauthenticated } from "../src/errors.ts";
import { setOrganisationSecondFactor } from "../src/organisations.ts";
import { hashPassword } from "../src/passwords.ts";
import { completeSignIn, resetSecondFactor, totpCode } from "../src/second-factor.ts";
import { resolveSession } from "../src/sessions.ts";
import { signIn } from "../src/sign-in.ts";

const password = "correct horse battery staple";
const settings = {
  secret: "test-secret-test-secret-test-secret-0123",
  idleMinutes: 30,
  adminsNeedSecondFactor: true,
};

function clock(start = "2026-11-23T09:00:00Z") {
  let at = new Date(start).getTime();
  return { now: () => new Date(at), advance: (seconds: number) => (at += seconds * 1000) };
}

describeDb("a second factor for staff (TOTP)", (use) => {
  async function setup() {
    const world = await makeWorld(use().db, { passwordHash: await hashPassword(password) });
    const time = clock();
    const ctx: Ctx = { db: use().db, actor: { kind: "public", address: "192.0.2.5" }, now: time.now };
    return { world, time, ctx };
  }
  async function sessionCount(userId: string) {
    return (await use().db.select().from(sessions).where(eq(sessions.userId, userId))).length;
  }

  it("makes an admin enrol: the secret as text and a QR code, confirmed by a first code, then ten recovery codes", async () => {
    const { world, time, ctx } = await setup();
    const admin = world.actors.admin;
    const first = await signIn({ ctx, input: { email: admin.email, password }, settings });
    expect(first.step).toBe("second_factor");
    if (first.step !== "second_factor") return;
    expect(first.token).toBeNull();
    expect(first.enrolment!.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(first.enrolment!.uri).toContain(`otpauth://totp/Pathways:${encodeURIComponent(admin.email)}`);
    expect(first.enrolment!.uri).toContain(`secret=${first.enrolment!.secret}`);
    expect(first.enrolment!.qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
    // The password alone gives no session.
    expect(await sessionCount(admin.userId)).toBe(0);

    await expect(
      completeSignIn({ ctx, input: { challenge: first.challenge, code: "000000" }, settings }),
    ).rejects.toBeInstanceOf(Unauthenticated);
    const done = await completeSignIn({
      ctx,
      input: { challenge: first.challenge, code: totpCode(first.enrolment!.secret, time.now()) },
      settings,
    });
    expect(done.recoveryCodes).toHaveLength(10);
    expect(new Set(done.recoveryCodes).size).toBe(10);
    expect(await resolveSession(use().db, done.token, settings, time.now())).toMatchObject({
      userId: admin.userId,
    });
    // Only keyed hashes are stored.
    const stored = await use().db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, admin.userId));
    expect(stored).toHaveLength(10);
    for (const code of done.recoveryCodes!) {
      expect(JSON.stringify(stored)).not.toContain(code);
      expect(JSON.stringify(stored)).not.toContain(code.replace("-", ""));
    }
    const events = await use().db.select().from(auditEvents).where(eq(auditEvents.actorUserId, admin.userId));
    expect(events.map((e) => e.action).sort()).toEqual(["enrol_second_factor", "sign_in"]);
    // A challenge is used once.
    await expect(
      completeSignIn({
        ctx,
        input: { challenge: first.challenge, code: totpCode(first.enrolment!.secret, time.now()) },
        settings,
      }),
    ).rejects.toThrow("Your sign-in has expired");
  });

  it("asks an enrolled user for a code each time, refuses a code used before, and takes each recovery code once", async () => {
    const { world, time, ctx } = await setup();
    const email = world.actors.admin.email;
    const enrol = await signIn({ ctx, input: { email, password }, settings });
    if (enrol.step !== "second_factor") throw new Error("expected a challenge");
    const secret = enrol.enrolment!.secret;
    const { recoveryCodes: codes } = await completeSignIn({
      ctx,
      input: { challenge: enrol.challenge, code: totpCode(secret, time.now()) },
      settings,
    });

    const again = await signIn({ ctx, input: { email, password }, settings });
    if (again.step !== "second_factor") throw new Error("expected a challenge");
    expect(again.enrolment).toBeNull();
    // The code just used (same 30-second step) is refused: a code seen over a shoulder is spent.
    await expect(
      completeSignIn({
        ctx,
        input: { challenge: again.challenge, code: totpCode(secret, time.now()) },
        settings,
      }),
    ).rejects.toThrow("That code is not right");
    time.advance(30);
    const next = await completeSignIn({
      ctx,
      input: { challenge: again.challenge, code: totpCode(secret, time.now()) },
      settings,
    });
    expect(next.recoveryCodes).toBeNull();

    const lostPhone = await signIn({ ctx, input: { email, password }, settings });
    if (lostPhone.step !== "second_factor") throw new Error("expected a challenge");
    const recovered = await completeSignIn({
      ctx,
      input: { challenge: lostPhone.challenge, code: codes![3]!.toUpperCase() },
      settings,
    });
    expect(recovered.actor.email).toBe(email);
    const reuse = await signIn({ ctx, input: { email, password }, settings });
    if (reuse.step !== "second_factor") throw new Error("expected a challenge");
    await expect(
      completeSignIn({ ctx, input: { challenge: reuse.challenge, code: codes![3]! }, settings }),
    ).rejects.toBeInstanceOf(Unauthenticated);
  });

  it("asks every user of an organisation that turns it on, and nobody else unless admins are required", async () => {
    const { world, ctx } = await setup();
    const admin = world.ctxOf("admin") as Ctx;
    const outreach = world.actors.outreach_worker;
    const plain = { ...settings, adminsNeedSecondFactor: false };
    expect((await signIn({ ctx, input: { email: outreach.email, password }, settings })).step).toBe(
      "signed_in",
    );
    expect(
      (await signIn({ ctx, input: { email: world.actors.admin.email, password }, settings: plain })).step,
    ).toBe("signed_in");
    await setOrganisationSecondFactor({
      ctx: admin,
      input: { organisationId: outreach.organisationId, required: true },
    });
    const challenged = await signIn({ ctx, input: { email: outreach.email, password }, settings: plain });
    expect(challenged.step).toBe("second_factor");
    expect(challenged.challenge && challenged.enrolment).toBeTruthy();
    // A colleague elsewhere is unaffected.
    expect(
      (await signIn({ ctx, input: { email: world.actors.commissioner.email, password }, settings: plain }))
        .step,
    ).toBe("signed_in");
  });

  it("ends a challenge after five wrong codes and counts them as failed sign-ins", async () => {
    const { world, ctx } = await setup();
    const email = world.actors.admin.email;
    const challenge = await signIn({ ctx, input: { email, password }, settings });
    if (challenge.step !== "second_factor") throw new Error("expected a challenge");
    const guess = (code: string) =>
      completeSignIn({ ctx, input: { challenge: challenge.challenge, code }, settings }).catch(
        (e: unknown) => e,
      );
    for (let i = 0; i < 4; i++) expect(await guess(`12345${i}`)).toBeInstanceOf(Unauthenticated);
    expect(String(await guess("123459"))).toContain("Your sign-in has expired");
    // Five failures from this address: the next password try waits, whatever it is.
    expect(
      await signIn({ ctx, input: { email, password }, settings }).catch((e: unknown) => e),
    ).toBeInstanceOf(RateLimited);
  });

  it("lets an admin reset someone's second factor: audited, their sessions end, they enrol again", async () => {
    const { world, time, ctx } = await setup();
    const target = world.actors.admin;
    const enrol = await signIn({ ctx, input: { email: target.email, password }, settings });
    if (enrol.step !== "second_factor") throw new Error("expected a challenge");
    const { token } = await completeSignIn({
      ctx,
      input: { challenge: enrol.challenge, code: totpCode(enrol.enrolment!.secret, time.now()) },
      settings,
    });
    const cli: Ctx = { db: use().db, actor: { kind: "system", name: "cli" } };
    await resetSecondFactor({ ctx: cli, input: { userId: target.userId } });
    expect(await resolveSession(use().db, token, settings, time.now())).toBeNull();
    const events = await use()
      .db.select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "reset_two_factor"));
    expect(events).toMatchObject([{ actorName: "system:cli", entity: "user", entityId: target.userId }]);
    const fresh = await signIn({ ctx, input: { email: target.email, password }, settings });
    expect(fresh.step === "second_factor" && fresh.enrolment?.secret).toMatch(/^[A-Z2-7]{32}$/);
  });
});
