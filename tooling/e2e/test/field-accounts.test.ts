import { demoPassword } from "@pathways/seed";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type App,
  demoEmail,
  desktop,
  expectAccessible,
  newPage,
  phone,
  screenshot,
  signIn,
  startApp,
} from "../src/harness.ts";

/**
 * Issue 18, problem 4: an administrator edits a user (name, role, organisation, within the kind
 * rule), and anyone changes their own password, which signs them out everywhere else.
 */
let app: App;
// Starting the server and seeding the demo city can outlast the 2-minute hook limit on a shared, busy machine.
beforeAll(async () => {
  app = await startApp();
}, 600_000);
afterAll(() => app?.stop());

describe("journey: editing users and one's own password", () => {
  it("renames a user, then moves them to another role only with a fitting organisation, asking first", async () => {
    const { page, context } = await newPage(app, desktop);
    await signIn(page, "admin");
    await page.goto("/admin");
    await page.getByRole("button", { name: "Edit Priya Shah" }).click();
    const form = page.getByRole("form", { name: "Edit Priya Shah" });
    await form.getByLabel("Name").fill("Priya Shah-Jones");
    await form.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("cell", { name: "Priya Shah-Jones", exact: true }).waitFor();

    await page.getByRole("button", { name: "Edit Priya Shah-Jones" }).click();
    const again = page.getByRole("form", { name: "Edit Priya Shah-Jones" });
    await again.getByLabel("Role").selectOption({ label: "Outreach worker" });
    // Only organisations an outreach worker may belong to are offered.
    const offered = await again.getByLabel("Organisation").locator("option").allInnerTexts();
    expect(offered.length).toBeGreaterThan(0);
    expect(offered.some((name) => /provider|treatment/i.test(name))).toBe(false);
    await again.getByRole("button", { name: "Save changes" }).click();
    await again.getByRole("group", { name: /^Change what Priya Shah-Jones may do\?/ }).waitFor();
    await expectAccessible(page, "the edit-user question");
    await screenshot(page, "field-44-edit-user-confirm-desktop");
    await again.getByRole("button", { name: "Yes, change it" }).click();
    await page.getByRole("form", { name: "Edit Priya Shah-Jones" }).waitFor({ state: "detached" });
    const row = page.getByRole("row").filter({ hasText: "Priya Shah-Jones" });
    await row.getByText("Outreach worker").waitFor();
    await context.close();
  });

  it("changes one's own password on a phone, with the current one, and the other device is signed out", async () => {
    const other = await newPage(app, phone);
    await signIn(other.page, "commissioner");
    const { page, context } = await newPage(app, phone);
    await signIn(page, "commissioner");
    await page.getByRole("button", { name: /change your password/ }).click();
    const dialog = page.getByRole("dialog", { name: "Change your password" });
    await dialog.getByLabel("Current password").fill("not the password at all");
    await dialog.getByLabel("New password").fill("three unrelated words here");
    await dialog.getByRole("button", { name: "Change password" }).click();
    await dialog.locator(".error-summary:focus").waitFor();
    await dialog.getByRole("link", { name: "Current password is not right" }).waitFor();
    await expectAccessible(page, "the password dialog with an error on a phone");
    await screenshot(page, "field-45-change-password-error-phone");

    await dialog.getByLabel("Current password").fill(demoPassword);
    await dialog.getByRole("button", { name: "Change password" }).click();
    await dialog.getByText(/signed out on 1 other device/).waitFor();
    await expectAccessible(page, "the password changed on a phone");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);

    // The other phone's session is over; signing in there takes the new password.
    await other.page.reload();
    await other.page.getByLabel("Email").waitFor();
    await other.page.getByLabel("Email").fill(demoEmail("commissioner"));
    await other.page.getByLabel("Password").fill("three unrelated words here");
    await other.page.getByRole("button", { name: "Sign in" }).click();
    await other.page.getByRole("button", { name: "Sign out" }).waitFor();
    // This phone is still signed in.
    await page.reload();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    await other.context.close();
    await context.close();
  });
});
