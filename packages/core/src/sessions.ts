import { createHmac, randomBytes } from "node:crypto";
import {
  and,
  count,
  type Executor,
  eq,
  gt,
  isNull,
  loginAttempts,
  max,
  oncePerDatabase,
  organisations,
  sessions,
  sql,
  users,
} from "@pathways/db";
import type { SignInInput } from "@pathways/validators";
import { audit } from "./audit.ts";
import { type Ctx, now, type UserActor } from "./context.ts";
import { RateLimited, Unauthenticated } from "./errors.ts";
import { hashPassword, verifyPassword } from "./passwords.ts";

export interface SessionSettings {
  /** Keys the hash that turns a cookie token into a stored session id. */
  secret: string;
  /** A session unused for this long is over. */
  idleMinutes: number;
}

/** Wrong passwords allowed in a row (per account, within the window) before sign-in is refused. */
export const maxFailuresPerAccount = 9;
/** Wrong passwords from one address, across accounts, within the window. */
export const maxFailuresPerAddress = 30;
export const failureWindowMinutes = 15;

const signInRefused = "That email and password do not match an active account.";

// Verified against when the email is unknown, so a wrong email takes as long as a wrong password.
let decoyHash: Promise<string> | undefined;
function decoy(): Promise<string> {
  decoyHash ??= hashPassword(newToken());
  return decoyHash;
}

/** 256 random bits for the cookie; only a keyed hash of them is stored. */
function newToken(): string {
  return randomBytes(32).toString("base64url");
}

export function sessionIdOf(token: string, settings: SessionSettings): string {
  return createHmac("sha256", settings.secret).update(token).digest("base64url");
}

export async function signIn({
  ctx,
  input,
  settings,
}: {
  ctx: Ctx;
  input: SignInInput;
  settings: SessionSettings;
}): Promise<{ token: string; actor: UserActor }> {
  const address = ctx.actor.kind === "public" ? ctx.actor.address : "local";
  const at = now(ctx);
  await refuseWhenRateLimited(ctx.db, input.email, address, at);

  const [row] = await userRows(ctx.db).where(eq(users.email, input.email));
  const passwordOk = row
    ? await verifyPassword(row.passwordHash, input.password)
    : await verifyPassword(await decoy(), input.password);
  const ok = Boolean(row && passwordOk && !row.disabledAt);

  // The attempt is recorded whatever happens next: a failure must count towards the rate limit.
  await ctx.db.insert(loginAttempts).values({ email: input.email, address, succeeded: ok, at });
  if (!ok || !row) throw new Unauthenticated(signInRefused);
  return ctx.db.transaction(async (tx) => {
    const token = newToken();
    const id = sessionIdOf(token, settings);
    await tx.insert(sessions).values({ id, userId: row.id, createdAt: at, lastSeenAt: at });
    const actor = toActor(row, id);
    await audit(tx, { ...ctx, actor }, { action: "sign_in", entity: "session", entityId: row.id });
    return { token, actor };
  });
}

async function refuseWhenRateLimited(db: Executor, email: string, address: string, at: Date) {
  const since = new Date(at.getTime() - failureWindowMinutes * 60_000);
  // Failures count since the account's last success: a correct password resets the run.
  const [lastSuccess] = await db
    .select({ at: max(loginAttempts.at) })
    .from(loginAttempts)
    .where(
      and(eq(loginAttempts.email, email), eq(loginAttempts.succeeded, true), gt(loginAttempts.at, since)),
    );
  const accountSince = lastSuccess?.at && lastSuccess.at > since ? lastSuccess.at : since;
  const [account] = await db
    .select({ n: count(), first: max(loginAttempts.at) })
    .from(loginAttempts)
    .where(
      and(
        eq(loginAttempts.email, email),
        eq(loginAttempts.succeeded, false),
        gt(loginAttempts.at, accountSince),
      ),
    );
  const [fromAddress] = await db
    .select({ n: count(), first: max(loginAttempts.at) })
    .from(loginAttempts)
    .where(
      and(
        eq(loginAttempts.address, address),
        eq(loginAttempts.succeeded, false),
        gt(loginAttempts.at, since),
      ),
    );
  const limited = [
    { row: account, limit: maxFailuresPerAccount },
    { row: fromAddress, limit: maxFailuresPerAddress },
  ].find(({ row, limit }) => (row?.n ?? 0) >= limit);
  if (limited?.row?.first) {
    // The window slides from the latest failure, so waiting out the message always works.
    const retryAt = limited.row.first.getTime() + failureWindowMinutes * 60_000;
    const seconds = Math.max(60, Math.ceil((retryAt - at.getTime()) / 1000));
    const minutes = Math.ceil(seconds / 60);
    throw new RateLimited(
      `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
      seconds,
    );
  }
}

const userColumns = {
  id: users.id,
  name: users.name,
  email: users.email,
  role: users.role,
  passwordHash: users.passwordHash,
  disabledAt: users.disabledAt,
  organisationId: organisations.id,
  organisationName: organisations.name,
  organisationKind: organisations.kind,
};

function userRows(db: Executor) {
  return db
    .select(userColumns)
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId));
}

function toActor(
  row: Awaited<ReturnType<ReturnType<typeof userRows>["execute"]>>[number],
  sessionId: string,
) {
  return {
    kind: "user",
    userId: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    organisationId: row.organisationId,
    organisationName: row.organisationName,
    organisationKind: row.organisationKind,
    sessionId,
  } satisfies UserActor;
}

// One round trip, prepared once per database: this runs before every signed-in request.
const sessionLookup = oncePerDatabase((db) =>
  db
    .select({ ...userColumns, lastSeenAt: sessions.lastSeenAt })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .innerJoin(sessions, eq(sessions.userId, users.id))
    .where(and(eq(sessions.id, sql.placeholder("sessionId")), isNull(sessions.endedAt)))
    .prepare("session_lookup"),
);

/**
 * The signed-in user a cookie token belongs to, or null when the session is unknown, ended, idle too
 * long or its user disabled. Touches `lastSeenAt` at most once a minute to keep reads cheap.
 */
export async function resolveSession(
  db: Executor,
  token: string,
  settings: SessionSettings,
  at: Date = new Date(),
): Promise<UserActor | null> {
  const id = sessionIdOf(token, settings);
  const [row] = await sessionLookup(db).execute({ sessionId: id });
  if (!row) return null;
  const idleMs = at.getTime() - row.lastSeenAt.getTime();
  if (row.disabledAt || idleMs > settings.idleMinutes * 60_000) {
    await db.update(sessions).set({ endedAt: at }).where(eq(sessions.id, id));
    return null;
  }
  if (idleMs > 60_000) await db.update(sessions).set({ lastSeenAt: at }).where(eq(sessions.id, id));
  return toActor(row, id);
}

/** Ends the caller's session on the server, so the cookie is worthless even if it was copied. */
export async function signOut({ ctx }: { ctx: Ctx }): Promise<void> {
  if (ctx.actor.kind !== "user" || !ctx.actor.sessionId) return;
  const { sessionId, userId } = ctx.actor;
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(sessions)
      .set({ endedAt: now(ctx) })
      .where(eq(sessions.id, sessionId));
    await audit(tx, ctx, { action: "sign_out", entity: "session", entityId: userId });
  });
}
