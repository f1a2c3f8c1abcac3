import { randomUUID } from "node:crypto";
import { and, auditEvents, contacts, count, eq } from "@pathways/db";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import { callerAs, refusal } from "./helpers.ts";

function contact(overrides: Record<string, unknown> = {}) {
  return {
    clientKey: `device-${randomUUID()}`,
    occurredAt: new Date(Date.now() - 60_000),
    location: "South Park, by the bandstand",
    contactType: "street_outreach" as const,
    ...overrides,
  };
}

describeDb("outreach API", (use) => {
  it("answers invalid input with a message per field", async () => {
    const { actors } = await makeWorld(use().db);
    const worker = callerAs(use().db, actors.outreach_worker);
    const nextYear = `${new Date().getUTCFullYear() + 1}-06-01`;
    expect(
      await refusal(
        worker.people.create({ firstInitial: "J", surnameInitial: "S", dateOfBirth: nextYear, sex: "male" }),
      ),
    ).toEqual({
      code: "BAD_REQUEST",
      message: "Please check: dateOfBirth: date of birth cannot be in the future",
      fieldErrors: { dateOfBirth: ["date of birth cannot be in the future"] },
    });
    const badContact = await refusal(
      worker.contacts.log(
        contact({
          location: undefined,
          notes: "x".repeat(2001),
          interventions: [{ intervention: "needles_supplied" }],
        }),
      ),
    );
    expect(badContact.fieldErrors).toEqual({
      hotspotId: ["choose a hotspot or describe the location"],
      notes: ["notes must be at most 2000 characters"],
      "interventions.0.quantity": ["quantity of needles supplied is required"],
    });
    const badFind = await refusal(
      worker.needleFinds.log({
        clientKey: `device-${randomUUID()}`,
        foundAt: new Date(),
        location: "Towpath",
        count: 0,
      }),
    );
    expect(badFind.fieldErrors).toEqual({ count: ["count must be at least 1"] });
    // The global search box names its one field.
    const badSearch = await refusal(worker.search.global({ query: "   " }));
    expect(badSearch.code).toBe("BAD_REQUEST");
    expect(Object.keys(badSearch.fieldErrors ?? {})).toEqual(["query"]);
    // A rule only the server can check still names its field.
    const unknownPerson = await refusal(worker.contacts.log(contact({ personId: randomUUID() })));
    expect(unknownPerson.code).toBe("BAD_REQUEST");
    expect(Object.keys(unknownPerson.fieldErrors ?? {})).toEqual(["personId"]);
  });

  it("stores one contact for a client key sent twice, and sent several times at once", async () => {
    const { actors } = await makeWorld(use().db);
    const worker = callerAs(use().db, actors.outreach_worker);
    const input = contact({
      newPerson: { firstInitial: "N", surnameInitial: "P", dateOfBirth: "1991-07-07", sex: "female" },
      safeguardingConcerns: ["domestic_abuse"],
    });
    const results = await Promise.all([worker.contacts.log(input), worker.contacts.log(input)]);
    const again = await worker.contacts.log(input);
    expect(new Set([...results, again].map((result) => result.id)).size).toBe(1);
    expect(again.replayed).toBe(true);
    expect(
      await use().db.select({ n: count() }).from(contacts).where(eq(contacts.clientKey, input.clientKey)),
    ).toEqual([{ n: 1 }]);
    const person = await worker.people.get({ id: again.personId! });
    expect(person.openSafeguardingFlags.map((flag) => flag.concern)).toEqual(["domestic_abuse"]);
    expect(person.contacts.items.map((item) => item.id)).toEqual([again.id]);
  });

  it("leaves exactly one audit event for each person-level record read or written", async () => {
    const { actors } = await makeWorld(use().db);
    const worker = callerAs(use().db, actors.outreach_worker);
    const admin = callerAs(use().db, actors.admin);
    const person = await worker.people.create({
      firstInitial: "E",
      surnameInitial: "F",
      dateOfBirth: "1984-02-29",
      sex: "male",
      alias: `Echo-${randomUUID().slice(0, 6)}`,
    });
    const logged = await worker.contacts.log(contact({ personId: person.id }));
    await admin.people.get({ id: person.id });
    await admin.people.find({ query: person.alias!, limit: 5 });
    await worker.contacts.mine({ limit: 5 });
    const events = await use()
      .db.select({ action: auditEvents.action, entity: auditEvents.entity, actor: auditEvents.actorUserId })
      .from(auditEvents)
      .where(and(eq(auditEvents.personId, person.id), eq(auditEvents.requestId, "test-request")))
      .orderBy(auditEvents.id);
    expect(events).toEqual([
      { action: "create", entity: "person", actor: actors.outreach_worker.userId },
      { action: "create", entity: "contact", actor: actors.outreach_worker.userId },
      { action: "read", entity: "person", actor: actors.admin.userId },
      { action: "list", entity: "contact", actor: actors.admin.userId },
      { action: "list", entity: "person", actor: actors.admin.userId },
      { action: "list", entity: "contact", actor: actors.outreach_worker.userId },
    ]);
    expect(logged.personId).toBe(person.id);
  });

  it("refuses commissioners every person-level procedure, and treatment managers people who are not their clients", async () => {
    const { actors } = await makeWorld(use().db);
    const worker = callerAs(use().db, actors.outreach_worker);
    const commissioner = callerAs(use().db, actors.commissioner);
    const provider = callerAs(use().db, actors.treatment_manager);
    const person = await worker.people.create({
      firstInitial: "G",
      surnameInitial: "H",
      dateOfBirth: "1970-01-01",
      sex: "unknown",
    });
    const attempts = [
      commissioner.people.get({ id: person.id }),
      commissioner.people.find({ query: "GH", limit: 5 }),
      commissioner.people.likelyDuplicates({
        firstInitial: "G",
        surnameInitial: "H",
        dateOfBirth: "1970-01-01",
        sex: "male",
      }),
      commissioner.contacts.forPerson({ personId: person.id, limit: 5 }),
      commissioner.contacts.log(contact()),
      commissioner.people.merge({ survivorId: person.id, mergedId: randomUUID() }),
    ];
    for (const attempt of attempts) expect((await refusal(attempt)).code).toBe("FORBIDDEN");
    const notTheirs = await refusal(provider.people.get({ id: person.id }));
    expect(notTheirs).toMatchObject({
      code: "NOT_FOUND",
      message: `No person ${person.id} was found, or it is not yours to see.`,
    });
    const before = await use()
      .db.select({ n: count() })
      .from(auditEvents)
      .where(eq(auditEvents.actorUserId, actors.commissioner.userId));
    expect(before).toEqual([{ n: 0 }]);
  });
});
