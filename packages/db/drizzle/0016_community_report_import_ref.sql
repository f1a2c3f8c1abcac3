ALTER TABLE "community_reports" ADD COLUMN "import_ref" text;--> statement-breakpoint
CREATE UNIQUE INDEX "community_reports_import_ref_key" ON "community_reports" USING btree ("import_ref") WHERE "community_reports"."import_ref" is not null;
