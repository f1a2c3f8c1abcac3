import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { hashPassword } from "@pathways/core";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { afterAll, expect, it } from "vitest";
import { call, serverOn, sessionCookieFrom } from "./helpers.ts";

/** A built web app as Vite leaves it, with a source map beside the script to prove it is not served. */
function fakeWebBuild(): string {
  const dist = mkdtempSync(path.join(tmpdir(), "pathways-web-"));
  mkdirSync(path.join(dist, "assets"));
  writeFileSync(path.join(dist, "index.html"), "<!doctype html><title>Pathways</title>");
  writeFileSync(path.join(dist, "sw.js"), "self.addEventListener('fetch', () => {});");
  writeFileSync(path.join(dist, "assets", "index-Bx3kQ9aZ.js"), "console.log('app');");
  writeFileSync(path.join(dist, "assets", "index-Bx3kQ9aZ.js.map"), '{"sources":["src/secret-source.ts"]}');
  return dist;
}

describeDb(
  "HTTP headers: nothing that can show a person is cached, HSTS over HTTPS, no source maps",
  (use) => {
    const dist = fakeWebBuild();
    afterAll(() => rmSync(dist, { recursive: true, force: true }));
    const password = "correct horse battery staple";

    it("answers every API call, refusal and page with Cache-Control: no-store; hashed assets may be cached", async () => {
      const { actors } = await makeWorld(use().db, { passwordHash: await hashPassword(password) });
      const app = await serverOn(use().handle, { PATHWAYS_WEB_DIST: dist });
      const signIn = await call(app, "mutation", "auth.signIn", {
        email: actors.outreach_worker.email,
        password,
      });
      expect(signIn.response.headers["cache-control"]).toBe("no-store");
      const cookie = sessionCookieFrom(signIn.response);
      const person = await call(
        app,
        "mutation",
        "people.create",
        { firstInitial: "J", surnameInitial: "S", dateOfBirth: "1988-03-14", sex: "male" },
        cookie,
      );
      expect(person.status).toBe(200);
      expect(person.response.headers["cache-control"]).toBe("no-store");
      const read = await call(app, "query", "people.get", { id: (person.data as { id: string }).id }, cookie);
      expect(read.status).toBe(200);
      expect(read.response.headers["cache-control"]).toBe("no-store");
      const refused = await call(app, "query", "people.get", { id: "not-an-id" });
      expect(refused.status).toBe(401);
      expect(refused.response.headers["cache-control"]).toBe("no-store");

      for (const url of [
        "/",
        "/people/6f1c1f4e-9a55-4c55-8f55-0a5d2c1e4b11",
        "/index.html",
        "/sw.js",
        "/healthz",
      ]) {
        const page = await app.inject(url);
        expect(page.statusCode, url).toBe(200);
        expect(page.headers["cache-control"], url).toBe("no-store");
      }
      const script = await app.inject("/assets/index-Bx3kQ9aZ.js");
      expect(script.statusCode).toBe(200);
      expect(script.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
      await app.close();
    });

    it("serves no source map, not even as the app's page", async () => {
      const app = await serverOn(use().handle, { PATHWAYS_WEB_DIST: dist });
      for (const url of [
        "/assets/index-Bx3kQ9aZ.js.map",
        "/assets/index-Bx3kQ9aZ.js.map?x=1",
        "/anything.map",
      ]) {
        const map = await app.inject(url);
        expect(map.statusCode, url).toBe(404);
        expect(map.body, url).not.toContain("secret-source");
        expect(map.headers["cache-control"], url).toBe("no-store");
      }
      await app.close();
    });

    it("sends HSTS only when the request came over HTTPS, trusting X-Forwarded-Proto only with TRUST_PROXY", async () => {
      const trusting = await serverOn(use().handle, { TRUST_PROXY: "true" });
      const overHttps = await trusting.inject({ url: "/healthz", headers: { "x-forwarded-proto": "https" } });
      expect(overHttps.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
      const overHttp = await trusting.inject({ url: "/healthz" });
      expect(overHttp.headers["strict-transport-security"]).toBeUndefined();
      const api = await call(trusting, "query", "auth.me", undefined, undefined, {
        "x-forwarded-proto": "https",
      });
      expect(api.response.headers["strict-transport-security"]).toContain("max-age=31536000");
      await trusting.close();

      const direct = await serverOn(use().handle);
      const spoofed = await direct.inject({ url: "/healthz", headers: { "x-forwarded-proto": "https" } });
      expect(spoofed.headers["strict-transport-security"]).toBeUndefined();
      await direct.close();
    });
  },
);
