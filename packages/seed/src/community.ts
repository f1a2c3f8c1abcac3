import {
  acknowledgeCommunityReport,
  addCommunityReportNote,
  type Ctx,
  changeCommunityReportStatus,
  linkCommunityReport,
  markCommunityReportDuplicate,
  submitCommunityReport,
  type UserActor,
} from "@pathways/core";
import {
  and,
  asc,
  communityReports,
  contacts,
  eq,
  gte,
  inArray,
  lt,
  lte,
  needleFinds,
  organisations,
  outboxMessages,
  sql,
  users,
} from "@pathways/db";

import type { CommunityReportCategory, CommunityReportInput } from "@pathways/validators";
import type { DemoWorld } from "./world.ts";

/** A small seeded generator (mulberry32), so every demo city is the same. */
function generator(seed: number) {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    weighted: <T>(items: readonly (readonly [T, number])[]): T => {
      let roll = next() * items.reduce((sum, [, weight]) => sum + weight, 0);
      for (const [item, weight] of items) {
        roll -= weight;
        if (roll <= 0) return item;
      }
      return items.at(-1)![0];
    },
  };
}

const descriptions: Record<CommunityReportCategory, string[]> = {
  drug_dealing: [
    "Two men on bikes meeting people by the benches and handing over small packages, most evenings from about 6pm.",
    "A car keeps pulling up by the entrance for a minute at a time, people walk up to the window and leave again.",
    "Teenagers in school uniform being sent to the same flat several times a day. It looks like dealing.",
    "Same group every afternoon near the play area, swapping things and cash. Parents have stopped using it.",
  ],
  drug_use: [
    "People injecting in the stairwell of the car park. Left foil and spoons behind.",
    "Someone passed out on the bench this morning, breathing slowly. An ambulance came, but it keeps happening here.",
    "Smell of cannabis and people smoking crack behind the toilets most nights.",
    "A group drinking and using by the river path; people walking past feel intimidated.",
  ],
  discarded_needles: [
    "About ten used needles in the grass next to the children's play area.",
    "Needles and a sharps bin lid left under the bridge where dog walkers go.",
    "Used syringes in the flower bed outside the community centre again.",
    "Several needles by the bins behind the shops, some with caps off.",
  ],
  weapons: [
    "Saw a young man showing others a large knife near the bus stop.",
    "A machete hidden in the hedge by the footpath. I did not touch it.",
  ],
  exploitation_concern: [
    "A vulnerable neighbour has new 'friends' staying in his flat and he seems scared of them.",
    "Young children out very late with older men who give them phones and money.",
    "A girl of about 14 keeps being picked up by different cars outside the park.",
  ],
  other: [
    "Tents and bedding left in the park after a group moved on, with some drug paraphernalia.",
    "Broken glass and rubbish left where people gather at night.",
    "Street light broken at the entrance, which makes the dealing worse after dark.",
  ],
};

const typedPlaces = [
  "Behind the Co-op on Cowley Road",
  "Car park stairwell, Westgate",
  "Towpath under Folly Bridge",
  "Bus shelter by Templars Square",
  "Alleyway off Magdalen Road",
];

const categoryWeights = [
  ["drug_use", 30],
  ["drug_dealing", 26],
  ["discarded_needles", 24],
  ["other", 9],
  ["exploitation_concern", 6],
  ["weapons", 5],
] as const satisfies readonly (readonly [CommunityReportCategory, number])[];

/** Busier hotspots get more reports, as the taskforce's own counts show. */
const hotspotWeights = [
  ["South Park", 22],
  ["Cowley Road", 18],
  ["Gloucester Green", 15],
  ["Bonn Square", 12],
  ["Grandpont", 10],
  ["Meadow Lane", 9],
  ["Blackbird Leys", 8],
  ["Florence Park", 6],
] as const;

const inProgressNotes = [
  "An outreach patrol is visiting this area this week.",
  "The taskforce has added this place to its evening patrols.",
  "The council's street cleansing team has been asked to attend.",
];

const actionedNotes: Record<CommunityReportCategory, string[]> = {
  drug_dealing: [
    "Patrols spoke to people there and passed information to Thames Valley Police. Patrols continue.",
    "Officers attended twice; the activity has moved on. Please report again if it returns.",
  ],
  drug_use: [
    "Outreach workers visited, offered support and harm-reduction advice, and will keep checking.",
    "The stairwell has been cleaned and the car park operator has added a lock.",
  ],
  discarded_needles: [
    "The needles were collected safely and the area checked for more.",
    "Collected and disposed of. A sharps bin has been requested for this area.",
  ],
  weapons: ["Police attended and the item was removed safely. Thank you for not touching it."],
  exploitation_concern: [
    "The right safeguarding team has been told and is following this up. We cannot share details.",
  ],
  other: ["The area has been cleared by the council."],
};

const noActionNotes = [
  "Patrols visited three times and found nothing. Please report again if you see it happen.",
  "This is outside what the taskforce can act on; we have passed it to the council.",
];

const internalNotes = [
  "Checked on the evening patrol; two regulars present, no dealing seen.",
  "Matches intelligence from the Tuesday briefing.",
  "Passed to the neighbourhood policing team.",
  "Needle find logged on the outreach app.",
];

const day = 86_400_000;

/** The demo outreach worker and admin, as the actors who triage. */
async function staffActors(world: DemoWorld): Promise<UserActor[]> {
  const rows = await world.ctx.db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      organisationId: organisations.id,
      organisationName: organisations.name,
      organisationKind: organisations.kind,
    })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(inArray(users.role, ["outreach_worker", "admin"]));
  return rows.map((row) => ({ kind: "user", sessionId: null, ...row }));
}

/**
 * A year of residents' reports across the hotspots, triaged as the taskforce would: older reports
 * mostly closed, recent ones still open. Updates older than a day are marked delivered; recent
 * ones wait for the worker, and one bounced, so staff can see and retry a failed update.
 */
export async function seedDemoCommunity(world: DemoWorld): Promise<void> {
  const random = generator(2026);
  const staff = await staffActors(world);
  const worker = staff.find((actor) => actor.role === "outreach_worker");
  const admin = staff.find((actor) => actor.role === "admin") ?? worker;
  if (!worker || !admin) return;
  const at = (when: number): Ctx => ({ ...world.ctx, now: () => new Date(when) });
  const staffAt = (actor: UserActor, when: number): Ctx => ({
    ...world.ctx,
    actor,
    now: () => new Date(when),
  });
  const today = world.today.getTime();

  const submissions: {
    when: number;
    hotspot: string;
    category: CommunityReportCategory;
    wantsEmail?: boolean;
  }[] = [];
  for (let i = 0; i < 127; i += 1) {
    const daysAgo = Math.floor(random.next() ** 1.3 * 365);
    // Daytime and evening, when residents are out.
    const when = today - daysAgo * day - Math.floor((1 + random.next() * 14) * 3_600_000);
    submissions.push({
      when,
      hotspot: random.weighted(hotspotWeights),
      category: random.weighted(categoryWeights),
    });
  }
  // This morning's reports, with an email each: new work in triage and updates for the worker to send.
  for (const hoursAgo of [9, 5, 2]) {
    submissions.push({
      when: today - hoursAgo * 3_600_000,
      hotspot: random.weighted(hotspotWeights),
      category: random.weighted(categoryWeights),
      wantsEmail: true,
    });
  }
  submissions.sort((a, b) => a.when - b.when);

  let n = 0;
  const seen: { reference: string; when: number; hotspot: string; category: CommunityReportCategory }[] = [];
  for (const submission of submissions) {
    n += 1;
    const placeRoll = random.next();
    const hotspotId = world.hotspotIds[submission.hotspot];
    const place: Pick<CommunityReportInput, "hotspotId" | "location" | "lat" | "lng"> =
      placeRoll < 0.75 && hotspotId
        ? { hotspotId }
        : placeRoll < 0.9
          ? { location: random.pick(typedPlaces) }
          : {
              location: "Near the entrance",
              lat: 51.75 + random.next() * 0.01,
              lng: -1.25 + random.next() * 0.02,
            };
    const contactRoll = submission.wantsEmail ? 0 : random.next();
    const contact =
      contactRoll < 0.6
        ? { contactEmail: `resident.${String(n).padStart(3, "0")}@example.org` }
        : contactRoll < 0.7
          ? { contactPhone: `07700 900${String(n).padStart(3, "0")}` }
          : {};
    const { reference } = await submitCommunityReport({
      ctx: at(submission.when),
      input: {
        category: submission.category,
        description: random.pick(descriptions[submission.category]),
        ...place,
        ...contact,
      },
    });
    const id = await reportId(world, reference);
    const age = (today - submission.when) / day;

    // A repeat of a report made at the same place in the last three days is closed as a duplicate.
    const earlier = seen.find(
      (other) =>
        other.hotspot === submission.hotspot &&
        other.category === submission.category &&
        submission.when - other.when < 3 * day &&
        place.hotspotId,
    );
    seen.push({ reference, ...submission });
    if (earlier && random.next() < 0.7) {
      await markCommunityReportDuplicate({
        ctx: staffAt(worker, submission.when + 0.2 * day),
        input: { id, duplicateOfReference: earlier.reference },
      });
      continue;
    }

    // How far triage has got depends on the report's age: new ones wait, a few old ones linger.
    const stage =
      age < 2
        ? random.pick([0, 0, 1])
        : age < 7
          ? random.pick([0, 1, 1, 2, 3])
          : age < 30
            ? random.pick([2, 3, 3, 3])
            : random.pick([2, 3, 3, 3, 3, 3, 3, 3, 3, 3]);
    if (stage === 0) continue;
    let when = submission.when + (0.1 + random.next() * 1.2) * day;
    const actor = random.next() < 0.8 ? worker : admin;
    await acknowledgeCommunityReport({
      ctx: staffAt(actor, Math.min(when, today - 60_000)),
      input: { id, ...(random.next() < 0.3 ? { internalNote: random.pick(internalNotes) } : {}) },
    });
    if (stage === 1) continue;
    when += (0.5 + random.next() * 3) * day;
    await changeCommunityReportStatus({
      ctx: staffAt(actor, Math.min(when, today - 30_000)),
      input: { id, status: "in_progress", publicNote: random.pick(inProgressNotes) },
    });
    if (stage === 2) {
      if (random.next() < 0.3) {
        await addCommunityReportNote({
          ctx: staffAt(actor, Math.min(when + day, today - 20_000)),
          input: { id, internalNote: random.pick(internalNotes) },
        });
      }
      continue;
    }
    when += (1 + random.next() * 10) * day;
    const actioned = random.next() < 0.75;
    await changeCommunityReportStatus({
      ctx: staffAt(actor, Math.min(when, today - 10_000)),
      input: actioned
        ? { id, status: "closed_actioned", publicNote: random.pick(actionedNotes[submission.category]) }
        : { id, status: "closed_no_action", publicNote: random.pick(noActionNotes) },
    });
    // Acted-on reports at a hotspot are linked to the outreach that followed them up, when the
    // outreach seed recorded some there in the fortnight after.
    if (actioned && place.hotspotId) {
      await linkFollowUp(
        world,
        staffAt(actor, Math.min(when, today - 5_000)),
        id,
        place.hotspotId,
        submission,
      );
    }
  }

  // Updates from before yesterday went out at the time (one bounced); the rest wait for the worker.
  const yesterday = new Date(today - day);
  const [bounced] = await world.ctx.db
    .select({ id: outboxMessages.id })
    .from(outboxMessages)
    .where(and(eq(outboxMessages.status, "pending"), lt(outboxMessages.createdAt, yesterday)))
    .orderBy(outboxMessages.createdAt)
    .limit(1);
  if (bounced) {
    await world.ctx.db
      .update(outboxMessages)
      .set({
        status: "failed",
        attempts: 10,
        lastError: "550 5.1.1 <[recipient]>: Recipient address rejected: mailbox unavailable",
      })
      .where(eq(outboxMessages.id, bounced.id));
  }
  await world.ctx.db
    .update(outboxMessages)
    .set({ status: "sent", attempts: 1, sentAt: sql`${outboxMessages.createdAt} + interval '90 seconds'` })
    .where(and(eq(outboxMessages.status, "pending"), lt(outboxMessages.createdAt, yesterday)));
}

async function linkFollowUp(
  world: DemoWorld,
  ctx: Ctx,
  id: string,
  hotspotId: string,
  submission: { when: number; category: CommunityReportCategory },
) {
  const from = new Date(submission.when);
  const to = new Date(submission.when + 14 * day);
  const [contact] = await world.ctx.db
    .select({ id: contacts.id })
    .from(contacts)
    .where(
      and(eq(contacts.hotspotId, hotspotId), gte(contacts.occurredAt, from), lte(contacts.occurredAt, to)),
    )
    .orderBy(asc(contacts.occurredAt))
    .limit(1);
  const [find] =
    submission.category === "discarded_needles"
      ? await world.ctx.db
          .select({ id: needleFinds.id })
          .from(needleFinds)
          .where(
            and(
              eq(needleFinds.hotspotId, hotspotId),
              gte(needleFinds.foundAt, from),
              lte(needleFinds.foundAt, to),
            ),
          )
          .orderBy(asc(needleFinds.foundAt))
          .limit(1)
      : [];
  if (!contact && !find) return;
  await linkCommunityReport({
    ctx,
    input: { id, ...(contact ? { contactId: contact.id } : {}), ...(find ? { needleFindId: find.id } : {}) },
  });
}

async function reportId(world: DemoWorld, reference: string): Promise<string> {
  const [row] = await world.ctx.db
    .select({ id: communityReports.id })
    .from(communityReports)
    .where(eq(communityReports.reference, reference));
  return row!.id;
}
