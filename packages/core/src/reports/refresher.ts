import type { Executor } from "@pathways/db";
import { pause } from "../background.ts";
import type { OutboxLog } from "../community/outbox.ts";
import { refreshDayRollups } from "./day-rollups.ts";
import { refreshPersonRollups } from "./person-rollups.ts";

export interface RollupRefresher {
  /** Settles when the loop has ended. */
  stopped: Promise<void>;
  /** Ends the loop after the refresh in hand; resolves when it has. */
  stop(): Promise<void>;
}

/**
 * Keeps the report rollups folded in the background, so that a report finds at most a few seconds of
 * queued changes to fold before it reads (on PGlite that fold holds the only connection). Each refresh
 * works in small transactions and takes turns with other refreshers on an advisory lock, so a
 * server, a `pathways worker` and the reports may all run one at once.
 */
export function startRollupRefresher(options: {
  db: Executor;
  intervalMs?: number;
  log?: OutboxLog;
}): RollupRefresher {
  const log: OutboxLog = options.log ?? (() => {});
  const intervalMs = options.intervalMs ?? 2_000;
  const stopping = new AbortController();
  const loop = async () => {
    let failing = false;
    while (!stopping.signal.aborted) {
      try {
        await refreshDayRollups(options.db);
        await refreshPersonRollups(options.db);
        if (failing) log("info", "report rollups: the database is reachable again");
        failing = false;
      } catch (error) {
        if (!failing) log("error", "report rollups could not be folded; will keep trying", { err: error });
        failing = true;
      }
      await pause(intervalMs, stopping.signal);
    }
  };
  const stopped = loop();
  return {
    stopped,
    stop: () => {
      stopping.abort();
      return stopped;
    },
  };
}
