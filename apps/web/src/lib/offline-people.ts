import { type DBSchema, deleteDB, type IDBPDatabase, openDB } from "idb";

/**
 * The people this worker met recently, kept on the phone so the person search works in a park with no
 * signal. Only what the picker shows (attributor, alias, postcode start, last seen) and nothing
 * clinical or about safeguarding; at most `maxOfflinePeople`, dropped `keepDays` after they were
 * fetched if no fresh list replaced them, and all of it at sign-out.
 */
export const maxOfflinePeople = 200;
export const keepDays = 14;
const dayMs = 86_400_000;

export interface OfflinePerson {
  id: string;
  attributor: string;
  alias: string | null;
  partialPostcode: string | null;
  lastContactAt: string | null;
}

interface Kept extends OfflinePerson {
  userId: string;
  keptAt: number;
}

interface PeopleSchema extends DBSchema {
  people: { key: string; value: Kept };
}

const defaultDbName = "pathways-people";

function open(dbName: string): Promise<IDBPDatabase<PeopleSchema>> {
  return openDB<PeopleSchema>(dbName, 1, {
    upgrade(db) {
      db.createObjectStore("people", { keyPath: "id" });
    },
  });
}

/** Replaces what the phone keeps with the server's latest list for this worker. */
export async function keepPeople(
  userId: string,
  people: readonly OfflinePerson[],
  { now = Date.now(), dbName = defaultDbName } = {},
): Promise<void> {
  const db = await open(dbName);
  try {
    const tx = db.transaction("people", "readwrite");
    await tx.store.clear();
    for (const person of people.slice(0, maxOfflinePeople)) {
      // Only the listed fields: whatever else an answer carries is not written to the phone.
      const { id, attributor, alias, partialPostcode, lastContactAt } = person;
      await tx.store.put({ id, attributor, alias, partialPostcode, lastContactAt, userId, keptAt: now });
    }
    await tx.done;
  } finally {
    db.close();
  }
}

/**
 * The same matches as the server's search: the start of an attributor ("JS 1988"), part of an alias,
 * or the start of a partial postcode. People kept for another worker, or kept too long, are not found
 * (and the stale ones are deleted).
 */
export async function searchOfflinePeople(
  userId: string,
  query: string,
  { now = Date.now(), dbName = defaultDbName, limit = 8 } = {},
): Promise<OfflinePerson[]> {
  const text = query.trim();
  if (text.length < 2) return [];
  const attributorStart = text.toUpperCase().replace(/[\s/.]+/g, "-");
  const postcodeStart = text.toUpperCase().replace(/\s+/g, " ");
  const aliasPart = text.toLowerCase();
  const db = await open(dbName);
  try {
    const all = await db.getAll("people");
    const stale = all.filter((person) => now - person.keptAt > keepDays * dayMs);
    if (stale.length > 0) {
      const tx = db.transaction("people", "readwrite");
      for (const person of stale) await tx.store.delete(person.id);
      await tx.done;
    }
    return all
      .filter((person) => person.userId === userId && now - person.keptAt <= keepDays * dayMs)
      .filter(
        (person) =>
          person.attributor.startsWith(attributorStart) ||
          (person.alias ?? "").toLowerCase().includes(aliasPart) ||
          (person.partialPostcode ?? "").startsWith(postcodeStart),
      )
      .sort((a, b) => a.attributor.localeCompare(b.attributor))
      .slice(0, limit)
      .map(({ id, attributor, alias, partialPostcode, lastContactAt }) => ({
        id,
        attributor,
        alias,
        partialPostcode,
        lastContactAt,
      }));
  } finally {
    db.close();
  }
}

/** Deletes everything kept (sign-out). */
export async function forgetOfflinePeople(dbName = defaultDbName): Promise<void> {
  try {
    await deleteDB(dbName);
  } catch {
    // No IndexedDB (private browsing): nothing was kept.
  }
}
