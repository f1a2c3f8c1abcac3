import { createHmac, randomBytes } from "node:crypto";
import {
  and,
  type Executor,
  eq,
  isNull,
  oncePerDatabase,
  organisations,
  sessions,
  sql,
  users,
} from "@pathways/db";
import { audit } from "./audit.ts";
import { type Ctx, now, type UserActor } from "./context.ts";

export interface SessionSettings {
  /** Keys the hash that turns a cookie token into a stored session id. */
  secret: string;
  /** A session unused for this long is over. */
  idleMinutes: number;
  /** Admins must sign in with a second factor (on in production; see the server's env.ts). */
  adminsNeedSecondFactor?: boolean;
}

/** 256 random bits for the cookie; only a keyed hash of them is stored. */
function newToken(): string {
  return randomBytes(32).toString("base64url");
}

export function sessionIdOf(token: string, settings: SessionSettings): string {
  return createHmac("sha256", settings.secret).update(token).digest("base64url");
}

/** A new session for a user who has proved who they are, audited in the caller's transaction. */
export async function startSession(
  tx: Executor,
  ctx: Ctx,
  row: SignInRow,
  at: Date,
  settings: SessionSettings,
): Promise<{ token: string; actor: UserActor }> {
  const token = newToken();
  const id = sessionIdOf(token, settings);
  await tx.insert(sessions).values({ id, userId: row.id, createdAt: at, lastSeenAt: at });
  const actor = toActor(row, id);
  await audit(tx, { ...ctx, actor }, { action: "sign_in", entity: "session", entityId: row.id });
  return { token, actor };
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

/** What signing in reads about a user: the session columns and the second factor's. */
export function signInRows(db: Executor) {
  return db
    .select({
      ...userColumns,
      totpSecret: users.totpSecret,
      totpLastStep: users.totpLastStep,
      requiresSecondFactor: organisations.requiresSecondFactor,
    })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId));
}
export type SignInRow = Awaited<ReturnType<ReturnType<typeof signInRows>["execute"]>>[number];

function toActor(
  row: Omit<SignInRow, "totpSecret" | "totpLastStep" | "requiresSecondFactor">,
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
