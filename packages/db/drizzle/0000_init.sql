CREATE TYPE "public"."actor_kind" AS ENUM('user', 'system', 'public');--> statement-breakpoint
CREATE TYPE "public"."outbox_status" AS ENUM('pending', 'sent', 'failed');--> statement-breakpoint
CREATE TYPE "public"."appointment_outcome" AS ENUM('attended', 'did_not_attend', 'cancelled_by_client', 'cancelled_by_service');--> statement-breakpoint
CREATE TYPE "public"."consent_kind" AS ENUM('share', 'ndtms');--> statement-breakpoint
CREATE TYPE "public"."consent_status" AS ENUM('given', 'refused', 'withdrawn');--> statement-breakpoint
CREATE TYPE "public"."contact_type" AS ENUM('street_outreach', 'patrol_encounter', 'welfare_check', 'needle_exchange', 'report_follow_up');--> statement-breakpoint
CREATE TYPE "public"."discharge_reason" AS ENUM('completed_drug_free', 'completed_alcohol_free', 'completed_occasional_user', 'transferred_not_in_custody', 'transferred_in_custody', 'incomplete_dropped_out', 'incomplete_withdrawn_by_provider', 'incomplete_retained_in_custody', 'incomplete_declined_commencement', 'incomplete_client_died');--> statement-breakpoint
CREATE TYPE "public"."intervention_kind" AS ENUM('harm_reduction_advice', 'naloxone_supplied', 'needles_supplied', 'sharps_returned', 'signposted', 'referral_made', 'welfare_support');--> statement-breakpoint
CREATE TYPE "public"."organisation_kind" AS ENUM('taskforce', 'council', 'treatment_provider', 'social_care', 'commissioner');--> statement-breakpoint
CREATE TYPE "public"."referral_failure_reason" AS ENUM('client_refused_services', 'lack_of_capacity', 'services_no_longer_needed', 'unable_to_contact_client', 'not_eligible', 'other');--> statement-breakpoint
CREATE TYPE "public"."referral_source" AS ENUM('outreach', 'self', 'gp', 'criminal_justice', 'hospital', 'social_care', 'other');--> statement-breakpoint
CREATE TYPE "public"."referral_status" AS ENUM('requested', 'received', 'accepted', 'treatment_started', 'rejected', 'unable_to_contact', 'declined_by_client', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."report_category" AS ENUM('drug_dealing', 'drug_use', 'discarded_needles', 'weapons', 'exploitation_concern', 'other');--> statement-breakpoint
CREATE TYPE "public"."report_status" AS ENUM('open', 'acknowledged', 'in_progress', 'closed_actioned', 'closed_no_action', 'duplicate');--> statement-breakpoint
CREATE TYPE "public"."role" AS ENUM('outreach_worker', 'treatment_manager', 'commissioner', 'admin');--> statement-breakpoint
CREATE TYPE "public"."safeguarding_concern" AS ENUM('child_exploitation', 'adult_exploitation', 'cuckooing', 'county_lines', 'child_at_risk', 'domestic_abuse', 'self_neglect');--> statement-breakpoint
CREATE TYPE "public"."service_code" AS ENUM('opiate_treatment', 'non_opiate_treatment', 'alcohol_treatment', 'safeguarding_social_care', 'housing_support');--> statement-breakpoint
CREATE TYPE "public"."sex" AS ENUM('male', 'female', 'other', 'unknown');--> statement-breakpoint
CREATE TYPE "public"."substance" AS ENUM('heroin', 'other_opioid', 'crack', 'cocaine', 'amphetamine', 'cannabis', 'spice', 'alcohol', 'benzodiazepine', 'other');--> statement-breakpoint
CREATE TYPE "public"."substance_group" AS ENUM('opiate', 'non_opiate', 'non_opiate_and_alcohol', 'alcohol');--> statement-breakpoint
CREATE TYPE "public"."top_stage" AS ENUM('start', 'review', 'exit');--> statement-breakpoint
CREATE TYPE "public"."treatment_intervention_type" AS ENUM('pharmacological', 'psychosocial', 'recovery_support');--> statement-breakpoint
CREATE TYPE "public"."treatment_setting" AS ENUM('community', 'inpatient', 'residential', 'primary_care', 'prison');--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_kind" "actor_kind" NOT NULL,
	"actor_user_id" uuid,
	"actor_name" text NOT NULL,
	"organisation_id" uuid,
	"action" text NOT NULL,
	"entity" text NOT NULL,
	"entity_id" text NOT NULL,
	"person_id" uuid,
	"request_id" text
);
--> statement-breakpoint
CREATE TABLE "community_report_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"report_id" uuid NOT NULL,
	"status" "report_status" NOT NULL,
	"public_note" text,
	"internal_note" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"by_user_id" uuid
);
--> statement-breakpoint
CREATE TABLE "community_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"reference" text NOT NULL,
	"token_hash" text NOT NULL,
	"category" "report_category" NOT NULL,
	"hotspot_id" uuid,
	"location" text,
	"lat" double precision,
	"lng" double precision,
	"description" text NOT NULL,
	"contact_email" text,
	"contact_phone" text,
	"status" "report_status" DEFAULT 'open' NOT NULL,
	"duplicate_of_id" uuid,
	"linked_contact_id" uuid,
	"linked_needle_find_id" uuid,
	"submitted_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"report_event_id" uuid NOT NULL,
	"recipient" text NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"status" "outbox_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "login_attempts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"address" text NOT NULL,
	"succeeded" boolean NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "organisations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"kind" "organisation_kind" NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organisations_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"role" "role" NOT NULL,
	"password_hash" text NOT NULL,
	"disabled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "consents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"person_id" uuid NOT NULL,
	"kind" "consent_kind" NOT NULL,
	"status" "consent_status" NOT NULL,
	"recorded_on" date NOT NULL,
	"recorded_by_user_id" uuid,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "contact_interventions" (
	"contact_id" uuid NOT NULL,
	"intervention" "intervention_kind" NOT NULL,
	"quantity" integer,
	CONSTRAINT "contact_interventions_contact_id_intervention_pk" PRIMARY KEY("contact_id","intervention"),
	CONSTRAINT "contact_interventions_quantity_check" CHECK ("contact_interventions"."quantity" is null or "contact_interventions"."quantity" >= 0)
);
--> statement-breakpoint
CREATE TABLE "contacts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"client_key" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"hotspot_id" uuid,
	"location" text,
	"lat" double precision,
	"lng" double precision,
	"worker_id" uuid NOT NULL,
	"organisation_id" uuid NOT NULL,
	"person_id" uuid,
	"contact_type" "contact_type" NOT NULL,
	"substances" "substance"[] DEFAULT '{}' NOT NULL,
	"safeguarding_concerns" "safeguarding_concern"[] DEFAULT '{}' NOT NULL,
	"notes" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contacts_place_check" CHECK ("contacts"."hotspot_id" is not null or "contacts"."location" is not null)
);
--> statement-breakpoint
CREATE TABLE "hotspots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"lat" double precision NOT NULL,
	"lng" double precision NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "hotspots_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "needle_finds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"client_key" text NOT NULL,
	"found_at" timestamp with time zone NOT NULL,
	"hotspot_id" uuid,
	"location" text,
	"lat" double precision,
	"lng" double precision,
	"count" integer NOT NULL,
	"collected_by_user_id" uuid NOT NULL,
	"organisation_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "needle_finds_count_check" CHECK ("needle_finds"."count" > 0),
	CONSTRAINT "needle_finds_place_check" CHECK ("needle_finds"."hotspot_id" is not null or "needle_finds"."location" is not null)
);
--> statement-breakpoint
CREATE TABLE "people" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"attributor" text NOT NULL,
	"first_initial" text NOT NULL,
	"surname_initial" text NOT NULL,
	"date_of_birth" date NOT NULL,
	"sex" "sex" NOT NULL,
	"alias" text,
	"partial_postcode" text,
	"full_name" text,
	"merged_into_id" uuid,
	"created_by_user_id" uuid,
	"created_by_organisation_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "person_merges" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"survivor_id" uuid NOT NULL,
	"merged_id" uuid NOT NULL,
	"moved" jsonb NOT NULL,
	"merged_at" timestamp with time zone DEFAULT now() NOT NULL,
	"merged_by_user_id" uuid,
	"undone_at" timestamp with time zone,
	"undone_by_user_id" uuid
);
--> statement-breakpoint
CREATE TABLE "safeguarding_flags" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"person_id" uuid NOT NULL,
	"concern" "safeguarding_concern" NOT NULL,
	"contact_id" uuid,
	"raised_at" timestamp with time zone NOT NULL,
	"raised_by_user_id" uuid,
	"resolved_at" timestamp with time zone,
	"resolved_by_user_id" uuid,
	"resolution_note" text
);
--> statement-breakpoint
CREATE TABLE "referral_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"referral_id" uuid NOT NULL,
	"status" "referral_status" NOT NULL,
	"failure_reason" "referral_failure_reason",
	"note" text,
	"at" timestamp with time zone NOT NULL,
	"by_user_id" uuid
);
--> statement-breakpoint
CREATE TABLE "referrals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" integer GENERATED ALWAYS AS IDENTITY (sequence name "referrals_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"client_key" text,
	"person_id" uuid NOT NULL,
	"contact_id" uuid,
	"referring_user_id" uuid,
	"referring_organisation_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"source" "referral_source" NOT NULL,
	"status" "referral_status" DEFAULT 'requested' NOT NULL,
	"failure_reason" "referral_failure_reason",
	"requested_at" timestamp with time zone NOT NULL,
	"status_changed_at" timestamp with time zone NOT NULL,
	"is_representation" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "services" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"code" "service_code" NOT NULL,
	"name" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "appointments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"episode_id" uuid NOT NULL,
	"scheduled_at" timestamp with time zone NOT NULL,
	"outcome" "appointment_outcome",
	"note" text,
	"recorded_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "episodes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"person_id" uuid NOT NULL,
	"provider_organisation_id" uuid NOT NULL,
	"keyworker_id" uuid,
	"substance_group" "substance_group" NOT NULL,
	"referral_id" uuid,
	"started_on" date NOT NULL,
	"discharged_on" date,
	"discharge_reason" "discharge_reason",
	"ost_at_exit" boolean,
	"is_representation" boolean DEFAULT false NOT NULL,
	"at_risk_since" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "episodes_dates_check" CHECK ("episodes"."discharged_on" is null or "episodes"."discharged_on" >= "episodes"."started_on"),
	CONSTRAINT "episodes_discharge_check" CHECK (("episodes"."discharged_on" is null) = ("episodes"."discharge_reason" is null))
);
--> statement-breakpoint
CREATE TABLE "keyworkers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"name" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "top_reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"episode_id" uuid NOT NULL,
	"stage" "top_stage" NOT NULL,
	"completed_on" date NOT NULL,
	"substance_days" jsonb NOT NULL,
	"injecting_days" integer NOT NULL,
	"shared_equipment" boolean NOT NULL,
	"crime_days" integer NOT NULL,
	"psychological_health" integer NOT NULL,
	"physical_health" integer NOT NULL,
	"quality_of_life" integer NOT NULL,
	"paid_work_days" integer NOT NULL,
	"acute_housing_problem" boolean NOT NULL,
	"recorded_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "top_reviews_days_check" CHECK ("top_reviews"."injecting_days" between 0 and 28 and "top_reviews"."crime_days" between 0 and 28 and "top_reviews"."paid_work_days" between 0 and 28),
	CONSTRAINT "top_reviews_scores_check" CHECK ("top_reviews"."psychological_health" between 0 and 20 and "top_reviews"."physical_health" between 0 and 20 and "top_reviews"."quality_of_life" between 0 and 20)
);
--> statement-breakpoint
CREATE TABLE "treatment_interventions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"episode_id" uuid NOT NULL,
	"type" "treatment_intervention_type" NOT NULL,
	"setting" "treatment_setting" NOT NULL,
	"started_on" date NOT NULL,
	"ended_on" date,
	CONSTRAINT "treatment_interventions_dates_check" CHECK ("treatment_interventions"."ended_on" is null or "treatment_interventions"."ended_on" >= "treatment_interventions"."started_on")
);
--> statement-breakpoint
ALTER TABLE "community_report_events" ADD CONSTRAINT "community_report_events_report_id_community_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."community_reports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "community_report_events" ADD CONSTRAINT "community_report_events_by_user_id_users_id_fk" FOREIGN KEY ("by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "community_reports" ADD CONSTRAINT "community_reports_hotspot_id_hotspots_id_fk" FOREIGN KEY ("hotspot_id") REFERENCES "public"."hotspots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "community_reports" ADD CONSTRAINT "community_reports_linked_contact_id_contacts_id_fk" FOREIGN KEY ("linked_contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "community_reports" ADD CONSTRAINT "community_reports_linked_needle_find_id_needle_finds_id_fk" FOREIGN KEY ("linked_needle_find_id") REFERENCES "public"."needle_finds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox_messages" ADD CONSTRAINT "outbox_messages_report_event_id_community_report_events_id_fk" FOREIGN KEY ("report_event_id") REFERENCES "public"."community_report_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_recorded_by_user_id_users_id_fk" FOREIGN KEY ("recorded_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_interventions" ADD CONSTRAINT "contact_interventions_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_hotspot_id_hotspots_id_fk" FOREIGN KEY ("hotspot_id") REFERENCES "public"."hotspots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_worker_id_users_id_fk" FOREIGN KEY ("worker_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "needle_finds" ADD CONSTRAINT "needle_finds_hotspot_id_hotspots_id_fk" FOREIGN KEY ("hotspot_id") REFERENCES "public"."hotspots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "needle_finds" ADD CONSTRAINT "needle_finds_collected_by_user_id_users_id_fk" FOREIGN KEY ("collected_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "needle_finds" ADD CONSTRAINT "needle_finds_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_created_by_organisation_id_organisations_id_fk" FOREIGN KEY ("created_by_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_merges" ADD CONSTRAINT "person_merges_survivor_id_people_id_fk" FOREIGN KEY ("survivor_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_merges" ADD CONSTRAINT "person_merges_merged_id_people_id_fk" FOREIGN KEY ("merged_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_merges" ADD CONSTRAINT "person_merges_merged_by_user_id_users_id_fk" FOREIGN KEY ("merged_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_merges" ADD CONSTRAINT "person_merges_undone_by_user_id_users_id_fk" FOREIGN KEY ("undone_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safeguarding_flags" ADD CONSTRAINT "safeguarding_flags_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safeguarding_flags" ADD CONSTRAINT "safeguarding_flags_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safeguarding_flags" ADD CONSTRAINT "safeguarding_flags_raised_by_user_id_users_id_fk" FOREIGN KEY ("raised_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safeguarding_flags" ADD CONSTRAINT "safeguarding_flags_resolved_by_user_id_users_id_fk" FOREIGN KEY ("resolved_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_events" ADD CONSTRAINT "referral_events_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_events" ADD CONSTRAINT "referral_events_by_user_id_users_id_fk" FOREIGN KEY ("by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_referring_user_id_users_id_fk" FOREIGN KEY ("referring_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_referring_organisation_id_organisations_id_fk" FOREIGN KEY ("referring_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services" ADD CONSTRAINT "services_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_episode_id_episodes_id_fk" FOREIGN KEY ("episode_id") REFERENCES "public"."episodes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "episodes" ADD CONSTRAINT "episodes_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "episodes" ADD CONSTRAINT "episodes_provider_organisation_id_organisations_id_fk" FOREIGN KEY ("provider_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "episodes" ADD CONSTRAINT "episodes_keyworker_id_keyworkers_id_fk" FOREIGN KEY ("keyworker_id") REFERENCES "public"."keyworkers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "episodes" ADD CONSTRAINT "episodes_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "keyworkers" ADD CONSTRAINT "keyworkers_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "top_reviews" ADD CONSTRAINT "top_reviews_episode_id_episodes_id_fk" FOREIGN KEY ("episode_id") REFERENCES "public"."episodes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "top_reviews" ADD CONSTRAINT "top_reviews_recorded_by_user_id_users_id_fk" FOREIGN KEY ("recorded_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "treatment_interventions" ADD CONSTRAINT "treatment_interventions_episode_id_episodes_id_fk" FOREIGN KEY ("episode_id") REFERENCES "public"."episodes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_events_at_idx" ON "audit_events" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_events_person_idx" ON "audit_events" USING btree ("person_id","at");--> statement-breakpoint
CREATE INDEX "audit_events_actor_idx" ON "audit_events" USING btree ("actor_user_id","at");--> statement-breakpoint
CREATE INDEX "community_report_events_report_idx" ON "community_report_events" USING btree ("report_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "community_reports_reference_key" ON "community_reports" USING btree ("reference");--> statement-breakpoint
CREATE UNIQUE INDEX "community_reports_token_hash_key" ON "community_reports" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "community_reports_status_idx" ON "community_reports" USING btree ("status","submitted_at");--> statement-breakpoint
CREATE INDEX "community_reports_hotspot_idx" ON "community_reports" USING btree ("hotspot_id","submitted_at");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_messages_report_event_key" ON "outbox_messages" USING btree ("report_event_id");--> statement-breakpoint
CREATE INDEX "outbox_messages_due_idx" ON "outbox_messages" USING btree ("next_attempt_at") WHERE "outbox_messages"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "login_attempts_email_idx" ON "login_attempts" USING btree ("email","at");--> statement-breakpoint
CREATE INDEX "login_attempts_address_idx" ON "login_attempts" USING btree ("address","at");--> statement-breakpoint
CREATE INDEX "login_attempts_failed_idx" ON "login_attempts" USING btree ("at") WHERE not "login_attempts"."succeeded";--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_key" ON "users" USING btree ("email");--> statement-breakpoint
CREATE INDEX "users_organisation_idx" ON "users" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "consents_person_idx" ON "consents" USING btree ("person_id","kind","recorded_at");--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_client_key_key" ON "contacts" USING btree ("client_key");--> statement-breakpoint
CREATE INDEX "contacts_occurred_at_idx" ON "contacts" USING btree ("occurred_at");--> statement-breakpoint
CREATE INDEX "contacts_hotspot_idx" ON "contacts" USING btree ("hotspot_id","occurred_at");--> statement-breakpoint
CREATE INDEX "contacts_person_idx" ON "contacts" USING btree ("person_id","occurred_at");--> statement-breakpoint
CREATE INDEX "contacts_worker_idx" ON "contacts" USING btree ("worker_id","occurred_at");--> statement-breakpoint
CREATE UNIQUE INDEX "needle_finds_client_key_key" ON "needle_finds" USING btree ("client_key");--> statement-breakpoint
CREATE INDEX "needle_finds_hotspot_idx" ON "needle_finds" USING btree ("hotspot_id","found_at");--> statement-breakpoint
CREATE INDEX "people_attributor_idx" ON "people" USING btree ("attributor");--> statement-breakpoint
CREATE INDEX "people_initials_dob_idx" ON "people" USING btree ("first_initial","surname_initial","date_of_birth");--> statement-breakpoint
CREATE INDEX "people_alias_idx" ON "people" USING btree (lower("alias"));--> statement-breakpoint
CREATE INDEX "people_partial_postcode_idx" ON "people" USING btree ("partial_postcode");--> statement-breakpoint
CREATE INDEX "safeguarding_flags_person_idx" ON "safeguarding_flags" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "referral_events_referral_idx" ON "referral_events" USING btree ("referral_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "referrals_number_key" ON "referrals" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "referrals_client_key_key" ON "referrals" USING btree ("client_key") WHERE "referrals"."client_key" is not null;--> statement-breakpoint
CREATE INDEX "referrals_person_idx" ON "referrals" USING btree ("person_id","requested_at");--> statement-breakpoint
CREATE INDEX "referrals_service_status_idx" ON "referrals" USING btree ("service_id","status");--> statement-breakpoint
CREATE INDEX "referrals_referring_user_idx" ON "referrals" USING btree ("referring_user_id","requested_at");--> statement-breakpoint
CREATE INDEX "referrals_requested_at_idx" ON "referrals" USING btree ("requested_at");--> statement-breakpoint
CREATE UNIQUE INDEX "services_organisation_code_key" ON "services" USING btree ("organisation_id","code");--> statement-breakpoint
CREATE INDEX "appointments_episode_idx" ON "appointments" USING btree ("episode_id","scheduled_at");--> statement-breakpoint
CREATE UNIQUE INDEX "episodes_referral_key" ON "episodes" USING btree ("referral_id") WHERE "episodes"."referral_id" is not null;--> statement-breakpoint
CREATE INDEX "episodes_person_idx" ON "episodes" USING btree ("person_id","started_on");--> statement-breakpoint
CREATE INDEX "episodes_provider_idx" ON "episodes" USING btree ("provider_organisation_id","discharged_on");--> statement-breakpoint
CREATE INDEX "episodes_keyworker_idx" ON "episodes" USING btree ("keyworker_id");--> statement-breakpoint
CREATE INDEX "episodes_started_on_idx" ON "episodes" USING btree ("started_on");--> statement-breakpoint
CREATE INDEX "episodes_discharged_on_idx" ON "episodes" USING btree ("discharged_on");--> statement-breakpoint
CREATE INDEX "top_reviews_episode_idx" ON "top_reviews" USING btree ("episode_id","completed_on");--> statement-breakpoint
CREATE INDEX "treatment_interventions_episode_idx" ON "treatment_interventions" USING btree ("episode_id");