import { addDays, importHistoricalData, localDay } from "@pathways/core";
import { inArray, keyworkers, organisations } from "@pathways/db";
import type { ImportFileContent, ImportInput } from "@pathways/validators";
import type {
  ContactType,
  DischargeReason,
  ReferralStatus,
  SafeguardingConcern,
  ServiceCode,
  SubstanceGroup,
} from "@pathways/validators/codes";
import { makeRandom } from "./random.ts";
import { type DemoWorld, demoUsers } from "./world.ts";

/** A CSV row by column; an undefined cell is left empty. */
type Row = Record<string, string | number | undefined>;

function csv(header: string[], rows: Row[]): ImportFileContent {
  return {
    header,
    records: rows.map((row, index) => ({
      line: index + 2,
      values: Object.fromEntries(header.map((column) => [column, String(row[column] ?? "")])),
    })),
  };
}

/** History covers the two years before the demo year, so reports have last year to compare with. */
const firstDayAgo = 1095;
const lastDayAgo = 366;

const serviceFor: Record<SubstanceGroup, ServiceCode> = {
  opiate: "opiate_treatment",
  non_opiate: "non_opiate_treatment",
  non_opiate_and_alcohol: "non_opiate_treatment",
  alcohol: "alcohol_treatment",
};

/**
 * Two years of history before the demo year, loaded the way a service migrating from spreadsheets
 * would: through `pathways import`'s verb. Every episode and referral in it has ended, so caseloads and
 * waiting lists are untouched; the reports get a previous year to compare with, completions whose 182
 * days have passed, and figures large enough not to be hidden.
 */
export async function seedDemoHistory(world: DemoWorld) {
  const random = makeRandom(2016);
  const today = localDay(world.today);
  const day = (daysAgo: number) => addDays(today, -daysAgo);
  const at = (daysAgo: number, time: string) => `${day(daysAgo)} ${time}`;
  const names = await world.ctx.db
    .select({ id: organisations.id, name: organisations.name })
    .from(organisations)
    .where(inArray(organisations.id, Object.values(world.organisationIds)));
  const nameOf = (key: string) => names.find((o) => o.id === world.organisationIds[key])!.name;
  const provider = nameOf("provider");
  const taskforce = nameOf("taskforce");
  const [keyworker] = await world.ctx.db
    .select({ name: keyworkers.name })
    .from(keyworkers)
    .where(inArray(keyworkers.id, world.keyworkerIds));
  const outreach = demoUsers.find((user) => user.role === "outreach_worker")!.email;
  const hotspots = Object.keys(world.hotspotIds);

  const people: Row[] = [];
  const contacts: Row[] = [];
  const referrals: Row[] = [];
  const episodes: Row[] = [];
  const needleFinds: Row[] = [];
  const time = () =>
    `${String(random.between(9, 22)).padStart(2, "0")}:${random.pick(["00", "15", "30", "45"])}`;
  let referralNumber = 0;

  const refer = (
    personRef: string,
    service: ServiceCode,
    requestedAgo: number,
    status: ReferralStatus,
    contactRef?: string,
  ) => {
    referralNumber += 1;
    const ref = `HR${String(referralNumber).padStart(4, "0")}`;
    const failed = status !== "treatment_started" && status !== "accepted";
    referrals.push({
      referral_ref: ref,
      person_ref: personRef,
      contact_ref: contactRef,
      provider: service === "safeguarding_social_care" ? nameOf("socialCare") : provider,
      service,
      referring_organisation: taskforce,
      reason:
        service === "safeguarding_social_care" ? "Safeguarding concern raised on the street" : "Wants help",
      source: contactRef ? "outreach" : "self",
      status,
      failure_reason:
        status === "rejected" ? "not_eligible" : failed ? "unable_to_contact_client" : undefined,
      requested_at: at(requestedAgo, "11:00"),
      status_changed_at: at(Math.max(requestedAgo - random.between(1, 10), lastDayAgo), "15:00"),
    });
    return ref;
  };

  for (let index = 1; index <= 160; index++) {
    const ref = `HP${String(index).padStart(3, "0")}`;
    const group = random.pick<SubstanceGroup>([
      "opiate",
      "opiate",
      "opiate",
      "non_opiate",
      "alcohol",
      "non_opiate_and_alcohol",
    ]);
    const year = random.between(1966, 2003);
    people.push({
      person_ref: ref,
      first_initial: random.pick([..."ABCDEFGHJKLMNPRSTW"]),
      surname_initial: random.pick([..."ABCDEFGHJKLMNOPRSTW"]),
      date_of_birth: `${year}-${String(random.between(1, 12)).padStart(2, "0")}-${String(random.between(1, 28)).padStart(2, "0")}`,
      sex: random.pick(["male", "male", "male", "female", "female", "unknown"]),
    });
    // Met at a usual hotspot a few times over a stretch of the two years.
    const home = random.pick(hotspots);
    const firstSeen = random.between(lastDayAgo + 200, firstDayAgo);
    const visits = random.between(1, 9);
    const contactDays: { ref: string; ago: number }[] = [];
    for (let visit = 0; visit < visits; visit++) {
      const ago = Math.max(firstSeen - visit * random.between(5, 40), lastDayAgo + 1);
      const contactRef = `HC${ref}-${visit}`;
      const type: ContactType =
        group === "opiate" && random.chance(0.3) ? "needle_exchange" : "street_outreach";
      const concern: SafeguardingConcern | undefined = random.chance(0.06)
        ? random.pick(["cuckooing", "county_lines", "adult_exploitation", "self_neglect"])
        : undefined;
      contacts.push({
        contact_ref: contactRef,
        occurred_at: at(ago, time()),
        hotspot: random.chance(0.9) ? home : random.pick(hotspots),
        worker_email: outreach,
        person_ref: ref,
        contact_type: type,
        substances:
          group === "alcohol"
            ? "alcohol"
            : group === "opiate"
              ? "heroin"
              : random.pick(["crack", "cocaine", "spice"]),
        interventions:
          type === "needle_exchange"
            ? `needles_supplied:${random.between(5, 30)};harm_reduction_advice`
            : "harm_reduction_advice",
        safeguarding_concerns: concern,
      });
      contactDays.push({ ref: contactRef, ago });
      if (concern && random.chance(0.5)) {
        refer(
          ref,
          "safeguarding_social_care",
          ago - 1,
          random.pick(["accepted", "treatment_started", "rejected"]),
          contactRef,
        );
      }
    }
    // Nearly half are referred to treatment within a few weeks of a contact.
    if (!random.chance(0.45)) continue;
    const from = random.pick(contactDays);
    const requestedAgo = Math.max(from.ago - random.between(0, 30), lastDayAgo + 120);
    const started = random.chance(0.85);
    const referralRef = refer(
      ref,
      serviceFor[group],
      requestedAgo,
      started ? "treatment_started" : random.pick(["rejected", "declined_by_client", "unable_to_contact"]),
      from.ref,
    );
    if (!started) continue;
    // Most start within three weeks; some wait longer.
    const startedAgo = Math.max(
      requestedAgo - (random.chance(0.8) ? random.between(0, 21) : random.between(22, 45)),
      lastDayAgo + 60,
    );
    const dischargedAgo = Math.max(startedAgo - random.between(60, 320), lastDayAgo);
    const outcome = random.between(1, 100);
    const reason: DischargeReason =
      outcome <= 45
        ? group === "alcohol"
          ? "completed_alcohol_free"
          : "completed_drug_free"
        : outcome <= 75
          ? "incomplete_dropped_out"
          : outcome <= 85
            ? "transferred_not_in_custody"
            : random.pick([
                "incomplete_withdrawn_by_provider",
                "incomplete_retained_in_custody",
                "incomplete_declined_commencement",
              ]);
    episodes.push({
      person_ref: ref,
      provider,
      keyworker: keyworker?.name,
      substance_group: group,
      referral_ref: referralRef,
      started_on: day(startedAgo),
      discharged_on: day(dischargedAgo),
      discharge_reason: reason,
      ost_at_exit:
        group === "opiate"
          ? reason === "completed_drug_free"
            ? random.chance(0.1)
              ? "yes"
              : "no"
            : "yes"
          : undefined,
    });
    // Some come back within 182 days of completing: a re-presentation.
    const representAgo = dischargedAgo - random.between(30, 170);
    if (reason.startsWith("completed") && random.chance(0.2) && representAgo > lastDayAgo + 30) {
      const again = refer(ref, serviceFor[group], representAgo, "treatment_started");
      episodes.push({
        person_ref: ref,
        provider,
        substance_group: group,
        referral_ref: again,
        started_on: day(representAgo - 7),
        discharged_on: day(Math.max(representAgo - 7 - random.between(30, 120), lastDayAgo)),
        discharge_reason: "incomplete_dropped_out",
        ost_at_exit: group === "opiate" ? "yes" : undefined,
      });
    }
  }
  // Anonymous contacts, and the council's needle sweeps: a few finds at each hotspot every month.
  for (let index = 0; index < 300; index++) {
    contacts.push({
      occurred_at: at(random.between(lastDayAgo + 1, firstDayAgo), time()),
      hotspot: random.pick(hotspots),
      worker_email: outreach,
      contact_type: random.pick(["street_outreach", "patrol_encounter", "welfare_check"]),
      interventions: "harm_reduction_advice",
    });
  }
  for (const hotspot of hotspots) {
    for (let ago = lastDayAgo + 5; ago <= firstDayAgo; ago += random.between(11, 19)) {
      needleFinds.push({
        found_at: at(ago, "08:30"),
        hotspot,
        count: random.between(1, 11),
        collected_by_email: outreach,
      });
    }
  }

  const columns = (rows: Row[]) => [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const input: ImportInput = {
    people: csv(columns(people), people),
    contacts: csv(columns(contacts), contacts),
    referrals: csv(columns(referrals), referrals),
    episodes: csv(columns(episodes), episodes),
    needle_finds: csv(columns(needleFinds), needleFinds),
  };
  await importHistoricalData({ ctx: world.ctx, input });
}
