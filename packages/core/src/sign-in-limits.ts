import { and, count, type Executor, eq, gt, loginAttempts, max, min } from "@pathways/db";
import { RateLimited } from "./errors.ts";

/**
 * Sign-in limits (docs/decisions/0020-sign-in-limits-and-decoy-references.md): slow a guesser down
 * without locking out an office whose staff all sign in from one address.
 *
 * - Per account and address: 5 wrong passwords are free; each one after that must wait twice as
 *   long as the last (2 s, 4 s, 8 s ... up to 15 minutes) after the latest failure. A success from
 *   that address starts the count again.
 * - Per account, from addresses it has never signed in from (in the last 30 days): 20 failures in
 *   15 minutes, from however many addresses, refuse further tries from new addresses. The real user,
 *   at an address they have signed in from, is not held up by someone guessing elsewhere.
 * - Per address, for accounts never signed in from it: 30 failures in 15 minutes (password spraying
 *   across many accounts) refuse further tries for unknown accounts. Colleagues who have signed in
 *   from that address before carry on.
 */
export const freeFailuresPerPair = 5;
export const maxPairDelaySeconds = 15 * 60;
/** How long a pair's failures are remembered when there is no success to start again from. */
const pairMemoryMs = 24 * 60 * 60_000;
export const maxAccountFailures = 20;
export const maxAddressFailures = 30;
export const failureWindowMinutes = 15;
/** An address the account signed in from this recently is "known" to it. */
const knownAddressDays = 30;

/** The wait after the latest failure, given how many failures in a row one account has from one address. */
export function pairDelaySeconds(failures: number): number {
  if (failures < freeFailuresPerPair) return 0;
  return Math.min(2 ** (failures - freeFailuresPerPair + 1), maxPairDelaySeconds);
}

function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

function refuse(retryAt: number, at: Date): never {
  const seconds = Math.max(1, Math.ceil((retryAt - at.getTime()) / 1000));
  throw new RateLimited(`Too many failed sign-ins. Try again in ${waitText(seconds)}.`, seconds);
}

/**
 * Refuses a sign-in attempt that comes too soon, before its password is checked (so a refused attempt
 * tells nothing about the password and is not counted as a failure).
 */
export async function refuseWhenRateLimited(db: Executor, email: string, address: string, at: Date) {
  const pair = and(eq(loginAttempts.email, email), eq(loginAttempts.address, address));
  const [lastSuccess] = await db
    .select({ at: max(loginAttempts.at) })
    .from(loginAttempts)
    .where(
      and(
        pair,
        eq(loginAttempts.succeeded, true),
        gt(loginAttempts.at, new Date(at.getTime() - knownAddressDays * 86_400_000)),
      ),
    );
  const known = Boolean(lastSuccess?.at);
  const pairSince = new Date(Math.max(at.getTime() - pairMemoryMs, lastSuccess?.at?.getTime() ?? 0));
  const [pairFailures] = await db
    .select({ n: count(), last: max(loginAttempts.at) })
    .from(loginAttempts)
    .where(and(pair, eq(loginAttempts.succeeded, false), gt(loginAttempts.at, pairSince)));
  const delay = pairDelaySeconds(pairFailures?.n ?? 0);
  if (delay > 0 && pairFailures?.last) {
    const retryAt = pairFailures.last.getTime() + delay * 1000;
    if (retryAt > at.getTime()) refuse(retryAt, at);
  }
  if (known) return;

  const windowStart = new Date(at.getTime() - failureWindowMinutes * 60_000);
  for (const [column, value, limit] of [
    [loginAttempts.email, email, maxAccountFailures],
    [loginAttempts.address, address, maxAddressFailures],
  ] as const) {
    const [recent] = await db
      .select({ n: count(), first: min(loginAttempts.at) })
      .from(loginAttempts)
      .where(and(eq(column, value), eq(loginAttempts.succeeded, false), gt(loginAttempts.at, windowStart)));
    // The oldest failure in the window leaves it first: that is when the next try is allowed.
    if ((recent?.n ?? 0) >= limit && recent?.first) {
      refuse(recent.first.getTime() + failureWindowMinutes * 60_000, at);
    }
  }
}
