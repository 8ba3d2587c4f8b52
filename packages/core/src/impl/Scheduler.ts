/**
 * Time source and timer service. Every timer of every stage goes through the materializer's
 * `Scheduler` — never a bare `setTimeout` — so tests can swap in a virtual clock
 * (`VirtualScheduler` in `@tributary/testkit`) and run time-based streams instantly.
 */
export interface Cancellable {
  /** Cancels the pending task; returns false if it already ran or was cancelled. */
  cancel(): boolean;
}

export interface Scheduler {
  /** Current time in milliseconds on this scheduler's clock. */
  now(): number;
  /** Runs `task` once after `delayMs` milliseconds (0 = as soon as possible, but not synchronously). */
  scheduleOnce(delayMs: number, task: () => void): Cancellable;
}

/** The real-time scheduler: `setTimeout` and `performance.now()`. */
export class SystemScheduler implements Scheduler {
  now(): number {
    return performance.now();
  }

  scheduleOnce(delayMs: number, task: () => void): Cancellable {
    let done = false;
    const handle = setTimeout(() => {
      done = true;
      task();
    }, Math.max(0, delayMs));
    return {
      cancel: () => {
        if (done) return false;
        done = true;
        clearTimeout(handle);
        return true;
      },
    };
  }
}
