import { auditEvents, people } from "@pathways/db";
import { AuditSearchInput } from "@pathways/validators";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import { auditEventRows } from "../src/audit.ts";
import { searchAuditLog } from "../src/audit-log.ts";
import type { Ctx } from "../src/context.ts";
import { Forbidden } from "../src/errors.ts";

/** Issue 18, problem 12: the audit log is searched by who, what and when, and reads in names. */
describeDb("searching the audit log", (use) => {
  async function setUp() {
    const world = await makeWorld(use().db);
    const admin = world.ctxOf("admin") as Ctx;
    const outreach = world.ctxOf("outreach_worker") as Ctx;
    const manager = world.ctxOf("treatment_manager") as Ctx;
    const [person] = await use()
      .db.insert(people)
      .values({
        attributor: "QZ-1990-01-02-F",
        firstInitial: "Q",
        surnameInitial: "Z",
        dateOfBirth: "1990-01-02",
        sex: "female",
      })
      .returning();
    // Three days of events in London time, written as verbs write them, at chosen instants.
    const events = [
      { ctx: outreach, at: "2026-03-01T10:00:00Z", action: "read", entity: "person", entityId: person!.id },
      { ctx: manager, at: "2026-03-02T10:00:00Z", action: "update", entity: "person", entityId: person!.id },
      {
        ctx: admin,
        at: "2026-03-03T10:00:00Z",
        action: "disable",
        entity: "user",
        entityId: world.actors.outreach_worker.userId,
      },
    ] as const;
    for (const event of events) {
      const [row] = auditEventRows(event.ctx, [
        {
          action: event.action,
          entity: event.entity,
          entityId: event.entityId,
          personId: event.entity === "person" ? person!.id : null,
        },
      ]);
      await use()
        .db.insert(auditEvents)
        .values({ ...row!, at: new Date(event.at) });
    }
    const search = (input: Partial<AuditSearchInput>) =>
      searchAuditLog({
        ctx: admin,
        input: AuditSearchInput.parse({ from: "2026-03-01", to: "2026-03-03", ...input }),
      });
    return { world, admin, outreach, person: person!, search };
  }

  it("finds events by part of the actor's name or email, with names instead of ids", async () => {
    const { world, search } = await setUp();
    const byName = await search({ who: world.actors.outreach_worker.name.toUpperCase() });
    expect(byName.events).toHaveLength(1);
    expect(byName.events[0]).toMatchObject({
      actorName: world.actors.outreach_worker.name,
      actorEmail: world.actors.outreach_worker.email,
      action: "read",
      personAttributor: "QZ-1990-01-02-F",
    });
    const byEmail = await search({ who: `treatment_manager.${world.tag}@` });
    expect(byEmail.events.map((event) => event.action)).toEqual(["update"]);
    // The record an admin changed is named: the user disabled.
    const disabled = await search({ action: "disable", who: world.tag });
    expect(disabled.events).toMatchObject([
      { entity: "user", recordName: world.actors.outreach_worker.name },
    ]);
    // A LIKE wildcard typed as text matches only itself.
    expect((await search({ who: "%" })).events).toEqual([]);
  });

  it("filters by kind of event and by local dates, sorts and pages", async () => {
    const { world, search } = await setUp();
    const mine = { who: world.tag };
    expect((await search({ ...mine, action: "update" })).events.map((e) => e.action)).toEqual(["update"]);
    expect((await search({ ...mine, from: "2026-03-02", to: "2026-03-02" })).events).toHaveLength(1);
    expect((await search({ ...mine })).events.map((e) => e.action)).toEqual(["disable", "update", "read"]);
    expect((await search({ ...mine, sort: "oldest" })).events.map((e) => e.action)).toEqual([
      "read",
      "update",
      "disable",
    ]);
    expect((await search({ ...mine, sort: "what" })).events.map((e) => e.action)).toEqual([
      "disable",
      "read",
      "update",
    ]);
    const first = await search({ ...mine, sort: "oldest", limit: 2 });
    expect(first).toMatchObject({ page: 1, hasNextPage: true });
    const second = await search({ ...mine, sort: "oldest", limit: 2, page: 2 });
    expect(second.events.map((e) => e.action)).toEqual(["disable"]);
    expect(second.hasNextPage).toBe(false);
  });

  it("refuses anyone but an admin, and names the field of a bad search", async () => {
    const { outreach } = await setUp();
    await expect(
      searchAuditLog({ ctx: outreach, input: AuditSearchInput.parse({ who: "sam" }) }),
    ).rejects.toBeInstanceOf(Forbidden);
    const bad = AuditSearchInput.safeParse({ action: "delete_everything", page: 0 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((issue) => [issue.path.join("."), issue.message])).toEqual([
      ["action", "what must be one of the kinds of event listed"],
      ["page", "page must be 1 or more"],
    ]);
  });
});
