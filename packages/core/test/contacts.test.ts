import {
  asc,
  auditEvents,
  contactInterventions,
  contacts,
  count,
  type Database,
  eq,
  inArray,
  people,
  safeguardingFlags,
} from "@pathways/db";
import type { ContactInput } from "@pathways/validators";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import {
  listMyRecentContacts,
  listPersonContacts,
  logContact,
  logContactInOneStatement,
  logContactInTransaction,
} from "../src/contacts.ts";
import type { Ctx, UserActor } from "../src/context.ts";
import { Conflict, Forbidden, ValidationError } from "../src/errors.ts";
import { createPerson, mergePeople } from "../src/people.ts";
import { auditOf, contactInput, makeHotspot, personInput } from "./outreach-fixtures.ts";

/** Everything one contact wrote, without the ids and times that differ between two writes. */
async function writtenFor(db: Database, contactId: string) {
  const [contact] = await db.select().from(contacts).where(eq(contacts.id, contactId));
  const { id, clientKey, createdAt, ...fields } = contact!;
  const interventions = await db
    .select({ intervention: contactInterventions.intervention, quantity: contactInterventions.quantity })
    .from(contactInterventions)
    .where(eq(contactInterventions.contactId, contactId))
    .orderBy(asc(contactInterventions.intervention));
  const flags = await db
    .select({
      id: safeguardingFlags.id,
      personId: safeguardingFlags.personId,
      concern: safeguardingFlags.concern,
      raisedAt: safeguardingFlags.raisedAt,
      raisedByUserId: safeguardingFlags.raisedByUserId,
      resolvedAt: safeguardingFlags.resolvedAt,
    })
    .from(safeguardingFlags)
    .where(eq(safeguardingFlags.contactId, contactId));
  const flagIds = flags.map((flag) => flag.id);
  const audit = await db
    .select()
    .from(auditEvents)
    .where(inArray(auditEvents.entityId, [contactId, ...flagIds]))
    .orderBy(asc(auditEvents.id));
  // Flags and their audit events in the order written, named by concern instead of id.
  const concernOf = new Map(flags.map((flag) => [flag.id, flag.concern]));
  return {
    fields,
    interventions,
    flags: flags.map(({ id: _, ...flag }) => flag).sort((a, b) => a.concern.localeCompare(b.concern)),
    audit: audit.map(({ id: _, at: __, entityId, ...event }) => ({
      ...event,
      about: event.entity === "contact" ? "the contact" : concernOf.get(entityId),
    })),
  };
}

describeDb("contacts", (use) => {
  it("writes the same rows and answers the same in one statement as step by step in a transaction", async () => {
    const { ctxOf } = await makeWorld(use().db);
    const worker = ctxOf("outreach_worker") as Ctx;
    const actor = worker.actor as UserActor;
    const hotspot = await makeHotspot(ctxOf("admin"));
    const person = await createPerson({ ctx: worker, input: personInput({ alias: "Heron" }) });
    const cases: ContactInput[] = [
      contactInput({
        hotspotId: hotspot.id,
        personId: person.id,
        substances: ["crack", "heroin"],
        interventions: [
          { intervention: "needles_supplied", quantity: 20 },
          { intervention: "naloxone_supplied", quantity: 1 },
          { intervention: "harm_reduction_advice" },
        ],
        safeguardingConcerns: ["county_lines", "cuckooing", "self_neglect"],
        notes: "Quiet; asked about the drop-in",
      }),
      contactInput({
        location: "Under the ring road",
        lat: 51.74,
        lng: -1.25,
        safeguardingConcerns: ["child_at_risk"],
      }),
      contactInput({ hotspotId: hotspot.id }),
    ];
    for (const input of cases) {
      const requestCtx = { ...worker, requestId: `request-${input.clientKey}` };
      const oneStatement = await logContactInOneStatement(requestCtx, actor, input);
      const stepByStep = await logContactInTransaction(requestCtx, actor, actor, {
        ...input,
        clientKey: `${input.clientKey}-again`,
      });
      expect(oneStatement).not.toBeNull();
      const { id: _a, clientKey: _b, ...answer } = oneStatement!;
      const { id: _c, clientKey: _d, ...sameAnswer } = stepByStep;
      expect(answer).toEqual(sameAnswer);
      expect(await writtenFor(use().db, oneStatement!.id)).toEqual(await writtenFor(use().db, stepByStep.id));
    }
  });

  it("leaves to the transaction, writing nothing, a resend, a missing hotspot or person and a merged person", async () => {
    const { ctxOf } = await makeWorld(use().db);
    const worker = ctxOf("outreach_worker") as Ctx;
    const actor = worker.actor as UserActor;
    const hotspot = await makeHotspot(ctxOf("admin"));
    const survivor = await createPerson({ ctx: worker, input: personInput({ firstInitial: "A" }) });
    const merged = await createPerson({
      ctx: worker,
      input: personInput({ firstInitial: "A", sex: "unknown" }),
    });
    await mergePeople({ ctx: worker, input: { survivorId: survivor.id, mergedId: merged.id } });
    const sent = await logContact({ ctx: worker, input: contactInput({ hotspotId: hotspot.id }) });
    const missing = "00000000-0000-4000-8000-000000000000";
    const db = use().db;
    const [before] = await db.select({ contacts: count() }).from(contacts);
    const [auditBefore] = await db.select({ events: count() }).from(auditEvents);
    for (const input of [
      contactInput({ clientKey: sent.clientKey, hotspotId: hotspot.id }),
      contactInput({ hotspotId: missing }),
      contactInput({ location: "Towpath", personId: missing }),
      contactInput({ location: "Towpath", personId: merged.id, safeguardingConcerns: ["cuckooing"] }),
    ]) {
      expect(await logContactInOneStatement(worker, actor, input)).toBeNull();
    }
    expect(await db.select({ contacts: count() }).from(contacts)).toEqual([before]);
    expect(await db.select({ events: count() }).from(auditEvents)).toEqual([auditBefore]);
  });

  it("logs a contact with interventions, and each safeguarding concern raises an open flag", async () => {
    const { ctxOf, actors } = await makeWorld(use().db);
    const worker = ctxOf("outreach_worker");
    const hotspot = await makeHotspot(ctxOf("admin"));
    const person = await createPerson({ ctx: worker, input: personInput({ alias: "Spider" }) });
    const contact = await logContact({
      ctx: worker,
      input: contactInput({
        hotspotId: hotspot.id,
        personId: person.id,
        substances: ["heroin", "crack"],
        interventions: [
          { intervention: "naloxone_supplied", quantity: 2 },
          { intervention: "needles_supplied", quantity: 10 },
          { intervention: "harm_reduction_advice" },
        ],
        safeguardingConcerns: ["cuckooing", "county_lines"],
        notes: "<script>alert('x')</script> seen by the bandstand",
      }),
    });
    expect(contact).toMatchObject({
      replayed: false,
      hotspotName: hotspot.name,
      personAttributor: "JS-1988-03-14-M",
      personAlias: "Spider",
      substances: ["heroin", "crack"],
      safeguardingConcerns: ["cuckooing", "county_lines"],
      notes: "<script>alert('x')</script> seen by the bandstand",
      workerName: actors.outreach_worker.name,
    });
    expect(contact.interventions).toEqual(
      expect.arrayContaining([
        { intervention: "naloxone_supplied", quantity: 2 },
        { intervention: "needles_supplied", quantity: 10 },
        { intervention: "harm_reduction_advice", quantity: null },
      ]),
    );
    const flags = await use()
      .db.select()
      .from(safeguardingFlags)
      .where(eq(safeguardingFlags.personId, person.id));
    expect(flags.map((flag) => flag.concern).sort()).toEqual(["county_lines", "cuckooing"]);
    expect(flags.every((flag) => flag.resolvedAt === null && flag.contactId === contact.id)).toBe(true);

    expect(await auditOf(use().db, "contact", contact.id)).toEqual([
      { action: "create", personId: person.id, actorUserId: actors.outreach_worker.userId },
    ]);
    for (const flag of flags) {
      expect(await auditOf(use().db, "safeguarding_flag", flag.id)).toEqual([
        { action: "create", personId: person.id, actorUserId: actors.outreach_worker.userId },
      ]);
    }
  });

  it("returns the stored contact for a client key sent again, and creates nothing", async () => {
    const { ctxOf } = await makeWorld(use().db);
    const worker = ctxOf("outreach_worker");
    const hotspot = await makeHotspot(ctxOf("admin"));
    const input = contactInput({
      hotspotId: hotspot.id,
      newPerson: personInput({ firstInitial: "R", surnameInitial: "T" }),
      interventions: [{ intervention: "naloxone_supplied", quantity: 1 }],
      safeguardingConcerns: ["self_neglect"],
    });
    const first = await logContact({ ctx: worker, input });
    // A resend after a lost response may even differ (the device edited it): the stored one wins.
    const second = await logContact({ ctx: worker, input: { ...input, notes: "edited" } });
    expect(second).toMatchObject({ id: first.id, personId: first.personId, replayed: true, notes: null });

    const db = use().db;
    expect(
      await db.select({ n: count() }).from(contacts).where(eq(contacts.clientKey, input.clientKey)),
    ).toEqual([{ n: 1 }]);
    expect(
      await db
        .select({ n: count() })
        .from(contactInterventions)
        .where(eq(contactInterventions.contactId, first.id)),
    ).toEqual([{ n: 1 }]);
    expect(
      await db
        .select({ n: count() })
        .from(safeguardingFlags)
        .where(eq(safeguardingFlags.contactId, first.id)),
    ).toEqual([{ n: 1 }]);
    expect(
      await db.select({ n: count() }).from(people).where(eq(people.attributor, "RT-1988-03-14-M")),
    ).toEqual([{ n: 1 }]);
    expect((await auditOf(db, "contact", first.id)).map((event) => event.action)).toEqual(["create", "read"]);
  });

  it("creates one contact and one person when the same key arrives several times at once", async () => {
    const { ctxOf } = await makeWorld(use().db);
    const worker = ctxOf("outreach_worker");
    const hotspot = await makeHotspot(ctxOf("admin"));
    const input = contactInput({
      hotspotId: hotspot.id,
      newPerson: personInput({ firstInitial: "C", surnameInitial: "Q", dateOfBirth: "1979-11-02" }),
      safeguardingConcerns: ["adult_exploitation"],
    });
    const results = await Promise.all(Array.from({ length: 5 }, () => logContact({ ctx: worker, input })));
    expect(new Set(results.map((result) => result.id)).size).toBe(1);
    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
    const db = use().db;
    expect(
      await db.select({ n: count() }).from(contacts).where(eq(contacts.clientKey, input.clientKey)),
    ).toEqual([{ n: 1 }]);
    expect(
      await db.select({ n: count() }).from(people).where(eq(people.attributor, "CQ-1979-11-02-M")),
    ).toEqual([{ n: 1 }]);
    expect(
      await db
        .select({ n: count() })
        .from(safeguardingFlags)
        .where(eq(safeguardingFlags.contactId, results[0]!.id)),
    ).toEqual([{ n: 1 }]);
  });

  it("refuses a client key another worker already used", async () => {
    const { ctxOf } = await makeWorld(use().db);
    const { ctxOf: otherCtxOf } = await makeWorld(use().db);
    const hotspot = await makeHotspot(ctxOf("admin"));
    const input = contactInput({ hotspotId: hotspot.id });
    await logContact({ ctx: ctxOf("outreach_worker"), input });
    await expect(logContact({ ctx: otherCtxOf("outreach_worker"), input })).rejects.toBeInstanceOf(Conflict);
  });

  it("keeps an anonymous contact's concerns without raising a flag, and lands a merged person's contact on the survivor", async () => {
    const { ctxOf } = await makeWorld(use().db);
    const worker = ctxOf("outreach_worker");
    const anonymous = await logContact({
      ctx: worker,
      input: contactInput({ location: "Behind the leisure centre", safeguardingConcerns: ["child_at_risk"] }),
    });
    expect(anonymous).toMatchObject({
      personId: null,
      safeguardingConcerns: ["child_at_risk"],
      hotspotId: null,
    });
    expect(
      await use().db.select().from(safeguardingFlags).where(eq(safeguardingFlags.contactId, anonymous.id)),
    ).toEqual([]);

    const survivor = await createPerson({
      ctx: worker,
      input: personInput({ firstInitial: "M", surnameInitial: "K" }),
    });
    const duplicate = await createPerson({
      ctx: worker,
      input: personInput({ firstInitial: "M", surnameInitial: "K", sex: "unknown" }),
    });
    await mergePeople({ ctx: worker, input: { survivorId: survivor.id, mergedId: duplicate.id } });
    // Queued offline before the merge, sent after it.
    const late = await logContact({
      ctx: worker,
      input: contactInput({
        location: "Towpath",
        personId: duplicate.id,
        safeguardingConcerns: ["cuckooing"],
      }),
    });
    expect(late.personId).toBe(survivor.id);
    const [flag] = await use()
      .db.select()
      .from(safeguardingFlags)
      .where(eq(safeguardingFlags.contactId, late.id));
    expect(flag?.personId).toBe(survivor.id);
  });

  it("names the field when a hotspot or person does not exist", async () => {
    const { ctxOf } = await makeWorld(use().db);
    const worker = ctxOf("outreach_worker");
    const missing = "00000000-0000-4000-8000-000000000000";
    const noHotspot = await logContact({ ctx: worker, input: contactInput({ hotspotId: missing }) }).catch(
      (e) => e,
    );
    expect(noHotspot).toBeInstanceOf(ValidationError);
    expect(noHotspot.fields).toEqual({ hotspotId: ["That hotspot no longer exists; choose another."] });
    const noPerson = await logContact({
      ctx: worker,
      input: contactInput({ location: "Towpath", personId: missing }),
    }).catch((e) => e);
    expect(Object.keys(noPerson.fields)).toEqual(["personId"]);
    const fullName = await logContact({
      ctx: worker,
      input: contactInput({ location: "Towpath", newPerson: personInput({ fullName: "John Smith" }) }),
    }).catch((e) => e);
    expect(fullName.fields).toEqual({
      "newPerson.fullName": ["only the treatment provider may record a full name; leave it blank"],
    });
    expect(await use().db.select().from(people).where(eq(people.fullName, "John Smith"))).toEqual([]);
  });

  it("lets only outreach workers log contacts", async () => {
    const { ctxOf } = await makeWorld(use().db);
    for (const role of ["commissioner", "treatment_manager", "admin"] as const) {
      await expect(
        logContact({ ctx: ctxOf(role), input: contactInput({ location: "Towpath" }) }),
      ).rejects.toBeInstanceOf(Forbidden);
    }
  });

  it("pages a worker's own recent contacts, newest first, auditing each one listed", async () => {
    const { ctxOf, actors } = await makeWorld(use().db);
    const { ctxOf: otherCtxOf } = await makeWorld(use().db);
    const worker = ctxOf("outreach_worker");
    const person = await createPerson({
      ctx: worker,
      input: personInput({ firstInitial: "P", surnameInitial: "L" }),
    });
    const start = Date.now() - 10 * 3_600_000;
    const logged = [];
    for (let i = 0; i < 7; i++) {
      logged.push(
        await logContact({
          ctx: worker,
          input: contactInput({
            location: "Cowley Road",
            occurredAt: new Date(start + (i % 3) * 3_600_000),
            personId: i % 2 ? person.id : undefined,
          }),
        }),
      );
    }
    await logContact({ ctx: otherCtxOf("outreach_worker"), input: contactInput({ location: "Elsewhere" }) });

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listMyRecentContacts({ ctx: worker, input: { limit: 3, cursor } });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const expected = [...logged]
      .sort((a, b) => b.occurredAt.getTime() - a.occurredAt.getTime() || (a.id < b.id ? 1 : -1))
      .map((contact) => contact.id);
    expect(seen).toEqual(expected);
    for (const contact of logged) {
      const listed = (await auditOf(use().db, "contact", contact.id)).filter(
        (event) => event.action === "list",
      );
      expect(listed).toEqual([
        { action: "list", personId: contact.personId, actorUserId: actors.outreach_worker.userId },
      ]);
    }

    const personPage = await listPersonContacts({
      ctx: ctxOf("admin"),
      input: { personId: person.id, limit: 10 },
    });
    expect(personPage.items.map((item) => item.id).sort()).toEqual(
      logged
        .filter((contact) => contact.personId)
        .map((contact) => contact.id)
        .sort(),
    );
    await expect(
      listMyRecentContacts({ ctx: worker, input: { limit: 3, cursor: "not-a-cursor" } }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});
