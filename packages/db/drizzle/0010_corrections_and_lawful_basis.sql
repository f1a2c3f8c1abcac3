-- Safeguarding referrals without consent to share (DOMAIN.md "Sharing without consent"): the lawful
-- basis, why, and whether the person was told.
CREATE TYPE "public"."lawful_basis" AS ENUM('child_at_risk_of_significant_harm', 'adult_at_risk', 'prevention_of_serious_crime');--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "lawful_basis" "lawful_basis";--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "lawful_basis_reason" text;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "person_informed" boolean;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "not_informed_reason" text;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_lawful_basis_check" CHECK ("referrals"."lawful_basis" is null or ("referrals"."lawful_basis_reason" is not null and "referrals"."person_informed" is not null and ("referrals"."person_informed" or "referrals"."not_informed_reason" is not null)));--> statement-breakpoint
CREATE INDEX "referrals_without_consent_idx" ON "referrals" USING btree ("requested_at") WHERE "referrals"."lawful_basis" is not null;
--> statement-breakpoint
-- Corrections of a person's details (DOMAIN.md "Corrections"): old -> new, who, when, why.
CREATE TABLE "person_corrections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"person_id" uuid NOT NULL,
	"field" text NOT NULL,
	"old_value" text,
	"new_value" text,
	"reason" text NOT NULL,
	"corrected_by_user_id" uuid,
	"corrected_at" timestamp with time zone NOT NULL
);--> statement-breakpoint
ALTER TABLE "person_corrections" ADD CONSTRAINT "person_corrections_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_corrections" ADD CONSTRAINT "person_corrections_corrected_by_user_id_users_id_fk" FOREIGN KEY ("corrected_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "person_corrections_person_idx" ON "person_corrections" USING btree ("person_id","corrected_at");
