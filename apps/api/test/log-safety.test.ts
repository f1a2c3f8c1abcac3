import { Writable } from "node:stream";
import { hashPassword } from "@pathways/core";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { describe, expect, it } from "vitest";
import { safeErrorSerializer } from "../src/log-safety.ts";
import { buildServer } from "../src/server.ts";
import { call, sessionCookieFrom, testConfig } from "./helpers.ts";

describeDb("logs", (use) => {
  it("never carry passwords, session tokens, names, emails or search terms, even at trace level", async () => {
    let log = "";
    const logStream = new Writable({
      write(chunk, _encoding, done) {
        log += chunk.toString();
        done();
      },
    });
    const password = "correct horse battery staple";
    const world = await makeWorld(use().db, { passwordHash: await hashPassword(password) });
    const app = await buildServer({
      config: testConfig({ LOG_LEVEL: "trace" }),
      database: use().handle,
      logStream,
    });
    await app.ready();

    const wrongPassword = "wrong-password-Kestrel-42";
    await call(app, "mutation", "auth.signIn", { email: world.actors.admin.email, password: wrongPassword });
    const signIn = await call(app, "mutation", "auth.signIn", { email: world.actors.admin.email, password });
    const cookie = sessionCookieFrom(signIn.response);
    const token = cookie.split("=")[1]!;
    const newUser = {
      name: "Zebedee Quartermaine",
      email: "zebedee.q@example.org",
      password: "a secret passphrase 99",
    };
    await call(
      app,
      "mutation",
      "admin.createUser",
      { ...newUser, role: "outreach_worker", organisationId: world.actors.outreach_worker.organisationId },
      cookie,
    );
    // The same email again: a refusal whose database error quotes the duplicate value.
    const duplicate = await call(
      app,
      "mutation",
      "admin.createUser",
      { ...newUser, role: "outreach_worker", organisationId: world.actors.outreach_worker.organisationId },
      cookie,
    );
    expect(duplicate.status).toBe(409);
    // A query whose input (in the URL) is a person's name.
    await call(app, "query", "hotspots.list", { includeRetired: true, name: "Quartermaine" }, cookie);
    await app.close();

    expect(log).toContain("request completed");
    for (const secret of [
      password,
      wrongPassword,
      newUser.password,
      token,
      newUser.name,
      "Quartermaine",
      newUser.email,
      world.actors.admin.email,
    ]) {
      expect(log.includes(secret), `the log contains ${secret}`).toBe(false);
    }
  });
});

describe("the error serializer", () => {
  it("drops the parameters of a failed query and the database's detail", () => {
    const cause = Object.assign(
      new Error('duplicate key value violates unique constraint "users_email_key"'),
      {
        code: "23505",
        detail: "Key (email)=(jane.doe@example.org) already exists.",
      },
    );
    const error = Object.assign(
      new Error('Failed query: insert into "people" ("alias") values ($1)\nparams: Jane Doe,JD-1990-01-01-F'),
      { cause, name: "DrizzleQueryError" },
    );
    const logged = JSON.stringify(safeErrorSerializer(error));
    expect(logged).toContain("Failed query: insert into");
    expect(logged).toContain("23505");
    expect(logged).not.toContain("Jane Doe");
    expect(logged).not.toContain("JD-1990");
    expect(logged).not.toContain("jane.doe@example.org");
  });
});
