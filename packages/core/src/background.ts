/** Waits `ms`, or less if `signal` aborts first: a background loop's sleep that a shutdown cuts short. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}

export interface BackgroundLoop {
  /** Settles when the loop has ended. */
  stopped: Promise<void>;
  /** Ends the loop after the step in hand; resolves when it has. */
  stop(): Promise<void>;
}

/** Runs `loop` until `stop()`: the loop checks the signal between steps and pauses with it. */
export function backgroundLoop(loop: (stopping: AbortSignal) => Promise<void>): BackgroundLoop {
  const stopping = new AbortController();
  const stopped = loop(stopping.signal);
  return {
    stopped,
    stop: () => {
      stopping.abort();
      return stopped;
    },
  };
}

/**
 * Lets the event loop run (signal handlers, log writes, timers). PGlite answers on the JavaScript
 * thread and its promises settle as microtasks, so a loop of statements never lets a SIGTERM handler
 * in on its own: a fold awaits this between steps, before it looks at its stop signal.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
