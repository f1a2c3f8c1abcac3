import {
  type Ctx,
  getEpisode,
  listCaseload,
  listKeyworkers,
  listMyReferrals,
  listWaitingList,
} from "@pathways/core";
import { eq, users } from "@pathways/db";
import { describeDb } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import { seedDemo } from "../src/demo.ts";

describeDb("the treatment demo seed", (use) => {
  it("fills every treatment screen with referrals and episodes at each stage", async () => {
    const today = new Date("2026-11-23T12:00:00Z");
    const system: Ctx = { db: use().db, actor: { kind: "system", name: "seed" }, now: () => today };
    await seedDemo({ ctx: system });
    // Read back as the demo users would see it (the system actor acting for each).
    const userId = async (email: string) =>
      (await use().db.select({ id: users.id }).from(users).where(eq(users.email, email)))[0]!.id;
    const outreachWorker = await userId("outreach@demo.pathways");
    const treatmentManager = await userId("treatment@demo.pathways");

    const mine = await listMyReferrals({
      ctx: system,
      input: { limit: 100, show: "all", onBehalfOf: outreachWorker },
    });
    const statuses = new Set(mine.items.map((referral) => referral.status));
    for (const status of [
      "requested",
      "received",
      "accepted",
      "treatment_started",
      "rejected",
      "unable_to_contact",
    ]) {
      expect(statuses, status).toContain(status);
    }

    const waiting = await listWaitingList({
      ctx: system,
      input: { limit: 100, show: "all", onBehalfOf: treatmentManager },
    });
    expect(waiting.counts.over21Days).toBeGreaterThan(0);
    expect(waiting.counts.stale).toBeGreaterThan(0);
    expect(waiting.items.some((referral) => referral.isRepresentation)).toBe(true);

    // The caseload's lists of episodes at risk and TOP overdue (the demo city's opiate team, hundreds
    // of long-running clients first in "all", keep their TOPs up to date).
    const caseload = (show: "at_risk" | "top_overdue") =>
      listCaseload({ ctx: system, input: { limit: 100, show, onBehalfOf: treatmentManager } });
    const atRisk = await caseload("at_risk");
    expect(atRisk.items.length).toBeGreaterThan(0);
    expect(atRisk.items.every((episode) => episode.atRiskSince)).toBe(true);
    const topOverdue = await caseload("top_overdue");
    expect(topOverdue.items.length).toBeGreaterThan(0);
    expect(topOverdue.items.length).toBeLessThan(20);
    const keyworkers = await listKeyworkers({ ctx: system, input: { onBehalfOf: treatmentManager } });
    expect(keyworkers.keyworkers.every((keyworker) => keyworker.caseload.active > 0)).toBe(true);

    const episode = await getEpisode({
      ctx: system,
      input: { episodeId: atRisk.items[0]!.id, onBehalfOf: treatmentManager },
    });
    expect(episode.appointments.length).toBeGreaterThan(4);
    expect(episode.appointments.some((appointment) => appointment.outcome === null)).toBe(true);
  }, 120_000);
});
