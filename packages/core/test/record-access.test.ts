import { randomUUID } from "node:crypto";
import { episodes, referrals, safeguardingFlags, services } from "@pathways/db";
import { organisationKinds, organisationKindsFor, roles } from "@pathways/validators/codes";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { describe, expect, it } from "vitest";
import { NotFound, NotYours, ValidationError } from "../src/errors.ts";
import { personFor, visiblePeople } from "../src/person-access.ts";
import { safeguardingFlagFor } from "../src/record-access.ts";
import { refuseRoleOutsideOrganisation } from "../src/rights.ts";
import { createUser } from "../src/users.ts";
import { addPerson } from "./pathway-fixtures.ts";

describe("a role fits its organisation's kind", () => {
  it("lets each role belong only to the kinds organisationKindsFor names, and says so on the role field", () => {
    for (const role of roles) {
      for (const kind of organisationKinds) {
        const fits = (organisationKindsFor[role] as readonly string[]).includes(kind);
        let refusal: unknown = null;
        try {
          refuseRoleOutsideOrganisation(role, kind);
        } catch (error) {
          refusal = error;
        }
        if (fits) expect(refusal, `${role} at ${kind}`).toBeNull();
        else {
          expect(refusal, `${role} at ${kind}`).toBeInstanceOf(ValidationError);
          expect(Object.keys((refusal as ValidationError).fields)).toEqual(["role"]);
        }
      }
    }
    expect(() => refuseRoleOutsideOrganisation("treatment_manager", "council")).toThrow(
      "role must fit the organisation: a treatment manager belongs to a treatment provider, and this organisation is a council",
    );
  });
});

describeDb("record access rules", (use) => {
  it("refuses an admin making a treatment manager at a council, and stores no user", async () => {
    const db = use().db;
    const { ctxOf, actors } = await makeWorld(db);
    const input = {
      organisationId: actors.admin.organisationId,
      email: `tm.${randomUUID().slice(0, 8)}@test.pathways`,
      name: "Wrong place",
      role: "treatment_manager" as const,
      password: "a long enough passphrase",
    };
    await expect(createUser({ ctx: ctxOf("admin"), input })).rejects.toMatchObject({
      fields: { role: [expect.stringContaining("belongs to a treatment provider")] },
    });
    const created = await createUser({
      ctx: ctxOf("admin"),
      input: { ...input, organisationId: actors.treatment_manager.organisationId },
    });
    expect(created.role).toBe("treatment_manager");
  });

  it("makes someone a provider's client by its record, a referral to it or an episode with it, and nothing else", async () => {
    const db = use().db;
    const { actors } = await makeWorld(db);
    const provider = actors.treatment_manager;
    const recorded = await addPerson(db, { clientOf: provider.organisationId });
    const referred = await addPerson(db);
    const treated = await addPerson(db);
    const stranger = await addPerson(db);
    const [service] = await db
      .insert(services)
      .values({ organisationId: provider.organisationId, code: "opiate_treatment", name: "Opiate" })
      .returning();
    await db.insert(referrals).values({
      personId: referred.id,
      referringUserId: actors.outreach_worker.userId,
      referringOrganisationId: actors.outreach_worker.organisationId,
      serviceId: service!.id,
      reason: "x",
      source: "outreach",
      status: "requested",
      requestedAt: new Date(),
      statusChangedAt: new Date(),
    });
    await db.insert(episodes).values({
      personId: treated.id,
      providerOrganisationId: provider.organisationId,
      substanceGroup: "alcohol",
      startedOn: "2026-01-05",
    });
    for (const person of [recorded, referred, treated]) {
      expect((await personFor(db, provider, person.id)).id).toBe(person.id);
    }
    await expect(personFor(db, provider, stranger.id)).rejects.toThrow(new NotYours("person", stranger.id));
    // Outreach workers and admins read everyone; commissioners no one; Pathways itself everyone.
    expect(visiblePeople(actors.outreach_worker)).toBeUndefined();
    expect(visiblePeople(actors.admin)).toBeUndefined();
    expect(visiblePeople({ kind: "system", name: "seed" })).toBeUndefined();
    await expect(personFor(db, actors.commissioner, recorded.id)).rejects.toBeInstanceOf(NotYours);
    expect((await personFor(db, actors.outreach_worker, stranger.id)).id).toBe(stranger.id);
  });

  it("answers another's record and a missing one in the same words and code, naming no one", async () => {
    const db = use().db;
    const { actors } = await makeWorld(db);
    const stranger = await addPerson(db, { alias: "Stranger Danger" });
    const [flag] = await db
      .insert(safeguardingFlags)
      .values({ personId: stranger.id, concern: "cuckooing", raisedAt: new Date() })
      .returning();
    const missing = randomUUID();
    const refusalOf = (call: Promise<unknown>) =>
      call.then(
        () => null,
        (error: unknown) => error,
      );
    const theirs = await refusalOf(personFor(db, actors.treatment_manager, stranger.id));
    const none = await refusalOf(personFor(db, actors.treatment_manager, missing));
    expect(theirs).toBeInstanceOf(NotFound);
    expect(none).toBeInstanceOf(NotFound);
    expect((theirs as Error).message.replace(stranger.id, "<id>")).toBe(
      (none as Error).message.replace(missing, "<id>"),
    );
    expect((theirs as Error).message).not.toContain(stranger.attributor);
    const flagRefusal = await refusalOf(safeguardingFlagFor(db, actors.treatment_manager, flag!.id));
    expect(flagRefusal).toEqual(new NotYours("safeguarding flag", flag!.id));
    expect((flagRefusal as Error).message).not.toContain(stranger.attributor);
    expect((await safeguardingFlagFor(db, actors.outreach_worker, flag!.id)).id).toBe(flag!.id);
  });
});
