-- Day rollups for the hotspot activity and safeguarding reports: counts per London day (and per
-- month of days), place and measure, so a five-year report reads a few thousand rows instead of a
-- million contacts. They are derived data: not in the Drizzle schema, so backups leave them out and a
-- restore rebuilds them through the triggers below.
--
-- measure: 'contacts', 'community_reports', 'needles_found' (sum of needle_finds.count),
-- 'concern:<safeguarding_concern>' (one per concern on a contact), 'social_care_referral:<status>'
-- (referrals to a safeguarding_social_care service by current status; hotspot_id is the hotspot of
-- the contact it was made from). hotspot_id null: placed by free text, or a referral without one.
-- Days are Europe/London days (serviceTimeZone in packages/core/src/calendar.ts).
CREATE TABLE "report_day_counts" (
	"measure" text NOT NULL,
	"day" date NOT NULL,
	"hotspot_id" uuid,
	"n" integer NOT NULL,
	CONSTRAINT "report_day_counts_key" UNIQUE NULLS NOT DISTINCT ("measure", "day", "hotspot_id")
);
--> statement-breakpoint
-- The same counts summed per calendar month (month = its first day): a report reads whole months here
-- and only the days at the edges of its period from report_day_counts.
CREATE TABLE "report_day_month_counts" (
	"measure" text NOT NULL,
	"month" date NOT NULL,
	"hotspot_id" uuid,
	"n" integer NOT NULL,
	CONSTRAINT "report_day_month_counts_key" UNIQUE NULLS NOT DISTINCT ("measure", "month", "hotspot_id")
);
--> statement-breakpoint
-- A count that reaches 0 is deleted by the refresh: these find them without scanning.
CREATE INDEX "report_day_counts_zero_idx" ON "report_day_counts" ("day") WHERE "n" = 0;
--> statement-breakpoint
CREATE INDEX "report_day_month_counts_zero_idx" ON "report_day_month_counts" ("month") WHERE "n" = 0;
--> statement-breakpoint
-- Changes to fold into the counts (refreshDayRollups in packages/core). Writers only ever insert here,
-- in their own transaction, so 32 workers logging contacts at one hotspot on one day never wait for
-- each other on a counter row; a change becomes visible to the refresh exactly when its rows commit.
CREATE TABLE "report_day_deltas" (
	"measure" text NOT NULL,
	"day" date NOT NULL,
	"hotspot_id" uuid,
	"n" integer NOT NULL
);
--> statement-breakpoint
-- Statement-level triggers: one insert of grouped deltas per statement, so a COPY of a million rows is
-- one step. An update counts as the old rows out and the new rows in, for the rows whose counted
-- fields changed (a merge moving contacts to another person changes nothing here).
CREATE FUNCTION report_day_contacts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO report_day_deltas (measure, day, hotspot_id, n)
    SELECT m.measure, (c.occurred_at AT TIME ZONE 'Europe/London')::date, c.hotspot_id, count(*)::int
    FROM new_rows c
    CROSS JOIN LATERAL (
      SELECT 'contacts' UNION ALL SELECT 'concern:' || x::text FROM unnest(c.safeguarding_concerns) x
    ) m(measure)
    GROUP BY 1, 2, 3;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO report_day_deltas (measure, day, hotspot_id, n)
    SELECT m.measure, (c.occurred_at AT TIME ZONE 'Europe/London')::date, c.hotspot_id, -count(*)::int
    FROM old_rows c
    CROSS JOIN LATERAL (
      SELECT 'contacts' UNION ALL SELECT 'concern:' || x::text FROM unnest(c.safeguarding_concerns) x
    ) m(measure)
    GROUP BY 1, 2, 3;
  ELSE
    INSERT INTO report_day_deltas (measure, day, hotspot_id, n)
    SELECT m.measure, (c.occurred_at AT TIME ZONE 'Europe/London')::date, c.hotspot_id, sum(c.sign)::int
    FROM (
      SELECT o.occurred_at, o.hotspot_id, o.safeguarding_concerns, -1 AS sign
      FROM old_rows o JOIN new_rows n ON n.id = o.id
      WHERE (o.occurred_at, o.hotspot_id, o.safeguarding_concerns)
        IS DISTINCT FROM (n.occurred_at, n.hotspot_id, n.safeguarding_concerns)
      UNION ALL
      SELECT n.occurred_at, n.hotspot_id, n.safeguarding_concerns, 1
      FROM old_rows o JOIN new_rows n ON n.id = o.id
      WHERE (o.occurred_at, o.hotspot_id, o.safeguarding_concerns)
        IS DISTINCT FROM (n.occurred_at, n.hotspot_id, n.safeguarding_concerns)
    ) c
    CROSS JOIN LATERAL (
      SELECT 'contacts' UNION ALL SELECT 'concern:' || x::text FROM unnest(c.safeguarding_concerns) x
    ) m(measure)
    GROUP BY 1, 2, 3
    HAVING sum(c.sign) <> 0;
    -- A social care referral counts at the hotspot of its contact. Never done by the app; the guard
    -- keeps the scan of referrals (no index on contact_id) off every other contact update.
    IF EXISTS (
      SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.hotspot_id IS DISTINCT FROM n.hotspot_id
    ) THEN
      INSERT INTO report_day_deltas (measure, day, hotspot_id, n)
      SELECT 'social_care_referral:' || r.status::text, (r.requested_at AT TIME ZONE 'Europe/London')::date,
        moved.hotspot_id, sum(moved.sign)::int
      FROM (
        SELECT o.id, o.hotspot_id, -1 AS sign
        FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.hotspot_id IS DISTINCT FROM n.hotspot_id
        UNION ALL
        SELECT n.id, n.hotspot_id, 1
        FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.hotspot_id IS DISTINCT FROM n.hotspot_id
      ) moved
      JOIN referrals r ON r.contact_id = moved.id
      WHERE r.service_id IN (SELECT id FROM services WHERE code = 'safeguarding_social_care')
      GROUP BY 1, 2, 3
      HAVING sum(moved.sign) <> 0;
    END IF;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER report_day_contacts_inserted AFTER INSERT ON contacts
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_day_contacts_changed();
--> statement-breakpoint
CREATE TRIGGER report_day_contacts_updated AFTER UPDATE ON contacts
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_day_contacts_changed();
--> statement-breakpoint
CREATE TRIGGER report_day_contacts_deleted AFTER DELETE ON contacts
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_day_contacts_changed();
--> statement-breakpoint
CREATE FUNCTION report_day_community_reports_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO report_day_deltas (measure, day, hotspot_id, n)
    SELECT 'community_reports', (r.submitted_at AT TIME ZONE 'Europe/London')::date, r.hotspot_id, count(*)::int
    FROM new_rows r GROUP BY 2, 3;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO report_day_deltas (measure, day, hotspot_id, n)
    SELECT 'community_reports', (r.submitted_at AT TIME ZONE 'Europe/London')::date, r.hotspot_id, -count(*)::int
    FROM old_rows r GROUP BY 2, 3;
  ELSE
    INSERT INTO report_day_deltas (measure, day, hotspot_id, n)
    SELECT 'community_reports', (r.submitted_at AT TIME ZONE 'Europe/London')::date, r.hotspot_id, sum(r.sign)::int
    FROM (
      SELECT o.submitted_at, o.hotspot_id, -1 AS sign
      FROM old_rows o JOIN new_rows n ON n.id = o.id
      WHERE (o.submitted_at, o.hotspot_id) IS DISTINCT FROM (n.submitted_at, n.hotspot_id)
      UNION ALL
      SELECT n.submitted_at, n.hotspot_id, 1
      FROM old_rows o JOIN new_rows n ON n.id = o.id
      WHERE (o.submitted_at, o.hotspot_id) IS DISTINCT FROM (n.submitted_at, n.hotspot_id)
    ) r
    GROUP BY 2, 3
    HAVING sum(r.sign) <> 0;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER report_day_community_reports_inserted AFTER INSERT ON community_reports
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_day_community_reports_changed();
--> statement-breakpoint
CREATE TRIGGER report_day_community_reports_updated AFTER UPDATE ON community_reports
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_day_community_reports_changed();
--> statement-breakpoint
CREATE TRIGGER report_day_community_reports_deleted AFTER DELETE ON community_reports
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_day_community_reports_changed();
--> statement-breakpoint
CREATE FUNCTION report_day_needle_finds_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO report_day_deltas (measure, day, hotspot_id, n)
    SELECT 'needles_found', (f.found_at AT TIME ZONE 'Europe/London')::date, f.hotspot_id, sum(f.count)::int
    FROM new_rows f GROUP BY 2, 3;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO report_day_deltas (measure, day, hotspot_id, n)
    SELECT 'needles_found', (f.found_at AT TIME ZONE 'Europe/London')::date, f.hotspot_id, -sum(f.count)::int
    FROM old_rows f GROUP BY 2, 3;
  ELSE
    INSERT INTO report_day_deltas (measure, day, hotspot_id, n)
    SELECT 'needles_found', (f.found_at AT TIME ZONE 'Europe/London')::date, f.hotspot_id, sum(f.count)::int
    FROM (
      SELECT o.found_at, o.hotspot_id, -o.count AS count
      FROM old_rows o JOIN new_rows n ON n.id = o.id
      WHERE (o.found_at, o.hotspot_id, o.count) IS DISTINCT FROM (n.found_at, n.hotspot_id, n.count)
      UNION ALL
      SELECT n.found_at, n.hotspot_id, n.count
      FROM old_rows o JOIN new_rows n ON n.id = o.id
      WHERE (o.found_at, o.hotspot_id, o.count) IS DISTINCT FROM (n.found_at, n.hotspot_id, n.count)
    ) f
    GROUP BY 2, 3
    HAVING sum(f.count) <> 0;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER report_day_needle_finds_inserted AFTER INSERT ON needle_finds
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_day_needle_finds_changed();
--> statement-breakpoint
CREATE TRIGGER report_day_needle_finds_updated AFTER UPDATE ON needle_finds
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_day_needle_finds_changed();
--> statement-breakpoint
CREATE TRIGGER report_day_needle_finds_deleted AFTER DELETE ON needle_finds
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_day_needle_finds_changed();
--> statement-breakpoint
-- Referrals to social care by current status. The contact's hotspot is looked up row by row (a
-- scalar subquery on its primary key): a cached plan then stays right for one row or fifty thousand.
-- services.code is reference data the app never changes, so services has no trigger.
CREATE FUNCTION report_day_referrals_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO report_day_deltas (measure, day, hotspot_id, n)
    SELECT 'social_care_referral:' || r.status::text, (r.requested_at AT TIME ZONE 'Europe/London')::date,
      (SELECT c.hotspot_id FROM contacts c WHERE c.id = r.contact_id), count(*)::int
    FROM new_rows r
    WHERE r.service_id IN (SELECT id FROM services WHERE code = 'safeguarding_social_care')
    GROUP BY 1, 2, 3;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO report_day_deltas (measure, day, hotspot_id, n)
    SELECT 'social_care_referral:' || r.status::text, (r.requested_at AT TIME ZONE 'Europe/London')::date,
      (SELECT c.hotspot_id FROM contacts c WHERE c.id = r.contact_id), -count(*)::int
    FROM old_rows r
    WHERE r.service_id IN (SELECT id FROM services WHERE code = 'safeguarding_social_care')
    GROUP BY 1, 2, 3;
  ELSE
    INSERT INTO report_day_deltas (measure, day, hotspot_id, n)
    SELECT 'social_care_referral:' || r.status::text, (r.requested_at AT TIME ZONE 'Europe/London')::date,
      (SELECT c.hotspot_id FROM contacts c WHERE c.id = r.contact_id), sum(r.sign)::int
    FROM (
      SELECT o.status, o.requested_at, o.contact_id, o.service_id, -1 AS sign
      FROM old_rows o JOIN new_rows n ON n.id = o.id
      WHERE (o.status, o.requested_at, o.contact_id, o.service_id)
        IS DISTINCT FROM (n.status, n.requested_at, n.contact_id, n.service_id)
      UNION ALL
      SELECT n.status, n.requested_at, n.contact_id, n.service_id, 1
      FROM old_rows o JOIN new_rows n ON n.id = o.id
      WHERE (o.status, o.requested_at, o.contact_id, o.service_id)
        IS DISTINCT FROM (n.status, n.requested_at, n.contact_id, n.service_id)
    ) r
    WHERE r.service_id IN (SELECT id FROM services WHERE code = 'safeguarding_social_care')
    GROUP BY 1, 2, 3
    HAVING sum(r.sign) <> 0;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER report_day_referrals_inserted AFTER INSERT ON referrals
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_day_referrals_changed();
--> statement-breakpoint
CREATE TRIGGER report_day_referrals_updated AFTER UPDATE ON referrals
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_day_referrals_changed();
--> statement-breakpoint
CREATE TRIGGER report_day_referrals_deleted AFTER DELETE ON referrals
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_day_referrals_changed();
--> statement-breakpoint
-- The rows already there (a database migrated with data in it), counted once from scratch.
INSERT INTO report_day_counts (measure, day, hotspot_id, n)
SELECT measure, day, hotspot_id, sum(n)::int FROM (
  SELECT m.measure, (c.occurred_at AT TIME ZONE 'Europe/London')::date AS day, c.hotspot_id, 1 AS n
  FROM contacts c
  CROSS JOIN LATERAL (
    SELECT 'contacts' UNION ALL SELECT 'concern:' || x::text FROM unnest(c.safeguarding_concerns) x
  ) m(measure)
  UNION ALL
  SELECT 'community_reports', (r.submitted_at AT TIME ZONE 'Europe/London')::date, r.hotspot_id, 1
  FROM community_reports r
  UNION ALL
  SELECT 'needles_found', (f.found_at AT TIME ZONE 'Europe/London')::date, f.hotspot_id, f.count
  FROM needle_finds f
  UNION ALL
  SELECT 'social_care_referral:' || r.status::text, (r.requested_at AT TIME ZONE 'Europe/London')::date,
    c.hotspot_id, 1
  FROM referrals r
  JOIN services s ON s.id = r.service_id AND s.code = 'safeguarding_social_care'
  LEFT JOIN contacts c ON c.id = r.contact_id
) facts
GROUP BY 1, 2, 3
HAVING sum(n) <> 0;
--> statement-breakpoint
INSERT INTO report_day_month_counts (measure, month, hotspot_id, n)
SELECT measure, date_trunc('month', day::timestamp)::date, hotspot_id, sum(n)::int
FROM report_day_counts
GROUP BY 1, 2, 3;
