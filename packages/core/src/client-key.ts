import { type Executor, eq, hotspots } from "@pathways/db";
import { Conflict, ValidationError } from "./errors.ts";

/** What one record sent from a device under its own key needs, for storeOnce. */
export interface OnceByClientKey<Row, View> {
  /** The row already stored under the record's client key, if any. */
  stored(): Promise<Row | undefined>;
  /** Whether a stored row was sent by the caller (a key is one device's, never shared). */
  sentByCaller(row: Row): boolean;
  /** What to say when someone else's record has the key: the device must make a new one. */
  usedByAnother: string;
  /** Checks that need the database, run only when the record is new. */
  check?(): Promise<unknown>;
  /** The insert, doing nothing on a clash of client keys (`onConflictDoNothing`). */
  insert(): Promise<Row | undefined>;
  /** Done in the same transaction once the row is new (its audit event). */
  created?(row: Row): Promise<void>;
  /** Done in the same transaction when a stored row is sent again (a read of a person's record is audited). */
  replayed?(row: Row): Promise<void>;
  /** The row as the verb answers with it. */
  view(row: Row): Promise<View>;
}

/**
 * A record a device may send more than once (after a lost answer, or from its outbox) is stored once:
 * its client key finds the first copy, which comes back marked `replayed`, and nothing new is made.
 * Two sends racing each other meet at the unique client key, and the one that loses reads the
 * winner's row. Call it inside the verb's transaction.
 */
export async function storeOnce<Row, View>(
  once: OnceByClientKey<Row, View>,
): Promise<View & { replayed: boolean }> {
  const replay = async () => {
    const stored = await once.stored();
    if (!stored) return null;
    if (!once.sentByCaller(stored)) throw new Conflict(once.usedByAnother);
    await once.replayed?.(stored);
    return { ...(await once.view(stored)), replayed: true };
  };
  const replayed = await replay();
  if (replayed) return replayed;
  await once.check?.();
  const inserted = await once.insert();
  if (!inserted) return (await replay())!;
  await once.created?.(inserted);
  return { ...(await once.view(inserted)), replayed: false };
}

/**
 * A record's hotspot must still exist when it is stored (one retired or removed since is refused).
 * Returns it (null when the record names none), so a view can name it without reading it again.
 */
export async function requireHotspot(
  tx: Executor,
  hotspotId: string | null | undefined,
): Promise<{ id: string; name: string } | null> {
  if (!hotspotId) return null;
  const [hotspot] = await tx
    .select({ id: hotspots.id, name: hotspots.name })
    .from(hotspots)
    .where(eq(hotspots.id, hotspotId));
  if (!hotspot) throw ValidationError.field("hotspotId", "That hotspot no longer exists; choose another.");
  return hotspot;
}
