import { createHash, randomBytes } from "node:crypto";

/**
 * A tracking token: 256 random bits, URL-safe (43 characters). Only its SHA-256 is stored, so the
 * database alone never lets anyone open a reporter's tracking page.
 */
export function newTrackingToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * SHA-256 without a key is enough here: the token has 256 bits of entropy, so a stolen hash cannot be
 * reversed by guessing, unlike a password.
 */
export function hashTrackingToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** CR-YYYY-NNNNNN: the year of submission (Europe/London) and its number within that year. */
export function formatReference(year: number, number: number): string {
  return `CR-${year}-${String(number).padStart(6, "0")}`;
}

/**
 * The rate limit counts submissions per address without keeping the address itself. An unkeyed hash
 * of an IPv4 address can be reversed by trying every address, which is why rows also expire within
 * the hour (see rate-limit.ts).
 */
export function hashAddress(address: string): string {
  return createHash("sha256").update(`community-report:${address}`, "utf8").digest("hex");
}
