import { and, count, eq, taskforceActivity } from "@pathways/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, expectAccessible, newPage, phone, screenshot, signIn, startApp } from "../src/harness.ts";

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());

async function stored(kind: "patrol" | "seizure", cashPounds?: number) {
  const [row] = await app.server.database.db
    .select({ n: count() })
    .from(taskforceActivity)
    .where(
      and(
        eq(taskforceActivity.kind, kind),
        cashPounds === undefined ? undefined : eq(taskforceActivity.cashPounds, cashPounds),
      ),
    );
  return row!.n;
}

describe("journey: the taskforce log on a phone", () => {
  it("logs a patrol with signal and a seizure with none, and stores each once", async () => {
    // The demo city has its own patrols and seizures: count this journey's on top of them.
    const patrols = await stored("patrol");
    const seizures = await stored("seizure");
    const { page, context, signal } = await newPage(app, phone);
    await signIn(page, "outreach_worker");
    await page.getByRole("link", { name: "Taskforce log" }).click();
    await page.getByRole("heading", { name: "Taskforce log" }).waitFor();

    await page.getByText("Patrol", { exact: true }).click();
    await page.getByLabel("Where", { exact: true }).selectOption({ label: "South Park" });
    await page.getByText("Covert", { exact: true }).click();
    await expectAccessible(page, "the Taskforce log with a patrol");
    await screenshot(page, "taskforce-01-patrol-phone");
    await page.getByRole("button", { name: "Save patrol" }).click();
    await page.getByText("Saved: Patrol at South Park.").waitFor();
    expect(await stored("patrol")).toBe(patrols + 1);

    // No signal: the seizure waits on the phone, at the hotspot remembered from the patrol.
    await signal.lose();
    const cash = 4000 + Math.floor(Math.random() * 1000);
    const withCash = await stored("seizure", cash);
    await page.getByText("Seizure", { exact: true }).click();
    expect(await page.getByLabel("Where", { exact: true }).locator("option:checked").innerText()).toBe(
      "South Park",
    );
    expect(await page.getByLabel("Officers").count()).toBe(0);
    await page.getByLabel("Cash in pounds (if any)").fill(String(cash));
    await page.getByRole("button", { name: "One more: Knives" }).click();
    await page.getByRole("button", { name: "One more: Knives" }).click();
    await page.getByRole("button", { name: "Save seizure" }).click();
    await page.getByText("Saved on this phone, waiting to send.").waitFor();
    await screenshot(page, "taskforce-02-seizure-waiting-phone");
    expect(await stored("seizure", cash)).toBe(withCash);

    await signal.restore();
    await expect.poll(() => stored("seizure", cash), { timeout: 30_000 }).toBe(withCash + 1);
    await page.getByText(`Seized: £${cash.toLocaleString("en-GB")}, 2 knives`).waitFor();
    // The demo city's own covert patrols are listed too; the counts below say this one was stored once.
    await page.getByText("Covert patrol, 2 officers").first().waitFor();
    expect(await stored("patrol")).toBe(patrols + 1);
    expect(await stored("seizure")).toBe(seizures + 1);
    await screenshot(page, "taskforce-03-recent-phone");
    await context.close();
  });
});
