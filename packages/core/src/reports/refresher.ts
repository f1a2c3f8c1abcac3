import type { Executor } from "@pathways/db";
import { type BackgroundLoop, backgroundLoop, pause } from "../background.ts";
import type { OutboxLog } from "../community/outbox.ts";
import { refreshDayRollups, vacuumDayRollups } from "./day-rollups.ts";
import { refreshPersonRollups, vacuumAfter, vacuumRollups } from "./person-rollups.ts";

export type RollupRefresher = BackgroundLoop;

/**
 * Keeps the report rollups folded in the background, so that a report finds at most a few seconds of
 * queued changes (it folds those itself, or reads the rollups as of the oldest change still queued).
 * Each refresh works in small transactions and takes turns with other refreshers on an advisory lock,
 * so several servers and the reports themselves may all fold at once; after bulk change it rebuilds
 * the person rollups in one set-based transaction. A stop ends it between steps (a rebuild rolls back
 * and is done again at the next start).
 */
export function startRollupRefresher(options: {
  db: Executor;
  intervalMs?: number;
  /** Queue rows folded between vacuums of each family of rollups (vacuumAfter unless a test says less). */
  vacuumAfter?: number;
  log?: OutboxLog;
}): RollupRefresher {
  const log: OutboxLog = options.log ?? (() => {});
  const intervalMs = options.intervalMs ?? 2_000;
  const threshold = options.vacuumAfter ?? vacuumAfter;
  const db = options.db;
  // Queue rows folded in small steps since each family of rollups was last vacuumed (a fold of a long
  // queue vacuums after itself, as does a rebuild; a busy day of short folds adds up to the same).
  const vacuumDays = vacuumedEvery(threshold, () => vacuumDayRollups(db));
  const vacuumPeople = vacuumedEvery(threshold, () => vacuumRollups(db));
  return backgroundLoop(async (stopping) => {
    let failing = false;
    while (!stopping.aborted) {
      try {
        // The stop signal is checked between folding steps: `serve` stops within a step of SIGTERM.
        const days = await refreshDayRollups(db, { signal: stopping });
        await vacuumDays(days, days >= vacuumAfter, stopping);
        const folded = await refreshPersonRollups(db, {
          signal: stopping,
          onRebuild: (people) =>
            log("info", "report rollups: rebuilding every person's rollups after bulk change", { people }),
        });
        await vacuumPeople(folded.queued, folded.queued >= vacuumAfter || folded.rebuilt, stopping);
        if (failing) log("info", "report rollups: the database is reachable again");
        failing = false;
      } catch (error) {
        if (!failing) log("error", "report rollups could not be folded; will keep trying", { err: error });
        failing = true;
      }
      await pause(intervalMs, stopping);
    }
  });
}

/**
 * Adds up the queue rows of successive folds and vacuums once they reach `threshold`; a fold that
 * vacuumed after itself starts the count again.
 */
function vacuumedEvery(threshold: number, vacuum: () => Promise<void>) {
  let since = 0;
  return async (folded: number, vacuumedAlready: boolean, stopping: AbortSignal) => {
    since = vacuumedAlready ? 0 : since + folded;
    if (since >= threshold && !stopping.aborted) {
      await vacuum();
      since = 0;
    }
  };
}
