import { randomUUID } from "node:crypto";
import { copyFrom, people } from "@pathways/db";
import { attributorOf, type ImportFile, type ImportRecord, PersonInput } from "@pathways/validators";
import { cell, type ImportRun, refIndex, unresolved } from "./run.ts";

/** A person's id from a row's person_ref; undefined when the row names none. */
export type PersonIdOf = (file: ImportFile, record: ImportRecord) => string | undefined;

type PersonRow = typeof people.$inferInsert & { id: string };

const personColumns: (keyof PersonRow)[] = [
  "id",
  "attributor",
  "firstInitial",
  "surnameInitial",
  "dateOfBirth",
  "sex",
  "alias",
  "partialPostcode",
  "fullName",
];

/** people.csv: each person checked with the app's schema; later files name them by person_ref. */
export async function importPeople(run: ImportRun) {
  const { tx, problems, rowsOf, progress, writing, audited } = run;
  const personRefs = refIndex<PersonRow>(problems, "people");
  const personRows: PersonRow[] = [];
  function* checkPeople() {
    for (const record of rowsOf("people")) {
      const parsed = PersonInput.safeParse({
        firstInitial: cell(record, "first_initial"),
        surnameInitial: cell(record, "surname_initial"),
        dateOfBirth: cell(record, "date_of_birth"),
        sex: cell(record, "sex"),
        alias: cell(record, "alias"),
        partialPostcode: cell(record, "partial_postcode"),
        fullName: cell(record, "full_name"),
      });
      let row: PersonRow | null = null;
      if (parsed.success) {
        const person = parsed.data;
        row = {
          id: randomUUID(),
          attributor: attributorOf(person),
          firstInitial: person.firstInitial,
          surnameInitial: person.surnameInitial,
          dateOfBirth: person.dateOfBirth,
          sex: person.sex,
          alias: person.alias ?? null,
          partialPostcode: person.partialPostcode ?? null,
          fullName: person.fullName ?? null,
        };
        personRows.push(row);
      } else {
        problems.addZod("people", record, parsed.error, {
          firstInitial: "first_initial",
          surnameInitial: "surname_initial",
          dateOfBirth: "date_of_birth",
          sex: "sex",
          alias: "alias",
          partialPostcode: "partial_postcode",
          fullName: "full_name",
        });
      }
      personRefs.define(record, "person_ref", row);
      if (row && writing()) yield row;
    }
    progress("people", "checked", rowsOf("people").length);
  }
  await copyFrom(tx, people, personColumns, checkPeople());
  if (writing() && personRows.length > 0) {
    await audited(
      "person",
      personRows.map((person) => ({ id: person.id, personId: person.id })),
    );
    progress("people", "written", personRows.length);
  }

  // A person_ref naming a row with problems resolves to null: that row's problems are reported already.
  const personId: PersonIdOf = (file, record) => {
    const person = personRefs.resolve(file, record, "person_ref");
    return person === undefined ? undefined : (person?.id ?? unresolved);
  };
  return { rows: personRows, personId };
}
