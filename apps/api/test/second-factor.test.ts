import { hashPassword, totpCode } from "@pathways/core";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import { call, serverOn, sessionCookieFrom } from "./helpers.ts";

const password = "correct horse battery staple";

describeDb("signing in with a second factor over HTTP", (use) => {
  it("gives an admin no cookie for the password alone, and a session for the code", async () => {
    const { actors } = await makeWorld(use().db, { passwordHash: await hashPassword(password) });
    const app = await serverOn(use().handle, { PATHWAYS_ADMIN_SECOND_FACTOR: "true" });
    const first = await call(app, "mutation", "auth.signIn", { email: actors.admin.email, password });
    expect(first.status).toBe(200);
    expect(first.response.headers["set-cookie"]).toBeUndefined();
    expect(first.response.headers["cache-control"]).toBe("no-store");
    const { step, challenge, enrolment } = first.data as {
      step: string;
      challenge: string;
      enrolment: { secret: string; qrCode: string };
    };
    expect(step).toBe("second_factor");
    expect(enrolment.qrCode).toMatch(/^data:image\/svg\+xml;base64,/);

    const wrong = await call(app, "mutation", "auth.completeSignIn", { challenge, code: "123456" });
    expect(wrong.status).toBe(401);
    const malformed = await call(app, "mutation", "auth.completeSignIn", { challenge, code: "12" });
    expect(malformed.status).toBe(400);
    expect(malformed.error?.data.fieldErrors?.code?.[0]).toContain("6 digits");

    const done = await call(app, "mutation", "auth.completeSignIn", {
      challenge,
      code: totpCode(enrolment.secret, new Date()),
    });
    expect(done.status).toBe(200);
    expect((done.data as { recoveryCodes: string[] }).recoveryCodes).toHaveLength(10);
    const cookie = sessionCookieFrom(done.response);
    expect((await call(app, "query", "auth.me", undefined, cookie)).data).toMatchObject({ role: "admin" });
    await app.close();
  });

  it("signs other staff straight in while their organisation does not ask for a code", async () => {
    const { actors } = await makeWorld(use().db, { passwordHash: await hashPassword(password) });
    const app = await serverOn(use().handle, { PATHWAYS_ADMIN_SECOND_FACTOR: "true" });
    const signIn = await call(app, "mutation", "auth.signIn", {
      email: actors.outreach_worker.email,
      password,
    });
    expect(signIn.data).toMatchObject({ step: "signed_in", role: "outreach_worker" });
    expect(sessionCookieFrom(signIn.response)).toMatch(/^pathways_session=/);
    await app.close();
  });
});
