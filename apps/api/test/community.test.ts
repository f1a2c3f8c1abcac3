import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { hashPassword } from "@pathways/core";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import { buildServer } from "../src/server.ts";
import { call, serverOn, sessionCookieFrom, testConfig } from "./helpers.ts";

const report = {
  category: "discarded_needles",
  location: "Under the railway bridge",
  description: "About a dozen needles in the grass where children cut through to school.",
};

describeDb("community reports over HTTP", (use) => {
  it("takes a report from someone who is not signed in and shows it on the tracking link", async () => {
    const app = await serverOn(use().handle);
    const submitted = await call(app, "mutation", "community.submit", {
      ...report,
      contactEmail: "resident@example.org",
      website: "",
    });
    expect(submitted.status).toBe(200);
    const { reference, token, updatesBy } = submitted.data as {
      reference: string;
      token: string;
      updatesBy: string;
    };
    expect(reference).toMatch(/^CR-\d{4}-\d{6}$/);
    expect(updatesBy).toBe("email");

    const tracked = await call(app, "query", "community.track", { token });
    expect(tracked.status).toBe(200);
    expect(tracked.data).toMatchObject({
      reference,
      category: "discarded_needles",
      location: "Under the railway bridge",
      status: "open",
      history: [{ status: "open", note: "We have received your report." }],
    });
    expect(JSON.stringify(tracked.data)).not.toContain("resident@example.org");
    await app.close();
  });

  it("gives a wrong, guessed or malformed token the very same response as a missing one", async () => {
    const app = await serverOn(use().handle);
    const { data } = await call(app, "mutation", "community.submit", report);
    const { token } = data as { token: string };
    const missing = await call(app, "query", "community.track", { token: "A".repeat(43) });
    expect(missing.status).toBe(404);
    expect(missing.error?.message).toBe("No community report for this link was found.");
    for (const wrong of [
      `${token.slice(0, -2)}xx`,
      token.slice(1),
      "",
      "%00",
      "<script>",
      "x".repeat(1500),
    ]) {
      const answer = await call(app, "query", "community.track", { token: wrong });
      expect(answer.status, wrong.slice(0, 20)).toBe(missing.status);
      expect(answer.response.body, wrong.slice(0, 20)).toBe(missing.response.body);
    }
    await app.close();
  });

  it("limits submissions per client address across requests, and tells the resident when to try again", async () => {
    const app = await serverOn(use().handle);
    const from = (address: string) =>
      app.inject({
        method: "POST",
        url: "/trpc/community.submit",
        payload: JSON.stringify({ json: report }),
        headers: { "content-type": "application/json" },
        remoteAddress: address,
      });
    for (let i = 0; i < 5; i += 1) expect((await from("192.0.2.10")).statusCode).toBe(200);
    const refused = await from("192.0.2.10");
    expect(refused.statusCode).toBe(429);
    const body = refused.json() as {
      error: { json: { message: string; data: { retryAfterSeconds: number } } };
    };
    expect(body.error.json.message).toMatch(
      /^You have sent 5 reports in the last 10 minutes\. Try again in (9|10) minutes\./,
    );
    expect(body.error.json.data.retryAfterSeconds).toBeGreaterThan(500);
    expect((await from("192.0.2.11")).statusCode).toBe(200);
    await app.close();
  });

  it("holds signed-in staff to the same limit per address", async () => {
    const password = "correct horse battery staple";
    const { actors } = await makeWorld(use().db, { passwordHash: await hashPassword(password) });
    const app = await serverOn(use().handle);
    const address = "192.0.2.20";
    const signIn = await app.inject({
      method: "POST",
      url: "/trpc/auth.signIn",
      payload: JSON.stringify({ json: { email: actors.admin.email, password } }),
      headers: { "content-type": "application/json" },
      remoteAddress: address,
    });
    const cookie = sessionCookieFrom({ headers: signIn.headers });
    const submit = () =>
      app.inject({
        method: "POST",
        url: "/trpc/community.submit",
        payload: JSON.stringify({ json: report }),
        headers: { "content-type": "application/json", cookie },
        remoteAddress: address,
      });
    for (let i = 0; i < 5; i += 1) expect((await submit()).statusCode).toBe(200);
    expect((await submit()).statusCode).toBe(429);
    await app.close();
  });

  it("answers the honeypot with an ordinary-looking reference", async () => {
    const app = await serverOn(use().handle);
    const answer = await call(app, "mutation", "community.submit", {
      ...report,
      website: "https://spam.example",
    });
    expect(answer.status).toBe(200);
    expect(answer.data).toMatchObject({ reference: expect.stringMatching(/^CR-\d{4}-\d{6}$/) });
    const tracked = await call(app, "query", "community.track", {
      token: (answer.data as { token: string }).token,
    });
    expect(tracked.status).toBe(404);
    await app.close();
  });

  it("shows the server's per-field messages for a report that is incomplete or too long", async () => {
    const app = await serverOn(use().handle);
    const answer = await call(app, "mutation", "community.submit", {
      category: "drug_use",
      description: "x".repeat(2001),
      contactEmail: "not an email",
    });
    expect(answer.status).toBe(400);
    expect(answer.error?.data.fieldErrors).toEqual({
      description: ["description must be at most 2000 characters"],
      contactEmail: ["email must be an email address, like name@example.org"],
      location: ["where: pick a place from the list, type where it was, or share your location"],
    });
    await app.close();
  });

  it("lets an outreach worker triage a report and keeps triage closed to residents", async () => {
    const password = "correct horse battery staple";
    const { actors } = await makeWorld(use().db, { passwordHash: await hashPassword(password) });
    const app = await serverOn(use().handle);
    const { data } = await call(app, "mutation", "community.submit", report);
    const { reference, token } = data as { reference: string; token: string };
    expect((await call(app, "query", "community.list", {})).status).toBe(401);

    const signIn = await call(app, "mutation", "auth.signIn", {
      email: actors.outreach_worker.email,
      password,
    });
    const cookie = sessionCookieFrom(signIn.response);
    const queue = await call(app, "query", "community.list", { status: "open", limit: 100 }, cookie);
    const row = (queue.data as { reports: { id: string; reference: string }[] }).reports.find(
      (r) => r.reference === reference,
    );
    expect(row).toBeDefined();
    const acknowledged = await call(
      app,
      "mutation",
      "community.acknowledge",
      { id: row!.id, internalNote: "Checked with the council's sharps team." },
      cookie,
    );
    expect(acknowledged.status).toBe(200);
    const tracked = await call(app, "query", "community.track", { token });
    expect(tracked.data).toMatchObject({ status: "acknowledged" });
    expect(JSON.stringify(tracked.data)).not.toContain("sharps team");
    expect(JSON.stringify(tracked.data)).not.toContain(actors.outreach_worker.name);
    await app.close();
  });

  it("keeps a tracking link's token out of the request log", async () => {
    let log = "";
    const logStream = new Writable({
      write(chunk, _encoding, done) {
        log += chunk.toString();
        done();
      },
    });
    // The built web app answers /track/<token> with its index page, as in production.
    const webDist = mkdtempSync(path.join(os.tmpdir(), "pathways-web-"));
    writeFileSync(path.join(webDist, "index.html"), "<!doctype html><title>Pathways</title>");
    const app = await buildServer({
      config: testConfig({ LOG_LEVEL: "trace", PATHWAYS_WEB_DIST: webDist }),
      database: use().handle,
      logStream,
    });
    await app.ready();
    const { data } = await call(app, "mutation", "community.submit", report);
    const { token } = data as { token: string };
    const page = await app.inject({ method: "GET", url: `/track/${token}` });
    expect(page.statusCode).toBe(200);
    await call(app, "query", "community.track", { token });
    await app.close();
    expect(log).toContain('"path":"/track/:token"');
    expect(log.includes(token)).toBe(false);
    rmSync(webDist, { recursive: true, force: true });
  });
});
