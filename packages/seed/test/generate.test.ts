import { contacts, count, people, queryRows, referrals, sql } from "@pathways/db";
import { describeDb } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import { generateCity, scalePresets } from "../src/generate.ts";

const today = new Date("2026-11-23T12:00:00Z");

describeDb("scale seed", (use) => {
  it("writes the village preset with the shape of real outreach data", async () => {
    const { db } = use();
    const counts = await generateCity({ db, scale: "village", seed: 7, today });
    expect(counts.people).toBe(scalePresets.village.people);
    expect(counts.contacts).toBe(scalePresets.village.contacts);
    // Referrals come from a share of named contacts: near the preset, not exact.
    expect(counts.referrals).toBeGreaterThan(scalePresets.village.referrals * 0.85);
    expect(counts.referrals).toBeLessThan(scalePresets.village.referrals * 1.15);
    // The demo seed underneath has its own episodes: count the generated ones, from generated contacts.
    const [started] = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from episodes e join referrals r on r.id = e.referral_id
          join contacts c on c.id = r.contact_id where c.client_key like 'scale-%'`,
    );
    expect(started!.n).toBe(counts.episodes);

    const [shape] = await queryRows<{
      anonymous: number;
      repeat_people: number;
      long_waits: number;
      representations: number;
      summer: number;
      winter: number;
    }>(
      db,
      sql`select
        (select count(*)::int from contacts where person_id is null) as anonymous,
        (select count(*)::int from (select person_id from contacts where person_id is not null group by 1 having count(*) >= 5) t) as repeat_people,
        (select count(*)::int from episodes e join referrals r on r.id = e.referral_id
           where e.started_on - (r.requested_at at time zone 'Europe/London')::date > 21) as long_waits,
        (select count(*)::int from episodes where is_representation) as representations,
        (select count(*)::int from contacts where extract(month from occurred_at) = 7) as summer,
        (select count(*)::int from contacts where extract(month from occurred_at) = 1) as winter`,
    );
    expect(shape!.anonymous).toBeGreaterThan(counts.contacts * 0.1);
    expect(shape!.repeat_people).toBeGreaterThan(50);
    expect(shape!.long_waits).toBeGreaterThan(0);
    expect(shape!.representations).toBeGreaterThan(0);
    expect(shape!.summer).toBeGreaterThan(shape!.winter);
    // Every generated referral that started treatment has its episode (the demo seed's social-care
    // referrals start a service, not a treatment episode, so only generated ones are checked).
    const [orphans] = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from referrals r join contacts c on c.id = r.contact_id
          where c.client_key like 'scale-%' and r.status = 'treatment_started'
          and not exists (select 1 from episodes e where e.referral_id = r.id)`,
    );
    expect(orphans!.n).toBe(0);
    // The changes the COPYs queued for the report day rollups are folded, and count every contact.
    const [rollups] = await queryRows<{ queued: number; counted: number; contacts: number }>(
      db,
      sql`select (select count(*)::int from report_day_deltas) as queued,
        (select sum(n)::int from report_day_counts where measure = 'contacts') as counted,
        (select count(*)::int from contacts) as contacts`,
    );
    expect(rollups).toEqual({ queued: 0, counted: rollups!.contacts, contacts: rollups!.contacts });
    // And the people they queued for the person rollups are refreshed, with every contact on a day.
    const [people] = await queryRows<{ queued: number; counted: number }>(
      db,
      sql`select (select count(*)::int from report_person_queue) as queued,
        ((select sum(contacts) from report_person_funnel_days where place_id = '00000000-0000-0000-0000-000000000000')
          + (select sum(contacts) from report_person_anonymous_days
            where place_id = '00000000-0000-0000-0000-000000000000'))::int as counted`,
    );
    expect(people).toEqual({ queued: 0, counted: rollups!.contacts });
  }, 300_000);
});

describeDb("scale seed determinism", (use) => {
  it("gives the same data for the same seed", async () => {
    const { db } = use();
    await generateCity({ db, scale: "village", seed: 11, today });
    const [first] = await queryRows<{ digest: string }>(
      db,
      sql`select md5(string_agg(c.client_key || c.occurred_at::text || c.contact_type || c.substances::text || coalesce(p.attributor, '-'), ',' order by c.client_key)) as digest
          from contacts c left join people p on p.id = c.person_id where c.client_key like 'scale-%'`,
    );
    // The same seed on a second database (PGlite in memory) gives the same contacts with the same people.
    const { createDb } = await import("@pathways/db");
    const other = await createDb({ dataDir: "memory://" });
    await other.migrate();
    await generateCity({ db: other.db, scale: "village", seed: 11, today });
    const [second] = await queryRows<{ digest: string }>(
      other.db,
      sql`select md5(string_agg(c.client_key || c.occurred_at::text || c.contact_type || c.substances::text || coalesce(p.attributor, '-'), ',' order by c.client_key)) as digest
          from contacts c left join people p on p.id = c.person_id where c.client_key like 'scale-%'`,
    );
    await other.close();
    expect(second!.digest).toBe(first!.digest);
    const [n] = await db.select({ n: count() }).from(people);
    expect(n!.n).toBeGreaterThanOrEqual(scalePresets.village.people);
    expect(
      (await db.select({ n: count() }).from(contacts).where(sql`${contacts.clientKey} like 'scale-%'`))[0]!.n,
    ).toBe(scalePresets.village.contacts);
    expect((await db.select({ n: count() }).from(referrals))[0]!.n).toBeGreaterThan(0);
  }, 300_000);
});
