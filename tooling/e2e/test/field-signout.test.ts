import { and, contacts, desc, eq, isNull, sessions, users } from "@pathways/db";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type App,
  chooseHotspot,
  demoEmail,
  expectAccessible,
  newPage,
  noSideways,
  phone,
  screenshot,
  signIn,
  startApp,
} from "../src/harness.ts";

/** Issue 18, problems 1 and 5: signing out with no signal, and a session that ends while the app is open. */
let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());

async function outreachUserId() {
  const db = app.server.database.db;
  const [user] = await db
    .select()
    .from(users)
    .where(eq(users.email, demoEmail("outreach_worker")));
  return user!.id;
}

async function latestSession() {
  const db = app.server.database.db;
  const [session] = await db
    .select()
    .from(sessions)
    .where(eq(sessions.userId, await outreachUserId()))
    .orderBy(desc(sessions.createdAt))
    .limit(1);
  return session!;
}

async function storedWithNotes(notes: string) {
  return app.server.database.db.select().from(contacts).where(eq(contacts.notes, notes));
}

async function controlledByServiceWorker(page: Page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener("controllerchange", resolve));
    }
  });
}

describe("journey: signing out of a shared phone with no signal", () => {
  it("signs out at once, asks about unsent contacts, and ends the server session when the signal returns", async () => {
    const { page, context, signal } = await newPage(app, phone);
    await signIn(page, "outreach_worker");
    await page.getByRole("heading", { name: "Log contact" }).waitFor();
    await controlledByServiceWorker(page);
    const session = await latestSession();
    expect(session.endedAt).toBeNull();

    await chooseHotspot(page);
    await signal.lose();
    const notes = `kept at sign-out ${Date.now()}`;
    await page.getByLabel("Notes (optional)").fill(notes);
    await page.getByRole("button", { name: "Save contact" }).click();
    await page.getByText("Saved on this phone, waiting to send.").waitFor();

    await page.getByRole("button", { name: "Sign out" }).click();
    const dialog = page.getByRole("dialog", { name: "Some records are not sent yet" });
    await dialog.waitFor();
    await expectAccessible(page, "the unsent-records question at sign-out");
    await noSideways(page, "the unsent-records question");
    await screenshot(page, "field-01-signout-unsent-phone");

    await dialog.getByRole("button", { name: "Keep them and sign out" }).click();
    await page.getByText("You are signed out on this phone.").waitFor();
    await page.getByText(/as soon as there is a signal/).waitFor();
    expect(await page.getByRole("button", { name: "Sign out" }).count()).toBe(0);
    // The cursor is in the email field: the next person signs in straight away.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("email");
    await expectAccessible(page, "signed out with no signal");
    await noSideways(page, "signed out with no signal");
    await screenshot(page, "field-02-signed-out-offline-phone");

    // A reload with no signal stays signed out, though the server session has not ended yet.
    await page.reload();
    await page.getByText("You are signed out on this phone.").waitFor();
    expect(await page.getByRole("heading", { name: "Log contact" }).count()).toBe(0);
    expect((await latestSession()).endedAt).toBeNull();

    // Back in signal: the session ends on the server without anyone touching the phone.
    await signal.restore();
    await expect.poll(async () => (await latestSession()).endedAt, { timeout: 45_000 }).not.toBeNull();
    expect((await latestSession()).id).toBe(session.id);
    await page.getByText("You are signed out on this phone.").waitFor({ state: "detached", timeout: 15_000 });
    expect(await storedWithNotes(notes)).toEqual([]);

    // The same worker signs in again: the kept contact goes out.
    await page.getByLabel("Email").fill(demoEmail("outreach_worker"));
    await page.getByLabel("Password").fill("pathways-demo-2026");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Log contact" }).waitFor();
    await expect.poll(async () => (await storedWithNotes(notes)).length, { timeout: 45_000 }).toBe(1);
    await context.close();
  });

  it("deletes unsent contacts from the phone when the worker chooses to", async () => {
    const { page, context, signal, url } = await newPage(app, phone);
    await signIn(page, "outreach_worker");
    await page.getByRole("heading", { name: "Log contact" }).waitFor();
    await chooseHotspot(page);
    await signal.lose();
    const notes = `deleted at sign-out ${Date.now()}`;
    await page.getByLabel("Notes (optional)").fill(notes);
    await page.getByRole("button", { name: "Save contact" }).click();
    await page.getByText("Saved on this phone, waiting to send.").waitFor();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Delete them and sign out" }).click();
    await page.waitForURL(`${url}/`);
    await page.getByText("You are signed out on this phone.").waitFor();
    const left = await page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const request = indexedDB.open("pathways-outbox");
          request.onerror = () => reject(request.error);
          request.onsuccess = () => {
            const count = request.result.transaction("items").objectStore("items").count();
            count.onsuccess = () => resolve(count.result);
          };
        }),
    );
    expect(left).toBe(0);
    await signal.restore();
    await expect.poll(async () => (await latestSession()).endedAt, { timeout: 45_000 }).not.toBeNull();
    expect(await storedWithNotes(notes)).toEqual([]);
    await context.close();
  });
});

describe("journey: a session that ends while the app is open", () => {
  it("shows a clear signed-out state and tells the worker about contacts still on the phone", async () => {
    const { page, context, signal } = await newPage(app, phone);
    await signIn(page, "outreach_worker");
    await page.getByRole("heading", { name: "Log contact" }).waitFor();
    await chooseHotspot(page);
    await signal.lose();
    const notes = `waiting at expiry ${Date.now()}`;
    await page.getByLabel("Notes (optional)").fill(notes);
    await page.getByRole("button", { name: "Save contact" }).click();
    await page.getByText("Saved on this phone, waiting to send.").waitFor();

    // The session ends on the server (idle too long) while the phone has no signal.
    const db = app.server.database.db;
    await db
      .update(sessions)
      .set({ endedAt: new Date() })
      .where(and(eq(sessions.userId, await outreachUserId()), isNull(sessions.endedAt)));
    await signal.restore();
    await page.getByRole("link", { name: /^My contacts/ }).click();

    await page.getByText(/your session ended, so you are signed out/).waitFor({ timeout: 45_000 });
    await page
      .getByText("1 record you logged is still on this phone and will be sent after you sign in.")
      .waitFor();
    expect(await page.getByRole("button", { name: "Sign out" }).count()).toBe(0);
    await expectAccessible(page, "the signed-out state after the session ended");
    await noSideways(page, "the signed-out state after the session ended");
    await screenshot(page, "field-03-session-ended-phone");

    await page.getByLabel("Email").fill(demoEmail("outreach_worker"));
    await page.getByLabel("Password").fill("pathways-demo-2026");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(async () => (await storedWithNotes(notes)).length, { timeout: 45_000 }).toBe(1);
    await context.close();
  });

  it("says there is no connection instead of a browser error when signing in offline", async () => {
    const { page, context, signal } = await newPage(app, phone);
    await page.goto("/");
    await page.getByLabel("Email").waitFor();
    await signal.lose();
    await page.getByLabel("Email").fill(demoEmail("outreach_worker"));
    await page.getByLabel("Password").fill("pathways-demo-2026");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("Pathways cannot be reached. Check your signal and try again.").waitFor();
    expect(await page.getByText("Failed to fetch").count()).toBe(0);
    await expectAccessible(page, "signing in with no connection");
    await screenshot(page, "field-04-signin-offline-phone");
    await context.close();
  });
});
