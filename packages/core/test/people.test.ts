import { consents, contacts, episodes, eq, people, referrals, safeguardingFlags } from "@pathways/db";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import { logContact } from "../src/contacts.ts";
import { Conflict, Forbidden, InvalidTransition, NotYours, ValidationError } from "../src/errors.ts";
import {
  createPerson,
  findPeople,
  getPerson,
  likelyDuplicates,
  mergePeople,
  recordConsent,
  resolveSafeguardingFlag,
  undoMerge,
} from "../src/people.ts";
import { auditOf, contactInput, makeHotspot, personInput, referAndStart } from "./outreach-fixtures.ts";

describeDb("people", (use) => {
  it("creates a person with the attributor, and shows the full name to the treatment provider only", async () => {
    const { ctxOf, actors } = await makeWorld(use().db);
    const worker = ctxOf("outreach_worker");
    const person = await createPerson({
      ctx: worker,
      input: personInput({ alias: "Spider", partialPostcode: "OX4 1" }),
    });
    expect(person).toMatchObject({
      attributor: "JS-1988-03-14-M",
      alias: "Spider",
      partialPostcode: "OX4 1",
    });
    expect(person).not.toHaveProperty("fullName");
    expect(await auditOf(use().db, "person", person.id)).toEqual([
      { action: "create", personId: person.id, actorUserId: actors.outreach_worker.userId },
    ]);

    const refused = await createPerson({ ctx: worker, input: personInput({ fullName: "John Smith" }) }).catch(
      (e) => e,
    );
    expect(refused).toBeInstanceOf(ValidationError);
    expect(refused.fields).toEqual({
      fullName: ["only the treatment provider may record a full name; leave it blank"],
    });

    const provider = ctxOf("treatment_manager");
    const named = await createPerson({
      ctx: provider,
      input: personInput({ fullName: "Jane Smith", sex: "female" }),
    });
    expect(named.fullName).toBe("Jane Smith");
    expect((await getPerson({ ctx: provider, input: { id: named.id } })).person.fullName).toBe("Jane Smith");
    const asAdmin = await getPerson({ ctx: ctxOf("admin"), input: { id: named.id } });
    expect(asAdmin.person).not.toHaveProperty("fullName");
    const asWorker = await getPerson({ ctx: worker, input: { id: named.id } });
    expect(asWorker.person).not.toHaveProperty("fullName");
  });

  it("finds people by attributor, alias or partial postcode, a page at a time, auditing each one listed", async () => {
    const { ctxOf, actors } = await makeWorld(use().db);
    const worker = ctxOf("outreach_worker");
    const tag = actors.outreach_worker.userId.slice(0, 6);
    const made = [];
    for (let i = 0; i < 5; i++) {
      made.push(
        await createPerson({
          ctx: worker,
          input: personInput({
            firstInitial: "Z",
            surnameInitial: "X",
            dateOfBirth: `1990-01-0${i + 1}`,
            alias: `Tiny-${tag}-${i}`,
            partialPostcode: "OX3 7",
          }),
        }),
      );
    }
    const byAlias = await findPeople({ ctx: worker, input: { query: `tiny-${tag}`, limit: 2 } });
    expect(byAlias.items.map((p) => p.attributor)).toEqual(["ZX-1990-01-01-M", "ZX-1990-01-02-M"]);
    const rest = await findPeople({
      ctx: worker,
      input: { query: `tiny-${tag}`, limit: 10, cursor: byAlias.nextCursor! },
    });
    expect(rest.items.map((p) => p.attributor)).toEqual([
      "ZX-1990-01-03-M",
      "ZX-1990-01-04-M",
      "ZX-1990-01-05-M",
    ]);
    expect(rest.nextCursor).toBeNull();

    const byAttributor = await findPeople({ ctx: worker, input: { query: "zx 1990 01 03", limit: 10 } });
    expect(byAttributor.items.map((p) => p.id)).toEqual([made[2]!.id]);
    const byPostcode = await findPeople({ ctx: worker, input: { query: "ox3 7", limit: 50 } });
    expect(byPostcode.items.map((p) => p.id)).toEqual(expect.arrayContaining(made.map((p) => p.id)));
    // A percent sign is a character to find, not a wildcard.
    expect((await findPeople({ ctx: worker, input: { query: "%", limit: 10 } })).items).toEqual([]);

    const listed = (await auditOf(use().db, "person", made[0]!.id)).filter((e) => e.action === "list");
    expect(listed.length).toBe(2); // by alias, by postcode: one event per search that returned them

    await mergePeople({ ctx: worker, input: { survivorId: made[0]!.id, mergedId: made[1]!.id } });
    const afterMerge = await findPeople({ ctx: worker, input: { query: `tiny-${tag}`, limit: 10 } });
    expect(afterMerge.items.map((p) => p.id)).not.toContain(made[1]!.id);
  });

  it("shows treatment managers their own provider's clients only", async () => {
    const { ctxOf, actors } = await makeWorld(use().db);
    const worker = ctxOf("outreach_worker");
    const provider = ctxOf("treatment_manager");
    const tag = actors.treatment_manager.userId.slice(0, 6);
    const client = await createPerson({ ctx: worker, input: personInput({ alias: `Client-${tag}` }) });
    const stranger = await createPerson({ ctx: worker, input: personInput({ alias: `Stranger-${tag}` }) });
    await referAndStart(
      use().db,
      client.id,
      actors.treatment_manager.organisationId,
      actors.outreach_worker.organisationId,
    );

    const found = await findPeople({ ctx: provider, input: { query: tag, limit: 10 } });
    expect(found.items.map((p) => p.id)).toEqual([client.id]);
    expect((await getPerson({ ctx: provider, input: { id: client.id } })).person.id).toBe(client.id);
    await expect(getPerson({ ctx: provider, input: { id: stranger.id } })).rejects.toThrow(
      new NotYours("person", stranger.id),
    );
    // The provider finds its own clients by full name; nobody else can search by it.
    const named = await createPerson({ ctx: provider, input: personInput({ fullName: `Jo Bloggs ${tag}` }) });
    expect(
      (await findPeople({ ctx: provider, input: { query: `bloggs ${tag}`, limit: 10 } })).items.map(
        (p) => p.id,
      ),
    ).toEqual([named.id]);
    expect((await findPeople({ ctx: worker, input: { query: `bloggs ${tag}`, limit: 10 } })).items).toEqual(
      [],
    );
    await expect(getPerson({ ctx: ctxOf("commissioner"), input: { id: client.id } })).rejects.toBeInstanceOf(
      Forbidden,
    );
    await expect(
      findPeople({ ctx: ctxOf("commissioner"), input: { query: tag, limit: 10 } }),
    ).rejects.toBeInstanceOf(Forbidden);
  });

  it("suggests likely duplicates: same attributor, sex unknown, or a date of birth a day apart", async () => {
    const { ctxOf } = await makeWorld(use().db);
    const worker = ctxOf("outreach_worker");
    const base = { firstInitial: "Q", surnameInitial: "W" } as const;
    const same = await createPerson({
      ctx: worker,
      input: personInput({ ...base, dateOfBirth: "1975-06-15" }),
    });
    const unknownSex = await createPerson({
      ctx: worker,
      input: personInput({ ...base, dateOfBirth: "1975-06-15", sex: "unknown" }),
    });
    const dayBefore = await createPerson({
      ctx: worker,
      input: personInput({ ...base, dateOfBirth: "1975-06-14" }),
    });
    await createPerson({
      ctx: worker,
      input: personInput({ ...base, dateOfBirth: "1975-06-15", sex: "female" }),
    });
    await createPerson({ ctx: worker, input: personInput({ ...base, dateOfBirth: "1975-06-17" }) });
    await createPerson({
      ctx: worker,
      input: personInput({ firstInitial: "Q", surnameInitial: "V", dateOfBirth: "1975-06-15" }),
    });

    const suggestions = await likelyDuplicates({
      ctx: worker,
      input: { ...base, dateOfBirth: "1975-06-15", sex: "male" },
    });
    expect(suggestions.map((s) => [s.id, s.reason])).toEqual(
      expect.arrayContaining([
        [same.id, "same_attributor"],
        [unknownSex.id, "sex_unknown"],
        [dayBefore.id, "date_of_birth_a_day_apart"],
      ]),
    );
    expect(suggestions).toHaveLength(3);
    expect(suggestions[0]!.reason).toBe("same_attributor");

    // Adding someone whose sex is unknown: anyone with those initials and birthday may be them.
    const forUnknown = await likelyDuplicates({
      ctx: worker,
      input: { ...base, dateOfBirth: "1975-06-15", sex: "unknown" },
    });
    expect(forUnknown).toHaveLength(4);
  });

  it("shows the person page: contacts, open flags, consent and referral statuses, with one read event", async () => {
    const { ctxOf, actors } = await makeWorld(use().db);
    const worker = ctxOf("outreach_worker");
    const hotspot = await makeHotspot(ctxOf("admin"));
    const person = await createPerson({
      ctx: worker,
      input: personInput({ firstInitial: "B", surnameInitial: "D" }),
    });
    const contact = await logContact({
      ctx: worker,
      input: contactInput({
        hotspotId: hotspot.id,
        personId: person.id,
        safeguardingConcerns: ["cuckooing", "domestic_abuse"],
      }),
    });
    const { referral } = await referAndStart(
      use().db,
      person.id,
      actors.treatment_manager.organisationId,
      actors.outreach_worker.organisationId,
    );
    await recordConsent({
      ctx: worker,
      input: { personId: person.id, kind: "share", status: "given", recordedOn: "2026-01-05" },
    });
    await recordConsent({
      ctx: worker,
      input: { personId: person.id, kind: "share", status: "withdrawn", recordedOn: "2026-02-01" },
    });
    const page = await getPerson({ ctx: worker, input: { id: person.id } });
    const cuckooing = page.openSafeguardingFlags.find((flag) => flag.concern === "cuckooing")!;
    await resolveSafeguardingFlag({
      ctx: worker,
      input: { flagId: cuckooing.id, note: "Moved to a new flat" },
    });

    const after = await getPerson({ ctx: worker, input: { id: person.id } });
    expect(after.contacts.items.map((c) => c.id)).toEqual([contact.id]);
    expect(after.openSafeguardingFlags.map((flag) => flag.concern)).toEqual(["domestic_abuse"]);
    expect(after.consents).toEqual([{ kind: "share", status: "withdrawn", recordedOn: "2026-02-01" }]);
    expect(after.referrals).toEqual([
      {
        id: referral.id,
        number: referral.number,
        serviceName: "Opiate treatment",
        providerName: actors.treatment_manager.organisationName,
        status: "treatment_started",
        requestedAt: referral.requestedAt,
        statusChangedAt: referral.statusChangedAt,
      },
    ]);
    expect((await auditOf(use().db, "person", person.id)).filter((e) => e.action === "read")).toHaveLength(2);
    expect(await auditOf(use().db, "safeguarding_flag", cuckooing.id)).toEqual([
      { action: "create", personId: person.id, actorUserId: actors.outreach_worker.userId },
      { action: "list", personId: person.id, actorUserId: actors.outreach_worker.userId },
      { action: "update", personId: person.id, actorUserId: actors.outreach_worker.userId },
    ]);

    const again = await resolveSafeguardingFlag({
      ctx: worker,
      input: { flagId: cuckooing.id, note: "again" },
    }).catch((e) => e);
    expect(again).toBeInstanceOf(InvalidTransition);
    expect(again.message).toMatch(/^This cuckooing flag was already resolved on \d{4}-\d{2}-\d{2}\.$/);
  });

  it("merges a duplicate with every linked record, and undo restores exactly what moved", async () => {
    const { ctxOf, actors } = await makeWorld(use().db);
    const worker = ctxOf("outreach_worker");
    const db = use().db;
    const survivor = await createPerson({
      ctx: worker,
      input: personInput({ firstInitial: "K", surnameInitial: "M" }),
    });
    const duplicate = await createPerson({
      ctx: worker,
      input: personInput({ firstInitial: "K", surnameInitial: "M", sex: "unknown" }),
    });
    const survivorContact = await logContact({
      ctx: worker,
      input: contactInput({ location: "Bonn Square", personId: survivor.id }),
    });
    const duplicateContacts = [
      await logContact({
        ctx: worker,
        input: contactInput({
          location: "Bonn Square",
          personId: duplicate.id,
          safeguardingConcerns: ["cuckooing"],
        }),
      }),
      await logContact({ ctx: worker, input: contactInput({ location: "Towpath", personId: duplicate.id }) }),
    ];
    const { referral, episode } = await referAndStart(
      db,
      duplicate.id,
      actors.treatment_manager.organisationId,
      actors.outreach_worker.organisationId,
    );
    const consent = await recordConsent({
      ctx: worker,
      input: { personId: duplicate.id, kind: "share", status: "given", recordedOn: "2026-01-05" },
    });

    const merge = await mergePeople({
      ctx: worker,
      input: { survivorId: survivor.id, mergedId: duplicate.id },
    });
    expect(merge.moved).toEqual({
      contacts: 2,
      referrals: 1,
      episodes: 1,
      consents: 1,
      safeguardingFlags: 1,
    });
    const ownerOf = async () => ({
      contacts: (await db.select().from(contacts).where(eq(contacts.personId, duplicate.id))).length,
      referral: (await db.select().from(referrals).where(eq(referrals.id, referral.id)))[0]!.personId,
      episode: (await db.select().from(episodes).where(eq(episodes.id, episode.id)))[0]!.personId,
      consent: (await db.select().from(consents).where(eq(consents.id, consent.id)))[0]!.personId,
      flags: (await db.select().from(safeguardingFlags).where(eq(safeguardingFlags.personId, duplicate.id)))
        .length,
    });
    expect(await ownerOf()).toEqual({
      contacts: 0,
      referral: survivor.id,
      episode: survivor.id,
      consent: survivor.id,
      flags: 0,
    });
    const page = await getPerson({ ctx: worker, input: { id: survivor.id } });
    expect(page.contacts.items).toHaveLength(3);
    expect(page.merges).toMatchObject([
      { id: merge.mergeId, mergedAttributor: "KM-1988-03-14-U", movedCount: 6 },
    ]);
    const mergedPage = await getPerson({ ctx: worker, input: { id: duplicate.id } });
    expect(mergedPage.mergedInto).toEqual({ id: survivor.id, attributor: "KM-1988-03-14-M" });

    // Logged after the merge: it belongs to the survivor and stays there on undo.
    const laterContact = await logContact({
      ctx: worker,
      input: contactInput({ location: "Towpath", personId: survivor.id }),
    });
    await expect(
      mergePeople({ ctx: worker, input: { survivorId: duplicate.id, mergedId: survivor.id } }),
    ).rejects.toThrow(
      "KM-1988-03-14-U was already merged into KM-1988-03-14-M; merge with KM-1988-03-14-M instead.",
    );

    const undone = await undoMerge({ ctx: ctxOf("admin"), input: { mergeId: merge.mergeId } });
    expect(undone.restored).toEqual({
      contacts: 2,
      referrals: 1,
      episodes: 1,
      consents: 1,
      safeguardingFlags: 1,
    });
    expect(await ownerOf()).toEqual({
      contacts: 2,
      referral: duplicate.id,
      episode: duplicate.id,
      consent: duplicate.id,
      flags: 1,
    });
    const survivorContacts = await db.select().from(contacts).where(eq(contacts.personId, survivor.id));
    expect(survivorContacts.map((c) => c.id).sort()).toEqual([survivorContact.id, laterContact.id].sort());
    expect((await db.select().from(people).where(eq(people.id, duplicate.id)))[0]!.mergedIntoId).toBeNull();
    expect(duplicateContacts.every((c) => c.personId === duplicate.id)).toBe(true);

    await expect(undoMerge({ ctx: worker, input: { mergeId: merge.mergeId } })).rejects.toBeInstanceOf(
      InvalidTransition,
    );
    expect((await auditOf(db, "referral", referral.id)).map((e) => e.action)).toEqual([
      "merge",
      "list",
      "unmerge",
    ]);
    await expect(
      mergePeople({
        ctx: ctxOf("treatment_manager"),
        input: { survivorId: survivor.id, mergedId: duplicate.id },
      }),
    ).rejects.toBeInstanceOf(Forbidden);
  });

  it("will not undo a merge whose survivor was merged again later, until that is undone", async () => {
    const { ctxOf } = await makeWorld(use().db);
    const worker = ctxOf("outreach_worker");
    const [a, b, c] = [
      await createPerson({ ctx: worker, input: personInput({ firstInitial: "A", surnameInitial: "A" }) }),
      await createPerson({
        ctx: worker,
        input: personInput({ firstInitial: "A", surnameInitial: "A", sex: "unknown" }),
      }),
      await createPerson({
        ctx: worker,
        input: personInput({ firstInitial: "A", surnameInitial: "A", dateOfBirth: "1988-03-15" }),
      }),
    ];
    const contactOfB = await logContact({
      ctx: worker,
      input: contactInput({ location: "Meadow Lane", personId: b!.id }),
    });
    const first = await mergePeople({ ctx: worker, input: { survivorId: a!.id, mergedId: b!.id } });
    const second = await mergePeople({ ctx: worker, input: { survivorId: c!.id, mergedId: a!.id } });
    const refused = await undoMerge({ ctx: worker, input: { mergeId: first.mergeId } }).catch((e) => e);
    expect(refused).toBeInstanceOf(Conflict);
    expect(refused.message).toBe(
      "AA-1988-03-14-M has since been merged into AA-1988-03-15-M; undo that merge first.",
    );
    await undoMerge({ ctx: worker, input: { mergeId: second.mergeId } });
    await undoMerge({ ctx: worker, input: { mergeId: first.mergeId } });
    const [restored] = await use().db.select().from(contacts).where(eq(contacts.id, contactOfB.id));
    expect(restored!.personId).toBe(b!.id);
  });
});
