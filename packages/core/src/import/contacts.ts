import { randomUUID } from "node:crypto";
import { contactInterventions, contacts, copyFrom, copyInto } from "@pathways/db";
import { ContactInput } from "@pathways/validators";
import type { PersonIdOf } from "./people.ts";
import { cell, type ImportRun, listCell, placeColumns, refIndex } from "./run.ts";

export type ContactRow = typeof contacts.$inferInsert & { id: string };
type InterventionRow = typeof contactInterventions.$inferInsert;

const contactColumns: (keyof ContactRow)[] = [
  "id",
  "clientKey",
  "occurredAt",
  "hotspotId",
  "location",
  "lat",
  "lng",
  "workerId",
  "organisationId",
  "personId",
  "contactType",
  "substances",
  "safeguardingConcerns",
  "notes",
];

/** contacts.csv: each contact as logContact would check it, with its worker, hotspot and person. */
export async function importContacts(run: ImportRun, personId: PersonIdOf) {
  const { tx, problems, rowsOf, progress, writing, refuseImportedBefore, audited, lookup } = run;
  const contactRefs = refIndex<ContactRow>(problems, "contacts");
  const contactRows: ContactRow[] = [];
  const interventionRows: InterventionRow[] = [];
  function* checkContacts() {
    for (const record of rowsOf("contacts")) {
      const before = problems.list.length;
      const ref = cell(record, "contact_ref");
      const worker = lookup.worker("contacts", record, "worker_email", true);
      const interventions = listCell(record, "interventions").map((item) => {
        const [intervention, quantity] = item.split(":").map((part) => part.trim());
        return { intervention, quantity: quantity === undefined ? undefined : Number(quantity) };
      });
      const parsed = ContactInput.safeParse({
        clientKey: ref ? `import-${ref}` : randomUUID(),
        occurredAt: lookup.moment("contacts", record, "occurred_at") ?? cell(record, "occurred_at"),
        hotspotId: lookup.hotspot("contacts", record),
        location: cell(record, "location"),
        lat: lookup.number("contacts", record, "lat"),
        lng: lookup.number("contacts", record, "lng"),
        contactType: cell(record, "contact_type"),
        substances: listCell(record, "substances"),
        interventions,
        safeguardingConcerns: listCell(record, "safeguarding_concerns"),
        notes: cell(record, "notes"),
        personId: personId("contacts", record),
      });
      if (!parsed.success) {
        problems.addZod("contacts", record, parsed.error, {
          clientKey: "contact_ref",
          occurredAt: "occurred_at",
          ...placeColumns,
          contactType: "contact_type",
          substances: "substances",
          interventions: "interventions",
          safeguardingConcerns: "safeguarding_concerns",
          notes: "notes",
          personId: "person_ref",
        });
      }
      refuseImportedBefore("contacts", record, "contact_ref");
      let row: ContactRow | null = null;
      if (parsed.success && worker && problems.list.length === before) {
        const contact = parsed.data;
        row = {
          id: randomUUID(),
          clientKey: contact.clientKey,
          occurredAt: contact.occurredAt,
          hotspotId: contact.hotspotId ?? null,
          location: contact.location ?? null,
          lat: contact.lat ?? null,
          lng: contact.lng ?? null,
          workerId: worker.id,
          organisationId: worker.organisationId,
          personId: contact.personId ?? null,
          contactType: contact.contactType,
          substances: contact.substances,
          safeguardingConcerns: contact.safeguardingConcerns,
          notes: contact.notes ?? null,
        };
        contactRows.push(row);
        for (const item of contact.interventions) {
          interventionRows.push({
            contactId: row.id,
            intervention: item.intervention,
            quantity: item.quantity ?? null,
          });
        }
      }
      contactRefs.define(record, "contact_ref", row);
      if (row && writing()) yield row;
    }
    progress("contacts", "checked", rowsOf("contacts").length);
  }
  await copyFrom(tx, contacts, contactColumns, checkContacts());
  if (writing() && contactRows.length > 0) {
    await copyInto(tx, contactInterventions, interventionRows);
    await audited("contact", contactRows);
    progress("contacts", "written", contactRows.length);
  }
  return { rows: contactRows, refs: contactRefs };
}
