import { and, communityReports, eq, referrals } from "@pathways/db";
import type { GlobalSearchInput } from "@pathways/validators";
import { audit } from "./audit.ts";
import { formatReference } from "./community/tokens.ts";
import type { VerbArgs } from "./context.ts";
import { findPeople } from "./people.ts";
import { isReferralProvider, visibleReferrals } from "./record-access.ts";
import { referralReference } from "./referral-reference.ts";
import { referralRows } from "./referrals/records.ts";
import { requireRole, verbRoles } from "./rights.ts";

const referralShape = /^R-?(\d{1,9})$/i;
const communityReportShape = /^CR-?(\d{4})-?(\d{1,6})$/i;

export type GlobalSearchResult =
  | { kind: "person"; id: string; title: string; detail: string; href: string }
  | { kind: "referral"; id: string; title: string; detail: string; href: string }
  | { kind: "community_report"; id: string; title: string; detail: string; href: string };

/**
 * Staff's one search box. The query's shape says what is sought: `R-123` a referral (THE REFERRAL
 * RULE: its provider or its referrer), `CR-2026-000123` a community report (triage roles), anything
 * else a person (findPeople, THE PERSON RULE). Each result carries the page it opens; nothing the
 * caller may not see is returned, and commissioners are refused (person-level records).
 */
export async function globalSearch({ ctx, input }: VerbArgs<GlobalSearchInput>) {
  const actor = requireRole(ctx.actor, verbRoles.readPeople);
  const query = input.query.trim();
  const referral = referralShape.exec(query);
  if (referral) {
    return ctx.db.transaction(async (tx) => {
      const rows = await referralRows(tx).where(
        and(eq(referrals.number, Number(referral[1])), visibleReferrals(actor)),
      );
      await audit(
        tx,
        ctx,
        rows.map((row) => ({ action: "list", entity: "referral", entityId: row.id, personId: row.personId })),
      );
      return rows.map(
        (row): GlobalSearchResult => ({
          kind: "referral",
          id: row.id,
          title: `Referral ${referralReference(row.number)}`,
          detail: `${row.serviceName} (${row.providerName}): ${row.status.replaceAll("_", " ")}`,
          href: isReferralProvider(actor, row) ? "/caseload/waiting" : "/referrals/mine",
        }),
      );
    });
  }
  const report = communityReportShape.exec(query);
  if (report) {
    if (!(verbRoles.triage as readonly string[]).includes(actor.role)) return [];
    const reference = formatReference(Number(report[1]), Number(report[2]));
    return ctx.db.transaction(async (tx) => {
      const rows = await tx
        .select({
          id: communityReports.id,
          reference: communityReports.reference,
          status: communityReports.status,
        })
        .from(communityReports)
        .where(eq(communityReports.reference, reference));
      await audit(
        tx,
        ctx,
        rows.map((row) => ({ action: "list", entity: "community_report", entityId: row.id })),
      );
      return rows.map(
        (row): GlobalSearchResult => ({
          kind: "community_report",
          id: row.id,
          title: `Community report ${row.reference}`,
          detail: row.status.replaceAll("_", " "),
          href: `/triage/${row.id}`,
        }),
      );
    });
  }
  const people = await findPeople({ ctx, input: { query, limit: 25 } });
  return people.items.map(
    (person): GlobalSearchResult => ({
      kind: "person",
      id: person.id,
      title: person.attributor,
      detail: [person.alias, person.partialPostcode].filter(Boolean).join(" · "),
      href: `/people/${person.id}`,
    }),
  );
}
