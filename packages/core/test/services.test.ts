import { and, auditEvents, eq, organisations } from "@pathways/db";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import type { Ctx } from "../src/context.ts";
import { Conflict, Forbidden, NotFound, ValidationError } from "../src/errors.ts";
import { changeService, createService, listServices } from "../src/services.ts";

describeDb("services, made and changed by admins", (use) => {
  async function providerOf(tag: string) {
    const [provider] = await use()
      .db.insert(organisations)
      .values({ name: `Turning Point ${tag}`, kind: "treatment_provider" })
      .returning();
    return provider!;
  }
  const auditOf = (entityId: string) =>
    use()
      .db.select({ action: auditEvents.action, actorName: auditEvents.actorName })
      .from(auditEvents)
      .where(and(eq(auditEvents.entity, "service"), eq(auditEvents.entityId, entityId)));

  it("adds a provider's service, renames and retires it, each act audited, and lists it", async () => {
    const world = await makeWorld(use().db);
    const admin = world.ctxOf("admin") as Ctx;
    const provider = await providerOf(world.tag);
    const service = await createService({
      ctx: admin,
      input: { organisationId: provider.id, code: "opiate_treatment", name: "Opiate treatment" },
    });
    expect(service).toMatchObject({
      code: "opiate_treatment",
      active: true,
      organisationName: provider.name,
    });
    const renamed = await changeService({
      ctx: admin,
      input: { serviceId: service.id, name: "Opiate treatment (same day)" },
    });
    expect(renamed.name).toBe("Opiate treatment (same day)");
    const retired = await changeService({ ctx: admin, input: { serviceId: service.id, active: false } });
    expect(retired).toMatchObject({ name: "Opiate treatment (same day)", active: false });
    expect(await auditOf(service.id)).toEqual([
      { action: "create", actorName: world.actors.admin.name },
      { action: "update", actorName: world.actors.admin.name },
      { action: "update", actorName: world.actors.admin.name },
    ]);
    const listed = (await listServices({ ctx: admin, input: undefined })).find(
      (row) => row.id === service.id,
    );
    expect(listed).toMatchObject({ organisationName: provider.name, active: false });
  });

  it("refuses a service the organisation cannot offer, a second of the same code, and an unknown one", async () => {
    const world = await makeWorld(use().db);
    const admin = world.ctxOf("admin") as Ctx;
    const provider = await providerOf(world.tag);
    const refused = createService({
      ctx: admin,
      input: { organisationId: provider.id, code: "housing_support", name: "Housing" },
    });
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toMatchObject({
      fields: { organisationId: [expect.stringContaining("must be a council to offer housing_support")] },
    });
    const input = { organisationId: provider.id, code: "alcohol_treatment" as const, name: "Alcohol" };
    await createService({ ctx: admin, input });
    await expect(createService({ ctx: admin, input })).rejects.toBeInstanceOf(Conflict);
    await expect(
      changeService({ ctx: admin, input: { serviceId: crypto.randomUUID(), name: "Anything" } }),
    ).rejects.toBeInstanceOf(NotFound);
    await expect(
      createService({
        ctx: admin,
        input: { organisationId: provider.id, code: "opiate_treatment", name: "" },
      }),
    ).rejects.toMatchObject({ fields: { name: [expect.any(String)] } });
  });

  it("is for admins and Pathways itself only", async () => {
    const world = await makeWorld(use().db);
    const provider = await providerOf(world.tag);
    const input = { organisationId: provider.id, code: "non_opiate_treatment" as const, name: "Non-opiate" };
    for (const role of ["outreach_worker", "treatment_manager", "commissioner"] as const) {
      await expect(createService({ ctx: world.ctxOf(role) as Ctx, input }), role).rejects.toBeInstanceOf(
        Forbidden,
      );
      await expect(
        listServices({ ctx: world.ctxOf(role) as Ctx, input: undefined }),
        role,
      ).rejects.toBeInstanceOf(Forbidden);
    }
    const made = await createService({ ctx: world.systemCtx as Ctx, input });
    expect(await auditOf(made.id)).toEqual([{ action: "create", actorName: expect.any(String) }]);
  });
});
