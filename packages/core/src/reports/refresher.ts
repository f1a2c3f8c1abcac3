import type { Executor } from "@pathways/db";
import { type BackgroundLoop, backgroundLoop, pause } from "../background.ts";
import type { OutboxLog } from "../community/outbox.ts";
import { refreshDayRollups } from "./day-rollups.ts";
import { refreshPersonRollups } from "./person-rollups.ts";

export type RollupRefresher = BackgroundLoop;

/**
 * Keeps the report rollups folded in the background, so that a report finds at most a few seconds of
 * queued changes to fold before it reads (on PGlite that fold holds the only connection). Each refresh
 * works in small transactions and takes turns with other refreshers on an advisory lock, so several
 * servers and the reports themselves may all fold at once.
 */
export function startRollupRefresher(options: {
  db: Executor;
  intervalMs?: number;
  log?: OutboxLog;
}): RollupRefresher {
  const log: OutboxLog = options.log ?? (() => {});
  const intervalMs = options.intervalMs ?? 2_000;
  return backgroundLoop(async (stopping) => {
    let failing = false;
    while (!stopping.aborted) {
      try {
        await refreshDayRollups(options.db);
        await refreshPersonRollups(options.db);
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
