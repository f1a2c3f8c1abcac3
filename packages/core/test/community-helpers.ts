import { randomUUID } from "node:crypto";
import {
  communityReportEvents,
  communityReportSubmissions,
  communityReports,
  contacts,
  count,
  type Database,
  eq,
  inArray,
  needleFinds,
  outboxMessages,
} from "@pathways/db";
import type { CommunityReportInput } from "@pathways/validators";
import type { TestUserActor } from "@pathways/vitest-config";
import type { Ctx } from "../src/context.ts";
import { createHotspot } from "../src/hotspots.ts";

/** A clock a test moves by hand. */
export function testClock(start = "2026-03-02T10:00:00Z") {
  let at = new Date(start);
  return {
    now: () => new Date(at),
    advance(ms: number) {
      at = new Date(at.getTime() + ms);
    },
    set(iso: string) {
      at = new Date(iso);
    },
  };
}

/** A resident at their own address, so one test's submissions never count against another's. */
export function residentCtx(db: Database, now?: () => Date, address = `203.0.113.${randomUUID()}`): Ctx {
  return { db, actor: { kind: "public", address }, ...(now ? { now } : {}) };
}

export function staffCtx(db: Database, actor: TestUserActor, now?: () => Date): Ctx {
  return { db, actor, ...(now ? { now } : {}) };
}

export async function makeHotspot(db: Database, name = "South Park") {
  const ctx: Ctx = { db, actor: { kind: "system", name: "test" } };
  return createHotspot({
    ctx,
    input: { name: `${name} ${randomUUID().slice(0, 8)}`, lat: 51.75, lng: -1.23 },
  });
}

export function reportInput(overrides: Partial<CommunityReportInput> = {}): CommunityReportInput {
  return {
    category: "drug_dealing",
    location: "Behind the bowls club",
    description: "Two people handing over small packages by the bins, most evenings around 6pm.",
    ...overrides,
  };
}

export async function outboxOf(db: Database, reportId: string) {
  return db
    .select({
      id: outboxMessages.id,
      reportEventId: outboxMessages.reportEventId,
      recipient: outboxMessages.recipient,
      subject: outboxMessages.subject,
      body: outboxMessages.body,
      status: outboxMessages.status,
      attempts: outboxMessages.attempts,
      sentAt: outboxMessages.sentAt,
      lastError: outboxMessages.lastError,
    })
    .from(outboxMessages)
    .innerJoin(communityReportEvents, eq(communityReportEvents.id, outboxMessages.reportEventId))
    .where(eq(communityReportEvents.reportId, reportId));
}

export async function reportIdOf(db: Database, reference: string): Promise<string> {
  const [row] = await db
    .select({ id: communityReports.id })
    .from(communityReports)
    .where(eq(communityReports.reference, reference));
  if (!row) throw new Error(`no report ${reference}`);
  return row.id;
}

/** How many rows the community tables hold, to show that something stored nothing. */
export async function communityRowCounts(db: Database) {
  const [reports] = await db.select({ n: count() }).from(communityReports);
  const [events] = await db.select({ n: count() }).from(communityReportEvents);
  const [messages] = await db.select({ n: count() }).from(outboxMessages);
  const [submissions] = await db.select({ n: count() }).from(communityReportSubmissions);
  return { reports: reports!.n, events: events!.n, messages: messages!.n, submissions: submissions!.n };
}

/** A contact and a needle find at a hotspot, as issue 4's verbs would record them. */
export async function makeOutreachRecords(
  db: Database,
  worker: TestUserActor,
  hotspotId: string,
  at: Date,
  personId: string | null = null,
) {
  const [contact] = await db
    .insert(contacts)
    .values({
      clientKey: randomUUID(),
      occurredAt: at,
      hotspotId,
      workerId: worker.userId,
      organisationId: worker.organisationId,
      personId,
      contactType: "report_follow_up",
      notes: "Spoke to two men by the bins; both moved on.",
    })
    .returning({ id: contacts.id });
  const [find] = await db
    .insert(needleFinds)
    .values({
      clientKey: randomUUID(),
      foundAt: at,
      hotspotId,
      count: 7,
      collectedByUserId: worker.userId,
      organisationId: worker.organisationId,
    })
    .returning({ id: needleFinds.id });
  return { contactId: contact!.id, needleFindId: find!.id };
}

export async function deleteOutbox(db: Database, reportIds?: string[]) {
  if (!reportIds) {
    await db.delete(outboxMessages);
    return;
  }
  const events = await db
    .select({ id: communityReportEvents.id })
    .from(communityReportEvents)
    .where(inArray(communityReportEvents.reportId, reportIds));
  await db.delete(outboxMessages).where(
    inArray(
      outboxMessages.reportEventId,
      events.map((e) => e.id),
    ),
  );
}
