CREATE TYPE "public"."area_kind" AS ENUM('city', 'county', 'ward');--> statement-breakpoint
CREATE TYPE "public"."population_age_band" AS ENUM('all', '0-4', '5-9', '10-14', '15-19', '20-24', '25-29', '30-34', '35-39', '40-44', '45-49', '50-54', '55-59', '60-64', '65-69', '70-74', '75-79', '80-84', '85-89', '90+');--> statement-breakpoint
CREATE TABLE "areas" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"kind" "area_kind" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "areas_name_key" ON "areas" USING btree (lower("name"));--> statement-breakpoint
CREATE TABLE "area_populations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"area_id" uuid NOT NULL REFERENCES "areas"("id"),
	"year" integer NOT NULL,
	"age_band" "population_age_band" NOT NULL,
	"population" integer NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "area_populations_year_check" CHECK ("year" between 1900 and 2200),
	CONSTRAINT "area_populations_population_check" CHECK ("population" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX "area_populations_key" ON "area_populations" USING btree ("area_id","year","age_band");--> statement-breakpoint
CREATE TABLE "drug_related_deaths" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"died_on" date NOT NULL,
	"area_id" uuid NOT NULL REFERENCES "areas"("id"),
	"substance_group" "substance_group" NOT NULL,
	"known_to_treatment" boolean NOT NULL,
	"age_at_death" integer,
	"person_id" uuid REFERENCES "people"("id"),
	"source_reference" text,
	"recorded_by_user_id" uuid REFERENCES "users"("id"),
	"organisation_id" uuid REFERENCES "organisations"("id"),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "drug_related_deaths_age_check" CHECK ("age_at_death" is null or "age_at_death" between 0 and 130)
);
--> statement-breakpoint
CREATE UNIQUE INDEX "drug_related_deaths_source_reference_key" ON "drug_related_deaths" USING btree ("source_reference");--> statement-breakpoint
CREATE INDEX "drug_related_deaths_area_idx" ON "drug_related_deaths" USING btree ("area_id","died_on");--> statement-breakpoint
CREATE INDEX "drug_related_deaths_person_idx" ON "drug_related_deaths" USING btree ("person_id");--> statement-breakpoint
CREATE TABLE "drug_related_death_corrections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"death_id" uuid NOT NULL REFERENCES "drug_related_deaths"("id"),
	"field" text NOT NULL,
	"old_value" text,
	"new_value" text,
	"reason" text NOT NULL,
	"corrected_by_user_id" uuid REFERENCES "users"("id"),
	"corrected_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "drug_related_death_corrections_death_idx" ON "drug_related_death_corrections" USING btree ("death_id","corrected_at");
