import { type Executor, queryRows, type SQL } from "@pathways/db";
import { yieldToEventLoop } from "../background.ts";

/**
 * Reports and rollup folds take turns on PGlite.
 *
 * PGlite runs one statement at a time on the JavaScript thread, and its answers settle as microtasks:
 * a report's statements, awaited one after another, never let the event loop run, so a contact being
 * logged meanwhile (its request not even read yet) waited for the whole report, 110-125 ms for a
 * five-year one. A report therefore lets the event loop run before each statement (reportRows), and a
 * contact waits for one statement. A fold could then land between two of a report's statements and
 * mix two states of the rollups in one report; a read-only transaction would prevent that, but on
 * PGlite a transaction holds the only connection, and contacts would wait for the whole report again.
 * So on PGlite a report holds a turn for all its statements, and each fold transaction waits for one
 * (the data directory belongs to one process, so a turn in this process excludes every fold). A
 * report's own folds run within its turn: they say so (`turnHeld`). No AsyncLocalStorage to know it:
 * on Node 20 that turns on promise hooks for every promise in the server, contacts' too. Turns are first come, first served: a fold waits for at most
 * the report in hand, and a report for at most one fold transaction.
 *
 * On PostgreSQL nothing changes: its statements already let the event loop run between them, and
 * taking turns there would make one process's reports wait for each other.
 */
class Turns {
  private last: Promise<void> = Promise.resolve();

  async take<T>(work: () => Promise<T>): Promise<T> {
    const previous = this.last;
    let release = () => {};
    this.last = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    try {
      return await work();
    } finally {
      release();
    }
  }
}

const turnsOf = new WeakMap<object, Turns>();

/** A PGlite database (not a transaction on one: a transaction already excludes everything else). */
function pgliteClient(db: Executor): object | null {
  const client = (db as { $client?: unknown }).$client;
  // postgres.js's client is a function (a tagged template); PGlite's is an instance.
  return typeof client === "object" && client !== null ? client : null;
}

/**
 * Runs a report, or one fold transaction, in its turn (on PGlite; on PostgreSQL at once). `turnHeld`:
 * the caller already holds it (a report folding a short queue before it reads), so it runs at once.
 */
export function inRollupTurn<T>(
  db: Executor,
  work: () => Promise<T>,
  options: { turnHeld?: boolean } = {},
): Promise<T> {
  const client = pgliteClient(db);
  if (!client || options.turnHeld) return work();
  let turns = turnsOf.get(client);
  if (!turns) {
    turns = new Turns();
    turnsOf.set(client, turns);
  }
  return turns.take(work);
}

/** One of a report's statements, after letting the event loop run (a contact's statement may go first). */
export async function reportRows<T>(db: Executor, query: SQL): Promise<T[]> {
  await yieldToEventLoop();
  return queryRows<T>(db, query);
}
