import type { Cancellable, Scheduler } from '@tributary/core';
import type { ScoringState } from '../scoring/ScoringState.js';
import { formatCount } from './format.js';

/** What a mode adds to the progress line. */
export interface ProgressDetails {
  /** Bad records counted outside the scoring stage (e.g. skipped before it), added to its own count. */
  readonly extraBadRecords?: () => number;
  /** Printed after the rate, before the model (e.g. the Kafka mode's lag and partitions). */
  readonly details?: () => string;
}

/**
 * Prints a progress line at a fixed interval on a scheduler (the materializer's, so that tests run it
 * in virtual time): records out so far, the rate over the last interval, the mode's details, and the
 * current model.
 */
export class ProgressReporter {
  private timer: Cancellable | null = null;
  private lastOut = 0;
  private lastAt: number;
  private readonly startedAt: number;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly intervalMs: number,
    private readonly state: ScoringState,
    private readonly print: (line: string) => void,
    private readonly more: ProgressDetails = {},
  ) {
    if (!(Number.isFinite(intervalMs) && intervalMs > 0)) throw new RangeError(`ProgressReporter: intervalMs must be a positive number, got ${intervalMs}`);
    this.startedAt = scheduler.now();
    this.lastAt = this.startedAt;
  }

  start(): void {
    this.timer = this.scheduler.scheduleOnce(this.intervalMs, () => this.tick());
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  private tick(): void {
    const now = this.scheduler.now();
    const stats = this.state.stats();
    const out = stats.scored + stats.unscored;
    const rate = ((out - this.lastOut) * 1000) / Math.max(now - this.lastAt, 1);
    const current = this.state.current();
    const model = current === null ? 'no model yet' : `model "${current.name}" v${current.version}`;
    const badCount = stats.badRecords + (this.more.extraBadRecords?.() ?? 0);
    const bad = badCount > 0 ? ` · ${formatCount(badCount)} bad` : '';
    const details = this.more.details === undefined ? '' : ` · ${this.more.details()}`;
    this.print(
      `[${((now - this.startedAt) / 1000).toFixed(1)} s] ${formatCount(stats.scored)} scored · ${formatCount(stats.unscored)} unscored${bad} · ` +
        `${formatCount(Math.round(rate))} records/s${details} · ${model}`,
    );
    this.lastOut = out;
    this.lastAt = now;
    this.start();
  }
}
