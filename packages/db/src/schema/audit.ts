import { bigint, index, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

export const actorKind = pgEnum("actor_kind", ["user", "system", "public"]);

/** Who read or wrote which person-level record, when. Append-only: a trigger refuses updates and deletes. */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    actorKind: actorKind().notNull(),
    actorUserId: uuid(),
    actorName: text().notNull(),
    organisationId: uuid(),
    action: text().notNull(),
    entity: text().notNull(),
    entityId: text().notNull(),
    personId: uuid(),
    requestId: text(),
  },
  (t) => [
    index("audit_events_at_idx").on(t.at),
    index("audit_events_person_idx").on(t.personId, t.at),
    index("audit_events_actor_idx").on(t.actorUserId, t.at),
  ],
);
