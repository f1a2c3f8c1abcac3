ALTER TABLE "hotspots" ADD COLUMN "radius_m" integer DEFAULT 150 NOT NULL;--> statement-breakpoint
ALTER TABLE "hotspots" ADD COLUMN "polygon" jsonb;--> statement-breakpoint
ALTER TABLE "hotspots" ADD CONSTRAINT "hotspots_radius_check" CHECK ("radius_m" between 10 and 5000);--> statement-breakpoint
ALTER TABLE "hotspots" ADD CONSTRAINT "hotspots_polygon_check" CHECK ("polygon" is null or (jsonb_typeof("polygon") = 'array'
	and jsonb_array_length("polygon") between 4 and 500 and "polygon" -> 0 = "polygon" -> -1));--> statement-breakpoint
CREATE TYPE "public"."incident_category" AS ENUM('overdose', 'drug_related_callout', 'drug_offence', 'drug_trafficking', 'weapons', 'antisocial_behaviour');--> statement-breakpoint
CREATE TYPE "public"."incident_source" AS ENUM('ambulance', 'police');--> statement-breakpoint
CREATE TABLE "incidents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"category" "incident_category" NOT NULL,
	"source" "incident_source" NOT NULL,
	"source_reference" text NOT NULL,
	"lat" double precision,
	"lng" double precision,
	"area_name" text,
	"hotspot_id" uuid REFERENCES "hotspots"("id"),
	"imported_by_user_id" uuid REFERENCES "users"("id"),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "incidents_place_check" CHECK (("lat" is null) = ("lng" is null) and ("lat" is not null or "area_name" is not null)),
	CONSTRAINT "incidents_source_category_check" CHECK (("source" = 'ambulance') = ("category" in ('overdose', 'drug_related_callout')))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "incidents_source_reference_key" ON "incidents" USING btree ("source","source_reference");--> statement-breakpoint
CREATE INDEX "incidents_occurred_at_idx" ON "incidents" USING btree ("occurred_at");--> statement-breakpoint
CREATE INDEX "incidents_hotspot_idx" ON "incidents" USING btree ("hotspot_id","occurred_at");
