ALTER TABLE "areas" ADD COLUMN "within_area_id" uuid;--> statement-breakpoint
ALTER TABLE "episodes" ADD COLUMN "residence_area_id" uuid;--> statement-breakpoint
ALTER TABLE "areas" ADD CONSTRAINT "areas_within_area_id_areas_id_fk" FOREIGN KEY ("within_area_id") REFERENCES "public"."areas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "episodes" ADD CONSTRAINT "episodes_residence_area_id_areas_id_fk" FOREIGN KEY ("residence_area_id") REFERENCES "public"."areas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "episodes_residence_area_idx" ON "episodes" USING btree ("residence_area_id");--> statement-breakpoint
ALTER TABLE "areas" ADD CONSTRAINT "areas_within_other_check" CHECK ("areas"."within_area_id" is null or "areas"."within_area_id" <> "areas"."id");
