import { ValidationError } from "./errors.ts";

/** Keyset cursor: the last row's sort time (or day) and id; opaque to clients, checked when it comes back. */
export function encodeCursor(at: Date | string, id: string): string {
  return `${typeof at === "string" ? at : at.toISOString()}_${id}`;
}

export function decodeCursor(cursor: string): { at: string; id: string } {
  const match =
    /^(\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}\.\d{3}Z)?)_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(
      cursor,
    );
  // Checked strictly: the values go into SQL casts, and a bad cast must be a 400, never a 500.
  const at = match ? new Date(match[1]!) : null;
  if (!match || !at || Number.isNaN(at.getTime()) || !at.toISOString().startsWith(match[1]!)) {
    throw ValidationError.field("cursor", "cursor is not valid; start again from the first page");
  }
  return { at: match[1]!, id: match[2]! };
}
