import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./identity.ts";
import { people } from "./outreach.ts";

/**
 * A correction of one detail of a person (DOMAIN.md, "Corrections"): the old and new value, who,
 * when and why. The attributor, which follows the corrected details, is kept as a row of its own.
 */
export const personCorrections = pgTable(
  "person_corrections",
  {
    id: uuid().primaryKey().defaultRandom(),
    personId: uuid()
      .notNull()
      .references(() => people.id),
    field: text().notNull(),
    oldValue: text(),
    newValue: text(),
    reason: text().notNull(),
    correctedByUserId: uuid().references(() => users.id),
    correctedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index("person_corrections_person_idx").on(t.personId, t.correctedAt)],
);
