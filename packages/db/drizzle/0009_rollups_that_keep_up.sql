-- Rollups that keep up (issue 16). Each queued change records when it was queued, so a report that
-- answers from rollups with changes still queued can say how fresh its figures are ("figures as of"
-- the oldest change not yet folded); and a person's queue rows are found by person, so a fold takes
-- every queued row of the people it recomputes at once and recomputes each of them once.
ALTER TABLE "report_person_queue" ADD COLUMN "queued_at" timestamptz DEFAULT now() NOT NULL;
--> statement-breakpoint
ALTER TABLE "report_day_deltas" ADD COLUMN "queued_at" timestamptz DEFAULT now() NOT NULL;
--> statement-breakpoint
CREATE INDEX "report_person_queue_person_idx" ON "report_person_queue" ("person_id") WHERE "person_id" IS NOT NULL;
