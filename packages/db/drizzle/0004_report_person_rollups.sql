-- Person-level report rollups: derived from contacts, referrals and episodes, so they are not in the
-- Drizzle schema and `pathways backup` does not copy them; triggers queue the people (and the days of
-- anonymous contacts) whose rows changed, and core's refreshPersonRollups() recomputes exactly those
-- (packages/core/src/reports/person-rollups.ts). The queue only ever grows by inserts, so writers never
-- wait on each other or on a refresh.
--
-- A database migrated with a draft of this migration (the shared bench data sets were) gets it again
-- from the start: the rollups are derived data, rebuilt from the queue, so nothing is lost.
DROP TABLE IF EXISTS "report_person_queue", "report_person_funnel_days", "report_person_funnel_months",
	"report_person_anonymous_days", "report_person_episodes", "report_person_episode_months",
	"report_person_wait_months";
--> statement-breakpoint
DROP FUNCTION IF EXISTS "report_person_queue_contacts"() CASCADE;
--> statement-breakpoint
DROP FUNCTION IF EXISTS "report_person_queue_referrals"() CASCADE;
--> statement-breakpoint
DROP FUNCTION IF EXISTS "report_person_queue_episodes"() CASCADE;
--> statement-breakpoint
-- The queue: people whose rollups are to be recomputed, and changes in the number of anonymous
-- contacts per London day and hotspot (null: no hotspot), added as they come, whatever the day holds.
CREATE TABLE "report_person_queue" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
	"person_id" uuid,
	"anonymous_day" date,
	"hotspot_id" uuid,
	"contacts" integer,
	CONSTRAINT "report_person_queue_one_check" CHECK (("person_id" is null) <> ("anonymous_day" is null)),
	CONSTRAINT "report_person_queue_contacts_check" CHECK (("anonymous_day" is null) = ("contacts" is null))
);
--> statement-breakpoint
-- Per person, London contact day and place (a hotspot, or the nil uuid for every place): the funnel
-- stages reached from that day (bit 1 contacted, 2 referred within 90 days, 4 started treatment from
-- such a referral, 8 completed successfully, 16 sustained), and per stage the person's previous and
-- next days at that place reaching it: a period counts a person at a stage on their first such day in
-- the period, the day whose previous one falls before the period.
CREATE TABLE "report_person_funnel_days" (
	"place_id" uuid NOT NULL,
	"day" date NOT NULL,
	"person_id" uuid NOT NULL,
	"contacts" integer NOT NULL,
	"stages" smallint NOT NULL,
	"prev_contacted" date,
	"prev_referred" date,
	"prev_started" date,
	"prev_completed" date,
	"prev_sustained" date,
	"next_contacted" date,
	"next_referred" date,
	"next_started" date,
	"next_completed" date,
	"next_sustained" date,
	"sustained_discharge" date,
	CONSTRAINT "report_person_funnel_days_pkey" PRIMARY KEY ("place_id", "day", "person_id")
);
--> statement-breakpoint
CREATE INDEX "report_person_funnel_days_person_idx" ON "report_person_funnel_days" ("person_id");
--> statement-breakpoint
-- The funnel days summed by calendar month, so whole months of a long period are read as a few
-- thousand sums: measures 0-4 (stages, bits 1-16) count the person's first day of the month reaching
-- the stage by the month of their previous such day (key; -infinity for none), measure 5 counts days
-- by their sustained completion's discharge (key), measure 6 sums the contacts (key -infinity).
CREATE TABLE "report_person_funnel_months" (
	"place_id" uuid NOT NULL,
	"measure" smallint NOT NULL,
	"month" date NOT NULL,
	"key" date NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "report_person_funnel_months_pkey" PRIMARY KEY ("place_id", "measure", "month", "key")
);
--> statement-breakpoint
-- The latest sustained completion of a period: read backwards from the latest discharge.
CREATE INDEX "report_person_funnel_months_sustained_idx" ON "report_person_funnel_months" ("place_id", "key")
	WHERE "measure" = 5;
--> statement-breakpoint
-- Contacts with no person, per London day and place (nil uuid: every place).
CREATE TABLE "report_person_anonymous_days" (
	"place_id" uuid NOT NULL,
	"day" date NOT NULL,
	"contacts" integer NOT NULL,
	CONSTRAINT "report_person_anonymous_days_pkey" PRIMARY KEY ("place_id", "day")
);
--> statement-breakpoint
-- One row per episode and provider scope (the episode's provider, and the nil uuid for every
-- provider), with what the outcome and waiting-time measures need: the successful and re-presented
-- flags, the wait from the referral, and the person's neighbouring episodes in the same scope (overall
-- and in the same substance group) so that distinct people are counted with a plain filtered count.
CREATE TABLE "report_person_episodes" (
	"provider_scope" uuid NOT NULL,
	"episode_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"referral_id" uuid,
	"substance_group" "substance_group" NOT NULL,
	"started_on" date NOT NULL,
	"discharged_on" date,
	"discharge_reason" "discharge_reason",
	"successful" boolean NOT NULL,
	"represented" boolean NOT NULL,
	"service_id" uuid,
	"waiting_days" integer,
	"prev_end_in_group" date,
	"prev_end" date,
	"prev_success_in_group" date,
	"prev_success" date,
	"next_success_in_group" date,
	"next_success" date,
	CONSTRAINT "report_person_episodes_pkey" PRIMARY KEY ("provider_scope", "episode_id")
);
--> statement-breakpoint
CREATE INDEX "report_person_episodes_person_idx" ON "report_person_episodes" ("person_id");
--> statement-breakpoint
CREATE INDEX "report_person_episodes_started_idx" ON "report_person_episodes" ("provider_scope", "started_on");
--> statement-breakpoint
CREATE INDEX "report_person_episodes_referral_idx" ON "report_person_episodes" ("referral_id") WHERE "referral_id" is not null;
--> statement-breakpoint
-- A report reads whole months from the sums below and the part-months at the ends of its period from
-- the episodes, found by the day in question.
CREATE INDEX "report_person_episodes_discharged_idx" ON "report_person_episodes" ("provider_scope", "discharged_on");
--> statement-breakpoint
CREATE INDEX "report_person_episodes_prev_end_in_group_idx" ON "report_person_episodes" ("provider_scope", "prev_end_in_group");
--> statement-breakpoint
CREATE INDEX "report_person_episodes_prev_end_idx" ON "report_person_episodes" ("provider_scope", "prev_end");
--> statement-breakpoint
CREATE INDEX "report_person_episodes_next_success_in_group_idx" ON "report_person_episodes" ("provider_scope", "next_success_in_group");
--> statement-breakpoint
CREATE INDEX "report_person_episodes_next_success_idx" ON "report_person_episodes" ("provider_scope", "next_success");
--> statement-breakpoint
-- The episodes summed by calendar month, per provider scope and substance group: the measures are
-- episodeMeasure in core's person-rollups.ts (month and key are dates: the month counted, and the
-- month of a neighbouring episode where the measure needs one; -infinity or infinity for none).
CREATE TABLE "report_person_episode_months" (
	"provider_scope" uuid NOT NULL,
	"substance_group" "substance_group" NOT NULL,
	"measure" smallint NOT NULL,
	"month" date NOT NULL,
	"key" date NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "report_person_episode_months_pkey" PRIMARY KEY ("provider_scope", "measure", "month", "substance_group", "key")
);
--> statement-breakpoint
-- Episodes from a referral per provider scope, substance group, service, month of start and days waited.
CREATE TABLE "report_person_wait_months" (
	"provider_scope" uuid NOT NULL,
	"substance_group" "substance_group" NOT NULL,
	"service_id" uuid NOT NULL,
	"month" date NOT NULL,
	"waiting_days" integer NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "report_person_wait_months_pkey" PRIMARY KEY ("provider_scope", "month", "substance_group", "service_id", "waiting_days")
);
--> statement-breakpoint
-- Statement-level triggers: a COPY of a million contacts or a batch of thousands queues each person
-- once, and the anonymous contacts per day and hotspot as one count, in one set-based step. Days are
-- Europe/London days, as serviceTimeZone in core's calendar.ts.
CREATE FUNCTION "report_person_queue_contacts"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO report_person_queue (person_id) SELECT DISTINCT n.person_id FROM report_person_new n
		WHERE n.person_id IS NOT NULL;
		INSERT INTO report_person_queue (anonymous_day, hotspot_id, contacts)
		SELECT (n.occurred_at AT TIME ZONE 'Europe/London')::date, n.hotspot_id, count(*)
		FROM report_person_new n WHERE n.person_id IS NULL GROUP BY 1, 2;
	ELSIF TG_OP = 'DELETE' THEN
		INSERT INTO report_person_queue (person_id) SELECT DISTINCT o.person_id FROM report_person_old o
		WHERE o.person_id IS NOT NULL;
		INSERT INTO report_person_queue (anonymous_day, hotspot_id, contacts)
		SELECT (o.occurred_at AT TIME ZONE 'Europe/London')::date, o.hotspot_id, -count(*)
		FROM report_person_old o WHERE o.person_id IS NULL GROUP BY 1, 2;
	ELSE
		-- Only a change of person, time or place moves a figure; both sides are queued.
		WITH changed AS (
			SELECT side.person_id, side.occurred_at, side.hotspot_id, side.sign
			FROM report_person_old o
			JOIN report_person_new n ON n.id = o.id
			CROSS JOIN LATERAL (VALUES (o.person_id, o.occurred_at, o.hotspot_id, -1),
				(n.person_id, n.occurred_at, n.hotspot_id, 1)) side(person_id, occurred_at, hotspot_id, sign)
			WHERE (o.person_id, o.occurred_at, o.hotspot_id) IS DISTINCT FROM (n.person_id, n.occurred_at, n.hotspot_id)
		),
		people AS (
			INSERT INTO report_person_queue (person_id)
			SELECT DISTINCT person_id FROM changed WHERE person_id IS NOT NULL
		)
		INSERT INTO report_person_queue (anonymous_day, hotspot_id, contacts)
		SELECT (occurred_at AT TIME ZONE 'Europe/London')::date, hotspot_id, sum(sign)
		FROM changed WHERE person_id IS NULL GROUP BY 1, 2 HAVING sum(sign) <> 0;
	END IF;
	RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION "report_person_queue_referrals"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO report_person_queue (person_id) SELECT DISTINCT n.person_id FROM report_person_new n;
	ELSIF TG_OP = 'DELETE' THEN
		INSERT INTO report_person_queue (person_id) SELECT DISTINCT o.person_id FROM report_person_old o;
	ELSE
		-- A status move changes no figure; a change of person, day or service does.
		INSERT INTO report_person_queue (person_id)
		SELECT DISTINCT side.person_id
		FROM report_person_old o
		JOIN report_person_new n ON n.id = o.id
		CROSS JOIN LATERAL (VALUES (o.person_id), (n.person_id)) side(person_id)
		WHERE (o.person_id, o.requested_at, o.service_id) IS DISTINCT FROM (n.person_id, n.requested_at, n.service_id);
	END IF;
	RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION "report_person_queue_episodes"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO report_person_queue (person_id) SELECT DISTINCT n.person_id FROM report_person_new n;
	ELSIF TG_OP = 'DELETE' THEN
		INSERT INTO report_person_queue (person_id) SELECT DISTINCT o.person_id FROM report_person_old o;
	ELSE
		-- Keyworker changes and at-risk flags change no figure.
		INSERT INTO report_person_queue (person_id)
		SELECT DISTINCT side.person_id
		FROM report_person_old o
		JOIN report_person_new n ON n.id = o.id
		CROSS JOIN LATERAL (VALUES (o.person_id), (n.person_id)) side(person_id)
		WHERE (o.person_id, o.provider_organisation_id, o.substance_group, o.referral_id, o.started_on,
				o.discharged_on, o.discharge_reason, o.ost_at_exit)
			IS DISTINCT FROM (n.person_id, n.provider_organisation_id, n.substance_group, n.referral_id, n.started_on,
				n.discharged_on, n.discharge_reason, n.ost_at_exit);
	END IF;
	RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "report_person_contacts_insert" AFTER INSERT ON "contacts"
	REFERENCING NEW TABLE AS report_person_new FOR EACH STATEMENT EXECUTE FUNCTION report_person_queue_contacts();
--> statement-breakpoint
CREATE TRIGGER "report_person_contacts_update" AFTER UPDATE ON "contacts"
	REFERENCING OLD TABLE AS report_person_old NEW TABLE AS report_person_new
	FOR EACH STATEMENT EXECUTE FUNCTION report_person_queue_contacts();
--> statement-breakpoint
CREATE TRIGGER "report_person_contacts_delete" AFTER DELETE ON "contacts"
	REFERENCING OLD TABLE AS report_person_old FOR EACH STATEMENT EXECUTE FUNCTION report_person_queue_contacts();
--> statement-breakpoint
CREATE TRIGGER "report_person_referrals_insert" AFTER INSERT ON "referrals"
	REFERENCING NEW TABLE AS report_person_new FOR EACH STATEMENT EXECUTE FUNCTION report_person_queue_referrals();
--> statement-breakpoint
CREATE TRIGGER "report_person_referrals_update" AFTER UPDATE ON "referrals"
	REFERENCING OLD TABLE AS report_person_old NEW TABLE AS report_person_new
	FOR EACH STATEMENT EXECUTE FUNCTION report_person_queue_referrals();
--> statement-breakpoint
CREATE TRIGGER "report_person_referrals_delete" AFTER DELETE ON "referrals"
	REFERENCING OLD TABLE AS report_person_old FOR EACH STATEMENT EXECUTE FUNCTION report_person_queue_referrals();
--> statement-breakpoint
CREATE TRIGGER "report_person_episodes_insert" AFTER INSERT ON "episodes"
	REFERENCING NEW TABLE AS report_person_new FOR EACH STATEMENT EXECUTE FUNCTION report_person_queue_episodes();
--> statement-breakpoint
CREATE TRIGGER "report_person_episodes_update" AFTER UPDATE ON "episodes"
	REFERENCING OLD TABLE AS report_person_old NEW TABLE AS report_person_new
	FOR EACH STATEMENT EXECUTE FUNCTION report_person_queue_episodes();
--> statement-breakpoint
CREATE TRIGGER "report_person_episodes_delete" AFTER DELETE ON "episodes"
	REFERENCING OLD TABLE AS report_person_old FOR EACH STATEMENT EXECUTE FUNCTION report_person_queue_episodes();
--> statement-breakpoint
-- A database that already holds data gets everything queued; the first refresh builds the rollups.
INSERT INTO report_person_queue (person_id)
SELECT person_id FROM contacts WHERE person_id IS NOT NULL
UNION SELECT person_id FROM referrals
UNION SELECT person_id FROM episodes;
--> statement-breakpoint
INSERT INTO report_person_queue (anonymous_day, hotspot_id, contacts)
SELECT (occurred_at AT TIME ZONE 'Europe/London')::date, hotspot_id, count(*)
FROM contacts WHERE person_id IS NULL GROUP BY 1, 2;
