import { hashPassword } from "@pathways/core";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, serverOn, sessionCookieFrom } from "./helpers.ts";

const password = "correct horse battery staple";
let passwordHash: string;
beforeAll(async () => {
  passwordHash = await hashPassword(password);
});

describeDb("HTTP server", (use) => {
  it("answers the health and readiness probes", async () => {
    const app = await serverOn(use().handle);
    expect((await app.inject("/healthz")).json()).toEqual({ status: "ok" });
    const ready = await app.inject("/readyz");
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: "ready" });
    await app.close();
  });

  it("sends security headers and a request id on every response", async () => {
    const app = await serverOn(use().handle);
    const response = await app.inject({
      url: "/healthz",
      headers: { "x-request-id": "req-from-proxy-1234" },
    });
    expect(response.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(response.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["x-frame-options"]).toBe("DENY");
    expect(response.headers["x-request-id"]).toBe("req-from-proxy-1234");
    await app.close();
  });

  it("signs in with an HttpOnly SameSite=Lax cookie, knows the user, and signs out for good", async () => {
    const { actors } = await makeWorld(use().db, { passwordHash });
    const app = await serverOn(use().handle);
    const signIn = await call(app, "mutation", "auth.signIn", {
      email: actors.outreach_worker.email,
      password,
    });
    expect(signIn.status).toBe(200);
    const setCookie = String(signIn.response.headers["set-cookie"]);
    expect(setCookie).toMatch(/^pathways_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Lax");
    expect(setCookie).not.toContain("Secure");
    const cookie = sessionCookieFrom(signIn.response);

    const me = await call(app, "query", "auth.me", undefined, cookie);
    expect(me.data).toMatchObject({ email: actors.outreach_worker.email, role: "outreach_worker" });

    const signOut = await call(app, "mutation", "auth.signOut", undefined, cookie);
    expect(signOut.status).toBe(200);
    expect((await call(app, "query", "auth.me", undefined, cookie)).data).toBeNull();
    expect((await call(app, "query", "hotspots.list", {}, cookie)).status).toBe(401);
    await app.close();
  });

  it("marks the cookie Secure when the request came over HTTPS through a trusted proxy", async () => {
    const { actors } = await makeWorld(use().db, { passwordHash });
    const app = await serverOn(use().handle, { TRUST_PROXY: "true" });
    const signIn = await call(
      app,
      "mutation",
      "auth.signIn",
      { email: actors.admin.email, password },
      undefined,
      { "x-forwarded-proto": "https", origin: "https://localhost:80" },
    );
    expect(signIn.status).toBe(200);
    expect(String(signIn.response.headers["set-cookie"])).toContain("Secure");
    await app.close();
  });

  it("keeps a session across a restart of the API (sessions live in the database)", async () => {
    const { actors } = await makeWorld(use().db, { passwordHash });
    const first = await serverOn(use().handle);
    const signIn = await call(first, "mutation", "auth.signIn", { email: actors.admin.email, password });
    const cookie = sessionCookieFrom(signIn.response);
    await first.close();
    const second = await serverOn(use().handle);
    expect((await call(second, "query", "auth.me", undefined, cookie)).data).toMatchObject({ role: "admin" });
    await second.close();
  });

  it("gives a wrong email and a wrong password the same answer", async () => {
    const { actors } = await makeWorld(use().db, { passwordHash });
    const app = await serverOn(use().handle);
    const wrongPassword = await call(app, "mutation", "auth.signIn", {
      email: actors.commissioner.email,
      password: "not the password",
    });
    const wrongEmail = await call(app, "mutation", "auth.signIn", {
      email: "nobody@test.pathways",
      password,
    });
    expect(wrongPassword.status).toBe(401);
    expect(wrongEmail.status).toBe(401);
    expect(wrongPassword.error?.message).toBe(wrongEmail.error?.message);
    expect(String(wrongPassword.response.headers["set-cookie"] ?? "")).toBe("");
    await app.close();
  });

  it("slows the sixth wrong password in a row from one address with a try-again time", async () => {
    const { actors } = await makeWorld(use().db, { passwordHash });
    const app = await serverOn(use().handle);
    const email = actors.treatment_manager.email;
    for (let attempt = 1; attempt <= 5; attempt++) {
      expect(
        (await call(app, "mutation", "auth.signIn", { email, password: `wrong ${attempt}` })).status,
      ).toBe(401);
    }
    const sixth = await call(app, "mutation", "auth.signIn", { email, password: "wrong 6" });
    expect(sixth.status).toBe(429);
    expect(sixth.error?.message).toMatch(/^Too many failed sign-ins\. Try again in [12] seconds?\.$/);
    expect((sixth.error!.data as { retryAfterSeconds?: number }).retryAfterSeconds).toBeLessThanOrEqual(2);
    // Even the right password waits out the delay.
    expect((await call(app, "mutation", "auth.signIn", { email, password })).status).toBe(429);
    await app.close();
  });

  it("answers bad input with a message per field", async () => {
    const app = await serverOn(use().handle);
    const result = await call(app, "mutation", "auth.signIn", { email: "not-an-email", password: "" });
    expect(result.status).toBe(400);
    expect(result.error?.data.fieldErrors).toEqual({
      email: ["email must be a valid address, like name@example.org"],
      password: ["password is required"],
    });
    expect(result.error?.message).toContain("email: email must be a valid address");
    await app.close();
  });

  describe("cross-site request forgery", () => {
    it("refuses a mutation sent as a form or plain text", async () => {
      const app = await serverOn(use().handle);
      for (const contentType of [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
      ]) {
        const response = await app.inject({
          method: "POST",
          url: "/trpc/auth.signOut",
          payload: "{}",
          headers: { "content-type": contentType },
        });
        expect(response.statusCode).toBe(403);
        expect(response.json().error.message).toBe(
          "Requests that change data must be sent as application/json.",
        );
      }
      await app.close();
    });

    it("refuses a JSON mutation from a foreign origin, even with a valid session", async () => {
      const { actors } = await makeWorld(use().db, { passwordHash });
      const app = await serverOn(use().handle);
      const cookie = sessionCookieFrom(
        (await call(app, "mutation", "auth.signIn", { email: actors.admin.email, password })).response,
      );
      const forged = await call(
        app,
        "mutation",
        "hotspots.create",
        { name: "Forged", lat: 51, lng: -1 },
        cookie,
        { origin: "https://evil.example" },
      );
      expect(forged.status).toBe(403);
      const crossSite = await call(
        app,
        "mutation",
        "hotspots.create",
        { name: "Forged", lat: 51, lng: -1 },
        cookie,
        {
          "sec-fetch-site": "cross-site",
        },
      );
      expect(crossSite.status).toBe(403);
      const sameOrigin = await call(
        app,
        "mutation",
        "hotspots.create",
        { name: `Same origin ${Math.random()}`, lat: 51, lng: -1 },
        cookie,
        { origin: "http://localhost:80", "sec-fetch-site": "same-origin" },
      );
      expect(sameOrigin.status).toBe(200);
      await app.close();
    });
  });
});

describe("readiness without a database", () => {
  let app: Awaited<ReturnType<typeof serverOn>>;
  afterAll(() => app?.close());
  it("turns /readyz red (503) while /healthz stays up", async () => {
    const { createDb } = await import("@pathways/db");
    const handle = await createDb({ dataDir: "memory://" });
    await handle.close();
    app = await serverOn(handle);
    expect((await app.inject("/healthz")).statusCode).toBe(200);
    const ready = await app.inject("/readyz");
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: "database unavailable" });
  });
});
