import { auditEvents, gt, sql } from "@pathways/db";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import { searchAuditLog } from "../src/audit-log.ts";
import type { Ctx } from "../src/context.ts";
import { createHotspot, updateHotspot } from "../src/hotspots.ts";
import { importHistoricalData } from "../src/import/historical.ts";
import { createOrganisation } from "../src/organisations.ts";
import { createUser, resetPassword, setUserDisabled } from "../src/users.ts";

describeDb("every administrative act leaves one audit event", (use) => {
  /** The audit events written while `act` ran (the file's database is its own, so nothing else writes). */
  async function eventsOf(act: () => Promise<unknown>) {
    const [last] = await use()
      .db.select({ id: sql<number>`coalesce(max(${auditEvents.id}), 0)`.mapWith(Number) })
      .from(auditEvents);
    await act();
    return use().db.select().from(auditEvents).where(gt(auditEvents.id, last!.id));
  }

  it("audits users, organisations, hotspots, imports and audit-log reads, naming the actor", async () => {
    const world = await makeWorld(use().db);
    const admin = world.ctxOf("admin") as Ctx;
    const adminActor = world.actors.admin;
    const byAdmin = { actorKind: "user", actorUserId: adminActor.userId, actorName: adminActor.name };

    let organisationId = "";
    expect(
      await eventsOf(async () => {
        organisationId = (await createOrganisation({
          ctx: admin,
          input: { name: `Second council ${world.tag}`, kind: "council" },
        }))!.id;
      }),
    ).toMatchObject([{ ...byAdmin, action: "create", entity: "organisation", entityId: organisationId }]);

    let userId = "";
    const userInput = {
      email: `new.admin.${world.tag}@test.pathways`,
      name: "New Admin",
      role: "admin" as const,
      organisationId,
      password: "a long enough password 2026",
    };
    expect(
      await eventsOf(async () => {
        userId = (await createUser({ ctx: admin, input: userInput })).id;
      }),
    ).toMatchObject([{ ...byAdmin, action: "create", entity: "user", entityId: userId }]);

    expect(
      await eventsOf(() => setUserDisabled({ ctx: admin, input: { userId, disabled: true } })),
    ).toMatchObject([{ ...byAdmin, action: "disable", entity: "user", entityId: userId }]);
    expect(
      await eventsOf(() => setUserDisabled({ ctx: admin, input: { userId, disabled: false } })),
    ).toMatchObject([{ ...byAdmin, action: "enable", entity: "user", entityId: userId }]);
    expect(await eventsOf(() => resetPassword({ ctx: admin, input: { userId } }))).toMatchObject([
      { ...byAdmin, action: "reset_password", entity: "user", entityId: userId },
    ]);

    let hotspotId = "";
    expect(
      await eventsOf(async () => {
        hotspotId = (await createHotspot({
          ctx: admin,
          input: { name: `Canal towpath ${world.tag}`, lat: 51.75, lng: -1.26 },
        }))!.id;
      }),
    ).toMatchObject([{ ...byAdmin, action: "create", entity: "hotspot", entityId: hotspotId }]);
    expect(
      await eventsOf(() => updateHotspot({ ctx: admin, input: { id: hotspotId, active: false } })),
    ).toMatchObject([{ ...byAdmin, action: "update", entity: "hotspot", entityId: hotspotId }]);

    expect(
      await eventsOf(() =>
        searchAuditLog({
          ctx: admin,
          input: { userId: adminActor.userId, limit: 50, sort: "newest", page: 1 },
        }),
      ),
    ).toMatchObject([
      { ...byAdmin, action: "read", entity: "audit_log", entityId: `userId=${adminActor.userId}` },
    ]);

    const imported = await eventsOf(() =>
      importHistoricalData({
        ctx: admin,
        input: {
          people: {
            header: ["person_ref", "first_initial", "surname_initial", "date_of_birth", "sex"],
            records: [
              {
                line: 2,
                values: {
                  person_ref: "P1",
                  first_initial: "J",
                  surname_initial: "S",
                  date_of_birth: "1988-03-14",
                  sex: "male",
                },
              },
            ],
          },
        },
      }),
    );
    expect(imported.filter((event) => event.action === "import")).toMatchObject([
      {
        ...byAdmin,
        entity: "import",
        entityId: "people:1,contacts:0,referrals:0,episodes:0,needle_finds:0,incidents:0,community_reports:0",
      },
    ]);
    expect(imported.filter((event) => event.entity === "person")).toHaveLength(1);
  });

  it("audits acts done from the command line as Pathways itself", async () => {
    const world = await makeWorld(use().db);
    const cli = { db: use().db, actor: { kind: "system", name: "cli" } } as Ctx;
    const events = await eventsOf(() =>
      setUserDisabled({ ctx: cli, input: { userId: world.actors.outreach_worker.userId, disabled: true } }),
    );
    expect(events).toMatchObject([
      {
        actorKind: "system",
        actorUserId: null,
        actorName: "system:cli",
        action: "disable",
        entity: "user",
        entityId: world.actors.outreach_worker.userId,
      },
    ]);
  });

  it("leaves no event when the act is refused", async () => {
    const world = await makeWorld(use().db);
    const events = await eventsOf(() =>
      createOrganisation({
        ctx: world.ctxOf("admin") as Ctx,
        input: { name: world.actors.admin.organisationName, kind: "council" },
      }).catch(() => undefined),
    );
    expect(events).toEqual([]);
  });

  it("refuses TRUNCATE, UPDATE and DELETE of the audit trail", async () => {
    const world = await makeWorld(use().db);
    await searchAuditLog({ ctx: world.ctxOf("admin") as Ctx, input: { limit: 1, sort: "newest", page: 1 } });
    for (const statement of [
      sql`truncate table audit_events`,
      sql`delete from audit_events`,
      sql`update audit_events set action = 'x'`,
    ]) {
      const error = await use()
        .db.execute(statement)
        .then(
          () => null,
          (failure: Error) => failure,
        );
      // Drizzle wraps the database's error; the trigger's message is in its cause.
      expect(String((error?.cause as Error | undefined)?.message)).toMatch(/audit_events is append-only/);
    }
    const [left] = await use()
      .db.select({ n: sql<number>`count(*)`.mapWith(Number) })
      .from(auditEvents);
    expect(left!.n).toBeGreaterThan(0);
  });
});
