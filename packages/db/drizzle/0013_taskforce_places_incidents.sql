CREATE TYPE "public"."taskforce_activity_kind" AS ENUM('patrol', 'arrest', 'search', 'warrant', 'seizure', 'environmental_action', 'needle_sweep');--> statement-breakpoint
CREATE TYPE "public"."patrol_style" AS ENUM('covert', 'high_visibility');--> statement-breakpoint
CREATE TYPE "public"."arrest_offence" AS ENUM('possession', 'possession_with_intent_to_supply', 'supply', 'trafficking', 'weapons', 'other');--> statement-breakpoint
CREATE TYPE "public"."drug_class" AS ENUM('A', 'B', 'C');--> statement-breakpoint
CREATE TYPE "public"."drug_quantity_unit" AS ENUM('grams', 'kilograms', 'wraps', 'tablets', 'plants', 'millilitres');--> statement-breakpoint
CREATE TYPE "public"."environmental_action" AS ENUM('vegetation_cut_back', 'furniture_moved', 'gates_secured', 'lighting_improved', 'cctv', 'other');--> statement-breakpoint
CREATE TABLE "taskforce_operations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"organisation_id" uuid NOT NULL REFERENCES "organisations"("id"),
	"started_on" date NOT NULL,
	"ended_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "taskforce_operations_dates_check" CHECK ("ended_on" is null or "ended_on" >= "started_on")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "taskforce_operations_name_key" ON "taskforce_operations" USING btree ("organisation_id","name");--> statement-breakpoint
CREATE TABLE "days_of_action" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"date" date NOT NULL,
	"organisation_id" uuid NOT NULL REFERENCES "organisations"("id"),
	"operation_id" uuid REFERENCES "taskforce_operations"("id"),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "days_of_action_organisation_idx" ON "days_of_action" USING btree ("organisation_id","date");--> statement-breakpoint
CREATE TABLE "taskforce_activity" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"client_key" text NOT NULL,
	"kind" "taskforce_activity_kind" NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"hotspot_id" uuid REFERENCES "hotspots"("id"),
	"location" text,
	"lat" double precision,
	"lng" double precision,
	"logged_by_user_id" uuid NOT NULL REFERENCES "users"("id"),
	"organisation_id" uuid NOT NULL REFERENCES "organisations"("id"),
	"operation_id" uuid REFERENCES "taskforce_operations"("id"),
	"day_of_action_id" uuid REFERENCES "days_of_action"("id"),
	"patrol_style" "patrol_style",
	"ended_at" timestamp with time zone,
	"officers" integer,
	"offence" "arrest_offence",
	"arrest_count" integer,
	"area" text,
	"found" text,
	"drug_substance" text,
	"drug_class" "drug_class",
	"drug_quantity" double precision,
	"drug_unit" "drug_quantity_unit",
	"cash_pounds" integer,
	"knives" integer,
	"firearms" integer,
	"other_weapons" integer,
	"action" "environmental_action",
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "taskforce_activity_place_check" CHECK ("hotspot_id" is not null or "location" is not null),
	CONSTRAINT "taskforce_activity_patrol_check" CHECK (("kind" = 'patrol') = ("patrol_style" is not null and "ended_at" is not null and "officers" is not null)
		and ("kind" = 'patrol' or ("patrol_style" is null and "ended_at" is null and "officers" is null))
		and ("ended_at" is null or "ended_at" > "occurred_at") and ("officers" is null or "officers" > 0)),
	CONSTRAINT "taskforce_activity_arrest_check" CHECK (("kind" = 'arrest') = ("offence" is not null and "arrest_count" is not null)
		and ("kind" = 'arrest' or ("offence" is null and "arrest_count" is null))
		and ("arrest_count" is null or "arrest_count" > 0)),
	CONSTRAINT "taskforce_activity_search_check" CHECK (("kind" in ('search', 'warrant')) = ("area" is not null)
		and ("found" is null or "kind" in ('search', 'warrant'))),
	CONSTRAINT "taskforce_activity_seizure_check" CHECK (("kind" = 'seizure' or ("drug_substance" is null and "drug_class" is null and "drug_quantity" is null
			and "drug_unit" is null and "cash_pounds" is null and "knives" is null and "firearms" is null and "other_weapons" is null))
		and (("drug_substance" is null) = ("drug_class" is null) and ("drug_class" is null) = ("drug_quantity" is null)
			and ("drug_quantity" is null) = ("drug_unit" is null))
		and ("kind" <> 'seizure' or "drug_substance" is not null or "cash_pounds" is not null
			or coalesce("knives", 0) + coalesce("firearms", 0) + coalesce("other_weapons", 0) > 0)
		and ("drug_quantity" is null or "drug_quantity" > 0) and ("cash_pounds" is null or "cash_pounds" > 0)
		and coalesce("knives", 0) >= 0 and coalesce("firearms", 0) >= 0 and coalesce("other_weapons", 0) >= 0),
	CONSTRAINT "taskforce_activity_environmental_check" CHECK (("kind" = 'environmental_action') = ("action" is not null)
		and ("note" is null or "kind" = 'environmental_action'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "taskforce_activity_client_key_key" ON "taskforce_activity" USING btree ("client_key");--> statement-breakpoint
CREATE INDEX "taskforce_activity_organisation_idx" ON "taskforce_activity" USING btree ("organisation_id","occurred_at");--> statement-breakpoint
CREATE INDEX "taskforce_activity_hotspot_idx" ON "taskforce_activity" USING btree ("hotspot_id","occurred_at");
