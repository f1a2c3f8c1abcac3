import { randomUUID } from "node:crypto";
import { copyFrom, copyInto, referralEvents, referrals } from "@pathways/db";
import { eventMomentProblem, MoveReferralInput, ReferralInput } from "@pathways/validators";
import type { ReferralStatus } from "@pathways/validators/codes";
import type { ContactRow } from "./contacts.ts";
import type { PersonIdOf } from "./people.ts";
import { cell, type ImportRun, type RefIndex, refIndex, unresolved } from "./run.ts";

export type ReferralRow = typeof referrals.$inferInsert & { id: string };
type ReferralEventRow = typeof referralEvents.$inferInsert;

const referralColumns: (keyof ReferralRow)[] = [
  "id",
  "personId",
  "contactId",
  "referringUserId",
  "referringOrganisationId",
  "serviceId",
  "reason",
  "source",
  "status",
  "failureReason",
  "requestedAt",
  "statusChangedAt",
];

/** referrals.csv: each referral with its person, contact, service and referrer, and its status now. */
export async function importReferrals(
  run: ImportRun,
  personId: PersonIdOf,
  contactRefs: RefIndex<ContactRow>,
) {
  const { tx, problems, refs, rowsOf, progress, writing, audited, lookup } = run;
  const referralRefs = refIndex<ReferralRow & { line: number }>(problems, "referrals");
  const referralRows: (ReferralRow & { line: number })[] = [];
  const referralEventRows: ReferralEventRow[] = [];
  function* checkReferrals() {
    for (const record of rowsOf("referrals")) {
      const before = problems.list.length;
      const id = randomUUID();
      const person = personId("referrals", record);
      const contact = contactRefs.resolve("referrals", record, "contact_ref");
      if (contact && person && contact.personId !== person) {
        problems.add(
          "referrals",
          record.line,
          "contact_ref",
          "the contact is with a different person than person_ref",
        );
      }
      const provider = lookup.organisation("referrals", record, "provider");
      const code = cell(record, "service");
      const service = provider && code ? refs.services.get(`${provider.id}/${code}`) : undefined;
      if (provider && code && !service) {
        problems.add("referrals", record.line, "service", `${provider.name} has no ${code} service`);
      }
      const referringOrganisation = lookup.organisation("referrals", record, "referring_organisation");
      const referrer = lookup.worker("referrals", record, "referring_user_email", false);
      if (referrer && referringOrganisation && referrer.organisationId !== referringOrganisation.id) {
        problems.add(
          "referrals",
          record.line,
          "referring_user_email",
          `this user is not in ${referringOrganisation.name}`,
        );
      }
      const parsed = ReferralInput.safeParse({
        personId: person,
        contactId: contact === undefined ? undefined : (contact?.id ?? unresolved),
        serviceId: service?.id ?? (code ? unresolved : undefined),
        reason: cell(record, "reason"),
        source: cell(record, "source"),
      });
      if (!parsed.success) {
        problems.addZod("referrals", record, parsed.error, {
          personId: "person_ref",
          contactId: "contact_ref",
          serviceId: "service",
          reason: "reason",
          source: "source",
        });
      }
      const status = MoveReferralInput.safeParse({
        referralId: id,
        to: cell(record, "status"),
        failureReason: cell(record, "failure_reason"),
      });
      if (!status.success) {
        problems.addZod("referrals", record, status.error, {
          to: "status",
          failureReason: "failure_reason",
        });
      }
      const requestedAt = lookup.moment("referrals", record, "requested_at");
      if (!requestedAt && !cell(record, "requested_at")) {
        problems.add("referrals", record.line, "requested_at", "requested_at is required");
      }
      const changedAt = lookup.moment("referrals", record, "status_changed_at");
      const statusChangedAt = changedAt ?? requestedAt;
      // Referrals have no schema holding these moments, so they get the app's event bounds here.
      for (const [column, moment] of [
        ["requested_at", requestedAt],
        ["status_changed_at", changedAt],
      ] as const) {
        const problem = moment && eventMomentProblem(moment, column, { past: true });
        if (problem) problems.add("referrals", record.line, column, problem);
      }
      if (requestedAt && statusChangedAt && statusChangedAt < requestedAt) {
        problems.add(
          "referrals",
          record.line,
          "status_changed_at",
          "status_changed_at cannot be before requested_at",
        );
      }
      if (!referringOrganisation && !cell(record, "referring_organisation")) {
        problems.add(
          "referrals",
          record.line,
          "referring_organisation",
          "referring_organisation is required",
        );
      }
      let row: (ReferralRow & { line: number }) | null = null;
      if (
        parsed.success &&
        status.success &&
        service &&
        referringOrganisation &&
        requestedAt &&
        statusChangedAt &&
        problems.list.length === before
      ) {
        row = {
          id,
          line: record.line,
          personId: parsed.data.personId!,
          contactId: parsed.data.contactId ?? null,
          referringUserId: referrer?.id ?? null,
          referringOrganisationId: referringOrganisation.id,
          serviceId: service.id,
          reason: parsed.data.reason,
          source: parsed.data.source,
          status: status.data.to,
          failureReason: status.data.failureReason ?? null,
          requestedAt,
          statusChangedAt,
        };
        referralRows.push(row);
        referralEventRows.push({
          referralId: id,
          status: "requested",
          at: requestedAt,
          byUserId: referrer?.id ?? null,
        });
        if (row.status !== "requested") {
          referralEventRows.push({
            referralId: id,
            status: row.status as ReferralStatus,
            failureReason: row.failureReason,
            at: statusChangedAt,
            note: "Imported from historical records",
          });
        }
      }
      referralRefs.define(record, "referral_ref", row);
      if (row && writing()) {
        const { line: _line, ...referral } = row;
        yield referral;
      }
    }
    progress("referrals", "checked", rowsOf("referrals").length);
  }
  await copyFrom(tx, referrals, referralColumns, checkReferrals());
  if (writing() && referralRows.length > 0) {
    await copyInto(tx, referralEvents, referralEventRows);
    await audited("referral", referralRows);
    progress("referrals", "written", referralRows.length);
  }
  return { rows: referralRows, refs: referralRefs };
}
