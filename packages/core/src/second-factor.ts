import { createHmac, randomBytes } from "node:crypto";
import {
  and,
  eq,
  gt,
  isNull,
  loginAttempts,
  recoveryCodes,
  sessions,
  signInChallenges,
  sql,
  users,
} from "@pathways/db";
import type { SecondFactorInput, UserIdInput } from "@pathways/validators";
import { Secret, TOTP } from "otpauth";
import QRCode from "qrcode";
import { audit } from "./audit.ts";
import { type Ctx, now, requestAddress, type UserActor, type VerbArgs } from "./context.ts";
import { NotFound, Unauthenticated } from "./errors.ts";
import { requireRoleOrSystem } from "./rights.ts";
import { type SessionSettings, type SignInRow, signInRows, startSession } from "./sessions.ts";
import { refuseWhenRateLimited } from "./sign-in-limits.ts";

/**
 * A second factor for staff (docs/decisions/0021-totp-second-factor.md): TOTP codes (RFC 6238: SHA-1,
 * 6 digits, 30-second steps, the default every authenticator app reads) through `otpauth`, and ten
 * one-time recovery codes stored as keyed hashes.
 */
const issuer = "Pathways";
/** A half-done sign-in expires: the code must follow the password within this time. */
const challengeMinutes = 10;
/** Wrong codes one challenge takes before the password must be given again. */
const maxCodeFailures = 5;
const recoveryCodeCount = 10;

export interface Enrolment {
  /** The secret as text (base32), to type into an authenticator app. */
  secret: string;
  /** The otpauth:// address the QR code holds. */
  uri: string;
  /** The QR code as an SVG data URL, for an <img>. */
  qrCode: string;
}

function totp(secret: string, label = "") {
  return new TOTP({
    issuer,
    label,
    secret: Secret.fromBase32(secret),
    algorithm: "SHA1",
    digits: 6,
    period: 30,
  });
}

/** A new TOTP secret: 160 random bits, as RFC 4226 recommends. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The code an authenticator app shows for `secret` at `at` (tests and the CLI's checks use it). */
export function totpCode(secret: string, at: Date): string {
  return totp(secret).generate({ timestamp: at.getTime() });
}

/** The 30-second step a code belongs to, allowing one step of clock drift either way, or null. */
function matchingStep(secret: string, code: string, at: Date): number | null {
  const delta = totp(secret).validate({ token: code, timestamp: at.getTime(), window: 1 });
  return delta === null ? null : Math.floor(at.getTime() / 30_000) + delta;
}

export async function enrolmentFor(secret: string, email: string): Promise<Enrolment> {
  const uri = totp(secret, email).toString();
  const svg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  return { secret, uri, qrCode: `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}` };
}

/** Ten codes like `k7m2p-x9q4r`: about 50 bits each, read off paper. */
function newRecoveryCodes(): string[] {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  return Array.from({ length: recoveryCodeCount }, () => {
    const chars = [...randomBytes(10)].map((byte) => alphabet[byte % alphabet.length]).join("");
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** Keyed with the session secret, so a stolen table cannot be searched by trying every code. */
function recoveryCodeHash(code: string, settings: SessionSettings): string {
  const normal = code.toLowerCase().replace(/[^a-z0-9]/g, "");
  return createHmac("sha256", settings.secret).update(`recovery:${normal}`).digest("base64url");
}

function challengeIdOf(token: string, settings: SessionSettings): string {
  return createHmac("sha256", settings.secret).update(`challenge:${token}`).digest("base64url");
}

/** Whether this user must give a second factor: enrolled, an admin (where required), or their organisation asks. */
export function needsSecondFactor(row: SignInRow, settings: SessionSettings): boolean {
  return (
    row.totpSecret !== null ||
    row.requiresSecondFactor ||
    (row.role === "admin" && (settings.adminsNeedSecondFactor ?? false))
  );
}

/** After the right password: a challenge for the code, and an enrolment when the user has no factor yet. */
export async function openChallenge(ctx: Ctx, row: SignInRow, settings: SessionSettings, at: Date) {
  const token = randomBytes(32).toString("base64url");
  const enrolSecret = row.totpSecret ? null : newTotpSecret();
  await ctx.db
    .insert(signInChallenges)
    .values({ id: challengeIdOf(token, settings), userId: row.id, enrolSecret, createdAt: at });
  return {
    step: "second_factor" as const,
    token: null,
    actor: null,
    challenge: token,
    enrolment: enrolSecret ? await enrolmentFor(enrolSecret, row.email) : null,
  };
}

const codeRefused = "That code is not right. Check the time on your phone and try the newest code.";

/**
 * The second step of signing in: a code from the authenticator app (or, once enrolled, a recovery
 * code). Enrolling confirms the new secret with its first code and returns the recovery codes, once.
 * Wrong codes count as failed sign-ins (sign-in-limits.ts), and a challenge takes five.
 */
export async function completeSignIn({
  ctx,
  input,
  settings,
}: {
  ctx: Ctx;
  input: SecondFactorInput;
  settings: SessionSettings;
}): Promise<{ token: string; actor: UserActor; recoveryCodes: string[] | null }> {
  const at = now(ctx);
  const address = requestAddress(ctx) ?? "local";
  const id = challengeIdOf(input.challenge, settings);
  const [challenge] = await ctx.db
    .select()
    .from(signInChallenges)
    .where(
      and(
        eq(signInChallenges.id, id),
        isNull(signInChallenges.endedAt),
        gt(signInChallenges.createdAt, new Date(at.getTime() - challengeMinutes * 60_000)),
      ),
    );
  const expired = "Your sign-in has expired. Please enter your email and password again.";
  if (!challenge) throw new Unauthenticated(expired);
  const [row] = await signInRows(ctx.db).where(eq(users.id, challenge.userId));
  if (!row || row.disabledAt) throw new Unauthenticated(expired);
  await refuseWhenRateLimited(ctx.db, row.email, address, at);

  const secret = challenge.enrolSecret ?? row.totpSecret;
  const step = secret ? matchingStep(secret, input.code.replace(/\s/g, ""), at) : null;
  const fresh = step !== null && (challenge.enrolSecret !== null || step > (row.totpLastStep ?? -1));
  const recoveryHash = !challenge.enrolSecret && !fresh ? recoveryCodeHash(input.code, settings) : null;

  const result = await ctx.db.transaction(async (tx) => {
    let usedRecoveryCode = false;
    if (recoveryHash) {
      const used = await tx
        .update(recoveryCodes)
        .set({ usedAt: at })
        .where(
          and(
            eq(recoveryCodes.userId, row.id),
            eq(recoveryCodes.codeHash, recoveryHash),
            isNull(recoveryCodes.usedAt),
          ),
        )
        .returning({ id: recoveryCodes.id });
      usedRecoveryCode = used.length > 0;
    }
    if (!fresh && !usedRecoveryCode) return null;
    await tx.update(signInChallenges).set({ endedAt: at }).where(eq(signInChallenges.id, id));
    let codes: string[] | null = null;
    if (challenge.enrolSecret) {
      codes = newRecoveryCodes();
      await tx
        .update(users)
        .set({ totpSecret: challenge.enrolSecret, totpLastStep: step })
        .where(eq(users.id, row.id));
      await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, row.id));
      await tx.insert(recoveryCodes).values(
        codes.map((code) => ({
          userId: row.id,
          codeHash: recoveryCodeHash(code, settings),
          createdAt: at,
        })),
      );
    } else if (fresh) {
      await tx.update(users).set({ totpLastStep: step }).where(eq(users.id, row.id));
    }
    const session = await startSession(tx, ctx, row, at, settings);
    if (codes) {
      await audit(
        tx,
        { ...ctx, actor: session.actor },
        { action: "enrol_second_factor", entity: "user", entityId: row.id },
      );
    }
    if (usedRecoveryCode) {
      await audit(
        tx,
        { ...ctx, actor: session.actor },
        { action: "use_recovery_code", entity: "user", entityId: row.id },
      );
    }
    await tx.insert(loginAttempts).values({ email: row.email, address, succeeded: true, at });
    return { ...session, recoveryCodes: codes };
  });
  if (result) return result;

  await ctx.db.insert(loginAttempts).values({ email: row.email, address, succeeded: false, at });
  await ctx.db
    .update(signInChallenges)
    .set({
      failures: sql`${signInChallenges.failures} + 1`,
      endedAt: challenge.failures + 1 >= maxCodeFailures ? at : null,
    })
    .where(eq(signInChallenges.id, id));
  throw new Unauthenticated(challenge.failures + 1 >= maxCodeFailures ? expired : codeRefused);
}

/**
 * Removes a user's second factor (a lost phone and lost recovery codes): the secret, the recovery
 * codes and every session go; if a second factor is required, they enrol again at the next sign-in.
 */
export async function resetSecondFactor({ ctx, input }: VerbArgs<UserIdInput>) {
  requireRoleOrSystem(ctx.actor, ["admin"]);
  const at = now(ctx);
  return ctx.db.transaction(async (tx) => {
    const [user] = await tx
      .update(users)
      .set({ totpSecret: null, totpLastStep: null })
      .where(eq(users.id, input.userId))
      .returning({ id: users.id, email: users.email });
    if (!user) throw new NotFound("user", input.userId);
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, user.id));
    await tx
      .update(signInChallenges)
      .set({ endedAt: at })
      .where(and(eq(signInChallenges.userId, user.id), isNull(signInChallenges.endedAt)));
    await tx
      .update(sessions)
      .set({ endedAt: at })
      .where(and(eq(sessions.userId, user.id), isNull(sessions.endedAt)));
    await audit(tx, ctx, { action: "reset_two_factor", entity: "user", entityId: user.id });
    return user;
  });
}
