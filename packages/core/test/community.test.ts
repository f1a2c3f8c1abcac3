import { createHash } from "node:crypto";
import {
  and,
  auditEvents,
  communityReportEvents,
  communityReports,
  eq,
  people,
  queryRows,
  sql,
} from "@pathways/db";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import { getReportByToken, listReportPlaces, submitCommunityReport } from "../src/community/reports.ts";
import {
  acknowledgeCommunityReport,
  addCommunityReportNote,
  changeCommunityReportStatus,
  getCommunityReport,
  linkCommunityReport,
  listCommunityReportLinkCandidates,
  listCommunityReports,
  markCommunityReportDuplicate,
} from "../src/community/triage/index.ts";
import type { Ctx } from "../src/context.ts";
import { Forbidden, InvalidTransition, NotFound, RateLimited, Unauthenticated } from "../src/errors.ts";
import {
  communityRowCounts,
  makeHotspot,
  makeOutreachRecords,
  outboxOf,
  reportIdOf,
  reportInput,
  residentCtx,
  staffCtx,
  testClock,
} from "./community-helpers.ts";

/** The answer a tracking link gets: the view, or the error's class and message. */
async function answerFor(ctx: Ctx, token: string) {
  try {
    return { view: await getReportByToken({ ctx, input: { token } }) };
  } catch (error) {
    return { error: { type: (error as Error).constructor.name, message: (error as Error).message } };
  }
}

describeDb("community reports", (use) => {
  it("gives a resident a reference and a private link that shows their report", async () => {
    const db = use().db;
    const hotspot = await makeHotspot(db);
    const resident = residentCtx(db);
    const submitted = await submitCommunityReport({
      ctx: resident,
      input: reportInput({
        hotspotId: hotspot.id,
        location: undefined,
        contactEmail: "resident@example.org",
      }),
    });
    expect(submitted.reference).toMatch(/^CR-\d{4}-\d{6}$/);
    expect(submitted.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(submitted.updatesBy).toBe("email");

    const { view } = await answerFor(residentCtx(db), submitted.token);
    expect(view).toMatchObject({
      reference: submitted.reference,
      category: "drug_dealing",
      hotspotName: hotspot.name,
      location: null,
      sharedLocation: false,
      status: "open",
    });
    expect(view?.history).toEqual([
      { at: submitted.submittedAt, status: "open", note: "We have received your report." },
    ]);

    // Only the token's SHA-256 is stored; the token itself is nowhere in the database.
    const [row] = await db
      .select()
      .from(communityReports)
      .where(eq(communityReports.reference, submitted.reference));
    expect(row!.tokenHash).toBe(createHash("sha256").update(submitted.token).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(submitted.token);
  });

  it("stores a resident's pin for triage, and shows the reporter only that a location was shared", async () => {
    const db = use().db;
    const { actors } = await makeWorld(db);
    const submitted = await submitCommunityReport({
      ctx: residentCtx(db),
      input: reportInput({ location: undefined, lat: 51.7431, lng: -1.2568 }),
    });
    const id = await reportIdOf(db, submitted.reference);
    const [row] = await db
      .select({ lat: communityReports.lat, lng: communityReports.lng })
      .from(communityReports)
      .where(eq(communityReports.id, id));
    expect(row).toEqual({ lat: 51.7431, lng: -1.2568 });
    const triage = await getCommunityReport({ ctx: staffCtx(db, actors.outreach_worker), input: { id } });
    expect(triage).toMatchObject({ lat: 51.7431, lng: -1.2568, location: null });
    const { view } = await answerFor(residentCtx(db), submitted.token);
    expect(view?.sharedLocation).toBe(true);
    expect(JSON.stringify(view)).not.toMatch(/51\.74|1\.25/);
  });

  it("answers a wrong, guessed or malformed token exactly as it answers a missing one", async () => {
    const db = use().db;
    const submitted = await submitCommunityReport({ ctx: residentCtx(db), input: reportInput() });
    const last = submitted.token.at(-1) === "A" ? "B" : "A";
    const [{ tokenHash }] = (await db
      .select({ tokenHash: communityReports.tokenHash })
      .from(communityReports)
      .where(eq(communityReports.reference, submitted.reference))) as [{ tokenHash: string }];
    const missing = await answerFor(residentCtx(db), "Q".repeat(43));
    expect(missing).toEqual({
      error: { type: "NotFound", message: "No community report for this link was found." },
    });
    for (const token of [
      `${submitted.token.slice(0, -1)}${last}`,
      submitted.token.toUpperCase(),
      ` ${submitted.token}`,
      submitted.reference,
      tokenHash,
      "",
      "not-a-token",
      "' or 1=1 --",
      "x".repeat(5000),
    ]) {
      expect(await answerFor(residentCtx(db), token), token.slice(0, 50)).toEqual(missing);
    }
  });

  it("queues exactly one update per status change when the reporter left a contact", async () => {
    const db = use().db;
    const { actors } = await makeWorld(db);
    const worker = staffCtx(db, actors.outreach_worker);
    const submitted = await submitCommunityReport({
      ctx: residentCtx(db),
      input: reportInput({ contactEmail: "updates@example.org" }),
    });
    const id = await reportIdOf(db, submitted.reference);
    expect(await outboxOf(db, id)).toHaveLength(1);

    await acknowledgeCommunityReport({ ctx: worker, input: { id } });
    expect(await outboxOf(db, id)).toHaveLength(2);
    await changeCommunityReportStatus({
      ctx: worker,
      input: { id, status: "in_progress", publicNote: "An outreach patrol will visit this week." },
    });
    expect(await outboxOf(db, id)).toHaveLength(3);
    // A note only staff see is no news for the reporter; a public note is.
    await addCommunityReportNote({ ctx: worker, input: { id, internalNote: "Patrol booked for Thursday." } });
    expect(await outboxOf(db, id)).toHaveLength(3);
    await addCommunityReportNote({ ctx: worker, input: { id, publicNote: "The patrol went on Thursday." } });
    expect(await outboxOf(db, id)).toHaveLength(4);
    const closed = await changeCommunityReportStatus({
      ctx: worker,
      input: { id, status: "closed_actioned", publicNote: "Two people were moved on; patrols continue." },
    });
    expect(closed).toMatchObject({ status: "closed_actioned", updateQueued: true });

    const messages = await outboxOf(db, id);
    const events = await db
      .select({ id: communityReportEvents.id, publicNote: communityReportEvents.publicNote })
      .from(communityReportEvents)
      .where(eq(communityReportEvents.reportId, id));
    expect(events).toHaveLength(6);
    expect(messages).toHaveLength(5);
    expect(new Set(messages.map((m) => m.reportEventId)).size).toBe(5);
    expect(messages.every((m) => m.recipient === "updates@example.org" && m.status === "pending")).toBe(true);
    expect(messages.map((m) => m.subject).sort()).toEqual(
      [
        `We have received your report ${submitted.reference}`,
        `Update on your report ${submitted.reference}: Acknowledged`,
        `Update on your report ${submitted.reference}: In progress`,
        `Update on your report ${submitted.reference}: In progress`,
        `Update on your report ${submitted.reference}: Closed: action taken`,
      ].sort(),
    );
    expect(messages.find((m) => m.subject.endsWith("Closed: action taken"))?.body).toContain(
      "Two people were moved on; patrols continue.",
    );
  });

  it("queues no update when the reporter left no contact, but still shows every change on the link", async () => {
    const db = use().db;
    const { actors } = await makeWorld(db);
    const worker = staffCtx(db, actors.outreach_worker);
    const submitted = await submitCommunityReport({ ctx: residentCtx(db), input: reportInput() });
    const id = await reportIdOf(db, submitted.reference);
    await acknowledgeCommunityReport({ ctx: worker, input: { id, publicNote: "Seen, thank you." } });
    expect(await outboxOf(db, id)).toEqual([]);
    const { view } = await answerFor(residentCtx(db), submitted.token);
    expect(view?.history.map((e) => [e.status, e.note])).toEqual([
      ["open", "We have received your report."],
      ["acknowledged", "Seen, thank you."],
    ]);
  });

  it("sends updates for a phone number when that is the only contact given", async () => {
    const db = use().db;
    const submitted = await submitCommunityReport({
      ctx: residentCtx(db),
      input: reportInput({ contactPhone: "07700 900123" }),
    });
    expect(submitted.updatesBy).toBe("phone");
    const messages = await outboxOf(db, await reportIdOf(db, submitted.reference));
    expect(messages.map((m) => m.recipient)).toEqual(["07700 900123"]);
  });

  it("never shows internal notes, staff names, contact details or the description on the public side", async () => {
    const db = use().db;
    const { actors } = await makeWorld(db);
    const worker = staffCtx(db, actors.outreach_worker);
    const admin = staffCtx(db, actors.admin);
    const hotspot = await makeHotspot(db);
    const submitted = await submitCommunityReport({
      ctx: residentCtx(db),
      input: reportInput({
        hotspotId: hotspot.id,
        contactEmail: "private.resident@example.org",
        contactPhone: "07700 900456",
        description: "The man they call Big Tee deals from flat 3 every night.",
      }),
    });
    const id = await reportIdOf(db, submitted.reference);
    const internal = "Known to us as the attributor TB-1990-01-01-M; safeguarding referral made.";
    await acknowledgeCommunityReport({ ctx: worker, input: { id, internalNote: internal } });
    await addCommunityReportNote({ ctx: admin, input: { id, internalNote: "Council CCTV request raised." } });
    const { contactId } = await makeOutreachRecords(db, actors.outreach_worker, hotspot.id, new Date());
    await linkCommunityReport({ ctx: worker, input: { id, contactId } });
    await changeCommunityReportStatus({
      ctx: worker,
      input: {
        id,
        status: "in_progress",
        publicNote: "Patrols have been increased.",
        internalNote: internal,
      },
    });

    const { view } = await answerFor(residentCtx(db), submitted.token);
    const publicSide = JSON.stringify([view, ...(await outboxOf(db, id)).map((m) => [m.subject, m.body])]);
    for (const secret of [
      internal,
      "Council CCTV request raised.",
      "Linked to the contact",
      contactId,
      actors.outreach_worker.name,
      actors.outreach_worker.email,
      actors.outreach_worker.userId,
      actors.admin.name,
      "private.resident@example.org",
      "07700 900456",
      "Big Tee",
    ]) {
      expect(publicSide).not.toContain(secret);
    }
    expect(Object.keys(view!).sort()).toEqual([
      "category",
      "history",
      "hotspotName",
      "location",
      "reference",
      "sharedLocation",
      "status",
      "submittedAt",
    ]);
    // Internal-only events are left out of the public history altogether.
    expect(view!.history.map((e) => e.status)).toEqual(["open", "acknowledged", "in_progress"]);

    // Staff see all of it, with who did what.
    const detail = await getCommunityReport({ ctx: admin, input: { id } });
    expect(detail.contactEmail).toBe("private.resident@example.org");
    expect(detail.history.map((e) => e.internalNote)).toContain(internal);
    expect(detail.history.map((e) => e.byName)).toContain(actors.outreach_worker.name);
  });

  it("refuses a move the status machine does not allow, naming the current status", async () => {
    const db = use().db;
    const { actors } = await makeWorld(db);
    const worker = staffCtx(db, actors.outreach_worker);
    const submitted = await submitCommunityReport({ ctx: residentCtx(db), input: reportInput() });
    const id = await reportIdOf(db, submitted.reference);
    await expect(
      changeCommunityReportStatus({
        ctx: worker,
        input: { id, status: "closed_actioned", publicNote: "Done." },
      }),
    ).rejects.toThrow(
      new InvalidTransition(
        `Community report ${submitted.reference} is already \`open\`; it cannot move to \`closed_actioned\`. It can move to \`acknowledged\`, \`duplicate\`.`,
      ),
    );
    await acknowledgeCommunityReport({ ctx: worker, input: { id } });
    await expect(acknowledgeCommunityReport({ ctx: worker, input: { id } })).rejects.toThrow(
      new InvalidTransition(`Community report ${submitted.reference} is already \`acknowledged\`.`),
    );
    await changeCommunityReportStatus({
      ctx: worker,
      input: { id, status: "closed_no_action", publicNote: "Nothing was found on two visits." },
    });
    await expect(
      changeCommunityReportStatus({
        ctx: worker,
        input: { id, status: "in_progress", publicNote: "Again." },
      }),
    ).rejects.toThrow(
      new InvalidTransition(
        `Community report ${submitted.reference} is already \`closed_no_action\`; it cannot move to \`in_progress\`. It is closed.`,
      ),
    );
  });

  it("limits each address to 5 reports in 10 minutes, counted in the database, and says when to try again", async () => {
    const db = use().db;
    const clock = testClock();
    const address = "198.51.100.77";
    for (let i = 0; i < 5; i += 1) {
      await submitCommunityReport({ ctx: residentCtx(db, clock.now, address), input: reportInput() });
      clock.advance(60_000);
    }
    const before = await communityRowCounts(db);
    const refused = submitCommunityReport({ ctx: residentCtx(db, clock.now, address), input: reportInput() });
    await expect(refused).rejects.toBeInstanceOf(RateLimited);
    await expect(refused).rejects.toThrow(
      "You have sent 5 reports in the last 10 minutes. Try again in 5 minutes. If someone is in danger, call 999.",
    );
    await expect(refused).rejects.toMatchObject({ retryAfterSeconds: 300 });
    expect(await communityRowCounts(db)).toEqual(before);

    // Another address is not affected; this one may report again once the first leaves the window.
    await submitCommunityReport({ ctx: residentCtx(db, clock.now, "198.51.100.78"), input: reportInput() });
    clock.advance(5 * 60_000 + 1000);
    await submitCommunityReport({ ctx: residentCtx(db, clock.now, address), input: reportInput() });
  });

  it("holds the rate limit when an address sends many reports at the same moment", async () => {
    const db = use().db;
    const clock = testClock("2026-04-01T09:00:00Z");
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () =>
        submitCommunityReport({ ctx: residentCtx(db, clock.now, "198.51.100.99"), input: reportInput() }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(5);
    const refusals = results.filter((r) => r.status === "rejected");
    expect(refusals).toHaveLength(3);
    for (const refusal of refusals) expect(refusal.reason).toBeInstanceOf(RateLimited);
  });

  it("answers a bot that fills the honeypot like anyone else, and stores nothing", async () => {
    const db = use().db;
    const before = await communityRowCounts(db);
    const [auditBefore] = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from audit_events`,
    );
    const answer = await submitCommunityReport({
      ctx: residentCtx(db),
      input: reportInput({ contactEmail: "bot@example.org", website: "http://cheap-pills.example" }),
    });
    expect(answer.reference).toMatch(/^CR-\d{4}-\d{6}$/);
    expect(answer.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(answer.updatesBy).toBe("email");
    // No report, event or message (the submission counts against the address like a real one's).
    const { submissions: _counted, ...after } = await communityRowCounts(db);
    const { submissions: _before, ...stored } = before;
    expect(after).toEqual(stored);
    const [auditAfter] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from audit_events`);
    expect(auditAfter).toEqual(auditBefore);
    expect((await answerFor(residentCtx(db), answer.token)).error?.type).toBe("NotFound");
  });

  it("numbers references per year without gaps or repeats, even when submitted at once", async () => {
    const db = use().db;
    const system: Ctx = {
      db,
      actor: { kind: "system", name: "test" },
      now: () => new Date("2031-06-01T12:00:00Z"),
    };
    const submitted = await Promise.all(
      Array.from({ length: 12 }, () => submitCommunityReport({ ctx: system, input: reportInput() })),
    );
    expect(submitted.map((s) => s.reference).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => `CR-2031-${String(i + 1).padStart(6, "0")}`),
    );
    // The year is the submission's year in Europe/London.
    const newYear = await submitCommunityReport({
      ctx: { ...system, now: () => new Date("2031-12-31T23:59:59Z") },
      input: reportInput(),
    });
    expect(newYear.reference).toBe("CR-2031-000013");
    const nextYear = await submitCommunityReport({
      ctx: { ...system, now: () => new Date("2032-01-01T00:00:01Z") },
      input: reportInput(),
    });
    expect(nextYear.reference).toBe("CR-2032-000001");
  });

  it("refuses a hotspot that is not on the list, naming the field", async () => {
    const db = use().db;
    await expect(
      submitCommunityReport({
        ctx: residentCtx(db),
        input: reportInput({ hotspotId: "00000000-0000-4000-8000-000000000000" }),
      }),
    ).rejects.toMatchObject({
      fields: {
        hotspotId: ["where: that place is no longer on the list; pick another or type where it was"],
      },
    });
  });

  it("offers residents the active hotspots by name and centre only, never their areas", async () => {
    const db = use().db;
    const hotspot = await makeHotspot(db, "Grandpont");
    const places = await listReportPlaces({ ctx: residentCtx(db), input: undefined });
    expect(places).toContainEqual({ id: hotspot.id, name: hotspot.name, lat: 51.75, lng: -1.23 });
    expect(Object.keys(places[0]!).sort()).toEqual(["id", "lat", "lng", "name"]);
  });

  it("lists the triage queue by category, hotspot and age, oldest first, page by page", async () => {
    const db = use().db;
    const { actors } = await makeWorld(db);
    const clock = testClock("2026-05-20T11:00:00Z");
    const worker = staffCtx(db, actors.outreach_worker, clock.now);
    const hotspot = await makeHotspot(db, "Meadow Lane");
    const system: Ctx = { db, actor: { kind: "system", name: "test" } };
    const at = (iso: string): Ctx => ({ ...system, now: () => new Date(iso) });
    // Ages on 20 May: 0, 1, 5, 12 and 40 days (Europe/London days; 23:30 UTC on 18 May is 19 May in BST).
    const made = [];
    for (const [when, category] of [
      ["2026-04-10T10:00:00Z", "drug_use"],
      ["2026-05-08T10:00:00Z", "discarded_needles"],
      ["2026-05-15T10:00:00Z", "drug_dealing"],
      ["2026-05-18T23:30:00Z", "drug_dealing"],
      ["2026-05-20T08:00:00Z", "drug_dealing"],
    ] as const) {
      made.push(
        await submitCommunityReport({
          ctx: at(when),
          input: reportInput({ hotspotId: hotspot.id, location: undefined, category }),
        }),
      );
    }
    const refs = made.map((m) => m.reference);
    const list = (input: Record<string, unknown>) =>
      listCommunityReports({
        ctx: worker,
        input: { limit: 25, status: "active", hotspotId: hotspot.id, ...input },
      });

    const all = await list({});
    expect(all.reports.map((r) => r.reference)).toEqual(refs);
    expect(all.reports.map((r) => r.ageDays)).toEqual([40, 12, 5, 1, 0]);
    expect(all.total).toBe(5);
    expect(all.reports[0]).not.toHaveProperty("contactEmail");
    expect((await list({ category: "drug_dealing" })).reports.map((r) => r.reference)).toEqual(refs.slice(2));
    expect((await list({ minAgeDays: 7 })).reports.map((r) => r.reference)).toEqual(refs.slice(0, 2));
    expect((await list({ maxAgeDays: 1 })).reports.map((r) => r.reference)).toEqual(refs.slice(3));
    expect((await list({ minAgeDays: 1, maxAgeDays: 12 })).reports.map((r) => r.reference)).toEqual(
      refs.slice(1, 4),
    );

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await list({ limit: 2, cursor });
      expect(page.total).toBe(5);
      seen.push(...page.reports.map((r) => r.reference));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(refs);

    // Closed reports leave the active queue and are listed newest first under "closed".
    const firstId = await reportIdOf(db, refs[0]!);
    await markCommunityReportDuplicate({
      ctx: worker,
      input: { id: firstId, duplicateOfReference: refs[1]! },
    });
    expect((await list({})).reports.map((r) => r.reference)).toEqual(refs.slice(1));
    expect((await list({ status: "closed" })).reports.map((r) => r.reference)).toEqual([refs[0]]);
    expect((await list({ status: "all" })).reports.map((r) => r.reference)).toEqual([...refs].reverse());
  });

  it("marks a duplicate of an earlier report, and refuses the report itself or a duplicate as the original", async () => {
    const db = use().db;
    const { actors } = await makeWorld(db);
    const worker = staffCtx(db, actors.outreach_worker);
    const first = await submitCommunityReport({ ctx: residentCtx(db), input: reportInput() });
    const second = await submitCommunityReport({ ctx: residentCtx(db), input: reportInput() });
    const third = await submitCommunityReport({ ctx: residentCtx(db), input: reportInput() });
    const secondId = await reportIdOf(db, second.reference);
    const thirdId = await reportIdOf(db, third.reference);

    await expect(
      markCommunityReportDuplicate({
        ctx: worker,
        input: { id: secondId, duplicateOfReference: second.reference },
      }),
    ).rejects.toMatchObject({
      fields: { duplicateOfReference: ["duplicate of: a report cannot repeat itself"] },
    });
    await expect(
      markCommunityReportDuplicate({
        ctx: worker,
        input: { id: secondId, duplicateOfReference: "CR-1999-000001" },
      }),
    ).rejects.toMatchObject({
      fields: { duplicateOfReference: ["duplicate of: no community report CR-1999-000001 was found"] },
    });

    const marked = await markCommunityReportDuplicate({
      ctx: worker,
      input: { id: secondId, duplicateOfReference: first.reference },
    });
    expect(marked.status).toBe("duplicate");
    await expect(
      markCommunityReportDuplicate({
        ctx: worker,
        input: { id: thirdId, duplicateOfReference: second.reference },
      }),
    ).rejects.toMatchObject({
      fields: {
        duplicateOfReference: [
          `duplicate of: ${second.reference} is itself a duplicate of ${first.reference}; use that reference instead`,
        ],
      },
    });

    const original = await getCommunityReport({
      ctx: worker,
      input: { id: await reportIdOf(db, first.reference) },
    });
    expect(original.duplicates.map((d) => d.reference)).toEqual([second.reference]);
    const duplicate = await getCommunityReport({ ctx: worker, input: { id: secondId } });
    expect(duplicate.duplicateOf?.reference).toBe(first.reference);
    expect(duplicate.allowedStatuses).toEqual([]);
    // The reporter is told it was already reported, not which report or whose.
    const { view } = await answerFor(residentCtx(db), second.token);
    expect(view?.status).toBe("duplicate");
    expect(JSON.stringify(view)).not.toContain(first.reference);
  });

  it("links a report to the contact and needle find that followed it up, with audit events", async () => {
    const db = use().db;
    const { actors } = await makeWorld(db);
    const worker = staffCtx(db, actors.outreach_worker);
    const hotspot = await makeHotspot(db, "Cowley Road");
    const submitted = await submitCommunityReport({
      ctx: residentCtx(db),
      input: reportInput({ hotspotId: hotspot.id, category: "discarded_needles" }),
    });
    const id = await reportIdOf(db, submitted.reference);
    const [person] = await db
      .insert(people)
      .values({
        attributor: "AB-1990-01-01-M",
        firstInitial: "A",
        surnameInitial: "B",
        dateOfBirth: "1990-01-01",
        sex: "male",
      })
      .returning({ id: people.id });
    const records = await makeOutreachRecords(
      db,
      actors.outreach_worker,
      hotspot.id,
      new Date(submitted.submittedAt.getTime() + 86_400_000),
      person!.id,
    );

    const candidates = await listCommunityReportLinkCandidates({ ctx: worker, input: { id } });
    expect(candidates.contacts.map((c) => c.id)).toEqual([records.contactId]);
    expect(candidates.contacts[0]).not.toHaveProperty("personId");
    expect(candidates.needleFinds.map((n) => [n.id, n.count])).toEqual([[records.needleFindId, 7]]);

    await linkCommunityReport({ ctx: worker, input: { id, ...records } });
    const detail = await getCommunityReport({ ctx: worker, input: { id } });
    expect(detail.linkedContact).toMatchObject({ id: records.contactId, contactType: "report_follow_up" });
    expect(detail.linkedContact).not.toHaveProperty("personId");
    expect(detail.linkedNeedleFind).toMatchObject({ id: records.needleFindId, count: 7 });
    expect(detail.history.at(-1)?.internalNote).toMatch(
      /^Linked to the contact at .* Linked to the needle find at .* \(7 needles\)\.$/,
    );
    expect(await outboxOf(db, id)).toEqual([]);

    const personEvents = await db
      .select({ action: auditEvents.action, entity: auditEvents.entity })
      .from(auditEvents)
      .where(
        and(eq(auditEvents.personId, person!.id), eq(auditEvents.actorUserId, actors.outreach_worker.userId)),
      )
      .orderBy(auditEvents.id);
    expect(personEvents).toEqual([
      { action: "list", entity: "contact" },
      { action: "update", entity: "community_report" },
      { action: "read", entity: "contact" },
    ]);

    await linkCommunityReport({ ctx: worker, input: { id, contactId: null } });
    const unlinked = await getCommunityReport({ ctx: worker, input: { id } });
    expect(unlinked.linkedContact).toBeNull();
    expect(unlinked.linkedNeedleFind).not.toBeNull();
  });

  it("lets only taskforce staff (outreach workers and admins) triage", async () => {
    const db = use().db;
    const { actors } = await makeWorld(db);
    const submitted = await submitCommunityReport({ ctx: residentCtx(db), input: reportInput() });
    const id = await reportIdOf(db, submitted.reference);
    for (const role of ["treatment_manager", "commissioner"] as const) {
      const ctx = staffCtx(db, actors[role]);
      await expect(acknowledgeCommunityReport({ ctx, input: { id } })).rejects.toBeInstanceOf(Forbidden);
      await expect(getCommunityReport({ ctx, input: { id } })).rejects.toBeInstanceOf(Forbidden);
      await expect(
        listCommunityReports({ ctx, input: { limit: 25, status: "active" } }),
      ).rejects.toBeInstanceOf(Forbidden);
    }
    await expect(getCommunityReport({ ctx: residentCtx(db), input: { id } })).rejects.toBeInstanceOf(
      Unauthenticated,
    );
    await expect(
      getCommunityReport({
        ctx: staffCtx(db, actors.admin),
        input: { id: "00000000-0000-4000-8000-000000000000" },
      }),
    ).rejects.toBeInstanceOf(NotFound);
    const events = await db
      .select({ action: auditEvents.action })
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, id), eq(auditEvents.actorUserId, actors.admin.userId)));
    expect(events).toEqual([]);
    await getCommunityReport({ ctx: staffCtx(db, actors.admin), input: { id } });
    expect(
      await db
        .select({ action: auditEvents.action })
        .from(auditEvents)
        .where(and(eq(auditEvents.entityId, id), eq(auditEvents.actorUserId, actors.admin.userId))),
    ).toEqual([{ action: "read" }]);
  });
});
