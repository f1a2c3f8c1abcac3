import { randomBytes } from "node:crypto";
import { eq, loginAttempts, users } from "@pathways/db";
import type { SignInInput } from "@pathways/validators";
import { type Ctx, now, requestAddress, type UserActor } from "./context.ts";
import { Unauthenticated } from "./errors.ts";
import { hashPassword, verifyPassword } from "./passwords.ts";
import { needsSecondFactor, openChallenge } from "./second-factor.ts";
import { type SessionSettings, signInRows, startSession } from "./sessions.ts";
import { refuseWhenRateLimited } from "./sign-in-limits.ts";

const signInRefused = "That email and password do not match an active account.";

// Verified against when the email is unknown, so a wrong email takes as long as a wrong password.
let decoyHash: Promise<string> | undefined;
function decoy(): Promise<string> {
  decoyHash ??= hashPassword(randomBytes(32).toString("base64url"));
  return decoyHash;
}

export type SignInResult =
  | { step: "signed_in"; token: string; actor: UserActor; challenge?: undefined }
  | Awaited<ReturnType<typeof openChallenge>>;

/**
 * The password step. Users with a second factor (or who must have one) get a challenge to answer
 * with a code (`completeSignIn` in second-factor.ts); everyone else gets a session.
 */
export async function signIn({
  ctx,
  input,
  settings,
}: {
  ctx: Ctx;
  input: SignInInput;
  settings: SessionSettings;
}): Promise<SignInResult> {
  const address = requestAddress(ctx) ?? "local";
  const at = now(ctx);
  await refuseWhenRateLimited(ctx.db, input.email, address, at);

  const [row] = await signInRows(ctx.db).where(eq(users.email, input.email));
  const passwordOk = row
    ? await verifyPassword(row.passwordHash, input.password)
    : await verifyPassword(await decoy(), input.password);
  const ok = Boolean(row && passwordOk && !row.disabledAt);
  if (ok && row && needsSecondFactor(row, settings)) {
    // Nothing is recorded yet: the sign-in succeeds (and resets the failure count) only with the code.
    return openChallenge(ctx, row, settings, at);
  }

  // The attempt is recorded whatever happens next: a failure must count towards the rate limit.
  await ctx.db.insert(loginAttempts).values({ email: input.email, address, succeeded: ok, at });
  if (!ok || !row) throw new Unauthenticated(signInRefused);
  return ctx.db.transaction(async (tx) => ({
    step: "signed_in" as const,
    ...(await startSession(tx, ctx, row, at, settings)),
  }));
}
