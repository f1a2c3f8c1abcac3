import { describeDb, makeWorld } from "@pathways/vitest-config";
import { describe, expect, it } from "vitest";
import { submitCommunityReport } from "../src/community/reports.ts";
import type { Ctx } from "../src/context.ts";
import { RateLimited, Unauthenticated } from "../src/errors.ts";
import { hashPassword } from "../src/passwords.ts";
import { signIn } from "../src/sign-in.ts";
import { pairDelaySeconds } from "../src/sign-in-limits.ts";
import { reportInput } from "./community-helpers.ts";

const settings = { secret: "test-secret-test-secret-test-secret-0123", idleMinutes: 30 };
const password = "correct horse battery staple";

/** A clock the test moves by hand, so waits are exact and no test sleeps. */
function clock(start = "2026-11-23T09:00:00Z") {
  let at = new Date(start).getTime();
  return { now: () => new Date(at), advance: (seconds: number) => (at += seconds * 1000) };
}

describe("sign-in delays", () => {
  it("lets 5 failures through, then doubles the wait up to 15 minutes", () => {
    expect([0, 4, 5, 6, 7, 13, 14, 40].map(pairDelaySeconds)).toEqual([0, 0, 2, 4, 8, 512, 900, 900]);
  });
});

describeDb("an attacker against sign-in and the community form", (use) => {
  async function world() {
    return makeWorld(use().db, { passwordHash: await hashPassword(password) });
  }
  const from = (address: string, time: ReturnType<typeof clock>): Ctx => ({
    db: use().db,
    actor: { kind: "public", address },
    now: time.now,
  });
  /** One sign-in attempt: "ok", "wrong" (401) or the seconds a 429 says to wait. */
  async function attempt(ctx: Ctx, email: string, given: string): Promise<"ok" | "wrong" | number> {
    try {
      await signIn({ ctx, input: { email, password: given }, settings });
      return "ok";
    } catch (error) {
      if (error instanceof Unauthenticated) return "wrong";
      if (error instanceof RateLimited) return error.retryAfterSeconds;
      throw error;
    }
  }

  it("slows one address guessing one account with growing waits, and the right password waits too", async () => {
    const { actors } = await world();
    const time = clock();
    const attacker = from("198.51.100.10", time);
    const email = actors.outreach_worker.email;
    for (let i = 0; i < 5; i++) expect(await attempt(attacker, email, `guess ${i}`)).toBe("wrong");
    expect(await attempt(attacker, email, "guess 5")).toBe(2);
    // Even the right password is refused while waiting, so a refusal reveals nothing.
    expect(await attempt(attacker, email, password)).toBe(2);
    time.advance(2);
    expect(await attempt(attacker, email, "guess 5")).toBe("wrong");
    expect(await attempt(attacker, email, "guess 6")).toBe(4);
    time.advance(4);
    expect(await attempt(attacker, email, "guess 6")).toBe("wrong");
    expect(await attempt(attacker, email, "guess 7")).toBe(8);
    // Refused tries are not counted: hammering does not lengthen the wait, waiting it out works.
    for (let i = 0; i < 10; i++) await attempt(attacker, email, "hammer");
    time.advance(8);
    expect(await attempt(attacker, email, password)).toBe("ok");
    // A success starts the count again.
    expect(await attempt(attacker, email, "typo")).toBe("wrong");
    expect(await attempt(attacker, email, password)).toBe("ok");
  });

  it("does not lock out an office behind one address when someone there sprays passwords at many accounts", async () => {
    const office = "192.0.2.44";
    const time = clock();
    const colleagues = await world();
    // The colleagues have signed in from the office before.
    for (const role of ["outreach_worker", "treatment_manager"] as const) {
      expect(await attempt(from(office, time), colleagues.actors[role].email, password)).toBe("ok");
    }
    const targets = await world();
    let refused = 0;
    for (let i = 0; i < 40; i++) {
      const target = Object.values(targets.actors)[i % 4]!.email;
      const result = await attempt(from(office, time), `${i}.${target}`, "Winter2026!");
      if (typeof result === "number") refused++;
      time.advance(1);
    }
    // 30 failures in 15 minutes from the address: the sprayer is stopped for accounts never used there.
    expect(refused).toBe(10);
    expect(typeof (await attempt(from(office, time), targets.actors.admin.email, password))).toBe("number");
    // Colleagues at the same address sign in as usual.
    for (const role of ["outreach_worker", "treatment_manager"] as const) {
      expect(await attempt(from(office, time), colleagues.actors[role].email, password)).toBe("ok");
    }
  });

  it("stops guessing one account from many addresses, while its owner signs in from a known address", async () => {
    const { actors } = await world();
    const time = clock();
    const email = actors.admin.email;
    expect(await attempt(from("192.0.2.1", time), email, password)).toBe("ok");
    for (let i = 0; i < 20; i++) {
      expect(await attempt(from(`203.0.113.${i}`, time), email, `guess ${i}`)).toBe("wrong");
    }
    const next = await attempt(from("203.0.113.200", time), email, password);
    expect(next).toBeGreaterThan(800);
    expect(await attempt(from("192.0.2.1", time), email, password)).toBe("ok");
    time.advance(15 * 60 + 1);
    expect(await attempt(from("203.0.113.200", time), email, password)).toBe("ok");
  });

  it("limits community reports to 5 in 10 minutes per address for signed-in staff too", async () => {
    const { actors } = await world();
    const time = clock();
    const staff: Ctx = { db: use().db, actor: actors.outreach_worker, address: "192.0.2.99", now: time.now };
    for (let i = 0; i < 5; i++) await submitCommunityReport({ ctx: staff, input: reportInput() });
    await expect(submitCommunityReport({ ctx: staff, input: reportInput() })).rejects.toBeInstanceOf(
      RateLimited,
    );
    // The same address signed out is the same address.
    await expect(
      submitCommunityReport({ ctx: from("192.0.2.99", time), input: reportInput() }),
    ).rejects.toBeInstanceOf(RateLimited);
  });

  it("gives a bot caught by the honeypot a reference in sequence with real ones, and limits it the same", async () => {
    const time = clock("2033-03-01T12:00:00Z");
    const references: string[] = [];
    for (let i = 0; i < 3; i++) {
      const real = await submitCommunityReport({ ctx: from(`198.51.100.${i}`, time), input: reportInput() });
      const bot = await submitCommunityReport({
        ctx: from("203.0.113.66", time),
        input: reportInput({ website: "http://spam.example" }),
      });
      references.push(real.reference, bot.reference);
    }
    // Nothing in the numbers tells the bot's answers from the residents'.
    expect(references).toEqual(
      Array.from({ length: 6 }, (_, i) => `CR-2033-${String(i + 1).padStart(6, "0")}`),
    );
    // The bot meets the same limit as a resident would: a 6th report in 10 minutes is refused.
    for (let i = 0; i < 2; i++) {
      await submitCommunityReport({
        ctx: from("203.0.113.66", time),
        input: reportInput({ website: "http://spam.example" }),
      });
    }
    await expect(
      submitCommunityReport({ ctx: from("203.0.113.66", time), input: reportInput({ website: "x" }) }),
    ).rejects.toBeInstanceOf(RateLimited);
  });
});
