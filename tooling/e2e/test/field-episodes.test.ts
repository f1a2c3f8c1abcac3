import { and, desc, episodes, eq, isNotNull, referrals, users } from "@pathways/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type App,
  demoEmail,
  desktop,
  expectAccessible,
  newPage,
  noSideways,
  phone,
  screenshot,
  signIn,
  startApp,
} from "../src/harness.ts";

/**
 * Issue 18, problem 15: a treatment manager's person page listed no episodes, and the referrer never
 * learned that a referral's treatment ended. Now both are shown, each within the reader's rights.
 */
let app: App;
// Starting the server and seeding the demo city can outlast the 2-minute hook limit on a shared, busy machine.
beforeAll(async () => {
  app = await startApp();
}, 600_000);
afterAll(() => app?.stop());

/** The demo worker's newest referral whose treatment has ended, with its episode. */
async function endedReferral() {
  const db = app.server.database.db;
  const [worker] = await db
    .select()
    .from(users)
    .where(eq(users.email, demoEmail("outreach_worker")));
  const [row] = await db
    .select({ referral: referrals, episode: episodes })
    .from(referrals)
    .innerJoin(episodes, eq(episodes.referralId, referrals.id))
    .where(and(eq(referrals.referringUserId, worker!.id), isNotNull(episodes.dischargedOn)))
    .orderBy(desc(referrals.requestedAt))
    .limit(1);
  expect(row, "a demo referral whose treatment ended").toBeDefined();
  return row!;
}

describe("journey: episodes on the person page, and treatment news for the referrer", () => {
  it("a treatment manager sees the person's episodes with their service and opens one (desktop)", async () => {
    const { episode } = await endedReferral();
    const { page, context } = await newPage(app, desktop);
    await signIn(page, "treatment_manager");
    await page.goto(`/people/${episode.personId}`);
    const section = page.getByRole("region", { name: "Treatment episodes" });
    await section.waitFor();
    const link = section.getByRole("link", { name: /, started / }).first();
    await link.waitFor();
    await expectAccessible(page, "the person page with episodes");
    await screenshot(page, "field-70-person-episodes-desktop");
    await section.locator(`a[href="/episodes/${episode.id}"]`).click();
    await page.waitForURL(new RegExp(`/episodes/${episode.id}$`));
    await page.getByRole("heading", { level: 1 }).waitFor();
    await expectAccessible(page, "the episode opened from the person page");
    await context.close();
  });

  it("the referrer sees that treatment started and ended, and how, without the reason (phone)", async () => {
    const { referral, episode } = await endedReferral();
    const { page, context } = await newPage(app, phone);
    await signIn(page, "outreach_worker");
    await page.goto("/referrals/mine");
    const card = page.locator(".referral-card").filter({ hasText: `R-${referral.number} ·` });
    for (let more = 0; (await card.count()) === 0 && more < 20; more++) {
      const button = page.getByRole("button", { name: /^(Show|Load) (more|older)/ });
      if ((await button.count()) === 0) break;
      await button.click();
      await page.getByRole("button", { name: "Loading…" }).waitFor({ state: "detached" });
    }
    const news = card.locator(".referral-treatment");
    await news.waitFor();
    const text = await news.innerText();
    expect(text).toMatch(
      /^Treatment started .+ · ended .+: (completed|transferred to another service|ended before completion)$/,
    );
    expect(text).not.toContain(episode.dischargeReason!.replaceAll("_", " "));
    await expectAccessible(page, "My referrals with treatment news");
    await noSideways(page, "My referrals with treatment news");
    await screenshot(page, "field-71-referral-treatment-ended-phone");
    await context.close();
  });
});
