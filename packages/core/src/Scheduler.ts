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
  /**
   * Runs `task` once after `delayMs` milliseconds (0 = as soon as possible, but not synchronously).
   * Any delay is honoured, however long (`Infinity`: never); a negative delay counts as 0.
   */
  scheduleOnce(delayMs: number, task: () => void): Cancellable;
}

/**
 * The longest delay one `setTimeout` honours (2^31 − 1 ms, about 24.8 days). Node fires a longer one
 * after 1 ms (with a `TimeoutOverflowWarning`), which would make a `throttle` with a 100-day period stop
 * throttling: longer delays are chained from timers of at most this length.
 */
export const MaxTimerDelayMs = 2 ** 31 - 1;

/** Checks a scheduler delay; NaN (an arithmetic slip in the caller) must not become "fire at once". */
export function requireDelay(scheduler: string, delayMs: number): void {
  if (typeof delayMs !== 'number' || Number.isNaN(delayMs)) {
    throw new RangeError(`${scheduler}.scheduleOnce: delayMs must be a number of milliseconds, got ${String(delayMs)}`);
  }
}

export interface SystemSchedulerOptions {
  /**
   * The longest single `setTimeout` used; longer delays are chained. Default (and maximum) `MaxTimerDelayMs`.
   * Only tests have a reason to lower it, to exercise chaining without waiting weeks.
   */
  readonly maxTimerDelayMs?: number;
}

/** The real-time scheduler: `setTimeout` and `performance.now()`. */
export class SystemScheduler implements Scheduler {
  private readonly maxTimerDelayMs: number;

  constructor(options: SystemSchedulerOptions = {}) {
    const max = options.maxTimerDelayMs ?? MaxTimerDelayMs;
    if (!Number.isInteger(max) || max <= 0 || max > MaxTimerDelayMs) {
      throw new RangeError(`SystemScheduler: maxTimerDelayMs must be an integer in 1..${MaxTimerDelayMs}, got ${String(max)}`);
    }
    this.maxTimerDelayMs = max;
  }

  now(): number {
    return performance.now();
  }

  scheduleOnce(delayMs: number, task: () => void): Cancellable {
    requireDelay('SystemScheduler', delayMs);
    const delay = Math.max(0, delayMs);
    if (delay <= this.maxTimerDelayMs) return new SingleTimer(delay, task);
    return new ChainedTimer(performance.now() + delay, this.maxTimerDelayMs, task);
  }
}

class SingleTimer implements Cancellable {
  private done = false;
  private readonly handle: ReturnType<typeof setTimeout>;
  constructor(delay: number, task: () => void) {
    this.handle = setTimeout(() => {
      this.done = true;
      task();
    }, delay);
  }
  cancel(): boolean {
    if (this.done) return false;
    this.done = true;
    clearTimeout(this.handle);
    return true;
  }
}

/** A delay longer than one timer can hold: a chain of timers towards a fixed deadline, one pending at a time. */
class ChainedTimer implements Cancellable {
  private done = false;
  private handle: ReturnType<typeof setTimeout> | null = null;
  constructor(
    private readonly deadline: number,
    private readonly maxStep: number,
    private readonly task: () => void,
  ) {
    this.arm();
  }
  private arm(): void {
    // Measured against the deadline each time, so the steps' own lateness does not add up.
    const remaining = this.deadline - performance.now();
    if (remaining <= 0) {
      this.handle = null;
      this.done = true;
      this.task();
      return;
    }
    this.handle = setTimeout(() => this.arm(), Math.min(remaining, this.maxStep));
  }
  cancel(): boolean {
    if (this.done) return false;
    this.done = true;
    if (this.handle !== null) clearTimeout(this.handle);
    this.handle = null;
    return true;
  }
}
