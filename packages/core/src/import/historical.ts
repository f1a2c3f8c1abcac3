import { randomUUID } from "node:crypto";
import {
  auditEvents,
  contactInterventions,
  contacts,
  copyFrom,
  copyInto,
  type Executor,
  episodes,
  hotspots as hotspotTable,
  keyworkers,
  needleFinds,
  organisations,
  people,
  queryRows,
  referralEvents,
  referrals,
  services,
  sql,
  users,
} from "@pathways/db";
import {
  attributorOf,
  ContactInput,
  DischargeInput,
  type ImportFile,
  type ImportInput,
  type ImportProblem,
  type ImportRecord,
  importColumns,
  importFiles,
  MoveReferralInput,
  NeedleFindInput,
  PersonInput,
  ReferralInput,
  StartEpisodeInput,
} from "@pathways/validators";
import {
  type DischargeReason,
  type ReferralStatus,
  type SubstanceGroup,
  treatmentServiceCodes,
} from "@pathways/validators/codes";
import type { z } from "zod";
import { auditEventRows } from "../audit.ts";
import { localDay } from "../calendar.ts";
import type { Ctx } from "../context.ts";
import { ValidationError } from "../errors.ts";
import { representationDays } from "../reports/common.ts";
import { requireRoleOrSystem } from "../rights.ts";
import { parseMoment } from "./london-time.ts";

/** The import found bad values; nothing was written. `problems` says where each one is. */
export class ImportRejected extends ValidationError {
  constructor(readonly problems: ImportProblem[]) {
    super(
      `The import was refused: ${problems.length} problem${problems.length === 1 ? "" : "s"} found. Nothing was written.`,
    );
  }
}

export interface ImportProgress {
  file: ImportFile;
  stage: "checked" | "written";
  done: number;
  total: number;
}

export type ImportCounts = Record<ImportFile, number>;

/** Ids per update statement. */
const batchSize = 500;
/** Stands in for a reference that did not resolve, so the rest of the row is still checked. */
const unresolved = "00000000-0000-4000-8000-000000000000";

function fileName(file: ImportFile) {
  return `${file}.csv`;
}

/** A cell as given, or undefined when empty: an empty cell means "not given". */
function cell(record: ImportRecord, column: string): string | undefined {
  const value = record.values[column]?.trim();
  return value ? value : undefined;
}

function listCell(record: ImportRecord, column: string): string[] {
  return (cell(record, column) ?? "")
    .split(";")
    .map((item) => item.trim())
    .filter(Boolean);
}

/** Lower-cased and trimmed, for matching names people typed in a spreadsheet. */
const key = (name: string) => name.trim().toLowerCase();

class Problems {
  readonly list: ImportProblem[] = [];
  add(file: ImportFile, line: number, column: string | null, message: string) {
    this.list.push({ file: fileName(file), line, column, message });
  }
  /** Adds a zod failure, naming the CSV column each schema field came from. */
  addZod(file: ImportFile, record: ImportRecord, error: z.ZodError, columnOf: Record<string, string>) {
    for (const issue of error.issues) {
      const field = String(issue.path[0] ?? "");
      const column = columnOf[field] ?? null;
      this.add(file, record.line, column, issue.message);
    }
  }
}

interface ReferenceData {
  hotspots: Map<string, string>;
  organisations: Map<string, { id: string; kind: string; name: string }>;
  services: Map<string, { id: string; code: string; organisationId: string }>;
  users: Map<string, { id: string; organisationId: string; disabled: boolean }>;
  keyworkers: Map<string, string>;
}

async function referenceData(db: Executor): Promise<ReferenceData> {
  const [hotspotRows, organisationRows, serviceRows, userRows, keyworkerRows] = await Promise.all([
    db.select({ id: hotspotTable.id, name: hotspotTable.name }).from(hotspotTable),
    db
      .select({ id: organisations.id, name: organisations.name, kind: organisations.kind })
      .from(organisations),
    db
      .select({ id: services.id, code: services.code, organisationId: services.organisationId })
      .from(services),
    db
      .select({
        id: users.id,
        email: users.email,
        organisationId: users.organisationId,
        disabledAt: users.disabledAt,
      })
      .from(users),
    db
      .select({ id: keyworkers.id, name: keyworkers.name, organisationId: keyworkers.organisationId })
      .from(keyworkers),
  ]);
  return {
    hotspots: new Map(hotspotRows.map((h) => [key(h.name), h.id])),
    organisations: new Map(organisationRows.map((o) => [key(o.name), o])),
    services: new Map(serviceRows.map((s) => [`${s.organisationId}/${s.code}`, s])),
    users: new Map(
      userRows.map((u) => [
        key(u.email),
        { id: u.id, organisationId: u.organisationId, disabled: !!u.disabledAt },
      ]),
    ),
    keyworkers: new Map(keyworkerRows.map((k) => [`${k.organisationId}/${key(k.name)}`, k.id])),
  };
}

type PersonRow = typeof people.$inferInsert & { id: string };
type ContactRow = typeof contacts.$inferInsert & { id: string };
type InterventionRow = typeof contactInterventions.$inferInsert;
type ReferralRow = typeof referrals.$inferInsert & { id: string };
type ReferralEventRow = typeof referralEvents.$inferInsert;
type EpisodeRow = typeof episodes.$inferInsert & { id: string };
type NeedleFindRow = typeof needleFinds.$inferInsert;

// The columns each file's rows give (the others keep their defaults).
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
const referralColumns: (keyof ReferralRow)[] = [
  "id",
  "personId",
  "contactId",
  "referringUserId",
  "referringOrganisationId",
  "serviceId",
  "reason",
  "source",
  "status",
  "failureReason",
  "requestedAt",
  "statusChangedAt",
];
const episodeColumns: (keyof EpisodeRow)[] = [
  "id",
  "personId",
  "providerOrganisationId",
  "keyworkerId",
  "substanceGroup",
  "referralId",
  "startedOn",
  "dischargedOn",
  "dischargeReason",
  "ostAtExit",
];
const needleFindColumns: (keyof NeedleFindRow)[] = [
  "clientKey",
  "foundAt",
  "hotspotId",
  "location",
  "lat",
  "lng",
  "count",
  "collectedByUserId",
  "organisationId",
];

/**
 * Loads historical records (people, contacts, referrals, episodes, needle finds) from CSV rows, in one
 * transaction. Every row is checked with the same zod schemas the app uses, and every reference
 * (hotspot, provider, service, worker, person, contact, referral) is resolved; one bad value anywhere
 * refuses the whole import with the file, line and column of each problem, and nothing is kept. Rows
 * are written with COPY as they pass, with an audit event per person-level record.
 */
export async function importHistoricalData({
  ctx,
  input,
  onProgress = () => {},
}: {
  ctx: Ctx;
  input: ImportInput;
  onProgress?: (progress: ImportProgress) => void;
}): Promise<ImportCounts> {
  requireRoleOrSystem(ctx.actor, ["admin"]);
  const problems = new Problems();
  const usable = checkHeaders(input, problems);
  const rowsOf = (file: ImportFile) => (usable.has(file) ? (input[file]?.records ?? []) : []);
  const progress = (file: ImportFile, stage: ImportProgress["stage"], done: number) =>
    onProgress({ file, stage, done, total: rowsOf(file).length });
  // Rows are written (COPY on the transaction's connection) while the next ones are checked. Once a
  // problem is found nothing more is written, and the refusal rolls back what was.
  const writing = () => problems.list.length === 0;

  return ctx.db.transaction(async (tx) => {
    const refs = await referenceData(tx);
    const importedBefore = {
      contacts: await importedRefs(tx, contacts, rowsOf("contacts"), "contact_ref"),
      needle_finds: await importedRefs(tx, needleFinds, rowsOf("needle_finds"), "find_ref"),
    };
    /** A contact or find imported before (same `*_ref`) is refused rather than written twice. */
    const refuseImportedBefore = (
      file: "contacts" | "needle_finds",
      record: ImportRecord,
      column: string,
    ) => {
      const ref = cell(record, column);
      if (ref && importedBefore[file].has(ref)) {
        problems.add(
          file,
          record.line,
          column,
          `${column} ${ref} was imported before; remove the row or change its ${column}`,
        );
      }
    };
    const audited = (entity: string, rows: { id: string; personId?: string | null }[]) =>
      copyInto(
        tx,
        auditEvents,
        auditEventRows(
          ctx,
          rows.map((row) => ({ action: "create", entity, entityId: row.id, personId: row.personId })),
        ),
      );

    const lookup = {
      worker(file: ImportFile, record: ImportRecord, column: string, required: boolean) {
        const email = cell(record, column);
        if (!email) {
          if (required) problems.add(file, record.line, column, `${column} is required`);
          return undefined;
        }
        const user = refs.users.get(key(email));
        if (!user) problems.add(file, record.line, column, `no Pathways user has the email ${email}`);
        return user;
      },
      hotspot(file: ImportFile, record: ImportRecord) {
        const name = cell(record, "hotspot");
        if (!name) return undefined;
        const id = refs.hotspots.get(key(name));
        if (!id) problems.add(file, record.line, "hotspot", `no hotspot is named "${name}"`);
        return id ?? unresolved;
      },
      organisation(file: ImportFile, record: ImportRecord, column: string) {
        const name = cell(record, column);
        if (!name) return undefined;
        const organisation = refs.organisations.get(key(name));
        if (!organisation) problems.add(file, record.line, column, `no organisation is named "${name}"`);
        return organisation;
      },
      moment(file: ImportFile, record: ImportRecord, column: string): Date | undefined {
        const text = cell(record, column);
        if (!text) return undefined;
        const moment = parseMoment(text);
        if (!moment) {
          problems.add(
            file,
            record.line,
            column,
            `${column} must be a date and time like 2025-03-14T21:30:00Z ("${text}")`,
          );
        }
        return moment ?? undefined;
      },
      number(file: ImportFile, record: ImportRecord, column: string): number | undefined {
        const text = cell(record, column);
        if (text === undefined) return undefined;
        const value = Number(text);
        if (!Number.isFinite(value)) {
          problems.add(file, record.line, column, `${column} must be a number ("${text}")`);
          return undefined;
        }
        return value;
      },
    };

    /** `*_ref` keys: unique within their file; refs to rows that had problems are not reported again. */
    const refIndex = <T>(file: ImportFile) => {
      const rows = new Map<string, { line: number; row: T | null }>();
      return {
        define(record: ImportRecord, column: string, row: T | null) {
          const ref = cell(record, column);
          if (!ref) return;
          const earlier = rows.get(ref);
          if (earlier) {
            problems.add(
              file,
              record.line,
              column,
              `${column} ${ref} is already used on line ${earlier.line}`,
            );
          } else rows.set(ref, { line: record.line, row });
        },
        resolve(fromFile: ImportFile, record: ImportRecord, column: string): T | null | undefined {
          const ref = cell(record, column);
          if (!ref) return undefined;
          const found = rows.get(ref);
          if (!found) {
            problems.add(fromFile, record.line, column, `${column} ${ref} is not in ${fileName(file)}`);
            return null;
          }
          return found.row;
        },
      };
    };

    // ---- people.csv ----------------------------------------------------------------------------
    const personRefs = refIndex<PersonRow>("people");
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
    const personId = (file: ImportFile, record: ImportRecord) => {
      const person = personRefs.resolve(file, record, "person_ref");
      return person === undefined ? undefined : (person?.id ?? unresolved);
    };
    const placeColumns = { hotspotId: "hotspot", location: "location", lat: "lat", lng: "lng" };

    // ---- contacts.csv --------------------------------------------------------------------------
    const contactRefs = refIndex<ContactRow>("contacts");
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

    // ---- referrals.csv -------------------------------------------------------------------------
    const referralRefs = refIndex<ReferralRow & { line: number }>("referrals");
    const referralRows: (ReferralRow & { line: number })[] = [];
    const referralEventRows: ReferralEventRow[] = [];
    function* checkReferrals() {
      for (const record of rowsOf("referrals")) {
        const before = problems.list.length;
        const id = randomUUID();
        const person = personId("referrals", record);
        const contact = contactRefs.resolve("referrals", record, "contact_ref");
        if (contact && person && contact.personId !== person) {
          problems.add(
            "referrals",
            record.line,
            "contact_ref",
            "the contact is with a different person than person_ref",
          );
        }
        const provider = lookup.organisation("referrals", record, "provider");
        const code = cell(record, "service");
        const service = provider && code ? refs.services.get(`${provider.id}/${code}`) : undefined;
        if (provider && code && !service) {
          problems.add("referrals", record.line, "service", `${provider.name} has no ${code} service`);
        }
        const referringOrganisation = lookup.organisation("referrals", record, "referring_organisation");
        const referrer = lookup.worker("referrals", record, "referring_user_email", false);
        if (referrer && referringOrganisation && referrer.organisationId !== referringOrganisation.id) {
          problems.add(
            "referrals",
            record.line,
            "referring_user_email",
            `this user is not in ${referringOrganisation.name}`,
          );
        }
        const parsed = ReferralInput.safeParse({
          personId: person,
          contactId: contact === undefined ? undefined : (contact?.id ?? unresolved),
          serviceId: service?.id ?? (code ? unresolved : undefined),
          reason: cell(record, "reason"),
          source: cell(record, "source"),
        });
        if (!parsed.success) {
          problems.addZod("referrals", record, parsed.error, {
            personId: "person_ref",
            contactId: "contact_ref",
            serviceId: "service",
            reason: "reason",
            source: "source",
          });
        }
        const status = MoveReferralInput.safeParse({
          referralId: id,
          to: cell(record, "status"),
          failureReason: cell(record, "failure_reason"),
        });
        if (!status.success) {
          problems.addZod("referrals", record, status.error, {
            to: "status",
            failureReason: "failure_reason",
          });
        }
        const requestedAt = lookup.moment("referrals", record, "requested_at");
        if (!requestedAt && !cell(record, "requested_at")) {
          problems.add("referrals", record.line, "requested_at", "requested_at is required");
        }
        const statusChangedAt = lookup.moment("referrals", record, "status_changed_at") ?? requestedAt;
        if (requestedAt && statusChangedAt && statusChangedAt < requestedAt) {
          problems.add(
            "referrals",
            record.line,
            "status_changed_at",
            "status_changed_at cannot be before requested_at",
          );
        }
        if (!referringOrganisation && !cell(record, "referring_organisation")) {
          problems.add(
            "referrals",
            record.line,
            "referring_organisation",
            "referring_organisation is required",
          );
        }
        let row: (ReferralRow & { line: number }) | null = null;
        if (
          parsed.success &&
          status.success &&
          service &&
          referringOrganisation &&
          requestedAt &&
          statusChangedAt &&
          problems.list.length === before
        ) {
          row = {
            id,
            line: record.line,
            personId: parsed.data.personId!,
            contactId: parsed.data.contactId ?? null,
            referringUserId: referrer?.id ?? null,
            referringOrganisationId: referringOrganisation.id,
            serviceId: service.id,
            reason: parsed.data.reason,
            source: parsed.data.source,
            status: status.data.to,
            failureReason: status.data.failureReason ?? null,
            requestedAt,
            statusChangedAt,
          };
          referralRows.push(row);
          referralEventRows.push({
            referralId: id,
            status: "requested",
            at: requestedAt,
            byUserId: referrer?.id ?? null,
          });
          if (row.status !== "requested") {
            referralEventRows.push({
              referralId: id,
              status: row.status as ReferralStatus,
              failureReason: row.failureReason,
              at: statusChangedAt,
              note: "Imported from historical records",
            });
          }
        }
        referralRefs.define(record, "referral_ref", row);
        if (row && writing()) {
          const { line: _line, ...referral } = row;
          yield referral;
        }
      }
      progress("referrals", "checked", rowsOf("referrals").length);
    }
    await copyFrom(tx, referrals, referralColumns, checkReferrals());
    if (writing() && referralRows.length > 0) {
      await copyInto(tx, referralEvents, referralEventRows);
      await audited("referral", referralRows);
      progress("referrals", "written", referralRows.length);
    }

    // ---- episodes.csv --------------------------------------------------------------------------
    const episodeRows: EpisodeRow[] = [];
    const episodeOfReferral = new Map<string, number>();
    function* checkEpisodes() {
      for (const record of rowsOf("episodes")) {
        const before = problems.list.length;
        const person = personId("episodes", record);
        const referral = referralRefs.resolve("episodes", record, "referral_ref");
        const provider = lookup.organisation("episodes", record, "provider");
        if (provider && provider.kind !== "treatment_provider") {
          problems.add("episodes", record.line, "provider", `${provider.name} is not a treatment provider`);
        }
        if (!provider && !cell(record, "provider"))
          problems.add("episodes", record.line, "provider", "provider is required");
        if (!person) problems.add("episodes", record.line, "person_ref", "person_ref is required");
        const keyworkerName = cell(record, "keyworker");
        const keyworkerId =
          provider && keyworkerName ? refs.keyworkers.get(`${provider.id}/${key(keyworkerName)}`) : undefined;
        if (provider && keyworkerName && !keyworkerId) {
          problems.add(
            "episodes",
            record.line,
            "keyworker",
            `${provider.name} has no keyworker named "${keyworkerName}"`,
          );
        }
        const startedOn = cell(record, "started_on");
        const started = StartEpisodeInput.safeParse(
          referral === undefined
            ? { personId: person, substanceGroup: cell(record, "substance_group"), startedOn }
            : {
                referralId: referral?.id ?? unresolved,
                substanceGroup: cell(record, "substance_group"),
                startedOn,
              },
        );
        if (!started.success) {
          problems.addZod("episodes", record, started.error, {
            referralId: "referral_ref",
            personId: "person_ref",
            substanceGroup: "substance_group",
            startedOn: "started_on",
          });
        }
        const ost = cell(record, "ost_at_exit")?.toLowerCase();
        const ostAtExit =
          ost === undefined
            ? undefined
            : ["yes", "true", "1", "y"].includes(ost)
              ? true
              : ["no", "false", "0", "n"].includes(ost)
                ? false
                : ost;
        const dischargedOn = cell(record, "discharged_on");
        const dischargeReason = cell(record, "discharge_reason");
        let discharge: { dischargedOn: string; reason: DischargeReason; ostAtExit?: boolean } | undefined;
        if (dischargedOn || dischargeReason || ostAtExit !== undefined) {
          const parsed = DischargeInput.safeParse({
            episodeId: randomUUID(),
            dischargedOn,
            reason: dischargeReason,
            ostAtExit,
          });
          if (parsed.success) discharge = parsed.data;
          else {
            problems.addZod("episodes", record, parsed.error, {
              dischargedOn: "discharged_on",
              reason: "discharge_reason",
              ostAtExit: "ost_at_exit",
            });
          }
        }
        if (started.success) {
          const group: SubstanceGroup = started.data.substanceGroup;
          if (discharge && discharge.dischargedOn < started.data.startedOn) {
            problems.add(
              "episodes",
              record.line,
              "discharged_on",
              "discharged_on cannot be before started_on",
            );
          }
          if (discharge?.reason === "completed_occasional_user" && group === "opiate") {
            problems.add(
              "episodes",
              record.line,
              "discharge_reason",
              "completed_occasional_user is not valid for opiate clients",
            );
          }
          if (discharge?.ostAtExit !== undefined && group !== "opiate") {
            problems.add("episodes", record.line, "ost_at_exit", "ost_at_exit is for opiate clients only");
          }
          if (referral) {
            if (referral.personId !== person) {
              problems.add(
                "episodes",
                record.line,
                "referral_ref",
                "the referral is for a different person than person_ref",
              );
            }
            const service = [...refs.services.values()].find((s) => s.id === referral.serviceId);
            if (!service || !(treatmentServiceCodes as readonly string[]).includes(service.code)) {
              problems.add(
                "episodes",
                record.line,
                "referral_ref",
                "an episode can only start from a referral to a treatment service",
              );
            } else if (provider && service.organisationId !== provider.id) {
              problems.add(
                "episodes",
                record.line,
                "referral_ref",
                `the referral is to another provider than ${provider.name}`,
              );
            }
            if (localDay(referral.requestedAt as Date) > started.data.startedOn) {
              problems.add(
                "episodes",
                record.line,
                "started_on",
                "an episode cannot start before its referral was requested",
              );
            }
            const earlier = episodeOfReferral.get(referral.id);
            if (earlier) {
              problems.add(
                "episodes",
                record.line,
                "referral_ref",
                `this referral already has an episode, on line ${earlier}`,
              );
            } else episodeOfReferral.set(referral.id, record.line);
          }
        }
        if (
          started.success &&
          !discharge &&
          (dischargedOn || dischargeReason) &&
          problems.list.length === before
        ) {
          problems.add(
            "episodes",
            record.line,
            dischargedOn ? "discharge_reason" : "discharged_on",
            "give both discharged_on and discharge_reason, or neither",
          );
        }
        if (started.success && provider && person && problems.list.length === before) {
          const row: EpisodeRow = {
            id: randomUUID(),
            personId: person,
            providerOrganisationId: provider.id,
            keyworkerId: keyworkerId ?? null,
            substanceGroup: started.data.substanceGroup,
            referralId: referral?.id ?? null,
            startedOn: started.data.startedOn,
            dischargedOn: discharge?.dischargedOn ?? null,
            dischargeReason: discharge?.reason ?? null,
            ostAtExit: discharge?.ostAtExit ?? null,
          };
          episodeRows.push(row);
          if (writing()) yield row;
        }
      }
      progress("episodes", "checked", rowsOf("episodes").length);
    }
    await copyFrom(tx, episodes, episodeColumns, checkEpisodes());
    if (writing() && episodeRows.length > 0) {
      await audited("episode", episodeRows);
      progress("episodes", "written", episodeRows.length);
    }

    // ---- needle_finds.csv ----------------------------------------------------------------------
    const needleRows: NeedleFindRow[] = [];
    const findRefs = refIndex<true>("needle_finds");
    function* checkNeedleFinds() {
      for (const record of rowsOf("needle_finds")) {
        const before = problems.list.length;
        const ref = cell(record, "find_ref");
        findRefs.define(record, "find_ref", true);
        const collector = lookup.worker("needle_finds", record, "collected_by_email", true);
        const parsed = NeedleFindInput.safeParse({
          clientKey: ref ? `import-${ref}` : randomUUID(),
          foundAt: lookup.moment("needle_finds", record, "found_at") ?? cell(record, "found_at"),
          hotspotId: lookup.hotspot("needle_finds", record),
          location: cell(record, "location"),
          lat: lookup.number("needle_finds", record, "lat"),
          lng: lookup.number("needle_finds", record, "lng"),
          count: lookup.number("needle_finds", record, "count") ?? cell(record, "count"),
        });
        if (!parsed.success) {
          problems.addZod("needle_finds", record, parsed.error, {
            clientKey: "find_ref",
            foundAt: "found_at",
            ...placeColumns,
            count: "count",
          });
        }
        refuseImportedBefore("needle_finds", record, "find_ref");
        if (parsed.success && collector && problems.list.length === before) {
          const find = parsed.data;
          const row: NeedleFindRow = {
            clientKey: find.clientKey,
            foundAt: find.foundAt,
            hotspotId: find.hotspotId ?? null,
            location: find.location ?? null,
            lat: find.lat ?? null,
            lng: find.lng ?? null,
            count: find.count,
            collectedByUserId: collector.id,
            organisationId: collector.organisationId,
          };
          needleRows.push(row);
          if (writing()) yield row;
        }
      }
      progress("needle_finds", "checked", rowsOf("needle_finds").length);
    }
    await copyFrom(tx, needleFinds, needleFindColumns, checkNeedleFinds());
    if (writing() && needleRows.length > 0) progress("needle_finds", "written", needleRows.length);

    if (problems.list.length > 0) {
      const order = (p: ImportProblem) => importFiles.indexOf(p.file.replace(".csv", "") as ImportFile);
      throw new ImportRejected(problems.list.sort((a, b) => order(a) - order(b) || a.line - b.line));
    }
    await markRepresentations(
      tx,
      episodeRows.map((e) => e.id),
      referralRows.map((r) => r.id),
    );
    return {
      people: personRows.length,
      contacts: contactRows.length,
      referrals: referralRows.length,
      episodes: episodeRows.length,
      needle_finds: needleRows.length,
    };
  });
}

/** Unknown columns are refused (a typo would silently drop data); required ones must be there. */
function checkHeaders(input: ImportInput, problems: Problems): Set<ImportFile> {
  const usable = new Set<ImportFile>();
  for (const file of importFiles) {
    const content = input[file];
    if (!content) continue;
    const known = importColumns[file].map((c) => c.name);
    const before = problems.list.length;
    for (const column of content.header) {
      if (!known.includes(column)) {
        problems.add(file, 1, column, `unknown column "${column}"; the columns are ${known.join(", ")}`);
      }
    }
    for (const column of importColumns[file].filter((c) => c.required)) {
      if (!content.header.includes(column.name))
        problems.add(file, 1, column.name, `the column ${column.name} is missing`);
    }
    if (problems.list.length === before) usable.add(file);
  }
  return usable;
}

/** The `*_ref`s among the records that an earlier import used already (as `import-<ref>` keys). */
async function importedRefs(
  db: Executor,
  table: typeof contacts | typeof needleFinds,
  records: ImportRecord[],
  column: string,
): Promise<Set<string>> {
  const refs = records.map((record) => cell(record, column)).filter((ref) => ref !== undefined);
  if (refs.length === 0) return new Set();
  // One statement for all of them, as one JSON parameter: a list of 50,000 parameters would take a
  // hundred statements and as many round trips.
  const found = await db
    .select({ clientKey: table.clientKey })
    .from(table)
    .where(
      sql`${table.clientKey} in (select 'import-' || json_array_elements_text(${JSON.stringify(refs)}::json))`,
    );
  return new Set(found.map((row) => row.clientKey.slice("import-".length)));
}

/**
 * Re-presentation flags for the imported rows (DOMAIN.md): an episode, or a referral to a treatment
 * service, within 182 days after a successful discharge of the same person, from any provider.
 */
async function markRepresentations(tx: Executor, episodeIds: string[], referralIds: string[]) {
  const days = sql.raw(String(representationDays));
  const successful = sql.raw(
    "d.discharge_reason in ('completed_drug_free', 'completed_alcohol_free', 'completed_occasional_user') " +
      "and not (d.substance_group = 'opiate' and coalesce(d.ost_at_exit, false))",
  );
  for (let i = 0; i < episodeIds.length; i += batchSize) {
    const ids = episodeIds.slice(i, i + batchSize);
    await queryRows(
      tx,
      sql`update episodes e set is_representation = true
        where e.id in (${sql.join(
          ids.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})
          and exists (select 1 from episodes d where d.person_id = e.person_id and ${successful}
            and e.started_on > d.discharged_on and e.started_on <= d.discharged_on + ${days})`,
    );
  }
  const requested = sql`(r.requested_at at time zone 'Europe/London')::date`;
  for (let i = 0; i < referralIds.length; i += batchSize) {
    const ids = referralIds.slice(i, i + batchSize);
    await queryRows(
      tx,
      sql`update referrals r set is_representation = true
        from services s
        where r.id in (${sql.join(
          ids.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})
          and s.id = r.service_id
          and s.code in (${sql.raw(treatmentServiceCodes.map((c) => `'${c}'`).join(", "))})
          and exists (select 1 from episodes d where d.person_id = r.person_id and ${successful}
            and ${requested} > d.discharged_on and ${requested} <= d.discharged_on + ${days})`,
    );
  }
}
