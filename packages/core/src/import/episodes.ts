import { randomUUID } from "node:crypto";
import { copyFrom, episodes } from "@pathways/db";
import { DischargeInput, StartEpisodeInput } from "@pathways/validators";
import { type DischargeReason, type SubstanceGroup, treatmentServiceCodes } from "@pathways/validators/codes";
import { localDay } from "../calendar.ts";
import { occasionalUserMessage, occasionalUserRefusal } from "../rules/discharge.ts";
import type { ContactRow } from "./contacts.ts";
import type { PersonIdOf } from "./people.ts";
import type { ReferralRow } from "./referrals.ts";
import { cell, type ImportRun, key, type RefIndex, unresolved } from "./run.ts";

type EpisodeRow = typeof episodes.$inferInsert & { id: string };

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

/** episodes.csv: each episode as startEpisode and discharge would check it, from its referral. */
export async function importEpisodes(
  run: ImportRun,
  personId: PersonIdOf,
  contactRows: ContactRow[],
  referralRefs: RefIndex<ReferralRow & { line: number }>,
) {
  const { tx, problems, refs, rowsOf, progress, writing, audited, lookup } = run;
  // The first day crack was recorded on a contact with each person: a crack user from then on.
  const firstCrackDay = new Map<string, string>();
  for (const contact of contactRows) {
    if (!contact.personId || !contact.substances?.includes("crack")) continue;
    const day = localDay(contact.occurredAt as Date);
    const known = firstCrackDay.get(contact.personId);
    if (!known || day < known) firstCrackDay.set(contact.personId, day);
  }
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
          problems.add("episodes", record.line, "discharged_on", "discharged_on cannot be before started_on");
        }
        const firstCrack = person ? firstCrackDay.get(person) : undefined;
        const refusal =
          discharge &&
          occasionalUserRefusal(discharge.reason, {
            substanceGroup: group,
            crackUseRecorded: firstCrack !== undefined && firstCrack <= discharge.dischargedOn,
          });
        if (refusal) {
          problems.add(
            "episodes",
            record.line,
            "discharge_reason",
            occasionalUserMessage(refusal, "contacts"),
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
  return { rows: episodeRows };
}
