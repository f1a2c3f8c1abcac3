import { TRPCClientError } from "@trpc/client";
import { useEffect } from "react";
import type { SignedInUser } from "./session.ts";

/**
 * Opening the app with no signal: a service worker keeps the app shell (never API answers), and the
 * signed-in user's name and role are remembered on the phone so the outreach screens can open and
 * queue contacts. The session itself is still checked by the server on every send.
 */
export function registerOfflineShell(): void {
  if (!import.meta.env.PROD || !("serviceWorker" in navigator)) return;
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js").catch(() => {
      // Without it the app still works online; only opening it with no signal does not.
    });
  });
}

const rememberedUserKey = "pathways.user";
const sessionEndedKey = "pathways.sessionEnded";

/** Who was signed in when the server said the session had ended (idle too long), for the sign-in page. */
export interface EndedSession {
  userId: string;
  name: string;
  role: SignedInUser["role"];
}

export function rememberSessionEnded(user: EndedSession | null): void {
  try {
    if (user)
      localStorage.setItem(
        sessionEndedKey,
        JSON.stringify({ userId: user.userId, name: user.name, role: user.role }),
      );
    else localStorage.removeItem(sessionEndedKey);
  } catch {
    // Storage refused: the sign-in page then simply asks to sign in.
  }
}

export function endedSession(): EndedSession | null {
  try {
    const text = localStorage.getItem(sessionEndedKey);
    return text ? (JSON.parse(text) as EndedSession) : null;
  } catch {
    return null;
  }
}

export function forgetRememberedUser(): void {
  try {
    localStorage.removeItem(rememberedUserKey);
  } catch {
    // Storage refused: nothing was remembered.
  }
}

export function rememberedUser(): SignedInUser | null {
  try {
    const text = localStorage.getItem(rememberedUserKey);
    return text ? (JSON.parse(text) as SignedInUser) : null;
  } catch {
    return null;
  }
}

/** True when a call failed because Pathways could not be reached (not because it said no). */
export function isConnectionFailure(error: unknown): boolean {
  return !(error instanceof TRPCClientError) || error.data?.httpStatus === undefined;
}

/**
 * The user to show when "who is signed in?" could not be asked for lack of a connection: the one
 * last confirmed by the server on this phone. Null otherwise (signed out, or the server answered).
 */
export function useOfflineUser(me: {
  data: SignedInUser | null | undefined;
  isError: boolean;
  error: unknown;
}) {
  const confirmed = me.data;
  useEffect(() => {
    try {
      if (confirmed) {
        localStorage.setItem(rememberedUserKey, JSON.stringify(confirmed));
        rememberSessionEnded(null);
      } else if (confirmed === null) {
        // Signed in a moment ago and now not: the session ended on the server (idle, or signed out elsewhere).
        const previous = rememberedUser();
        if (previous) rememberSessionEnded(previous);
        localStorage.removeItem(rememberedUserKey);
      }
    } catch {
      // Storage refused: the app then needs a signal to open, as before.
    }
  }, [confirmed]);
  return me.isError && isConnectionFailure(me.error) ? rememberedUser() : null;
}
