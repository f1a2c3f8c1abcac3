import { type Executor, queryRows, sql } from "@pathways/db";
import { treatmentServiceCodes } from "@pathways/validators/codes";
import { localDaySql, withinDaysAfterSql } from "../calendar.ts";
import { successfulDischargeSql } from "../rules/discharge.ts";
import { representationWindowDays } from "../rules/pathway-windows.ts";
import { batchSize } from "./run.ts";

/**
 * Re-presentation flags for the imported rows (DOMAIN.md): an episode, or a referral to a treatment
 * service, within 182 days after a successful discharge of the same person, from any provider.
 */
export async function markRepresentations(tx: Executor, episodeIds: string[], referralIds: string[]) {
  const successful = successfulDischargeSql("d");
  const discharged = sql.raw("d.discharged_on");
  for (let i = 0; i < episodeIds.length; i += batchSize) {
    const ids = episodeIds.slice(i, i + batchSize);
    await queryRows(
      tx,
      sql`update episodes e set is_representation = true
        where e.id in (${sql.join(
          ids.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})
          and exists (select 1 from episodes d where d.person_id = e.person_id and ${successful}
            and ${withinDaysAfterSql(sql.raw("e.started_on"), discharged, representationWindowDays)})`,
    );
  }
  const requested = localDaySql(sql`r.requested_at`);
  for (let i = 0; i < referralIds.length; i += batchSize) {
    const ids = referralIds.slice(i, i + batchSize);
    await queryRows(
      tx,
      sql`update referrals r set is_representation = true
        from services s
        where r.id in (${sql.join(
          ids.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})
          and s.id = r.service_id
          and s.code in (${sql.raw(treatmentServiceCodes.map((c) => `'${c}'`).join(", "))})
          and exists (select 1 from episodes d where d.person_id = r.person_id and ${successful}
            and ${withinDaysAfterSql(requested, discharged, representationWindowDays)})`,
    );
  }
}
