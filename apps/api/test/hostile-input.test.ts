import { appRouter } from "@pathways/api";
import { hashPassword } from "@pathways/core";
import { queryRows, sql, tablesInDependencyOrder } from "@pathways/db";
import { type ReportKind, reportDefinitions, reportKinds } from "@pathways/validators";
import type { Role } from "@pathways/validators/codes";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { getTableConfig } from "drizzle-orm/pg-core";
import fc from "fast-check";
import type { FastifyInstance } from "fastify";
import superjson from "superjson";
import { beforeAll, expect, it } from "vitest";
import { maxBatchSize } from "../src/server.ts";
import { call, serverOn, sessionCookieFrom } from "./helpers.ts";

type Procedure = {
  _def: { type: "query" | "mutation"; meta?: { access: "public" | readonly Role[] }; inputs: unknown[] };
};
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, Procedure>);

/** Tables a refused request may legitimately write to: a failed sign-in is counted for rate limiting. */
const tablesWrittenOnRefusal = new Set([
  "login_attempts",
  "sessions",
  "audit_events",
  "community_submissions",
]);

const maliciousStrings = [
  "'; drop table people; --",
  '" or 1=1 --',
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "\ud800",
  "\u0000",
  "../../../../etc/passwd",
  "%00",
  "{{7*7}}",
  "9999-99-99",
  "+275760-09-13T00:00:00.000Z",
  "-1",
  "1e309",
  "NaN",
  "x".repeat(5000),
];

/** Values a hostile or broken client might send: wrong types, huge or malicious strings, deep objects, prototype keys. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...maliciousStrings),
  fc.jsonValue({ maxDepth: 4 }),
  fc.integer({ min: -2_147_483_648, max: -1 }),
  fc.double({ noNaN: true }),
  fc.constant(Number.MAX_SAFE_INTEGER),
  fc.array(fc.constantFrom(...maliciousStrings), { maxLength: 5 }),
  fc.constant(deep(200)),
  fc.constant(JSON.parse('{"__proto__": {"admin": true}, "constructor": {"prototype": {"polluted": true}}}')),
);

function deep(depth: number): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < depth; i++) value = { nested: value };
  return value;
}

/** The field names of a procedure's input object, to aim hostile values at real fields. */
function inputKeys(procedure: Procedure): string[] {
  let schema = procedure._def.inputs[0] as
    | { def?: { type?: string; innerType?: unknown; in?: unknown }; shape?: object }
    | undefined;
  for (let i = 0; i < 5 && schema?.def && schema.def.type !== "object"; i++) {
    schema = (schema.def.innerType ?? schema.def.in) as typeof schema;
  }
  return schema?.shape ? Object.keys(schema.shape) : [];
}

function inputFor(procedure: Procedure): fc.Arbitrary<unknown> {
  const keys = inputKeys(procedure);
  if (keys.length === 0) return hostileValue;
  return fc.oneof(
    hostileValue,
    fc.record(Object.fromEntries(keys.map((key) => [key, hostileValue])), { requiredKeys: [] }),
  );
}

/** A commissioner where the report is theirs to run, else an admin (who may run every report). */
function reportReader(report: ReportKind): Role {
  return (reportDefinitions[report].readers as readonly Role[]).includes("commissioner")
    ? "commissioner"
    : "admin";
}

describeDb("hostile input", (use) => {
  let app: FastifyInstance;
  let cookies: Record<Role, string>;
  const password = "correct horse battery staple";

  beforeAll(async () => {
    const world = await makeWorld(use().db, { passwordHash: await hashPassword(password) });
    app = await serverOn(use().handle);
    cookies = {} as Record<Role, string>;
    for (const role of Object.keys(world.actors) as Role[]) {
      const signIn = await call(app, "mutation", "auth.signIn", {
        email: world.actors[role].email,
        password,
      });
      cookies[role] = sessionCookieFrom(signIn.response);
    }
    return () => app.close();
  });

  async function fingerprint(): Promise<Record<string, string>> {
    const result: Record<string, string> = {};
    for (const table of tablesInDependencyOrder()) {
      const name = getTableConfig(table).name;
      if (tablesWrittenOnRefusal.has(name)) continue;
      const [row] = await queryRows<{ digest: string }>(
        use().db,
        sql.raw(
          `select count(*)::text || ':' || coalesce(md5(string_agg(t::text, ',' order by t::text)), '') as digest from "${name}" t`,
        ),
      );
      result[name] = row!.digest;
    }
    return result;
  }

  it("answers every procedure's hostile input with a readable 4xx, never a 5xx, and changes nothing when it refuses", async () => {
    const failures: string[] = [];
    for (const [path, procedure] of procedures) {
      // signOut takes no input and would end the session the other procedures use.
      if (path === "auth.signOut") continue;
      const access = procedure._def.meta?.access;
      const cookie = access === "public" || !access ? undefined : cookies[access[0]!];
      await fc.assert(
        fc.asyncProperty(inputFor(procedure), async (input) => {
          const before = await fingerprint();
          const result = await call(app, procedure._def.type, path, input, cookie);
          if (result.status >= 500) {
            failures.push(`${path} answered ${result.status} to ${JSON.stringify(input).slice(0, 200)}`);
            return;
          }
          if (result.status >= 400) {
            const message = result.error?.message ?? "";
            expect(message.length, `${path}: a message`).toBeGreaterThan(0);
            expect(message.length, `${path}: a readable message, not a dump`).toBeLessThan(2000);
            expect(await fingerprint(), `${path} changed the database while refusing`).toEqual(before);
          }
        }),
        { numRuns: 12, seed: 20261123 },
      );
    }
    expect(failures).toEqual([]);
  }, 600_000);

  it("answers year 0, negative years, year 10000 and far-future dates in every date field with a 400 naming the field", async () => {
    const id = "6f1c1f4e-9a55-4c55-8f55-0a5d2c1e4b11";
    const inFiveYears = new Date(Date.now() + 5 * 366 * 86_400_000);
    const days = [
      "0000-01-01",
      "-0001-01-01",
      "10000-01-01",
      "9999-12-31",
      inFiveYears.toISOString().slice(0, 10),
    ];
    const moments = [
      new Date("0000-01-01T00:00:00Z"),
      new Date("-000001-06-01T00:00:00Z"),
      new Date("-271821-04-20T00:00:00Z"),
      new Date("+010000-01-01T00:00:00Z"),
      inFiveYears,
    ];
    const person = { firstInitial: "J", surnameInitial: "S", sex: "male" };
    const contact = { clientKey: "hostile-date-1", location: "park", contactType: "street_outreach" };
    const period = { from: "2025-01-01", to: "2025-12-31" };
    // [procedure, kind, who calls it, a valid input but for the field, the field (its fieldErrors key), moments or days]
    const dateFields: [
      string,
      "query" | "mutation",
      Role,
      Record<string, unknown>,
      string,
      "day" | "moment",
    ][] = [
      ["contacts.log", "mutation", "outreach_worker", contact, "occurredAt", "moment"],
      [
        "contacts.log",
        "mutation",
        "outreach_worker",
        { ...contact, occurredAt: new Date(), newPerson: person },
        "newPerson.dateOfBirth",
        "day",
      ],
      [
        "needleFinds.log",
        "mutation",
        "outreach_worker",
        { clientKey: "hostile-date-2", location: "park", count: 2 },
        "foundAt",
        "moment",
      ],
      ["people.create", "mutation", "outreach_worker", person, "dateOfBirth", "day"],
      ["people.likelyDuplicates", "query", "outreach_worker", person, "dateOfBirth", "day"],
      [
        "people.recordConsent",
        "mutation",
        "outreach_worker",
        { personId: id, kind: "share", status: "given" },
        "recordedOn",
        "day",
      ],
      [
        "episodes.start",
        "mutation",
        "treatment_manager",
        { personId: id, substanceGroup: "opiate" },
        "startedOn",
        "day",
      ],
      [
        "episodes.scheduleAppointment",
        "mutation",
        "treatment_manager",
        { episodeId: id },
        "scheduledAt",
        "moment",
      ],
      [
        "episodes.addIntervention",
        "mutation",
        "treatment_manager",
        { episodeId: id, type: "psychosocial", setting: "community", startedOn: "2025-01-01" },
        "endedOn",
        "day",
      ],
      [
        "episodes.addIntervention",
        "mutation",
        "treatment_manager",
        { episodeId: id, type: "psychosocial", setting: "community" },
        "startedOn",
        "day",
      ],
      ["episodes.endIntervention", "mutation", "treatment_manager", { interventionId: id }, "endedOn", "day"],
      [
        "episodes.recordTopReview",
        "mutation",
        "treatment_manager",
        { episodeId: id, stage: "start" },
        "completedOn",
        "day",
      ],
      [
        "episodes.discharge",
        "mutation",
        "treatment_manager",
        { episodeId: id, reason: "completed_drug_free" },
        "dischargedOn",
        "day",
      ],
      ...reportKinds.flatMap((report) =>
        (["from", "to"] as const).map(
          (field) =>
            [`reports.${report}`, "query", reportReader(report), period, field, "day"] as [
              string,
              "query",
              Role,
              Record<string, unknown>,
              string,
              "day",
            ],
        ),
      ),
      ["admin.auditLog", "query", "admin", {}, "from", "day"],
      ["admin.auditLog", "query", "admin", {}, "to", "day"],
    ];
    const wrong: string[] = [];
    for (const [path, kind, role, base, field, type] of dateFields) {
      for (const value of type === "day" ? days : moments) {
        const input = structuredClone(base);
        const [outer, inner] = field.split(".") as [string, string | undefined];
        if (inner) (input[outer] as Record<string, unknown>)[inner] = value;
        else input[outer] = value;
        const payload = JSON.stringify(superjson.serialize(input));
        const response =
          kind === "query"
            ? await app.inject({
                method: "GET",
                url: `/trpc/${path}?input=${encodeURIComponent(payload)}`,
                headers: { cookie: cookies[role] },
              })
            : await app.inject({
                method: "POST",
                url: `/trpc/${path}`,
                payload,
                headers: { "content-type": "application/json", cookie: cookies[role] },
              });
        const messages = (
          response.json() as { error?: { json: { data: { fieldErrors?: Record<string, string[]> } } } }
        ).error?.json.data.fieldErrors?.[field];
        if (response.statusCode !== 400 || !messages?.length) {
          wrong.push(
            `${path} ${field}=${value instanceof Date ? String(value.getTime()) : value}: ${response.statusCode} ${response.body.slice(0, 200)}`,
          );
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it("refuses bodies that are not JSON, too large, or too many calls at once, without a 5xx", async () => {
    const garbage = await app.inject({
      method: "POST",
      url: "/trpc/hotspots.create",
      payload: "{not json",
      headers: { "content-type": "application/json", cookie: cookies.admin },
    });
    expect(garbage.statusCode).toBe(400);

    const huge = await app.inject({
      method: "POST",
      url: "/trpc/hotspots.create",
      payload: JSON.stringify({ json: { name: "x".repeat(300 * 1024), lat: 1, lng: 1 } }),
      headers: { "content-type": "application/json", cookie: cookies.admin },
    });
    expect(huge.statusCode).toBe(413);

    const paths = Array.from({ length: maxBatchSize + 1 }, () => "hotspots.list").join(",");
    const input = JSON.stringify(
      Object.fromEntries(Array.from({ length: maxBatchSize + 1 }, (_, i) => [i, { json: {} }])),
    );
    const batch = await app.inject({
      method: "GET",
      url: `/trpc/${paths}?batch=1&input=${encodeURIComponent(input)}`,
      headers: { cookie: cookies.admin },
    });
    expect(batch.statusCode).toBe(400);
  });
});
