import { randomUUID } from "node:crypto";
import {
  communityReportCounters,
  communityReportEvents,
  communityReports,
  copyInto,
  sql,
} from "@pathways/db";
import { CommunityReportInput, type ReportStatus, reportStatuses } from "@pathways/validators";
import { localDay } from "../calendar.ts";
import { formatReference, hashTrackingToken } from "../community/tokens.ts";
import { batchSize, cell, type ImportRun, placeColumns, refIndex } from "./run.ts";

type ReportRow = typeof communityReports.$inferInsert;
const refPattern = /^[A-Za-z0-9_-]{1,100}$/;
/** What an imported report's history says (its reporter is not sent it: it is an old report). */
const importedNote = "Imported from earlier records.";

/**
 * community_reports.csv: each report as the resident's form would check it (CommunityReportInput),
 * with its status. A report gets the next reference of its year, like one submitted today, and a
 * tracking token nobody holds (an imported report has no tracking link); its reporter is not sent an
 * update. Written once every file has passed: the references are given out in one statement per year.
 */
export async function importCommunityReports(run: ImportRun) {
  const { tx, problems, rowsOf, progress, writing, refuseImportedBefore, audited, lookup } = run;
  const file = "community_reports";
  const reportRows: (Omit<ReportRow, "reference" | "tokenHash"> & { status: ReportStatus })[] = [];
  const reportRefs = refIndex<true>(problems, file);
  for (const record of rowsOf(file)) {
    const before = problems.list.length;
    const ref = cell(record, "report_ref");
    reportRefs.define(record, "report_ref", true);
    if (ref && !refPattern.test(ref)) {
      problems.add(
        file,
        record.line,
        "report_ref",
        "report_ref must be letters, digits, - and _ (at most 100)",
      );
    }
    const status = cell(record, "status") ?? "open";
    if (!(reportStatuses as readonly string[]).includes(status)) {
      problems.add(
        file,
        record.line,
        "status",
        `status must be one of ${reportStatuses.join(", ")} ("${status}")`,
      );
    }
    const submittedAt = lookup.moment(file, record, "submitted_at");
    if (!submittedAt && !cell(record, "submitted_at")) {
      problems.add(file, record.line, "submitted_at", "submitted_at is required");
    }
    const parsed = CommunityReportInput.safeParse({
      category: cell(record, "category"),
      hotspotId: lookup.hotspot(file, record),
      location: cell(record, "location"),
      lat: lookup.number(file, record, "lat"),
      lng: lookup.number(file, record, "lng"),
      description: cell(record, "description") ?? "",
      contactEmail: cell(record, "contact_email"),
      contactPhone: cell(record, "contact_phone"),
    });
    if (!parsed.success) {
      problems.addZod(file, record, parsed.error, {
        ...placeColumns,
        category: "category",
        description: "description",
        contactEmail: "contact_email",
        contactPhone: "contact_phone",
      });
    }
    refuseImportedBefore(file, record, "report_ref");
    if (parsed.success && submittedAt && problems.list.length === before) {
      const report = parsed.data;
      reportRows.push({
        importRef: ref ?? null,
        category: report.category,
        hotspotId: report.hotspotId ?? null,
        location: report.location ?? null,
        lat: report.lat ?? null,
        lng: report.lng ?? null,
        description: report.description,
        contactEmail: report.contactEmail ?? null,
        contactPhone: report.contactPhone ?? null,
        status: status as ReportStatus,
        submittedAt,
      });
    }
  }
  progress(file, "checked", rowsOf(file).length);
  if (!writing() || reportRows.length === 0) return { rows: [] };

  const written: { id: string }[] = [];
  const byYear = new Map<number, typeof reportRows>();
  for (const row of reportRows) {
    const year = Number(localDay(row.submittedAt as Date).slice(0, 4));
    const rows = byYear.get(year) ?? [];
    rows.push(row);
    byYear.set(year, rows);
  }
  for (const [year, rows] of byYear) {
    const [counter] = await tx
      .insert(communityReportCounters)
      .values({ year, lastNumber: rows.length })
      .onConflictDoUpdate({
        target: communityReportCounters.year,
        set: { lastNumber: sql`${communityReportCounters.lastNumber} + ${rows.length}` },
      })
      .returning({ last: communityReportCounters.lastNumber });
    const first = counter!.last - rows.length + 1;
    for (let i = 0; i < rows.length; i += batchSize) {
      const batch = rows.slice(i, i + batchSize).map((row, index) => ({
        ...row,
        reference: formatReference(year, first + i + index),
        tokenHash: hashTrackingToken(randomUUID()),
      }));
      const inserted = await tx.insert(communityReports).values(batch).returning({
        id: communityReports.id,
        status: communityReports.status,
        at: communityReports.submittedAt,
      });
      await copyInto(
        tx,
        communityReportEvents,
        inserted.map((report) => ({
          reportId: report.id,
          status: report.status,
          publicNote: importedNote,
          at: report.at,
        })),
      );
      written.push(...inserted);
    }
  }
  await audited("community_report", written);
  progress(file, "written", written.length);
  return { rows: written };
}
