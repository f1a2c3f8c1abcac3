import { randomUUID } from "node:crypto";
import { hashPassword } from "@pathways/core";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import type { FastifyInstance, InjectOptions } from "fastify";
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildServer } from "../src/server.ts";
import { call, sessionCookieFrom, testConfig } from "./helpers.ts";

const password = "correct horse battery staple";
let passwordHash: string;
beforeAll(async () => {
  passwordHash = await hashPassword(password);
});

const json = { "content-type": "application/json" };
const input = (value: unknown) => encodeURIComponent(JSON.stringify({ json: value }));
const missingId = "00000000-0000-4000-8000-000000000000";

describeDb("tRPC over HTTP: the direct route for single calls and tRPC's adapter", (use) => {
  let direct: FastifyInstance;
  let adapter: FastifyInstance;
  let worker: string;
  let commissioner: string;
  let hotspotId: string;
  beforeAll(async () => {
    direct = await buildServer({ config: testConfig(), database: use().handle });
    adapter = await buildServer({ config: testConfig(), database: use().handle, stockTrpcAdapter: true });
    const { actors } = await makeWorld(use().db, { passwordHash });
    const signIn = async (email: string) =>
      sessionCookieFrom((await call(direct, "mutation", "auth.signIn", { email, password })).response);
    worker = await signIn(actors.outreach_worker.email);
    commissioner = await signIn(actors.commissioner.email);
    const admin = await signIn(actors.admin.email);
    const hotspot = await call(
      direct,
      "mutation",
      "hotspots.create",
      { name: "Bandstand", lat: 51, lng: -1 },
      admin,
    );
    hotspotId = (hotspot.data as { id: string }).id;
  });
  afterAll(async () => {
    await direct?.close();
    await adapter?.close();
  });

  /** Sends one request to both servers and expects the same status, headers tRPC sets, and body bytes. */
  async function sameAnswer(request: InjectOptions, route: "direct" | "adapter") {
    const [mine, theirs] = [await direct.inject(request), await adapter.inject(request)];
    expect({ status: mine.statusCode, body: mine.body }).toEqual({
      status: theirs.statusCode,
      body: theirs.body,
    });
    for (const header of ["content-type", "vary", "set-cookie", "x-content-type-options"]) {
      expect([header, mine.headers[header]]).toEqual([header, theirs.headers[header]]);
    }
    // The direct route sends a body of known length; tRPC's adapter streams its Fetch Response.
    expect(theirs.headers["transfer-encoding"]).toBe(
      route === "direct" || theirs.statusCode < 500 ? "chunked" : undefined,
    );
    expect(mine.headers["transfer-encoding"]).toBe(
      route === "direct" ? undefined : theirs.headers["transfer-encoding"],
    );
    return mine;
  }

  function logContact(body: unknown, cookie: string, headers: Record<string, string> = json): InjectOptions {
    return {
      method: "POST",
      url: "/trpc/contacts.log",
      payload: typeof body === "string" ? body : JSON.stringify(body),
      headers: { ...headers, cookie },
    };
  }

  it("answers queries the same, with and without input, signed in or not", async () => {
    for (const cookie of [worker, commissioner, "", "pathways_session=forged-token"]) {
      await sameAnswer({ url: `/trpc/hotspots.list?input=${input({})}`, headers: { cookie } }, "direct");
      await sameAnswer({ url: "/trpc/auth.me", headers: { cookie } }, "direct");
    }
    await sameAnswer({ url: "/trpc/hotspots.list", headers: { cookie: worker } }, "direct");
    await sameAnswer({ url: "/trpc/hotspots.list?input=", headers: { cookie: worker } }, "direct");
  });

  it("answers a mutation the same: a resent contact, and a new one but for its id", async () => {
    const contact = {
      json: {
        clientKey: `route-${randomUUID()}`,
        occurredAt: new Date(Date.now() - 60_000).toISOString(),
        hotspotId,
        contactType: "street_outreach",
        substances: ["heroin"],
        interventions: [{ intervention: "naloxone_supplied", quantity: 1 }],
      },
      meta: { values: { occurredAt: ["Date"] } },
    };
    await direct.inject(logContact(contact, worker));
    const resent = await sameAnswer(logContact(contact, worker), "direct");
    expect(resent.json().result.data.json).toMatchObject({ replayed: true, hotspotName: "Bandstand" });

    const fresh = async (server: FastifyInstance) => {
      const response = await server.inject(
        logContact({ ...contact, json: { ...contact.json, clientKey: `route-${randomUUID()}` } }, worker),
      );
      const { id, clientKey, ...rest } = response.json().result.data.json;
      return { status: response.statusCode, id, clientKey, rest, headers: response.headers["content-type"] };
    };
    const [mine, theirs] = [await fresh(direct), await fresh(adapter)];
    expect(mine.id).not.toBe(theirs.id);
    expect({ ...mine, id: 0, clientKey: 0 }).toEqual({ ...theirs, id: 0, clientKey: 0 });
  });

  it("answers validation, authorisation and not-found errors the same", async () => {
    const occurredAt = new Date(Date.now() - 60_000).toISOString();
    const dated = (json: Record<string, unknown>) => ({ json, meta: { values: { occurredAt: ["Date"] } } });
    // zod: field errors and a summary message.
    await sameAnswer(
      logContact(dated({ clientKey: "x", occurredAt, contactType: "teleport" }), worker),
      "direct",
    );
    await sameAnswer(logContact({ json: { clientKey: 12 } }, worker), "direct");
    // A core ValidationError naming the field.
    await sameAnswer(
      logContact(
        dated({
          clientKey: `k-${randomUUID()}`,
          occurredAt,
          hotspotId: missingId,
          contactType: "street_outreach",
        }),
        worker,
      ),
      "direct",
    );
    // Not signed in, a session that is not (cleared with a cookie), the wrong role.
    await sameAnswer(logContact({ json: {} }, ""), "direct");
    await sameAnswer(logContact({ json: {} }, "pathways_session=forged-token"), "direct");
    await sameAnswer(logContact({ json: {} }, commissioner), "direct");
    await sameAnswer(
      { url: `/trpc/people.get?input=${input({ id: missingId })}`, headers: { cookie: worker } },
      "direct",
    );
    // A wrong password: the same refusal (and each attempt counted).
    await sameAnswer(
      {
        method: "POST",
        url: "/trpc/auth.signIn",
        payload: JSON.stringify({ json: { email: "nobody@example.org", password: "wrong" } }),
        headers: json,
      },
      "direct",
    );
  });

  it("answers bodies and inputs that are not valid JSON or superjson the same", async () => {
    for (const body of [
      "{not json",
      "",
      "null",
      "[]",
      '{"json":null}',
      '"text"',
      '{"json":{},"meta":{"values":{"x":["Date"]}}}',
    ]) {
      await sameAnswer(logContact(body, worker), "direct");
      // Refused before the input is read: the caller's role comes first.
      await sameAnswer(logContact(body, commissioner), "direct");
    }
    await sameAnswer({ url: "/trpc/hotspots.list?input=%7Bnot", headers: { cookie: worker } }, "direct");
    await sameAnswer(
      logContact({ json: {} }, worker, { "content-type": "Application/JSON; charset=utf-8" }),
      "direct",
    );
  });

  it("leaves batches, unknown paths, wrong methods and unusual requests to tRPC's adapter, with the same answers", async () => {
    const batch = encodeURIComponent(JSON.stringify({ 0: { json: {} }, 1: { json: { id: missingId } } }));
    await sameAnswer(
      { url: `/trpc/hotspots.list,people.get?batch=1&input=${batch}`, headers: { cookie: worker } },
      "adapter",
    );
    await sameAnswer(
      {
        method: "POST",
        url: "/trpc/contacts.log?batch=1",
        payload: JSON.stringify({ 0: { json: {} } }),
        headers: { ...json, cookie: worker },
      },
      "adapter",
    );
    await sameAnswer({ url: "/trpc/nothing.here", headers: { cookie: worker } }, "adapter");
    await sameAnswer({ ...logContact({ json: {} }, worker), url: "/trpc/__proto__" }, "adapter");
    await sameAnswer(
      { url: `/trpc/contacts.log?input=${input({})}`, headers: { cookie: worker } },
      "adapter",
    );
    await sameAnswer(
      { method: "POST", url: "/trpc/hotspots.list", payload: "{}", headers: { ...json, cookie: worker } },
      "adapter",
    );
    await sameAnswer(
      { url: `/trpc/hotspots.list?input=${input({})}&extra=1`, headers: { cookie: worker } },
      "adapter",
    );
    await sameAnswer(
      {
        url: `/trpc/hotspots.list?input=${input({})}`,
        headers: { cookie: worker, "trpc-accept": "application/jsonl" },
      },
      "adapter",
    );
    await sameAnswer({ url: "/trpc/hotspots%252Elist", headers: { cookie: worker } }, "adapter");
    await sameAnswer(logContact("\uFEFF{}", worker), "adapter");
    // A Host header tRPC's adapter cannot make an address of: it fails the request before tRPC answers.
    await sameAnswer({ url: "/trpc/auth.me", headers: { cookie: worker, host: "bad host" } }, "adapter");
  });
});
