import { eq, referralEvents, referrals } from "@pathways/db";
import { type ReferralStatus, referralStatuses } from "@pathways/validators";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import { listWaitingList } from "../src/caseload.ts";
import { startEpisode } from "../src/episodes/index.ts";
import { Conflict, Forbidden, InvalidTransition, NotYours, ValidationError } from "../src/errors.ts";
import {
  createReferral,
  getReferral,
  listMyReferrals,
  listReferralServices,
  moveReferral,
  myReferralsVersion,
  referralDraft,
  referralMoveRefusal,
} from "../src/referrals/index.ts";
import {
  addContact,
  addPerson,
  auditOf,
  clinicalFields,
  keysOf,
  makePathwayWorld,
  type PathwayWorld,
  recordShareConsent,
} from "./pathway-fixtures.ts";

async function refer(world: PathwayWorld, personId: string, serviceId = world.serviceIds.opiate_treatment) {
  return createReferral({
    ctx: world.ctx("outreach_worker"),
    input: { personId, serviceId, reason: "Wants help with heroin use", source: "outreach" },
  });
}

/** A fresh referral taken along the legal path to `status`. */
async function referralIn(world: PathwayWorld, status: ReferralStatus) {
  const person = await addPerson(world.ctxOf("admin").db);
  const referral = await refer(world, person.id);
  const manager = world.ctx("treatment_manager");
  const path: Partial<Record<ReferralStatus, ReferralStatus[]>> = {
    requested: [],
    received: ["received"],
    accepted: ["received", "accepted"],
    rejected: ["rejected"],
    unable_to_contact: ["received", "unable_to_contact"],
    declined_by_client: ["received", "accepted", "declined_by_client"],
  };
  if (status === "cancelled") {
    await moveReferral({
      ctx: world.ctx("outreach_worker"),
      input: { referralId: referral.id, to: "cancelled" },
    });
  } else if (status === "treatment_started") {
    for (const to of ["received", "accepted"] as const) {
      await moveReferral({ ctx: manager, input: { referralId: referral.id, to } });
    }
    await startEpisode({
      ctx: manager,
      input: { referralId: referral.id, substanceGroup: "opiate", startedOn: "2026-01-05" },
    });
  } else {
    for (const to of path[status]!) {
      await moveReferral({
        ctx: manager,
        input: { referralId: referral.id, to, failureReason: to === "rejected" ? "not_eligible" : undefined },
      });
    }
  }
  return referral;
}

const legal: Record<ReferralStatus, ReferralStatus[]> = {
  requested: ["received", "rejected", "unable_to_contact", "declined_by_client", "cancelled"],
  received: ["accepted", "rejected", "unable_to_contact", "declined_by_client", "cancelled"],
  accepted: ["treatment_started", "rejected", "unable_to_contact", "declined_by_client", "cancelled"],
  treatment_started: [],
  rejected: [],
  unable_to_contact: [],
  declined_by_client: [],
  cancelled: [],
};

describeDb("referrals", (use) => {
  it("refuses every illegal status move, naming the current status, and changes nothing", async () => {
    const world = await makePathwayWorld(use().db);
    const manager = world.ctx("treatment_manager");
    const refused: string[] = [];
    for (const from of referralStatuses) {
      const referral = await referralIn(world, from);
      for (const to of referralStatuses) {
        if (legal[from].includes(to)) continue;
        const move = moveReferral({
          ctx: manager,
          input: {
            referralId: referral.id,
            to,
            failureReason: to === "rejected" ? "not_eligible" : undefined,
          },
        });
        const expected =
          from === to || legal[from].length === 0
            ? `Referral ${referral.reference} is already \`${from}\`; it cannot move to \`${to}\`.`
            : `Referral ${referral.reference} is \`${from}\`; it cannot move to \`${to}\`.`;
        await expect(move).rejects.toBeInstanceOf(InvalidTransition);
        await expect(move).rejects.toThrow(expected);
        refused.push(`${from}->${to}`);
      }
      const [after] = await use().db.select().from(referrals).where(eq(referrals.id, referral.id));
      expect(after!.status).toBe(from);
    }
    // 8 statuses x 8 targets, less the 15 legal moves (5 from each open status).
    expect(refused).toHaveLength(64 - 15);
  });

  it("gives the exact message of the issue for a move out of a terminal status", () => {
    expect(referralMoveRefusal("R-12", "rejected", "accepted")).toBe(
      "Referral R-12 is already `rejected`; it cannot move to `accepted`.",
    );
    expect(referralMoveRefusal("R-12", "requested", "received")).toBeNull();
  });

  it("moves to treatment_started only by starting an episode", async () => {
    const world = await makePathwayWorld(use().db);
    const referral = await referralIn(world, "accepted");
    await expect(
      moveReferral({
        ctx: world.ctx("treatment_manager"),
        input: { referralId: referral.id, to: "treatment_started" },
      }),
    ).rejects.toThrow(
      `Referral ${referral.reference} moves to \`treatment_started\` when an episode is started from it.`,
    );
  });

  it("records every change as an event with who, when, note and failure reason", async () => {
    const world = await makePathwayWorld(use().db);
    const referral = await referralIn(world, "received");
    world.clock.set("2026-01-07T12:00:00Z");
    await moveReferral({
      ctx: world.ctx("treatment_manager"),
      input: {
        referralId: referral.id,
        to: "unable_to_contact",
        note: "Three calls, no answer; letter sent",
      },
    });
    const events = await use()
      .db.select()
      .from(referralEvents)
      .where(eq(referralEvents.referralId, referral.id))
      .orderBy(referralEvents.at);
    expect(events.map((event) => [event.status, event.failureReason, event.note])).toEqual([
      ["requested", null, null],
      ["received", null, null],
      ["unable_to_contact", "unable_to_contact_client", "Three calls, no answer; letter sent"],
    ]);
    expect(events.at(-1)!.byUserId).toBe(world.actors.treatment_manager.userId);
    expect(events.at(-1)!.at).toEqual(new Date("2026-01-07T12:00:00Z"));
  });

  it("needs a failure reason to reject, and refuses one on a forward move", async () => {
    const world = await makePathwayWorld(use().db);
    const referral = await referralIn(world, "requested");
    const manager = world.ctx("treatment_manager");
    await expect(
      moveReferral({ ctx: manager, input: { referralId: referral.id, to: "rejected" } }),
    ).rejects.toMatchObject({
      fields: { failureReason: ["failure reason is required when rejecting a referral"] },
    });
    await expect(
      moveReferral({
        ctx: manager,
        input: { referralId: referral.id, to: "received", failureReason: "lack_of_capacity" },
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    const rejected = await moveReferral({
      ctx: manager,
      input: { referralId: referral.id, to: "rejected", failureReason: "lack_of_capacity" },
    });
    expect(rejected).toMatchObject({ status: "rejected", failureReason: "lack_of_capacity" });
  });

  it("needs the person's current consent to share when the referral crosses organisations", async () => {
    const world = await makePathwayWorld(use().db);
    const db = use().db;
    const none = await addPerson(db, { share: null });
    await expect(refer(world, none.id)).rejects.toThrow(
      new Forbidden(
        `A referral to ${world.actors.treatment_manager.organisationName} shares ${none.attributor}'s details with another organisation, and ${none.attributor} has no consent to share recorded. Record their consent to share before referring.`,
      ),
    );
    const refused = await addPerson(db, { share: "refused" });
    await expect(refer(world, refused.id)).rejects.toThrow(/refused consent to share on 2025-12-01/);

    // Consent given then withdrawn: the latest row decides.
    const withdrawn = await addPerson(db, { share: "given" });
    await recordShareConsent(db, withdrawn.id, "withdrawn", "2026-01-02");
    await expect(refer(world, withdrawn.id)).rejects.toThrow(/withdrew consent to share on 2026-01-02/);
    await recordShareConsent(db, withdrawn.id, "given", "2026-01-04");
    expect((await refer(world, withdrawn.id)).status).toBe("requested");
    expect(await db.select().from(referrals).where(eq(referrals.personId, none.id))).toEqual([]);

    // Within one organisation nothing is shared: a provider refers its own client without it.
    const client = await addPerson(db, {
      share: null,
      clientOf: world.actors.treatment_manager.organisationId,
    });
    await startEpisode({
      ctx: world.ctx("treatment_manager"),
      input: { personId: client.id, substanceGroup: "alcohol", startedOn: "2026-01-05" },
    });
    const internal = await createReferral({
      ctx: world.ctx("treatment_manager"),
      input: {
        personId: client.id,
        serviceId: world.serviceIds.non_opiate_treatment,
        reason: "Started using cocaine as well",
        source: "self",
      },
    });
    expect(internal.status).toBe("requested");
  });

  it("is idempotent on the client key: a resend returns the first referral", async () => {
    const world = await makePathwayWorld(use().db);
    const person = await addPerson(use().db);
    const input = {
      personId: person.id,
      serviceId: world.serviceIds.opiate_treatment,
      reason: "Wants a script",
      source: "outreach" as const,
      clientKey: `form-${person.id}`,
    };
    const first = await createReferral({ ctx: world.ctx("outreach_worker"), input });
    const again = await createReferral({ ctx: world.ctx("outreach_worker"), input });
    expect(again.id).toBe(first.id);
    expect(await use().db.select().from(referrals).where(eq(referrals.personId, person.id))).toHaveLength(1);
    // A second referral to the same service while one is open is refused, naming it.
    await expect(
      createReferral({ ctx: world.ctx("outreach_worker"), input: { ...input, clientKey: undefined } }),
    ).rejects.toThrow(
      new Conflict(
        `${person.attributor} already has an open referral to ${world.actors.treatment_manager.organisationName}: Opiate treatment (${first.reference}, \`requested\`).`,
      ),
    );
  });

  it("refers from a contact, and refuses an anonymous contact or another organisation's", async () => {
    const world = await makePathwayWorld(use().db);
    const person = await addPerson(use().db);
    const contact = await addContact(world, person.id, new Date("2026-01-05T09:00:00Z"));
    const draft = await referralDraft({
      ctx: world.ctx("outreach_worker"),
      input: { contactId: contact.id },
    });
    expect(draft.person.id).toBe(person.id);
    expect(draft.contact?.place).toBe("South Park, by the pavilion");
    expect(draft.shareConsent).toEqual({ status: "given", recordedOn: "2025-12-01" });
    expect(draft.services.find((service) => service.id === world.serviceIds.opiate_treatment)).toMatchObject({
      crossesOrganisations: true,
      blockedBy: null,
      openReferral: null,
    });
    const referral = await createReferral({
      ctx: world.ctx("outreach_worker"),
      input: {
        contactId: contact.id,
        serviceId: world.serviceIds.opiate_treatment,
        reason: "Asked for help",
        source: "outreach",
      },
    });
    const [row] = await use().db.select().from(referrals).where(eq(referrals.id, referral.id));
    expect(row).toMatchObject({ contactId: contact.id, personId: person.id });

    const anonymous = await addContact(world, null, new Date("2026-01-05T09:05:00Z"));
    await expect(
      createReferral({
        ctx: world.ctx("outreach_worker"),
        input: {
          contactId: anonymous.id,
          serviceId: world.serviceIds.opiate_treatment,
          reason: "x",
          source: "outreach",
        },
      }),
    ).rejects.toMatchObject({
      fields: {
        contactId: ["This contact is anonymous: add the person to the contact before referring them."],
      },
    });
    const other = await makeWorld(use().db);
    await expect(
      createReferral({
        ctx: other.ctxOf("outreach_worker"),
        input: {
          contactId: contact.id,
          serviceId: world.serviceIds.opiate_treatment,
          reason: "x",
          source: "outreach",
        },
      }),
    ).rejects.toThrow(new NotYours("contact", contact.id));
  });

  it("shows the referrer their referrals with status history only, newest first, a page at a time", async () => {
    const world = await makePathwayWorld(use().db);
    const made: string[] = [];
    for (let day = 1; day <= 3; day += 1) {
      world.clock.set(`2026-01-0${day}T10:00:00Z`);
      made.push((await refer(world, (await addPerson(use().db)).id)).id);
    }
    await moveReferral({
      ctx: world.ctx("treatment_manager"),
      input: {
        referralId: made[0]!,
        to: "rejected",
        failureReason: "not_eligible",
        note: "Lives outside the county",
      },
    });
    const ctx = world.ctx("outreach_worker");
    const first = await listMyReferrals({ ctx, input: { limit: 2, show: "all" } });
    expect(first.items.map((item) => item.id)).toEqual([made[2], made[1]]);
    const second = await listMyReferrals({
      ctx,
      input: { limit: 2, show: "all", cursor: first.nextCursor! },
    });
    expect(second.items.map((item) => item.id)).toEqual([made[0]]);
    expect(second.nextCursor).toBeNull();
    expect(second.items[0]!.history.map((event) => [event.status, event.failureReason, event.note])).toEqual([
      ["requested", null, null],
      ["rejected", "not_eligible", "Lives outside the county"],
    ]);
    expect((await listMyReferrals({ ctx, input: { limit: 25, show: "open" } })).items).toHaveLength(2);
    expect((await listMyReferrals({ ctx, input: { limit: 25, show: "closed" } })).items).toHaveLength(1);
    expect([...keysOf(first)].filter((key) => clinicalFields.includes(key))).toEqual([]);
    expect(keysOf(first).has("byName")).toBe(false);

    // One `list` audit event per referral returned.
    expect((await auditOf(use().db, made[2]!)).filter((event) => event.action === "list")).toHaveLength(2);

    // The screen polls a fingerprint that moves when a status changes.
    const before = await myReferralsVersion({ ctx, input: undefined });
    expect(before.count).toBe(3);
    world.clock.set("2026-01-04T10:00:00Z");
    await moveReferral({
      ctx: world.ctx("treatment_manager"),
      input: { referralId: made[1]!, to: "received" },
    });
    const after = await myReferralsVersion({ ctx, input: undefined });
    expect(after.latestChangeAt).toEqual(new Date("2026-01-04T10:00:00Z"));
    await expect(
      listMyReferrals({ ctx, input: { limit: 2, show: "all", cursor: "nonsense" } }),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it("lets the referrer cancel but not work a referral, and refuses everyone else", async () => {
    const world = await makePathwayWorld(use().db);
    const referral = await referralIn(world, "requested");
    const outreach = world.ctx("outreach_worker");
    await expect(
      moveReferral({ ctx: outreach, input: { referralId: referral.id, to: "received" } }),
    ).rejects.toThrow(
      `Only ${world.actors.treatment_manager.organisationName} can move referral ${referral.reference} to \`received\`; as its referrer you can cancel it.`,
    );
    const other = await makeWorld(use().db);
    for (const role of ["treatment_manager", "outreach_worker"] as const) {
      await expect(
        getReferral({ ctx: other.ctxOf(role), input: { referralId: referral.id } }),
      ).rejects.toThrow(new NotYours("referral", referral.id));
      await expect(
        moveReferral({ ctx: other.ctxOf(role), input: { referralId: referral.id, to: "cancelled" } }),
      ).rejects.toThrow(new NotYours("referral", referral.id));
    }
    for (const role of ["admin", "commissioner"] as const) {
      await expect(
        getReferral({ ctx: world.ctx(role), input: { referralId: referral.id } }),
      ).rejects.toBeInstanceOf(Forbidden);
      await expect(
        createReferral({
          ctx: world.ctx(role),
          input: {
            personId: referral.person.id,
            serviceId: world.serviceIds.alcohol_treatment,
            reason: "x",
            source: "other",
          },
        }),
      ).rejects.toBeInstanceOf(Forbidden);
    }
    // A treatment manager refers only their own provider's clients.
    const stranger = await addPerson(use().db);
    await expect(
      createReferral({
        ctx: world.ctx("treatment_manager"),
        input: {
          personId: stranger.id,
          serviceId: world.serviceIds.alcohol_treatment,
          reason: "x",
          source: "self",
        },
      }),
    ).rejects.toThrow(new NotYours("person", stranger.id));
    // Another provider's manager never sees this referral on their waiting list.
    expect(
      (await listWaitingList({ ctx: other.ctxOf("treatment_manager"), input: { limit: 25, show: "all" } }))
        .items,
    ).toEqual([]);
    const cancelled = await moveReferral({
      ctx: outreach,
      input: { referralId: referral.id, to: "cancelled", note: "Moved away" },
    });
    expect(cancelled.status).toBe("cancelled");
  });

  it("lists the services that take referrals, saying which cross organisations", async () => {
    const world = await makePathwayWorld(use().db);
    const forOutreach = await listReferralServices({ ctx: world.ctx("outreach_worker"), input: undefined });
    const opiate = forOutreach.find((service) => service.id === world.serviceIds.opiate_treatment);
    expect(opiate?.crossesOrganisations).toBe(true);
    const forManager = await listReferralServices({ ctx: world.ctx("treatment_manager"), input: undefined });
    expect(
      forManager.find((service) => service.id === world.serviceIds.opiate_treatment)?.crossesOrganisations,
    ).toBe(false);
  });

  it("writes one audit event for creating a referral and one per status change", async () => {
    const world = await makePathwayWorld(use().db);
    const referral = await referralIn(world, "accepted");
    const events = await auditOf(use().db, referral.id);
    expect(events.map((event) => event.action).sort()).toEqual(["create", "update", "update"]);
    expect(events.every((event) => event.personId === referral.person.id)).toBe(true);
  });
});
