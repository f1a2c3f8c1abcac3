import {
  type Ctx,
  createPerson,
  logContact,
  logNeedleFind,
  mergePeople,
  recordConsent,
  resolveSafeguardingFlag,
} from "@pathways/core";
import { safeguardingFlags } from "@pathways/db";
import type { ContactInput, PersonInput } from "@pathways/validators";
import type {
  ContactType,
  InterventionKind,
  SafeguardingConcern,
  Sex,
  Substance,
} from "@pathways/validators/codes";
import { makeRandom } from "./random.ts";
import type { DemoWorld } from "./world.ts";

interface DemoPerson {
  person: PersonInput;
  /** Where they are usually met. */
  hotspot: string;
  substances: Substance[];
  /** Contacts over the year. */
  visits: number;
  concern?: SafeguardingConcern;
  consent?: "given" | "refused";
}

function demoPerson(
  initials: string,
  dateOfBirth: string,
  sex: Sex,
  alias: string,
  partialPostcode: string,
  hotspot: string,
  substances: Substance[],
  visits: number,
  concern?: SafeguardingConcern,
  consent?: "given" | "refused",
): DemoPerson {
  return {
    person: {
      firstInitial: initials[0]!,
      surnameInitial: initials[1]!,
      dateOfBirth,
      sex,
      alias,
      partialPostcode,
    },
    hotspot,
    substances,
    visits,
    concern,
    consent,
  };
}

const people: DemoPerson[] = [
  demoPerson(
    "JS",
    "1988-03-14",
    "male",
    "Spider",
    "OX4 1",
    "South Park",
    ["heroin", "crack"],
    18,
    "cuckooing",
    "given",
  ),
  demoPerson("MK", "1979-11-02", "male", "Mac", "OX4 3", "Cowley Road", ["heroin"], 14, undefined, "given"),
  demoPerson(
    "LT",
    "1992-06-21",
    "female",
    "Lou",
    "OX1 1",
    "Bonn Square",
    ["crack", "alcohol"],
    16,
    "domestic_abuse",
    "given",
  ),
  demoPerson(
    "DR",
    "1985-01-30",
    "male",
    "Dodge",
    "OX1 2",
    "Gloucester Green",
    ["spice"],
    20,
    "self_neglect",
    "given",
  ),
  demoPerson(
    "AW",
    "2007-09-05",
    "male",
    "Ash",
    "OX4 6",
    "Blackbird Leys",
    ["cannabis"],
    9,
    "county_lines",
    "refused",
  ),
  demoPerson(
    "KP",
    "1990-12-12",
    "female",
    "Kez",
    "OX4 2",
    "Florence Park",
    ["heroin", "benzodiazepine"],
    12,
    undefined,
    "given",
  ),
  demoPerson("SB", "1974-04-18", "male", "Scouse", "OX1 4", "Grandpont", ["alcohol"], 15, undefined, "given"),
  demoPerson(
    "RH",
    "1983-08-08",
    "male",
    "Robbo",
    "OX4 1",
    "Meadow Lane",
    ["heroin", "crack"],
    11,
    "adult_exploitation",
    "given",
  ),
  demoPerson(
    "TG",
    "1996-02-27",
    "female",
    "Tink",
    "OX3 7",
    "Cowley Road",
    ["cocaine", "alcohol"],
    7,
    undefined,
    "refused",
  ),
  demoPerson(
    "PM",
    "1969-10-10",
    "male",
    "Paddy",
    "OX1 1",
    "Bonn Square",
    ["alcohol", "benzodiazepine"],
    17,
    "self_neglect",
    "given",
  ),
  demoPerson("CD", "1987-05-03", "male", "Chalky", "OX4 4", "South Park", ["heroin"], 10, undefined, "given"),
  demoPerson(
    "NF",
    "1994-07-19",
    "female",
    "Nix",
    "OX2 0",
    "Gloucester Green",
    ["spice", "cannabis"],
    8,
    undefined,
    undefined,
  ),
  demoPerson(
    "BO",
    "1981-03-23",
    "male",
    "Bish",
    "OX4 3",
    "Florence Park",
    ["amphetamine"],
    6,
    undefined,
    "given",
  ),
  demoPerson(
    "EL",
    "2006-11-30",
    "female",
    "Em",
    "OX4 6",
    "Blackbird Leys",
    ["cannabis", "alcohol"],
    5,
    "child_exploitation",
    "refused",
  ),
  demoPerson(
    "GC",
    "1977-01-15",
    "male",
    "Geordie",
    "OX1 4",
    "Grandpont",
    ["heroin", "other_opioid"],
    13,
    undefined,
    "given",
  ),
  demoPerson("HJ", "1991-09-09", "unknown", "H", "OX4 1", "Meadow Lane", ["crack"], 4, undefined, undefined),
  demoPerson(
    "FN",
    "1986-06-06",
    "male",
    "Fitz",
    "OX1 2",
    "Bonn Square",
    ["heroin", "crack"],
    12,
    "cuckooing",
    "given",
  ),
  demoPerson("VA", "1998-12-01", "female", "Vee", "OX3 9", "Cowley Road", ["cocaine"], 5, undefined, "given"),
  demoPerson(
    "WE",
    "1972-02-14",
    "male",
    "Wolfie",
    "OX1 1",
    "Gloucester Green",
    ["alcohol"],
    19,
    undefined,
    "given",
  ),
  demoPerson("ZY", "1989-08-28", "male", "Zed", "OX4 2", "South Park", ["heroin"], 9, undefined, "refused"),
  demoPerson(
    "IM",
    "1993-04-04",
    "female",
    "Izzy",
    "OX4 4",
    "Florence Park",
    ["benzodiazepine", "alcohol"],
    6,
    undefined,
    "given",
  ),
  demoPerson("OK", "1984-10-31", "male", "Ozzy", "OX1 4", "Grandpont", ["spice"], 10, undefined, undefined),
  demoPerson(
    "QR",
    "1980-05-25",
    "male",
    "Quinny",
    "OX4 1",
    "Meadow Lane",
    ["heroin", "crack"],
    8,
    "county_lines",
    "given",
  ),
  demoPerson(
    "US",
    "1995-03-17",
    "female",
    "Uma",
    "OX4 3",
    "Cowley Road",
    ["crack"],
    7,
    "domestic_abuse",
    "given",
  ),
  demoPerson(
    "YT",
    "1976-07-07",
    "male",
    "Yorkie",
    "OX1 1",
    "Bonn Square",
    ["alcohol", "heroin"],
    14,
    undefined,
    "given",
  ),
  demoPerson(
    "JD",
    "1999-01-21",
    "male",
    "JD",
    "OX4 6",
    "Blackbird Leys",
    ["cannabis", "cocaine"],
    6,
    undefined,
    undefined,
  ),
  demoPerson(
    "SP",
    "1982-09-13",
    "female",
    "Sparky",
    "OX4 2",
    "Florence Park",
    ["heroin"],
    9,
    undefined,
    "given",
  ),
  demoPerson(
    "RB",
    "1970-12-24",
    "male",
    "Rab",
    "OX1 2",
    "Gloucester Green",
    ["alcohol"],
    16,
    "self_neglect",
    "given",
  ),
  demoPerson(
    "CW",
    "1988-02-02",
    "female",
    "Cass",
    "OX4 1",
    "South Park",
    ["crack", "heroin"],
    11,
    "adult_exploitation",
    "given",
  ),
  demoPerson(
    "TH",
    "1985-11-11",
    "male",
    "Tommo",
    "OX1 4",
    "Grandpont",
    ["other_opioid"],
    5,
    undefined,
    "given",
  ),
  demoPerson(
    "MD",
    "1997-06-30",
    "male",
    "Mouse",
    "OX4 4",
    "Meadow Lane",
    ["amphetamine", "cannabis"],
    4,
    undefined,
    undefined,
  ),
  demoPerson(
    "AF",
    "1978-08-16",
    "female",
    "Annie",
    "OX3 7",
    "Cowley Road",
    ["alcohol"],
    8,
    undefined,
    "given",
  ),
];

/** Hotspots weighted by how busy they are, for anonymous contacts and needle finds. */
const busyHotspots = [
  "South Park",
  "South Park",
  "South Park",
  "Bonn Square",
  "Bonn Square",
  "Gloucester Green",
  "Gloucester Green",
  "Cowley Road",
  "Meadow Lane",
  "Grandpont",
  "Florence Park",
  "Blackbird Leys",
];

const notesBySubstance: Partial<Record<Substance, string[]>> = {
  heroin: [
    "Talked about overdose risk after a period of abstinence; took a kit.",
    "Injecting in the groin again; advised on safer sites and the needle exchange.",
    "Interested in a script; gave Turning Point's number and drop-in times.",
  ],
  crack: [
    "Up all night, not eaten; pointed to the lunch at the day centre.",
    "Pipe burns on lips; gave foils.",
  ],
  alcohol: [
    "Shaky this morning; talked about not stopping suddenly.",
    "Sleeping out by the river; passed to the street team.",
  ],
  spice: ["Slumped on the bench, came round while we were there; stayed until steady."],
  cannabis: ["Hanging round with older lads; gave youth service details."],
};

/**
 * A year of street outreach in Oxford: people met again and again at their usual hotspots, anonymous
 * contacts, harm-reduction supplies, safeguarding concerns (some since resolved), consent to share,
 * one duplicate merged (so the person page shows a merge that can be undone), and needle finds.
 */
export async function seedDemoOutreach(world: DemoWorld) {
  const random = makeRandom(20260401);
  const loggedBy = {
    userId: world.userIds.outreach_worker!,
    organisationId: world.organisationIds.taskforce!,
  };
  const today = world.today.getTime();
  const at = (daysAgo: number) => {
    const day = new Date(today - daysAgo * 86_400_000);
    day.setUTCHours(random.between(9, 20), random.pick([0, 10, 15, 20, 30, 40, 45, 50]), 0, 0);
    return day;
  };
  const ctxAt = (when: Date): Ctx => ({ ...world.ctx, now: () => when });
  let contactNumber = 0;
  const clientKey = () => `demo-contact-${String(++contactNumber).padStart(4, "0")}`;

  const contactAt = (hotspot: string, when: Date, extra: Partial<ContactInput>): ContactInput => {
    const interventions: ContactInput["interventions"] = [{ intervention: "harm_reduction_advice" }];
    const add = (intervention: InterventionKind, quantity?: number) =>
      interventions.push(quantity === undefined ? { intervention } : { intervention, quantity });
    const substances = extra.substances ?? [];
    if (substances.some((s) => s === "heroin" || s === "other_opioid") && random.chance(0.35)) {
      add("naloxone_supplied", random.between(1, 2));
    }
    if (substances.includes("heroin") && random.chance(0.4))
      add("needles_supplied", random.pick([10, 10, 20, 30]));
    if (substances.includes("heroin") && random.chance(0.2)) add("sharps_returned", random.between(3, 25));
    if (random.chance(0.25)) add("signposted");
    if (random.chance(0.15)) add("welfare_support");
    const contactType: ContactType = random.chance(0.15)
      ? "welfare_check"
      : random.chance(0.1)
        ? "patrol_encounter"
        : interventions.some((i) => i.intervention === "needles_supplied")
          ? "needle_exchange"
          : "street_outreach";
    const noteOptions = substances.flatMap((s) => notesBySubstance[s] ?? []);
    return {
      clientKey: clientKey(),
      occurredAt: when,
      hotspotId: world.hotspotIds[hotspot],
      contactType,
      substances,
      interventions,
      safeguardingConcerns: [],
      notes: noteOptions.length && random.chance(0.45) ? random.pick(noteOptions) : undefined,
      ...extra,
    };
  };

  const personIds = new Map<string, string>();
  for (const demo of people) {
    const visitDays = new Set<number>();
    while (visitDays.size < demo.visits) visitDays.add(random.between(1, 364));
    const days = [...visitDays].sort((a, b) => b - a);
    const first = at(days[0]!);
    const person = await createPerson({ ctx: ctxAt(first), input: demo.person });
    personIds.set(demo.person.alias!, person.id);
    if (demo.consent) {
      await recordConsent({
        ctx: ctxAt(first),
        input: {
          personId: person.id,
          kind: "share",
          status: demo.consent,
          recordedOn: first.toISOString().slice(0, 10),
        },
      });
    }
    // A concern is seen around the middle of their year and again later; early ones get resolved.
    const concernVisits = demo.concern
      ? new Set([Math.floor(days.length / 3), Math.floor((2 * days.length) / 3)])
      : new Set();
    for (const [index, daysAgo] of days.entries()) {
      const when = index === 0 ? first : at(daysAgo);
      const hotspot = random.chance(0.8) ? demo.hotspot : random.pick(busyHotspots);
      const raisesConcern = demo.concern && concernVisits.has(index);
      await logContact({
        ctx: ctxAt(when),
        loggedBy,
        input: contactAt(hotspot, when, {
          personId: person.id,
          substances: demo.substances.filter((_, i) => i === 0 || random.chance(0.6)),
          safeguardingConcerns: raisesConcern ? [demo.concern!] : [],
        }),
      });
    }
  }

  // Resolve the older safeguarding flags, as a worker would once a concern is dealt with.
  const flags = await world.ctx.db.select().from(safeguardingFlags);
  for (const flag of flags) {
    const ageDays = (today - flag.raisedAt.getTime()) / 86_400_000;
    if (ageDays > 120) {
      await resolveSafeguardingFlag({
        ctx: ctxAt(new Date(flag.raisedAt.getTime() + 14 * 86_400_000)),
        input: { flagId: flag.id, note: "Referred to the safeguarding team; case closed by social care." },
      });
    }
  }

  // Anonymous contacts: people who gave no details still count.
  for (let i = 0; i < 140; i++) {
    const when = at(random.between(1, 364));
    await logContact({
      ctx: ctxAt(when),
      loggedBy,
      input: contactAt(random.pick(busyHotspots), when, {
        substances: [random.pick(["heroin", "crack", "alcohol", "spice", "cannabis"] as const)],
      }),
    });
  }

  // A duplicate: met once with sex not recorded, then recognised and merged into Spider.
  const spider = people[0]!;
  const duplicateAt = at(40);
  const duplicate = await createPerson({
    ctx: ctxAt(duplicateAt),
    input: { ...spider.person, sex: "unknown", alias: undefined },
  });
  await logContact({
    ctx: ctxAt(duplicateAt),
    loggedBy,
    input: contactAt("South Park", duplicateAt, { personId: duplicate.id, substances: ["heroin"] }),
  });
  await mergePeople({
    ctx: ctxAt(at(30)),
    input: { survivorId: personIds.get(spider.person.alias!)!, mergedId: duplicate.id },
  });

  // Needle finds: a few a week across the hotspots, more at the busiest.
  for (let daysAgo = 364; daysAgo >= 1; daysAgo -= random.between(1, 4)) {
    const when = at(daysAgo);
    await logNeedleFind({
      ctx: ctxAt(when),
      loggedBy,
      input: {
        clientKey: `demo-needle-find-${daysAgo}`,
        foundAt: when,
        hotspotId: world.hotspotIds[random.pick(busyHotspots)],
        count: random.chance(0.1) ? random.between(15, 40) : random.between(1, 8),
      },
    });
  }
}
