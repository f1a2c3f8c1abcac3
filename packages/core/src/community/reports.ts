import {
  and,
  asc,
  communityReportCounters,
  communityReportEvents,
  communityReports,
  eq,
  hotspots,
  sql,
  type Transaction,
} from "@pathways/db";
import type { CommunityReportInput, CommunityReportTokenInput, ReportStatus } from "@pathways/validators";
import { audit } from "../audit.ts";
import { localDay } from "../calendar.ts";
import { now, requestAddress, type VerbArgs } from "../context.ts";
import { NotFound, ValidationError } from "../errors.ts";
import { countSubmission } from "./rate-limit.ts";
import { formatReference, hashTrackingToken, newTrackingToken } from "./tokens.ts";
import { queueReporterUpdate } from "./updates.ts";

/** What a resident is told when the report is in: the token is shown once and never stored. */
export interface SubmittedReport {
  reference: string;
  token: string;
  submittedAt: Date;
  /** How updates will reach them, without repeating the address back. */
  updatesBy: "email" | "phone" | null;
}

const receivedNote = "We have received your report.";

/**
 * Places the report form offers: active hotspots, each a name and its centre (drawn on the form's map
 * so a resident can place a pin with no map tiles). Hotspots are public places; their areas are not
 * sent.
 */
export async function listReportPlaces({ ctx }: VerbArgs<void>) {
  return ctx.db
    .select({ id: hotspots.id, name: hotspots.name, lat: hotspots.lat, lng: hotspots.lng })
    .from(hotspots)
    .where(eq(hotspots.active, true))
    .orderBy(asc(hotspots.name));
}

/**
 * A resident reports a concern, without an account. Anyone may call this; public callers are rate
 * limited per address. The honeypot field is answered like a real submission and nothing is stored,
 * so a bot cannot tell it was caught.
 */
export async function submitCommunityReport({
  ctx,
  input,
}: VerbArgs<CommunityReportInput>): Promise<SubmittedReport> {
  const at = now(ctx);
  const year = Number(localDay(at).slice(0, 4));
  const updatesBy: SubmittedReport["updatesBy"] = input.contactEmail
    ? "email"
    : input.contactPhone
      ? "phone"
      : null;
  const address = requestAddress(ctx);
  if (input.website) {
    // Caught by the honeypot: counted against the address and given the next reference like a real
    // report (the number is used up, so the next real one differs), but nothing is stored.
    return ctx.db.transaction(async (tx) => {
      if (address) await countSubmission(tx, address, at);
      const reference = formatReference(year, await nextReferenceNumber(tx, year));
      return { reference, token: newTrackingToken(), submittedAt: at, updatesBy };
    });
  }
  return ctx.db.transaction(async (tx) => {
    // Every caller over HTTP is limited by address, signed in or not; Pathways itself is not.
    if (address) await countSubmission(tx, address, at);
    let place = input.location ?? "a location you shared";
    if (input.hotspotId) {
      const [hotspot] = await tx
        .select({ name: hotspots.name })
        .from(hotspots)
        .where(and(eq(hotspots.id, input.hotspotId), eq(hotspots.active, true)));
      if (!hotspot) {
        throw ValidationError.field(
          "hotspotId",
          "where: that place is no longer on the list; pick another or type where it was",
        );
      }
      place = hotspot.name;
    }
    const reference = formatReference(year, await nextReferenceNumber(tx, year));
    const token = newTrackingToken();
    const [report] = await tx
      .insert(communityReports)
      .values({
        reference,
        tokenHash: hashTrackingToken(token),
        category: input.category,
        hotspotId: input.hotspotId ?? null,
        location: input.location ?? null,
        lat: input.lat ?? null,
        lng: input.lng ?? null,
        description: input.description,
        contactEmail: input.contactEmail ?? null,
        contactPhone: input.contactPhone ?? null,
        status: "open",
        submittedAt: at,
      })
      .returning({ id: communityReports.id });
    const [event] = await tx
      .insert(communityReportEvents)
      .values({ reportId: report!.id, status: "open", publicNote: receivedNote, at })
      .returning({ id: communityReportEvents.id });
    await queueReporterUpdate(
      tx,
      {
        reference,
        category: input.category,
        place,
        contactEmail: input.contactEmail ?? null,
        contactPhone: input.contactPhone ?? null,
      },
      { eventId: event!.id, from: null, to: "open", publicNote: null },
      at,
    );
    // The report holds the reporter's contact details: its creation is on the audit trail.
    await audit(tx, ctx, { action: "create", entity: "community_report", entityId: report!.id });
    return { reference, token, submittedAt: at, updatesBy };
  });
}

/** One upsert per submission: the year's row lock is held until commit, so numbers never repeat. */
async function nextReferenceNumber(tx: Transaction, year: number): Promise<number> {
  const [counter] = await tx
    .insert(communityReportCounters)
    .values({ year, lastNumber: 1 })
    .onConflictDoUpdate({
      target: communityReportCounters.year,
      set: { lastNumber: sql`${communityReportCounters.lastNumber} + 1` },
    })
    .returning({ number: communityReportCounters.lastNumber });
  return counter!.number;
}

/** The public history: status changes and notes meant for the reporter, nothing else. */
export interface PublicReportEvent {
  at: Date;
  status: ReportStatus;
  note: string | null;
}

export interface PublicReportView {
  reference: string;
  category: CommunityReportInput["category"];
  hotspotName: string | null;
  location: string | null;
  sharedLocation: boolean;
  status: ReportStatus;
  submittedAt: Date;
  history: PublicReportEvent[];
}

/** Any link that does not open a report gets this one answer, whatever was wrong with it. */
function noReportForLink(): NotFound {
  return new NotFound("community report", "for this link");
}

/**
 * What the holder of a tracking link sees. Deliberately narrow: no description, contact details,
 * staff names, internal notes or links to contacts, so a forwarded link reveals nothing about anyone.
 * A malformed token is hashed and looked up like any other: it gets the same answer, by the same
 * path, as a well-formed one that matches nothing.
 */
export async function getReportByToken({
  ctx,
  input,
}: VerbArgs<CommunityReportTokenInput>): Promise<PublicReportView> {
  const [report] = await ctx.db
    .select({
      id: communityReports.id,
      reference: communityReports.reference,
      category: communityReports.category,
      hotspotName: hotspots.name,
      location: communityReports.location,
      lat: communityReports.lat,
      status: communityReports.status,
      submittedAt: communityReports.submittedAt,
    })
    .from(communityReports)
    .leftJoin(hotspots, eq(hotspots.id, communityReports.hotspotId))
    .where(eq(communityReports.tokenHash, hashTrackingToken(input.token)));
  if (!report) throw noReportForLink();
  const events = await ctx.db
    .select({
      at: communityReportEvents.at,
      status: communityReportEvents.status,
      publicNote: communityReportEvents.publicNote,
    })
    .from(communityReportEvents)
    .where(eq(communityReportEvents.reportId, report.id))
    .orderBy(asc(communityReportEvents.at), asc(communityReportEvents.id));
  const history: PublicReportEvent[] = [];
  let previous: ReportStatus | null = null;
  for (const event of events) {
    if (event.status !== previous || event.publicNote !== null) {
      history.push({ at: event.at, status: event.status, note: event.publicNote });
    }
    previous = event.status;
  }
  return {
    reference: report.reference,
    category: report.category,
    hotspotName: report.hotspotName,
    location: report.location,
    sharedLocation: report.lat !== null,
    status: report.status,
    submittedAt: report.submittedAt,
    history,
  };
}
