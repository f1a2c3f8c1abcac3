import { describeDb } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import { discharge, getEpisode, startEpisode } from "../src/episodes/index.ts";
import { NotYours } from "../src/errors.ts";
import { getPerson } from "../src/people.ts";
import { createReferral, listMyReferrals, moveReferral } from "../src/referrals/index.ts";
import { addContact, addPerson, makePathwayWorld, type PathwayWorld } from "./pathway-fixtures.ts";

/**
 * Issue 18, problem 15: a treatment manager's person page lists their provider's episodes of the
 * person (and no other provider's), and the referrer learns that treatment started and ended, and
 * whether it was completed, without the discharge reason.
 */
describeDb("episodes on the person page, and treatment news for the referrer", (use) => {
  async function referredAndStarted(world: PathwayWorld, personId: string) {
    const contact = await addContact(world, personId, new Date("2026-01-05T09:30:00Z"));
    const referral = await createReferral({
      ctx: world.ctx("outreach_worker"),
      input: {
        contactId: contact.id,
        serviceId: world.serviceIds.opiate_treatment,
        reason: "Asked for a script",
        source: "outreach",
        clientKey: `contact-${contact.id}`,
      },
    });
    const manager = world.ctx("treatment_manager");
    await moveReferral({ ctx: manager, input: { referralId: referral.id, to: "received" } });
    await moveReferral({ ctx: manager, input: { referralId: referral.id, to: "accepted" } });
    world.clock.set("2026-01-19T09:00:00Z");
    const episode = await startEpisode({
      ctx: manager,
      input: {
        referralId: referral.id,
        keyworkerId: world.keyworkerIds[0],
        substanceGroup: "opiate",
        startedOn: "2026-01-19",
      },
    });
    return { referral, episode };
  }

  const news = async (world: PathwayWorld) =>
    (
      await listMyReferrals({ ctx: world.ctx("outreach_worker"), input: { limit: 25, show: "all" } })
    ).items.map((item) => item.treatment);

  it("lists the reader's own provider's episodes only, and refuses another provider's episode", async () => {
    const a = await makePathwayWorld(use().db);
    const b = await makePathwayWorld(use().db);
    const person = await addPerson(use().db, { share: "given" });
    const { episode: ofA } = await referredAndStarted(a, person.id);
    const { episode: ofB } = await referredAndStarted(b, person.id);

    const seenByA = await getPerson({ ctx: a.ctx("treatment_manager"), input: { id: person.id } });
    expect(seenByA.episodes.map((episode) => episode.id)).toEqual([ofA.id]);
    expect(seenByA.episodes[0]).toMatchObject({ startedOn: "2026-01-19", dischargedOn: null });
    const seenByB = await getPerson({ ctx: b.ctx("treatment_manager"), input: { id: person.id } });
    expect(seenByB.episodes.map((episode) => episode.id)).toEqual([ofB.id]);
    await expect(
      getEpisode({ ctx: b.ctx("treatment_manager"), input: { episodeId: ofA.id } }),
    ).rejects.toBeInstanceOf(NotYours);
    // An outreach worker reads the person, never an episode.
    const seenByWorker = await getPerson({ ctx: a.ctx("outreach_worker"), input: { id: person.id } });
    expect(seenByWorker.episodes).toEqual([]);
  });

  it("tells the referrer when treatment started and ended, and whether it was completed, never why", async () => {
    const world = await makePathwayWorld(use().db);
    const completer = await addPerson(use().db, { share: "given" });
    const leaver = await addPerson(use().db, { share: "given" });
    const first = await referredAndStarted(world, completer.id);
    expect(await news(world)).toEqual([{ startedOn: "2026-01-19", endedOn: null, ending: null }]);
    const second = await referredAndStarted(world, leaver.id);

    world.clock.set("2026-04-01T09:00:00Z");
    const manager = world.ctx("treatment_manager");
    await discharge({
      ctx: manager,
      input: {
        episodeId: first.episode.id,
        dischargedOn: "2026-03-30",
        reason: "completed_drug_free",
        ostAtExit: false,
      },
    });
    await discharge({
      ctx: manager,
      input: {
        episodeId: second.episode.id,
        dischargedOn: "2026-03-31",
        reason: "incomplete_client_died",
        ostAtExit: false,
      },
    });
    const told = await listMyReferrals({
      ctx: world.ctx("outreach_worker"),
      input: { limit: 25, show: "all" },
    });
    const byReferral = new Map(told.items.map((item) => [item.id, item.treatment]));
    expect(byReferral.get(first.referral.id)).toEqual({
      startedOn: "2026-01-19",
      endedOn: "2026-03-30",
      ending: "completed",
    });
    expect(byReferral.get(second.referral.id)).toEqual({
      startedOn: "2026-01-19",
      endedOn: "2026-03-31",
      ending: "ended",
    });
    expect(JSON.stringify(told)).not.toMatch(/died|drug_free|ostAtExit|dischargeReason/);
  });
});
