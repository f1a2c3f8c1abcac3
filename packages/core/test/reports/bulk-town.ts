import { type Executor, sql } from "@pathways/db";
import type { ReportWorld } from "@pathways/vitest-config/report-world";

/** A town over five years (the bench's `town` preset): 10,000 people and 100,000 contacts. */
export const town = { people: 10_000, contacts: 100_000, batches: 20 };

/**
 * Loads a town in bulk as the scale generator and an import do: a batch of rows per statement, so
 * the statement-level triggers queue every person of every batch (the same person again in each
 * batch that names them), and nothing analyzes the tables afterwards. One contact in seven is
 * anonymous, a fifth of the named ones lead to a referral to opiate treatment ten days later, half of
 * those start an episode a week after that, and half of the episodes end successfully after 120 days.
 */
export async function loadTown(db: Executor, world: ReportWorld, size: typeof town = town): Promise<void> {
  const tag = world.tag;
  const worker = world.actors.outreach_worker;
  await db.execute(sql`
    insert into people (attributor, first_initial, surname_initial, date_of_birth, sex)
    select 'TOWN-' || ${tag}::text || '-' || g, 'A', 'B', date '1960-01-01' + (g % 15000), 'unknown'
    from generate_series(1, ${size.people}::int) g`);
  const perBatch = Math.ceil(size.contacts / size.batches);
  // Zero-padded, so a batch's keys are a range.
  const key = (n: number) => `town-${tag}-${String(n).padStart(7, "0")}`;
  for (let batch = 0; batch < size.batches; batch++) {
    const from = batch * perBatch + 1;
    const to = Math.min(size.contacts, from + perBatch - 1);
    await db.execute(sql`
      with town as materialized (
        select id, row_number() over (order by id) as n from people
        where attributor like ${`TOWN-${tag}-%`}
      )
      insert into contacts (client_key, occurred_at, hotspot_id, location, worker_id, organisation_id,
        person_id, contact_type)
      select 'town-' || ${tag}::text || '-' || lpad(g::text, 7, '0'),
        timestamptz '2021-01-01 00:00:00+00' + ((g::bigint * 7919) % (5 * 365 * 1440)) * interval '1 minute',
        case g % 3 when 0 then ${world.hotspots.southPark.id}::uuid when 1 then ${world.hotspots.grandpont.id}::uuid end,
        case when g % 3 = 2 then 'Cowley Road bus stop' end,
        ${worker.userId}::uuid, ${worker.organisationId}::uuid, town.id, 'street_outreach'
      from generate_series(${from}::int, ${to}::int) g
      left join town on town.n = case when g % 7 <> 0 then 1 + (g::bigint * 104729) % ${size.people} end`);
    await db.execute(sql`
      insert into referrals (client_key, person_id, contact_id, referring_user_id, referring_organisation_id,
        service_id, reason, source, status, requested_at, status_changed_at)
      select c.client_key, c.person_id, c.id, c.worker_id, c.organisation_id, ${world.service("opiate_treatment")}::uuid,
        'Wants help with drug use', 'outreach', 'treatment_started', c.occurred_at + interval '10 days',
        c.occurred_at + interval '10 days'
      from contacts c
      where c.client_key between ${key(from)} and ${key(to)}
        and c.person_id is not null and hashtext(c.client_key) % 5 = 0`);
    await db.execute(sql`
      insert into episodes (person_id, provider_organisation_id, substance_group, referral_id, started_on,
        discharged_on, discharge_reason, ost_at_exit)
      select r.person_id, ${world.provider}::uuid, 'opiate', r.id, s.started_on,
        case when ok then s.started_on + 120 end, case when ok then 'completed_drug_free'::discharge_reason end,
        case when ok then false end
      from referrals r
      cross join lateral (select (r.requested_at at time zone 'Europe/London')::date + 7 as started_on,
        hashtext(r.client_key || 'done') % 2 = 0 as ok) s
      where r.client_key between ${key(from)} and ${key(to)}
        and hashtext(r.client_key || 'start') % 2 = 0`);
  }
}
